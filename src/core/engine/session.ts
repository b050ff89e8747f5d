// The state of one refactoring run, observable while it runs. The CLI prints from it, the review
// webview renders it; both subscribe to its events rather than polling.
import type { FileAction, FileStatus, Finding, Plan, PlannedChange, SessionStage, Specialist } from '../schemas';
import { emptyUsage, type Usage } from '../llm/usage';
import type { SearchReplaceErrorKind } from '../edit/searchReplace';
import { toDisposable, type Disposable } from '../lifecycle';
import type { SymbolReferences } from '../language/languageTools';

export type { FileStatus, SessionStage } from '../schemas';

export { describeUsage, emptyUsage, type RoleUsage, type Usage } from '../llm/usage';

export interface FileChangeState {
  /** The plan's change id; stable for the session and used as the id the webview refers to. */
  id: string;
  /** For a move, where the file goes (`movedFrom` is where it is now). */
  path: string;
  action: FileAction;
  /** A move's source path: `original` is that file's text, `proposed` the text at `path`. */
  movedFrom?: string;
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
  /** The worker's own one-line account of its proposal, for the run's synthesis. */
  summary?: string;
  error?: string;
  /** How many times verification sent this file back to its worker. */
  revisions: number;
  findings: Finding[];
  timings: { startedAt?: number; finishedAt?: number };
  /** Set when the plan grew to include this file after a check or a language-server rename: why it joined. */
  addedBecause?: string;
  /**
   * Who made the proposal: the language server alone (an exact rename, no model call), a model, or a
   * model on top of the language server's result. Absent until decided; the review shows it.
   */
  performedBy?: PerformedBy;
  /** A move with no content change of its own: no model runs for it, also when it is run again. */
  moveOnly?: true;
}

export const PERFORMERS = ['language-server', 'model', 'both'] as const;
export type PerformedBy = (typeof PERFORMERS)[number];

/** What the language server did for the run (or why it could not), for the log and the review. */
export interface LanguageServerNote {
  level: 'info' | 'warn';
  message: string;
}

/** The compile check's verdict for the run, e.g. "the proposed changes type-check". */
export interface CompileCheckSummary {
  state: 'passed' | 'errors' | 'not-checked' | 'stopped';
  verdict: string;
  newErrors: number;
  files: number;
  /** Which compiler, e.g. "TypeScript 5.9.3 (workspace)". */
  typescript?: string;
  durationMs?: number;
}

/** A file outside the plan that the checks found broken, offered to the user to add (extendPlan: ask). */
export interface PlanSuggestion {
  id: string;
  path: string;
  reason: string;
  findings: Finding[];
}

export type SessionEvent =
  | { type: 'stage'; stage: SessionStage }
  | { type: 'plan'; plan: Plan }
  | { type: 'file'; file: FileChangeState }
  | { type: 'findings'; findings: Finding[] }
  | { type: 'usage'; usage: Usage }
  | { type: 'compile-check'; summary: CompileCheckSummary }
  | { type: 'suggestions'; suggestions: PlanSuggestion[] }
  | { type: 'language-server'; notes: LanguageServerNote[] }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; message: string };

export type SessionListener = (event: SessionEvent) => void;

/**
 * One refactoring run. Readers (CLI, review panel) look at the public fields and subscribe with
 * `onDidChange`; only the engine changes the state, through the methods marked as engine-side, so that
 * every change is announced.
 */
export class RefactorSession {
  readonly request: string;
  stage: SessionStage = 'reading';
  plan?: Plan;
  files: FileChangeState[] = [];
  findings: Finding[] = [];
  /** Search/replace edits the run refused, by kind (no-match, ambiguous…): how often the models missed. */
  editErrors: Partial<Record<SearchReplaceErrorKind, number>> = {};
  usage: Usage = emptyUsage();
  compileCheck?: CompileCheckSummary;
  suggestions: PlanSuggestion[] = [];
  /** Where the request's symbols are declared and referenced, as found before planning. */
  references: SymbolReferences[] = [];
  /** Renames done by the language server, and fallbacks to the models with their reason. */
  languageServerNotes: LanguageServerNote[] = [];
  timings: {
    startedAt: number;
    plannedAt?: number;
    firstProposalAt?: number;
    workersDoneAt?: number;
    finishedAt?: number;
    /** Wall time of the last compile check, from asking to answer. */
    compileCheckMs?: number;
  };
  error?: string;
  private readonly listeners = new Set<SessionListener>();

  constructor(request: string, now: number = Date.now()) {
    this.request = request;
    this.timings = { startedAt: now };
  }

  /** Subscribe to progress; dispose the result to stop. Events carry live objects, not copies. */
  onDidChange(listener: SessionListener): Disposable {
    this.listeners.add(listener);
    return toDisposable(() => this.listeners.delete(listener));
  }

  /** `onDidChange` for callers that keep a function rather than a disposable (the CLI, tests). */
  onEvent(listener: SessionListener): () => void {
    const subscription = this.onDidChange(listener);
    return () => subscription.dispose();
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
  setCompileCheck(summary: CompileCheckSummary): void {
    this.compileCheck = summary;
    this.emit({ type: 'compile-check', summary });
  }

  /** Engine-side. */
  setSuggestions(suggestions: PlanSuggestion[]): void {
    this.suggestions = suggestions;
    this.emit({ type: 'suggestions', suggestions });
  }

  /** Engine-side: a note for the review, also written to the log. */
  addLanguageServerNote(note: LanguageServerNote): void {
    this.languageServerNotes = [...this.languageServerNotes, note];
    this.emit({ type: 'language-server', notes: this.languageServerNotes });
    this.log(note.level, note.message);
  }

  /** Engine-side. */
  log(level: 'info' | 'warn' | 'error', message: string): void {
    this.emit({ type: 'log', level, message });
  }
}

/** A planned change's state before its worker runs. */
export function newFileState(change: PlannedChange): FileChangeState {
  return {
    id: change.id,
    path: change.path,
    action: change.action,
    description: change.description,
    specialist: change.specialist,
    dependsOn: [...change.dependsOn],
    status: 'queued',
    original: null,
    proposed: null,
    diff: '',
    revisions: 0,
    findings: [],
    timings: {},
  };
}
