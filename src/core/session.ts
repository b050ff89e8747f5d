// The state of one refactoring run, observable while it runs. The CLI prints from it, the review
// webview renders it; both subscribe to its events rather than polling.
import type { ChangeAction, Finding, Plan, Specialist } from './schemas';
import type { ModelRole } from './llm/chatProvider';

export type FileStatus = 'queued' | 'working' | 'proposed' | 'failed' | 'stale' | 'cancelled';

export interface RoleUsage {
  requests: number;
  promptTokens: number;
  completionTokens: number;
}
export type Usage = Record<ModelRole, RoleUsage>;

export interface FileChangeState {
  /** The plan's change id; stable for the session and used as the id the webview refers to. */
  id: string;
  path: string;
  action: ChangeAction;
  description: string;
  specialist: Specialist;
  dependsOn: string[];
  status: FileStatus;
  /** Content when read (null for a file to create). */
  original: string | null;
  /** Proposed content (null for a delete, or while not yet proposed). */
  proposed: string | null;
  /** Unified diff original -> proposed, empty until proposed. */
  diff: string;
  error?: string;
  /** How many times verification sent this file back to its worker. */
  revisions: number;
  findings: Finding[];
  timings: { startedAt?: number; finishedAt?: number };
}

export type SessionStage = 'reading' | 'planning' | 'working' | 'verifying' | 'revising' | 'done' | 'failed' | 'cancelled';

export type SessionEvent =
  | { type: 'stage'; stage: SessionStage }
  | { type: 'plan'; plan: Plan }
  | { type: 'file'; file: FileChangeState }
  | { type: 'findings'; findings: Finding[] }
  | { type: 'usage'; usage: Usage }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; message: string };

export type SessionListener = (event: SessionEvent) => void;

export function emptyUsage(): Usage {
  const zero = (): RoleUsage => ({ requests: 0, promptTokens: 0, completionTokens: 0 });
  return { planner: zero(), worker: zero(), verifier: zero() };
}
