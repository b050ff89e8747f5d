// The review's rules, without VS Code: what the user accepted (per file and per hunk), which files
// went stale or were applied, and what can be applied now. The engine owns the proposals; this owns
// the decisions. A new proposal for a file (a revision or a re-run) resets that file's decision,
// because what the user accepted is no longer what would be written. The VS Code side wraps it
// (src/vscode/review/reviewSession.ts) with the webview's views, the panel and apply.
import { Emitter } from '../emitter';
import type { Disposable } from '../lifecycle';
import { addSuggestion, rerunFile, type RefactorOptions } from '../engine/orchestrator';
import type { FileChangeState, RefactorSession } from '../engine/session';
import { computeHunks, type ReviewHunk } from './reviewHunks';
import { synthesizeChange, type Synthesis } from './synthesis';
import { describePartialRun, type PartialRun } from './partialRun';

export type NoticeLevel = 'info' | 'warning' | 'error';
export type ReviewChange = { kind: 'session' } | { kind: 'file'; id: string } | { kind: 'findings' } | { kind: 'notice'; level: NoticeLevel; message: string };
/** What the user decided about one file, derived from its accepted hunks. */
export type FileDecision = 'pending' | 'accepted' | 'rejected' | 'partial';

export interface AcceptedFile {
  file: FileChangeState;
  acceptedHunks: ReadonlySet<number>;
  hunks: ReviewHunk[];
}

interface FileReview {
  accepted: Set<number>;
  /** Accepted as a whole (the only way for creates and deletes, which have no hunk choice). */
  acceptedWhole: boolean;
  rejected: boolean;
  stale: boolean;
  applied: boolean;
  /** The hunks that were written, once applied (findings are mapped through them). */
  appliedHunks?: ReadonlySet<number>;
  /** The proposal the decision refers to. */
  proposed: string | null;
  original: string | null;
  version: number;
  hunks?: ReviewHunk[];
}

const RUNNING_STAGES = new Set(['reading', 'planning', 'working', 'verifying', 'revising']);

export class ReviewState implements Disposable {
  private readonly reviews = new Map<string, FileReview>();
  private readonly changeEmitter = new Emitter<ReviewChange>();
  /** Every change of the review; a change of `canApply` is announced as a `session` change. */
  readonly onDidChange = this.changeEmitter.event;
  private readonly subscription: Disposable;
  private runSettled = false;
  private rerunsInFlight = 0;
  /** What the session view showed last: whether Apply is possible, and what the synthesis covers. */
  private announcedSessionKey = 'false|';

  constructor(
    readonly session: RefactorSession,
    done: Promise<void>,
    /** What a re-run of one file needs (same workspace, provider and settings as the run); a review
     *  reopened from history without a usable model has none, and says why when asked to re-run. */
    private readonly rerunOptions: (Omit<RefactorOptions, 'signal' | 'request'> & { signal: AbortSignal }) | { unavailable: string },
  ) {
    // A review of a restored session (history) starts with its files already there.
    for (const file of session.files) this.noteProposal(file);
    this.subscription = session.onDidChange((event) => {
      if (event.type === 'file') {
        this.noteProposal(event.file);
        this.announce({ kind: 'file', id: event.file.id });
      } else if (event.type === 'findings') {
        this.announce({ kind: 'findings' });
      } else if (event.type === 'stage' || event.type === 'plan' || event.type === 'usage' || event.type === 'compile-check' || event.type === 'suggestions' || event.type === 'language-server') {
        this.announce({ kind: 'session' });
      }
    });
    void done.finally(() => {
      this.runSettled = true;
      this.announce({ kind: 'session' });
    });
  }

  get running(): boolean {
    return !this.runSettled || RUNNING_STAGES.has(this.session.stage) || this.rerunsInFlight > 0;
  }

  /** Something accepted waits to be written, and nothing is running that could still change it. */
  get canApply(): boolean {
    return !this.running && this.acceptedFiles().length > 0;
  }

  has(id: string): boolean {
    return this.session.file(id) !== undefined;
  }

  /** The review has seen a proposal event for this file (the engine announces every planned file). */
  tracks(id: string): boolean {
    return this.reviews.has(id);
  }

  // ---------------------------------------------------------------------------------------------
  // Decisions

  setFileDecision(id: string, decision: 'accepted' | 'rejected'): void {
    const file = this.session.file(id);
    const review = this.reviews.get(id);
    if (!file || !review || !this.decidable(file, review)) return;
    review.rejected = decision === 'rejected';
    review.acceptedWhole = decision === 'accepted';
    review.accepted = decision === 'accepted' ? new Set(this.hunks(id).map((hunk) => hunk.id)) : new Set();
    this.announce({ kind: 'file', id });
  }

  setHunkDecision(id: string, hunkId: number, accepted: boolean): void {
    const file = this.session.file(id);
    const review = this.reviews.get(id);
    if (!file || !review || !this.decidable(file, review) || file.action !== 'modify') return;
    if (!this.hunks(id).some((hunk) => hunk.id === hunkId)) return;
    if (accepted) review.accepted.add(hunkId);
    else review.accepted.delete(hunkId);
    review.rejected = !accepted && review.accepted.size === 0;
    review.acceptedWhole = review.accepted.size === this.hunks(id).length;
    this.announce({ kind: 'file', id });
  }

  setAllDecisions(decision: 'accepted' | 'rejected'): void {
    for (const file of this.session.files) this.setFileDecision(file.id, decision);
  }

  private decidable(file: FileChangeState, review: FileReview): boolean {
    return file.status === 'proposed' && !review.applied && !review.stale;
  }

  /** Files with something accepted that has not been applied yet, with the accepted hunk ids. */
  acceptedFiles(): AcceptedFile[] {
    const result: AcceptedFile[] = [];
    for (const file of this.session.files) {
      const review = this.reviews.get(file.id);
      if (!review || !this.decidable(file, review) || review.proposed !== file.proposed) continue;
      const decision = this.decisionOf(file, review);
      if (decision !== 'accepted' && decision !== 'partial') continue;
      // A modification the user accepted but that changes nothing has nothing to write.
      if (file.action === 'modify' && review.accepted.size === 0) continue;
      result.push({ file, acceptedHunks: new Set(review.accepted), hunks: this.hunks(file.id) });
    }
    return result;
  }

  /** Once the run has settled: the planned files that failed, when some (not all) did. */
  partialRun(): PartialRun | undefined {
    return this.running ? undefined : describePartialRun(this.session.plan, this.session.files, this.session.compileCheck);
  }

  /** The file changed under the proposal: its decision is dropped and it cannot be decided again
   *  until a re-run starts from the current text. */
  markStale(id: string): void {
    const review = this.reviews.get(id);
    if (!review || review.stale || review.applied) return;
    review.stale = true;
    review.accepted = new Set();
    review.acceptedWhole = false;
    review.rejected = false;
    this.announce({ kind: 'file', id });
  }

  markApplied(id: string, acceptedHunks: ReadonlySet<number>): void {
    const review = this.reviews.get(id);
    if (!review) return;
    review.applied = true;
    review.appliedHunks = acceptedHunks;
    this.announce({ kind: 'file', id });
  }

  /**
   * History: puts back a decision saved with this review. Hunk ids are recomputed from the same texts,
   * so they match; ids that no longer name a hunk are ignored. Only a proposal can carry a decision.
   */
  restoreDecision(id: string, saved: { decision: FileDecision; acceptedHunks: readonly number[]; applied: boolean; appliedHunks?: readonly number[] }): void {
    const file = this.session.file(id);
    const review = this.reviews.get(id);
    if (!file || !review || file.status !== 'proposed') return;
    const hunkIds = new Set(this.hunks(id).map((hunk) => hunk.id));
    if (saved.applied) {
      review.applied = true;
      review.appliedHunks = new Set((saved.appliedHunks ?? saved.acceptedHunks).filter((hunkId) => hunkIds.has(hunkId)));
    }
    if (saved.decision === 'accepted') {
      review.acceptedWhole = true;
      review.accepted = hunkIds;
    } else if (saved.decision === 'rejected') {
      review.rejected = true;
    } else if (saved.decision === 'partial' && file.action === 'modify') {
      review.accepted = new Set(saved.acceptedHunks.filter((hunkId) => hunkIds.has(hunkId)));
    }
    this.announce({ kind: 'file', id });
  }

  isStale(id: string): boolean {
    return this.reviews.get(id)?.stale ?? false;
  }

  isApplied(id: string): boolean {
    return this.reviews.get(id)?.applied ?? false;
  }

  appliedHunks(id: string): ReadonlySet<number> | undefined {
    return this.reviews.get(id)?.appliedHunks;
  }

  /** The accepted hunk ids of one file, in order. */
  acceptedHunkIds(id: string): number[] {
    return [...(this.reviews.get(id)?.accepted ?? [])].sort((a, b) => a - b);
  }

  decision(id: string): FileDecision {
    const file = this.session.file(id);
    const review = this.reviews.get(id);
    return file && review ? this.decisionOf(file, review) : 'pending';
  }

  notify(level: NoticeLevel, message: string): void {
    this.changeEmitter.fire({ kind: 'notice', level, message });
  }

  // ---------------------------------------------------------------------------------------------
  // Re-running a stale file

  async rerun(id: string): Promise<void> {
    const file = this.session.file(id);
    if (!file || this.isApplied(id) || file.status === 'working' || file.status === 'queued') return;
    const options = this.rerunOptions;
    if ('unavailable' in options) return this.notify('warning', options.unavailable);
    this.rerunsInFlight++;
    this.announce({ kind: 'session' });
    try {
      await rerunFile(this.session, id, { ...options, request: this.session.request });
    } finally {
      this.rerunsInFlight--;
      this.announce({ kind: 'session' });
    }
  }

  /** "Add to refactor": a file the checks found broken outside the plan gets its own change. */
  async addSuggestion(id: string): Promise<void> {
    if (!this.session.suggestions.some((s) => s.id === id) || this.running) return;
    const options = this.rerunOptions;
    if ('unavailable' in options) return this.notify('warning', options.unavailable);
    this.rerunsInFlight++;
    this.changeEmitter.fire({ kind: 'session' });
    try {
      await addSuggestion(this.session, id, { ...options, request: this.session.request });
    } finally {
      this.rerunsInFlight--;
      this.changeEmitter.fire({ kind: 'session' });
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Hunks

  hunks(id: string): ReviewHunk[] {
    const file = this.session.file(id);
    const review = this.reviews.get(id);
    if (!file || !review) return [];
    if (!review.hunks) {
      review.hunks = file.status === 'failed' || (file.proposed === null && file.action !== 'delete') ? [] : computeHunks(file.original ?? '', file.proposed ?? '');
    }
    return review.hunks;
  }

  proposalVersion(id: string): number {
    return this.reviews.get(id)?.version ?? 0;
  }

  private decisionOf(file: FileChangeState, review: FileReview): FileDecision {
    if (review.rejected) return 'rejected';
    if (review.acceptedWhole) return 'accepted';
    if (review.accepted.size === 0 || file.action !== 'modify') return 'pending';
    return review.accepted.size >= this.hunks(file.id).length ? 'accepted' : 'partial';
  }

  /** A new or changed proposal starts undecided; a re-read file is no longer stale. */
  private noteProposal(file: FileChangeState): void {
    let review = this.reviews.get(file.id);
    if (!review) {
      review = { accepted: new Set(), acceptedWhole: false, rejected: false, stale: false, applied: false, proposed: file.proposed, original: file.original, version: 0 };
      this.reviews.set(file.id, review);
    }
    if (review.proposed !== file.proposed || review.original !== file.original) {
      review.stale = review.stale && review.original === file.original;
      review.proposed = file.proposed;
      review.original = file.original;
      review.accepted = new Set();
      review.acceptedWhole = false;
      review.rejected = false;
      review.version++;
      review.hunks = undefined;
    }
    if (file.status === 'failed' && review.hunks === undefined) review.hunks = [];
  }

  /**
   * The run's closing account (the commit message): once the user has decided on some file, it covers
   * what they kept (accepted or already applied) and names what they left out.
   */
  synthesis(): Synthesis {
    const kept = this.keptPaths();
    return synthesizeChange(this.session, kept ? { included: new Set(kept) } : {});
  }

  /** Paths the user kept (accepted or applied), or undefined while nothing has been decided. */
  private keptPaths(): string[] | undefined {
    const decided = [...this.reviews.values()].some((review) => review.rejected || review.acceptedWhole || review.accepted.size > 0 || review.applied);
    if (!decided) return undefined;
    return this.session.files.filter((file) => this.isApplied(file.id) || this.acceptedFiles().some((accepted) => accepted.file.id === file.id)).map((file) => file.path);
  }

  /** Fires `change`, then a `session` change if what the session view shows changed with it (Apply
   *  possible, what the synthesis covers): the review says so itself, rather than every caller
   *  remembering to refresh the session view. */
  private announce(change: ReviewChange): void {
    this.changeEmitter.fire(change);
    const key = `${this.canApply}|${this.running ? '' : (this.keptPaths()?.join('\n') ?? '*')}`;
    if (key === this.announcedSessionKey) return;
    this.announcedSessionKey = key;
    if (change.kind !== 'session') this.changeEmitter.fire({ kind: 'session' });
  }

  dispose(): void {
    this.subscription.dispose();
    this.changeEmitter.dispose();
  }
}
