// A ChatProvider over the VS Code Language Model API (`vscode.lm`), for users whose models come from
// another extension (e.g. GitHub Copilot) instead of an endpoint and key. The API has no system role,
// no response_format and no usage report, so: system text goes first as a user message, JSON-schema
// requests are declined with StructuredOutputUnsupportedError (the core then asks for prompted JSON and
// validates it), and tokens are estimated.
import * as vscode from 'vscode';
import { StructuredOutputUnsupportedError, type ChatMessage, type ChatProvider, type ChatRequest, type ChatResponse, type ModelRole } from '../../core/llm/chatProvider';
import { estimateTokens } from '../../core/llm/tokenEstimate';

export interface LanguageModelProviderOptions {
  /** Per role: a model family or id to look for; empty picks the first available model. */
  models: Record<ModelRole, string>;
  /** Shown in VS Code's consent dialog as the reason for the request. */
  justification: string;
}

export function createLanguageModelProvider(options: LanguageModelProviderOptions): ChatProvider {
  const chosen = new Map<ModelRole, Promise<vscode.LanguageModelChat>>();
  const modelFor = (role: ModelRole): Promise<vscode.LanguageModelChat> => {
    let model = chosen.get(role);
    if (!model) {
      model = selectModel(options.models[role]);
      // A failed lookup is not remembered: the user may install or sign in to a provider and retry.
      model.catch(() => chosen.delete(role));
      chosen.set(role, model);
    }
    return model;
  };
  return {
    description: 'VS Code language models',
    complete: (request) => complete(request, modelFor, options.justification),
  };
}

async function selectModel(wanted: string): Promise<vscode.LanguageModelChat> {
  const byFamily = wanted ? await vscode.lm.selectChatModels({ family: wanted }) : [];
  const byId = wanted && byFamily.length === 0 ? await vscode.lm.selectChatModels({ id: wanted }) : [];
  const candidates = byFamily.length > 0 ? byFamily : byId.length > 0 ? byId : wanted ? [] : await vscode.lm.selectChatModels();
  const model = candidates[0];
  if (!model) {
    throw new Error(
      wanted
        ? `No VS Code language model named '${wanted}' is available: check refactorOrchestrator.model, or install and sign in to an extension that provides it.`
        : 'No VS Code language model is available: install and sign in to an extension that provides one (e.g. GitHub Copilot), or switch refactorOrchestrator.provider to openai-compatible.',
    );
  }
  return model;
}

async function complete(request: ChatRequest, modelFor: (role: ModelRole) => Promise<vscode.LanguageModelChat>, justification: string): Promise<ChatResponse> {
  if (request.jsonSchema) throw new StructuredOutputUnsupportedError('VS Code language models take no response format; asking for JSON in the prompt instead.');
  request.signal.throwIfAborted();
  const model = await modelFor(request.role);

  // Bridge the core's AbortSignal to the CancellationToken the API wants.
  const cancellation = new vscode.CancellationTokenSource();
  const onAbort = (): void => cancellation.cancel();
  request.signal.addEventListener('abort', onAbort, { once: true });
  try {
    const response = await model.sendRequest(
      toLanguageModelMessages(request.messages),
      { justification, ...(request.maxOutputTokens ? { modelOptions: { max_tokens: request.maxOutputTokens } } : {}) },
      cancellation.token,
    );
    let text = '';
    for await (const fragment of response.text) {
      text += fragment;
      request.onDelta?.(fragment);
    }
    request.signal.throwIfAborted();
    const prompt = request.messages.map((message) => message.content).join('\n');
    return {
      text,
      finishReason: 'stop',
      usage: { promptTokens: estimateTokens(prompt), completionTokens: estimateTokens(text) },
      model: model.id,
    };
  } catch (error) {
    if (request.signal.aborted) throw abortError();
    throw describeLanguageModelError(error, model);
  } finally {
    request.signal.removeEventListener('abort', onAbort);
    cancellation.dispose();
  }
}

function toLanguageModelMessages(messages: ChatMessage[]): vscode.LanguageModelChatMessage[] {
  return messages.map((message) =>
    message.role === 'assistant' ? vscode.LanguageModelChatMessage.Assistant(message.content) : vscode.LanguageModelChatMessage.User(message.content),
  );
}

function describeLanguageModelError(error: unknown, model: vscode.LanguageModelChat): Error {
  if (error instanceof vscode.LanguageModelError) {
    const name = `${model.vendor} ${model.name}`;
    if (error.code === vscode.LanguageModelError.NoPermissions.name) {
      return new Error(`Refactor Orchestrator may not use ${name}: allow it when VS Code asks, or check Manage Language Model Access.`);
    }
    if (error.code === vscode.LanguageModelError.Blocked.name) return new Error(`${name} blocked the request (quota or policy): try again later.`);
    if (error.code === vscode.LanguageModelError.NotFound.name) return new Error(`${name} is no longer available: choose another model.`);
    return new Error(`${name} failed: ${error.message}`);
  }
  return error instanceof Error ? error : new Error(String(error));
}

function abortError(): Error {
  const error = new Error('Cancelled');
  error.name = 'AbortError';
  return error;
}
