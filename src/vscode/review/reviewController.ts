// The review's route on the VS Code side: the panel, the findings as diagnostics, the proposed-content
// provider behind the diffs, stale tracking, apply, re-run and diff. It holds the one current review
// as a single disposable scope (the review, its subscriptions, its panel and the aborts of its run and
// re-runs) that the next review replaces. The command that starts runs is src/vscode/commands/.
import * as vscode from 'vscode';
import type { RefactorSession } from '../../core/engine/session';
import type { RefactorOptions } from '../../core/engine/orchestrator';
import { DisposableStore, MutableDisposable, toDisposable } from '../../core/lifecycle';
import { WorkspacePaths } from '../workspace/workspacePaths';
import { partialRunSummary } from '../../core/review/partialRun';
import { newHistoryId, restoreDecisions, restoreSession, snapshotReview, type HistoryEntry } from '../../core/review/reviewHistory';
import { readCurrentText } from '../workspace/vscodeWorkspace';
import type { ReviewHistoryStore } from './reviewHistoryStore';
import { applyAcceptedChanges, type ApplyOutcome } from './applyAccepted';
import { FindingDiagnostics } from './findingDiagnostics';
import { REVIEW_SCHEME, ReviewContentProvider, reviewContentUri } from './proposedContent';
import { ReviewPanel } from './reviewPanel';
import { ReviewSession } from './reviewSession';
import { saveAcceptedAsPatch, type PickPatchTarget, type SavePatchOutcome } from './savePatch';

/** What a run hands to the review: its session, and what re-running one of its files needs. */
export interface StartedRun {
  session: RefactorSession;
  done: Promise<void>;
  /** Aborts the run (the progress notification's Cancel, the panel's Cancel). */
  runAbort: AbortController;
  rerunOptions: Omit<RefactorOptions, 'signal' | 'request' | 'scope'>;
  paths: WorkspacePaths;
}

/** What a review reopened from history needs to re-run files: the current settings' model, or why there is none. */
export type ReopenSupport = { rerunOptions: StartedRun['rerunOptions']; paths: WorkspacePaths } | { unavailable: string };

/** How long decisions settle before the review is saved to history again. */
const HISTORY_SAVE_DELAY_MS = 400;

/** Everything that lives exactly as long as one review. */
class ReviewScope implements vscode.Disposable {
  readonly store = new DisposableStore();
  readonly panel: MutableDisposable<ReviewPanel>;
  /** A save to history waiting for decisions to settle. */
  pendingSave: ReturnType<typeof setTimeout> | undefined;

  constructor(
    readonly review: ReviewSession,
    readonly runAbort: AbortController,
    rerunAbort: AbortController,
    /** The review's name in the history (kept when it is reopened, so it is saved over itself). */
    readonly historyId: string,
  ) {
    // Replacing the review cancels its re-runs (and its run, if it were still going); the panel goes with it.
    this.store.add(toDisposable(() => rerunAbort.abort()));
    this.store.add(toDisposable(() => runAbort.abort()));
    this.store.add(review);
    // Added last, so disposed first: the panel closes before the review it shows goes away.
    this.panel = this.store.add(new MutableDisposable<ReviewPanel>());
  }

  dispose(): void {
    this.store.dispose();
  }
}

export class ReviewController implements vscode.Disposable {
  private readonly disposables = new DisposableStore();
  private readonly scope = this.disposables.add(new MutableDisposable<ReviewScope>());
  /** While our own edit is being applied, its document changes are not the user's edits. */
  private applying = false;
  private paths = WorkspacePaths.current();
  private readonly diagnostics = this.disposables.add(new FindingDiagnostics());
  private readonly content = this.disposables.add(new ReviewContentProvider());

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly log: vscode.LogOutputChannel,
    /** The workspace's saved reviews; absent (or disabled, with no folder open) means no history. */
    private readonly history?: ReviewHistoryStore,
    /** What re-running in a reopened review needs; asked when a review is reopened. */
    private readonly reopenSupport: () => Promise<ReopenSupport> = () => Promise.resolve({ unavailable: 'Re-run is not available in a review reopened from history.' }),
  ) {
    this.disposables.add(vscode.workspace.registerTextDocumentContentProvider(REVIEW_SCHEME, this.content));
    this.disposables.add(vscode.workspace.onDidChangeTextDocument((event) => this.noticeEdit(event.document)));
    // Disposed first of all (a store disposes in reverse): the review's diagnostics and content go after it.
    this.disposables.add(toDisposable(() => this.discardReview()));
  }

  get currentReview(): ReviewSession | undefined {
    return this.scope.value?.review;
  }

  get findingDiagnostics(): FindingDiagnostics {
    return this.diagnostics;
  }

  get reviewPanel(): ReviewPanel | undefined {
    return this.scope.value?.panel.value;
  }

  /** A run is going (or a re-run): a new one would replace its review under it. */
  get busy(): boolean {
    const scope = this.scope.value;
    return scope !== undefined && !scope.runAbort.signal.aborted && scope.review.running;
  }

  /** The current review's name in the history (what `reopenFromHistory` takes). */
  get currentHistoryId(): string | undefined {
    return this.scope.value?.historyId;
  }

  /** Replaces the current review with the review of a run that has just started. */
  startReview(run: StartedRun): ReviewSession {
    this.discardReview();
    this.paths = run.paths;
    const rerunAbort = new AbortController();
    const review = new ReviewSession(run.session, run.done, { ...run.rerunOptions, signal: rerunAbort.signal });
    const scope = this.adopt(review, run.runAbort, rerunAbort, newHistoryId());
    scope.store.add(
      run.session.onDidChange((event) => {
        if (event.type === 'plan' && event.plan.changes.length > 0) this.openPanel();
      }),
    );
    // Saved once the run settles (the review's own `session` change announces that too; this is the backstop).
    void run.done.finally(() => this.scheduleSave(scope));
    return review;
  }

  /** Makes `review` the current one: its scope, its diagnostics, and its saves to history. */
  private adopt(review: ReviewSession, runAbort: AbortController, rerunAbort: AbortController, historyId: string): ReviewScope {
    const scope = new ReviewScope(review, runAbort, rerunAbort, historyId);
    this.scope.value = scope;
    this.content.setReview(review);
    scope.store.add(
      review.onDidChange((change) => {
        if (change.kind === 'findings' || change.kind === 'file') this.refreshDiagnostics();
        if (change.kind !== 'notice') this.scheduleSave(scope);
      }),
    );
    scope.store.add(toDisposable(() => clearTimeout(scope.pendingSave)));
    return scope;
  }

  // ---------------------------------------------------------------------------------------------
  // History

  /** "Open Review from History…": pick one of the workspace's saved reviews and open it. */
  async openReviewFromHistory(): Promise<ReviewSession | undefined> {
    if (!this.history?.enabled) {
      void vscode.window.showInformationMessage('Review history needs an open folder: reviews are kept in the workspace’s storage.');
      return undefined;
    }
    this.saveNow();
    const entries = await this.history.list();
    if (entries.length === 0) {
      void vscode.window.showInformationMessage('No saved reviews in this workspace yet: a review is saved when its run finishes.');
      return undefined;
    }
    const items = entries.map((entry) => ({
      // A request is the user's text: one line, and no `$(icon)` syntax the quick pick would render.
      label: entry.request.replace(/\s+/g, ' ').replace(/\$\(/g, '$\u200b(').slice(0, 120),
      description: new Date(entry.savedAt).toLocaleString(),
      detail: `${entry.files} ${entry.files === 1 ? 'file' : 'files'} · ${entry.accepted} accepted · ${entry.applied} applied`,
      id: entry.id,
    }));
    const picked = await vscode.window.showQuickPick(items, { title: 'Open Review from History', placeHolder: 'A saved review of this workspace', matchOnDescription: true });
    return picked ? this.reopenFromHistory(picked.id) : undefined;
  }

  /**
   * Opens a saved review in the review panel with its plan, proposals, findings and decisions. Every
   * file is compared with the workspace first: one that changed since is marked stale, so its old
   * decision is dropped and apply refuses it (apply checks again anyway).
   */
  async reopenFromHistory(id: string): Promise<ReviewSession | undefined> {
    if (!this.history?.enabled) return undefined;
    if (this.busy) {
      void vscode.window.showInformationMessage('A refactoring is running: cancel it or wait for it before opening another review.');
      return undefined;
    }
    const current = this.scope.value;
    if (current?.historyId === id) {
      this.openPanel();
      return current.review;
    }
    this.saveNow();
    const saved = await this.history.load(id);
    if (!saved) {
      void this.showWarning('That saved review could not be read; it was removed from the history.');
      return undefined;
    }
    const support = await this.reopenSupport();
    if ('unavailable' in support) this.log.info(`Reopened review: ${support.unavailable}`);
    this.discardReview();
    this.paths = 'unavailable' in support ? WorkspacePaths.current() : support.paths;
    const rerunAbort = new AbortController();
    const review = new ReviewSession(restoreSession(saved), Promise.resolve(), 'unavailable' in support ? support : { ...support.rerunOptions, signal: rerunAbort.signal });
    restoreDecisions(review, saved);
    this.adopt(review, new AbortController(), rerunAbort, saved.id);
    this.log.info(`Reopened the review “${saved.request.slice(0, 80)}” saved ${new Date(saved.savedAt).toISOString()}.`);
    await this.recheckStale(review);
    if (this.currentReview !== review) return undefined; // replaced while the files were read
    this.openPanel();
    return review;
  }

  /** Marks stale every undecided-or-accepted proposal whose file is no longer what its worker read. */
  private async recheckStale(review: ReviewSession): Promise<void> {
    const changed: string[] = [];
    for (const file of review.session.files) {
      if (file.status !== 'proposed' || review.isApplied(file.id)) continue;
      // A move reads from its source, and its destination must still be free.
      const target = this.paths.resolve(file.movedFrom ?? file.path);
      const current = target ? await readCurrentText(target.uri) : undefined;
      const expected = file.action === 'create' ? undefined : (file.original ?? undefined);
      const destination = file.movedFrom !== undefined ? this.paths.resolve(file.path) : undefined;
      const taken = destination ? (await readCurrentText(destination.uri)) !== undefined : false;
      if (!target || current !== expected || taken) {
        review.markStale(file.id);
        changed.push(file.path);
      }
    }
    if (changed.length > 0) {
      const message = `Changed since this review was saved, so marked stale (re-run them to propose again): ${changed.join(', ')}.`;
      this.log.info(`Reopened review: ${message}`);
      review.notify('warning', message);
    }
  }

  /** Saves the review once decisions settle; only settled reviews with something proposed are kept. */
  private scheduleSave(scope: ReviewScope): void {
    if (!this.history?.enabled || scope.review.running) return;
    clearTimeout(scope.pendingSave);
    scope.pendingSave = setTimeout(() => {
      scope.pendingSave = undefined;
      this.save(scope);
    }, HISTORY_SAVE_DELAY_MS);
  }

  /** Saves the current review at once if a save is waiting (before it is replaced or the history is read). */
  private saveNow(): void {
    const scope = this.scope.value;
    if (scope?.pendingSave === undefined) return;
    clearTimeout(scope.pendingSave);
    scope.pendingSave = undefined;
    this.save(scope);
  }

  private save(scope: ReviewScope): void {
    if (!scope.review.session.files.some((file) => file.status === 'proposed')) return;
    const saved = snapshotReview(scope.review, scope.historyId);
    if (saved) void this.history?.save(saved);
  }

  /** The workspace's saved reviews, newest first, once waiting saves are written (what the quick pick lists). */
  async historyEntries(): Promise<HistoryEntry[]> {
    this.saveNow();
    return (await this.history?.list()) ?? [];
  }

  /** Resolves once every save to history has been written (tests). */
  async flushHistory(): Promise<void> {
    this.saveNow();
    await this.history?.flush();
  }

  /** Cancels the running refactoring, if any; nothing is written. */
  cancelRun(): void {
    this.scope.value?.runAbort.abort();
  }

  /**
   * Applies the accepted files and hunks. A run in which planned files failed is applied only with
   * `allowPartial` (the review's "Apply … anyway" confirmation): otherwise nothing is written and the
   * outcome says why. The confirmation lives in the webview rather than a modal dialog, which would
   * leave a scripted caller waiting on a dialog nobody answers.
   */
  async applyAccepted(options: { allowPartial?: boolean } = {}): Promise<ApplyOutcome | undefined> {
    const review = this.currentReview;
    if (!review) return undefined;
    if (review.running) {
      review.notify('warning', 'Wait for the run to finish before applying.');
      return undefined;
    }
    const partial = review.partialRun();
    if (partial && !options.allowPartial) {
      const rest = partial.planned - partial.failed.length;
      const message = `${partialRunSummary(partial)}. Nothing was applied; choose “Apply ${rest} of ${partial.planned} anyway” to apply the rest.`;
      this.log.info(`Apply: ${message}`);
      review.notify('warning', message);
      return { applied: [], stale: [], refused: [], saved: false, message, partialRefused: true };
    }
    this.applying = true;
    let outcome: ApplyOutcome;
    try {
      outcome = await applyAcceptedChanges(review, this.paths);
    } finally {
      this.applying = false;
    }
    this.log.info(`Apply: ${outcome.message}`);
    this.refreshDiagnostics();
    review.notify(outcome.stale.length > 0 || outcome.refused.length > 0 ? 'warning' : 'info', outcome.message);
    if (outcome.stale.length > 0 || outcome.refused.length > 0) void this.showWarning(outcome.message);
    else if (outcome.applied.length > 0) void vscode.window.showInformationMessage(outcome.message);
    return outcome;
  }

  /** The accepted changes as one patch file; nothing in the workspace changes except that file. */
  async savePatch(pick?: PickPatchTarget): Promise<SavePatchOutcome | undefined> {
    const review = this.currentReview;
    if (!review) return undefined;
    if (review.running) {
      review.notify('warning', 'Wait for the run to finish before saving a patch.');
      return undefined;
    }
    const outcome = await saveAcceptedAsPatch(review, this.paths, pick);
    if (outcome.kind === 'nothing') review.notify('warning', 'Nothing accepted changes a file: accept files or hunks first.');
    else if (outcome.kind === 'refused') review.notify('error', `Not saved: ${outcome.reason}`);
    else if (outcome.kind === 'saved') {
      const message = `Saved ${outcome.files} ${outcome.files === 1 ? 'file' : 'files'} as a patch to ${outcome.uri.fsPath}; no other file was changed.`;
      this.log.info(`Save as patch: ${message}`);
      review.notify('info', message);
    }
    return outcome;
  }

  /** "Add to refactor": a file the checks found broken outside the plan gets its own change. */
  async addSuggestion(id: string): Promise<void> {
    const review = this.currentReview;
    const suggestion = review?.session.suggestions.find((s) => s.id === id);
    if (!review || !suggestion) return;
    this.log.info(`Adding ${suggestion.path} to the refactor: ${suggestion.reason}`);
    await review.addSuggestion(id);
  }

  async rerun(id: string): Promise<void> {
    const review = this.currentReview;
    if (!review || !review.has(id)) return;
    this.log.info(`Re-running ${review.session.file(id)?.path ?? id}`);
    await review.rerun(id);
  }

  async openDiff(id: string, line?: number): Promise<void> {
    const review = this.currentReview;
    const file = review?.session.file(id);
    if (!review || !file) return;
    const left = reviewContentUri(review, 'original', id);
    const right = reviewContentUri(review, 'proposed', id);
    if (!left || !right) return;
    const selection = line && line > 0 ? new vscode.Range(line - 1, 0, line - 1, 0) : undefined;
    await vscode.commands.executeCommand('vscode.diff', left, right, `${file.path} (proposed)`, {
      preview: true,
      ...(selection ? { selection } : {}),
    } satisfies vscode.TextDocumentShowOptions);
  }

  /**
   * Every proposed file in VS Code's multi-file diff editor, over the same read-only documents as the
   * per-file diff: a revision or re-run updates them, so the editor and the review stay in step.
   */
  async openAllDiffs(): Promise<void> {
    const review = this.currentReview;
    if (!review) {
      void vscode.window.showInformationMessage('There is no refactoring to review: run “Refactor Across Files…” first.');
      return;
    }
    const resources: [vscode.Uri, vscode.Uri, vscode.Uri][] = [];
    for (const file of review.session.files) {
      if (file.status !== 'proposed') continue;
      const original = reviewContentUri(review, 'original', file.id);
      const proposed = reviewContentUri(review, 'proposed', file.id);
      // The first URI names the entry (the file in the workspace); the other two are what is compared.
      const label = this.paths.resolve(file.path)?.uri ?? proposed;
      if (original && proposed && label) resources.push([label, original, proposed]);
    }
    if (resources.length === 0) {
      review.notify('info', 'No proposal to show yet.');
      return;
    }
    await vscode.commands.executeCommand('vscode.changes', `Refactor: ${review.session.request.slice(0, 80)} (proposed)`, resources);
  }

  /**
   * The run's synthesis as a commit message: on the clipboard, and in the Source Control input box of
   * the repository holding the changed files when the Git extension is there (its box is not
   * overwritten if the user already typed something).
   */
  async copyCommitMessage(): Promise<string | undefined> {
    const review = this.currentReview;
    if (!review) return undefined;
    const message = review.synthesis().message;
    // In a browser workbench the clipboard may wait on a permission the user never sees: do not hang on it.
    const copied = await Promise.race([
      Promise.resolve(vscode.env.clipboard.writeText(message)).then(() => true, () => false),
      new Promise<false>((resolve) => setTimeout(() => resolve(false), 5_000)),
    ]);
    const filled = await fillScmInput(message, review.session.files.map((file) => this.paths.resolve(file.path)?.uri).filter((uri): uri is vscode.Uri => uri !== undefined));
    const where = [copied ? 'copied to the clipboard' : '', filled ? 'put in the Source Control input box' : ''].filter(Boolean).join(' and ');
    review.notify(where ? 'info' : 'warning', where ? `Commit message ${where}.` : 'The clipboard could not be written; the summary at the top of the review is the commit message.');
    return message;
  }

  reopenReview(): void {
    if (!this.currentReview) {
      void vscode.window.showInformationMessage('There is no refactoring to review: run “Refactor Across Files…” first.');
      return;
    }
    this.openPanel();
  }

  showLog(): void {
    this.log.show(true);
  }

  private openPanel(): void {
    const scope = this.scope.value;
    if (!scope) return;
    const existing = scope.panel.value;
    if (existing) {
      existing.reveal();
      return;
    }
    const panel = new ReviewPanel(
      this.extensionUri,
      scope.review,
      {
        apply: async (allowPartial) => void (await this.applyAccepted({ allowPartial })),
        savePatch: async () => void (await this.savePatch()),
        rerun: (id) => this.rerun(id),
        addSuggestion: (id) => this.addSuggestion(id),
        openDiff: (id, line) => this.openDiff(id, line),
        openAllDiffs: () => this.openAllDiffs(),
        copyCommitMessage: async () => void (await this.copyCommitMessage()),
        cancelRun: () => this.cancelRun(),
        showLog: () => this.showLog(),
      },
      this.log,
    );
    scope.panel.value = panel;
    this.refreshDiagnostics();
    scope.store.add(
      panel.onDidDispose(() => {
        if (scope.panel.value !== panel) return;
        scope.panel.clear();
        // Closing the review discards its diagnostics; "Reopen Review" brings both back.
        this.diagnostics.clear();
      }),
    );
  }

  private refreshDiagnostics(): void {
    const scope = this.scope.value;
    if (scope?.panel.value) this.diagnostics.show(scope.review, this.paths);
  }

  /** An edit to a file under review makes its proposal stale: it no longer starts from what the user has. */
  private noticeEdit(document: vscode.TextDocument): void {
    const review = this.currentReview;
    if (!review || this.applying || document.uri.scheme === REVIEW_SCHEME) return;
    const path = this.paths.pathOf(document.uri);
    if (!path) return;
    const file = review.session.files.find((candidate) => (candidate.movedFrom ?? candidate.path) === path);
    if (!file || file.status !== 'proposed' || review.isApplied(file.id) || review.isStale(file.id)) return;
    if (document.getText() !== (file.original ?? '')) {
      this.log.info(`${path} changed since it was read; its proposal is stale.`);
      review.markStale(file.id);
    }
  }

  private async showWarning(message: string): Promise<void> {
    const choice = await vscode.window.showWarningMessage(message, 'Show Log');
    if (choice === 'Show Log') this.showLog();
  }

  private discardReview(): void {
    this.saveNow();
    this.diagnostics.clear();
    this.scope.clear();
    this.content.setReview(undefined);
  }

  dispose(): void {
    this.disposables.dispose();
  }
}

/** The part of the Git extension's API used here (vscode.git, API version 1). */
interface GitApi {
  repositories: { rootUri: vscode.Uri; inputBox: { value: string } }[];
}

/** Puts `message` in the SCM input of the repository that holds `files`; false when there is none or it holds text. */
async function fillScmInput(message: string, files: readonly vscode.Uri[]): Promise<boolean> {
  const extension = vscode.extensions.getExtension<{ getAPI(version: 1): GitApi }>('vscode.git');
  if (!extension) return false;
  try {
    const git = (extension.isActive ? extension.exports : await extension.activate()).getAPI(1);
    const repository = git.repositories.find((candidate) => files.some((file) => file.fsPath.startsWith(candidate.rootUri.fsPath)));
    if (!repository || repository.inputBox.value.trim() !== '') return false;
    repository.inputBox.value = message;
    return true;
  } catch {
    return false; // the Git extension is disabled or failed: the clipboard still has it
  }
}
