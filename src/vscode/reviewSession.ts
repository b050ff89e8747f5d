// What the user is reviewing: one RefactorSession plus the review's own state — which hunks the user
// accepted, which files went stale or were applied. The engine owns the proposals; this owns the
// decisions. A new proposal for a file (a revision or a re-run) resets that file's decision, because
// what the user accepted is no longer what would be written.
import * as vscode from 'vscode';
import { addSuggestion, rerunFile, type RefactorOptions } from '../core/orchestrator';
import { computeHunks, type ReviewHunk } from '../core/reviewHunks';
import type { FileChangeState, RefactorSession } from '../core/session';
import type { FileView, FindingView, ReviewDecision, SessionView } from '../protocol/webviewProtocol';

export type ReviewChange = { kind: 'session' } | { kind: 'file'; id: string } | { kind: 'findings' } | { kind: 'notice'; level: 'info' | 'warning' | 'error'; message: string };

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
let nextReviewNumber = 1;

export class ReviewSession implements vscode.Disposable {
  /** Distinguishes this review's proposed-content URIs from an earlier review's. */
  readonly reviewId = `r${nextReviewNumber++}`;
  private readonly reviews = new Map<string, FileReview>();
  private readonly changeEmitter = new vscode.EventEmitter<ReviewChange>();
  readonly onDidChange = this.changeEmitter.event;
  private readonly unsubscribe: () => void;
  private runSettled = false;
  private rerunsInFlight = 0;

  constructor(
    readonly session: RefactorSession,
    done: Promise<void>,
    /** What a re-run of one file needs (same workspace, provider and settings as the run). */
    private readonly rerunOptions: Omit<RefactorOptions, 'signal' | 'request'> & { signal: AbortSignal },
  ) {
    this.unsubscribe = session.onEvent((event) => {
      if (event.type === 'file') {
        this.noteProposal(event.file);
        this.changeEmitter.fire({ kind: 'file', id: event.file.id });
      } else if (event.type === 'findings') {
        this.changeEmitter.fire({ kind: 'findings' });
      } else if (event.type === 'stage' || event.type === 'plan' || event.type === 'usage' || event.type === 'compile-check' || event.type === 'suggestions') {
        this.changeEmitter.fire({ kind: 'session' });
      }
    });
    void done.finally(() => {
      this.runSettled = true;
      this.changeEmitter.fire({ kind: 'session' });
    });
  }

  get running(): boolean {
    return !this.runSettled || RUNNING_STAGES.has(this.session.stage) || this.rerunsInFlight > 0;
  }

  has(id: string): boolean {
    return this.session.file(id) !== undefined;
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
    this.changeEmitter.fire({ kind: 'file', id });
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
    this.changeEmitter.fire({ kind: 'file', id });
  }

  setAllDecisions(decision: 'accepted' | 'rejected'): void {
    for (const file of this.session.files) this.setFileDecision(file.id, decision);
  }

  private decidable(file: FileChangeState, review: FileReview): boolean {
    return file.status === 'proposed' && !review.applied && !review.stale;
  }

  /** Files with something accepted that has not been applied yet, with the accepted hunk ids. */
  acceptedFiles(): { file: FileChangeState; acceptedHunks: ReadonlySet<number>; hunks: ReviewHunk[] }[] {
    const result: { file: FileChangeState; acceptedHunks: ReadonlySet<number>; hunks: ReviewHunk[] }[] = [];
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

  markStale(id: string): void {
    const review = this.reviews.get(id);
    if (!review || review.stale || review.applied) return;
    review.stale = true;
    review.accepted = new Set();
    review.acceptedWhole = false;
    review.rejected = false;
    this.changeEmitter.fire({ kind: 'file', id });
    this.changeEmitter.fire({ kind: 'session' }); // what can be applied changed
  }

  markApplied(id: string, acceptedHunks: ReadonlySet<number>): void {
    const review = this.reviews.get(id);
    if (!review) return;
    review.applied = true;
    review.appliedHunks = acceptedHunks;
    this.changeEmitter.fire({ kind: 'file', id });
    this.changeEmitter.fire({ kind: 'session' }); // what can be applied changed
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

  notify(level: 'info' | 'warning' | 'error', message: string): void {
    this.changeEmitter.fire({ kind: 'notice', level, message });
  }

  // ---------------------------------------------------------------------------------------------
  // Re-running a stale file

  async rerun(id: string): Promise<void> {
    const file = this.session.file(id);
    if (!file || this.isApplied(id) || file.status === 'working' || file.status === 'queued') return;
    this.rerunsInFlight++;
    this.changeEmitter.fire({ kind: 'session' });
    try {
      await rerunFile(this.session, id, { ...this.rerunOptions, request: this.session.request });
    } finally {
      this.rerunsInFlight--;
      this.changeEmitter.fire({ kind: 'session' });
    }
  }

  /** "Add to refactor": a file the checks found broken outside the plan gets its own change. */
  async addSuggestion(id: string): Promise<void> {
    if (!this.session.suggestions.some((s) => s.id === id) || this.running) return;
    this.rerunsInFlight++;
    this.changeEmitter.fire({ kind: 'session' });
    try {
      await addSuggestion(this.session, id, { ...this.rerunOptions, request: this.session.request });
    } finally {
      this.rerunsInFlight--;
      this.changeEmitter.fire({ kind: 'session' });
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Views for the webview

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

  fileView(id: string): FileView | undefined {
    const file = this.session.file(id);
    const review = this.reviews.get(id);
    if (!file || !review) return undefined;
    const hunks = file.status === 'proposed' || file.proposed !== null ? this.hunks(id) : [];
    let added = 0;
    let removed = 0;
    for (const hunk of hunks) {
      for (const line of hunk.lines) {
        if (line.startsWith('+')) added++;
        else if (line.startsWith('-')) removed++;
      }
    }
    return {
      id: file.id,
      path: file.path,
      action: file.action,
      description: file.description,
      specialist: file.specialist,
      dependsOn: file.dependsOn,
      status: file.status,
      ...(file.error ? { error: file.error } : {}),
      revisions: file.revisions,
      stale: review.stale || file.status === 'stale',
      applied: review.applied,
      decision: this.decisionOf(file, review),
      acceptedHunks: [...review.accepted].sort((a, b) => a - b),
      hunkCount: hunks.length,
      hunksSelectable: file.action === 'modify' && hunks.length > 0,
      added,
      removed,
      proposalVersion: review.version,
    };
  }

  sessionView(): SessionView {
    const { session } = this;
    const end = session.timings.finishedAt && !this.running ? session.timings.finishedAt : Date.now();
    return {
      request: session.request,
      stage: session.stage,
      ...(session.error ? { error: session.error } : {}),
      ...(session.plan
        ? {
            plan: {
              summary: session.plan.summary,
              changes: session.plan.changes.map(({ id, path, action, description, specialist, dependsOn }) => ({ id, path, action, description, specialist, dependsOn })),
            },
          }
        : {}),
      usage: session.usage,
      elapsedMs: Math.max(0, end - session.timings.startedAt),
      running: this.running,
      canApply: !this.running && this.acceptedFiles().length > 0,
      ...(session.compileCheck ? { compileCheck: { state: session.compileCheck.state, verdict: session.compileCheck.verdict } } : {}),
      suggestions: session.suggestions.map(({ id, path, reason }) => ({ id, path, reason })),
    };
  }

  findingViews(): FindingView[] {
    return this.session.findings.map((finding) => {
      const file = this.session.files.find((candidate) => candidate.path === finding.path);
      return {
        ...(file ? { fileId: file.id } : {}),
        path: finding.path,
        line: finding.line,
        severity: finding.severity,
        kind: finding.kind,
        message: finding.message,
        relatedPaths: finding.relatedPaths,
        ...(finding.source ? { source: finding.source } : {}),
        ...(finding.code ? { code: finding.code } : {}),
      };
    });
  }

  private decisionOf(file: FileChangeState, review: FileReview): ReviewDecision {
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

  dispose(): void {
    this.unsubscribe();
    this.changeEmitter.dispose();
  }
}
