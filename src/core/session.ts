// The state of one refactoring run, observable while it runs. The CLI prints from it, the review
// webview renders it; both subscribe to its events rather than polling.
import type { ChangeAction, Finding, Plan, Specialist } from './schemas';
import type { ModelRole } from './llm/chatProvider';

export type FileStatus = 'queued' | 'working' | 'proposed' | 'failed' | 'stale' | 'cancelled';

export interface RoleUsage {
  requests: number;
  promptTokens: number;
  completionTokens: number;
  /** Of `promptTokens`, those the server served from its prompt cache (0 when it does not say). */
  cachedPromptTokens: number;
  /** Predicted-output tokens the replies used and did not use (the rejected ones are billed). */
  acceptedPredictionTokens: number;
  rejectedPredictionTokens: number;
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
  const zero = (): RoleUsage => ({ requests: 0, promptTokens: 0, completionTokens: 0, cachedPromptTokens: 0, acceptedPredictionTokens: 0, rejectedPredictionTokens: 0 });
  return { planner: zero(), worker: zero(), verifier: zero() };
}

/** "worker 12 calls, 40,000 prompt tokens (30,000 cached), 2,000 completion; …" for logs. */
export function describeUsage(usage: Usage): string {
  const roles = (['planner', 'worker', 'verifier'] as const).filter((role) => usage[role].requests > 0);
  return roles
    .map((role) => {
      const u = usage[role];
      const predicted = u.acceptedPredictionTokens + u.rejectedPredictionTokens > 0 ? `, predictions ${u.acceptedPredictionTokens.toLocaleString('en-US')} accepted / ${u.rejectedPredictionTokens.toLocaleString('en-US')} rejected` : '';
      return `${role} ${u.requests} call${u.requests === 1 ? '' : 's'}, ${u.promptTokens.toLocaleString('en-US')} prompt tokens (${u.cachedPromptTokens.toLocaleString('en-US')} cached), ${u.completionTokens.toLocaleString('en-US')} completion${predicted}`;
    })
    .join('; ');
}

/**
 * One refactoring run. Readers (CLI, review panel) look at the public fields and subscribe with
 * `onEvent`; only the engine changes the state, through the methods marked as engine-side, so that
 * every change is announced.
 */
export class RefactorSession {
  readonly request: string;
  stage: SessionStage = 'reading';
  plan?: Plan;
  files: FileChangeState[] = [];
  findings: Finding[] = [];
  usage: Usage = emptyUsage();
  timings: { startedAt: number; plannedAt?: number; firstProposalAt?: number; workersDoneAt?: number; finishedAt?: number };
  error?: string;
  private readonly listeners = new Set<SessionListener>();

  constructor(request: string, now: number = Date.now()) {
    this.request = request;
    this.timings = { startedAt: now };
  }

  /** Subscribe to progress; returns the unsubscribe function. Events carry live objects, not copies. */
  onEvent(listener: SessionListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  file(id: string): FileChangeState | undefined {
    return this.files.find((file) => file.id === id);
  }

  /** Engine-side. A listener that throws must not break the run, so its error is dropped here. */
  emit(event: SessionEvent): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch {
        // A broken observer is the observer's problem; the refactor carries on.
      }
    }
  }

  /** Engine-side. */
  setStage(stage: SessionStage): void {
    if (this.stage === stage) return;
    this.stage = stage;
    this.emit({ type: 'stage', stage });
  }

  /** Engine-side: change a file's state and announce it. */
  updateFile(file: FileChangeState, patch: Partial<FileChangeState>): void {
    Object.assign(file, patch);
    this.emit({ type: 'file', file });
  }

  /** Engine-side. */
  setFindings(findings: Finding[]): void {
    this.findings = findings;
    for (const file of this.files) file.findings = findings.filter((finding) => finding.path === file.path);
    this.emit({ type: 'findings', findings });
  }

  /** Engine-side. */
  setUsage(usage: Usage): void {
    this.usage = usage;
    this.emit({ type: 'usage', usage });
  }

  /** Engine-side. */
  log(level: 'info' | 'warn' | 'error', message: string): void {
    this.emit({ type: 'log', level, message });
  }
}
