// Builds the ChatProvider a run uses from the settings: the core's OpenAI(-compatible) client with the
// key from SecretStorage (or OPENAI_API_KEY), or the VS Code Language Model API.
import * as vscode from 'vscode';
import type { ChatProvider } from '../../core/llm/chatProvider';
import { baseURLProblem, createOpenAIProvider } from '../../core/llm/openaiProvider';
import { readApiKey } from './apiKey';
import { createLanguageModelProvider } from './languageModelProvider';
import type { ProviderSettings } from '../settings';
import { UserFacingError } from '../userFacingError';

/** openai-node's own retry count (connection errors, 408/409/429/5xx, honouring retry-after). */
const MAX_RETRIES = 2;

export async function createModelProvider(settings: ProviderSettings, secrets: vscode.SecretStorage): Promise<ChatProvider> {
  if (settings.kind === 'vscode-lm') {
    return createLanguageModelProvider({ models: settings.models, justification: 'Refactor Across Files plans and rewrites the files of your refactoring request.' });
  }
  const openSettings = { label: 'Open Settings', command: 'workbench.action.openSettings', args: ['refactorOrchestrator'] };
  // Checked before the key is read: a URL carrying credentials is refused rather than half-sent.
  const urlProblem = settings.baseUrl ? baseURLProblem(settings.baseUrl) : undefined;
  if (urlProblem) throw new UserFacingError(`refactorOrchestrator.baseUrl: ${urlProblem}.`, openSettings);
  const key = await readApiKey(secrets);
  if (!key && !settings.baseUrl) {
    throw new UserFacingError('No API key is set for OpenAI: run “Refactor Orchestrator: Set API Key”, or set refactorOrchestrator.baseUrl for a local server.', {
      label: 'Set API Key',
      command: 'refactorOrchestrator.setApiKey',
    });
  }
  try {
    return createOpenAIProvider({
      ...(settings.baseUrl ? { baseURL: settings.baseUrl } : {}),
      // Local servers (Ollama, LM Studio…) accept any key, but the client insists on having one.
      apiKey: key ?? 'not-needed',
      models: settings.models,
      timeoutMs: settings.timeoutMs,
      maxRetries: MAX_RETRIES,
      ...(settings.azureApiVersion ? { azureApiVersion: settings.azureApiVersion } : {}),
      ...(settings.predictedOutputs !== 'auto' ? { predictedOutputs: settings.predictedOutputs === 'on' } : {}),
    });
  } catch (error) {
    throw new UserFacingError(error instanceof Error ? error.message : String(error), openSettings);
  }
}
