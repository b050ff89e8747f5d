// The `refactorOrchestrator.*` settings, read once per run into what the core and the providers need.
// Endpoint and model settings are declared with machine scope in package.json, so a repository's
// `.vscode/settings.json` cannot redirect requests (and the user's key) to another host.
import * as vscode from 'vscode';
import { DEFAULT_ENGINE_SETTINGS, type EngineSettings } from '../core/engine/orchestrator';
import type { ModelRole } from '../core/llm/chatProvider';

export const SETTINGS_SECTION = 'refactorOrchestrator';

export type ProviderKind = 'openai-compatible' | 'vscode-lm';

export interface ProviderSettings {
  kind: ProviderKind;
  /** Empty means OpenAI's own endpoint. */
  baseUrl: string;
  models: Record<ModelRole, string>;
  azureApiVersion: string;
  timeoutMs: number;
  /** Predicted outputs for whole-file rewrites: auto = only where the endpoint is OpenAI's own API. */
  predictedOutputs: 'auto' | 'on' | 'off';
}

export interface WorkspaceSettings {
  extraExcludes: string[];
  maxFileBytes: number;
}

export interface ExtensionSettings {
  engine: EngineSettings;
  provider: ProviderSettings;
  workspace: WorkspaceSettings;
}

export const DEFAULT_MODEL = 'gpt-4o-mini';
export const DEFAULT_TIMEOUT_MS = 120_000;
export const DEFAULT_MAX_FILE_BYTES = 256 * 1024;

export function readSettings(configuration: vscode.WorkspaceConfiguration = vscode.workspace.getConfiguration(SETTINGS_SECTION)): ExtensionSettings {
  const text = (key: string, fallback: string): string => {
    const value = configuration.get<unknown>(key);
    return typeof value === 'string' ? value.trim() : fallback;
  };
  const integer = (key: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number => {
    const value = configuration.get<unknown>(key);
    if (typeof value !== 'number' || !Number.isFinite(value)) return fallback;
    return Math.min(max, Math.max(min, Math.round(value)));
  };
  const model = text('model', DEFAULT_MODEL);
  const roleModel = (key: string): string => text(key, '') || model;
  const excludes = configuration.get<unknown>('extraExcludes');

  return {
    engine: {
      ...DEFAULT_ENGINE_SETTINGS,
      concurrency: integer('concurrency', DEFAULT_ENGINE_SETTINGS.concurrency, 1, 16),
      maxFiles: integer('maxFiles', DEFAULT_ENGINE_SETTINGS.maxFiles, 1, 500),
      searchReplaceMinLines: integer('searchReplaceMinLines', DEFAULT_ENGINE_SETTINGS.searchReplaceMinLines, 1),
      revisionRounds: integer('revisionRounds', DEFAULT_ENGINE_SETTINGS.revisionRounds, 0, 3),
      compileCheckBudgetMs: integer('compileCheckBudgetMs', DEFAULT_ENGINE_SETTINGS.compileCheckBudgetMs, 100, 600_000),
      // In the editor the review can ask, so that is the default there (the CLI's is off).
      extendPlan: ((value) => (value === 'auto' || value === 'off' ? value : 'ask'))(text('extendPlan', 'ask')),
      languageServer: configuration.get<unknown>('languageServer') !== false,
      rateLimitDeadlineMs: integer('rateLimitDeadlineSeconds', DEFAULT_ENGINE_SETTINGS.rateLimitDeadlineMs / 1000, 1, 86_400) * 1000,
    },
    provider: {
      kind: text('provider', 'openai-compatible') === 'vscode-lm' ? 'vscode-lm' : 'openai-compatible',
      baseUrl: text('baseUrl', ''),
      models: { planner: roleModel('plannerModel'), worker: roleModel('workerModel'), verifier: roleModel('verifierModel') },
      azureApiVersion: text('azureApiVersion', ''),
      timeoutMs: integer('timeoutMs', DEFAULT_TIMEOUT_MS, 1000),
      predictedOutputs: ((value) => (value === 'on' || value === 'off' ? value : 'auto'))(text('predictedOutputs', 'auto')),
    },
    workspace: {
      extraExcludes: Array.isArray(excludes) ? excludes.filter((e): e is string => typeof e === 'string' && e.trim() !== '') : [],
      maxFileBytes: integer('maxFileBytes', DEFAULT_MAX_FILE_BYTES, 1024),
    },
  };
}
