// Runs "Refactor Across Files…" end to end on the VS Code side: checks trust, asks for the request,
// builds the provider and workspace from the settings, runs the core under a cancellable progress
// notification, opens the review as soon as the plan exists, and applies what the user accepts. It
// owns the one current review; a new run replaces it.
import * as vscode from 'vscode';
import { startRefactor } from '../core/orchestrator';
import type { SessionEvent, SessionStage } from '../core/session';
import { applyAcceptedChanges, type ApplyOutcome } from './applyAccepted';
import { FindingDiagnostics } from './findingDiagnostics';
import { createModelProvider } from './modelProvider';
import { REVIEW_SCHEME, ReviewContentProvider, reviewContentUri } from './proposedContent';
import { ReviewPanel } from './reviewPanel';
import { ReviewSession } from './reviewSession';
import { readSettings } from './settings';
import { UserFacingError } from './userFacingError';
import { createVscodeWorkspace } from './vscodeWorkspace';
import { WorkspacePaths } from './workspacePaths';

export interface RefactorArgs {
  /** The request; when absent the user is asked. */
  request?: string;
  /** Files or folders the refactoring is about (explorer selection). */
  scope?: vscode.Uri[];
}

const STAGE_MESSAGES: Record<SessionStage, string> = {
  reading: 'Reading the workspace…',
  planning: 'Planning the changes…',
  working: 'Writing the changes…',
  verifying: 'Checking the changes for consistency…',
  revising: 'Revising files the check flagged…',
  done: 'Done',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

export class RefactorController implements vscode.Disposable {
  private review: ReviewSession | undefined;
  private reviewLifetime: AbortController | undefined;
  private runAbort: AbortController | undefined;
  private panel: ReviewPanel | undefined;
  /** While our own edit is being applied, its document changes are not the user's edits. */
  private applying = false;
  private paths = WorkspacePaths.current();
  private readonly diagnostics = new FindingDiagnostics();
  private readonly content = new ReviewContentProvider();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly reviewDisposables: vscode.Disposable[] = [];

  constructor(
    private readonly context: vscode.ExtensionContext,
    readonly log: vscode.LogOutputChannel,
  ) {
    this.disposables.push(
      this.diagnostics,
      this.content,
      vscode.workspace.registerTextDocumentContentProvider(REVIEW_SCHEME, this.content),
      vscode.workspace.onDidChangeTextDocument((event) => this.noticeEdit(event.document)),
    );
  }

  get currentReview(): ReviewSession | undefined {
    return this.review;
  }

  get findingDiagnostics(): FindingDiagnostics {
    return this.diagnostics;
  }

  get reviewPanel(): ReviewPanel | undefined {
    return this.panel;
  }

  /**
   * The command. Resolves when the run has settled (the review stays open for the user); returns the
   * review, or undefined when nothing ran.
   */
  async refactorAcrossFiles(args: RefactorArgs = {}): Promise<ReviewSession | undefined> {
    if (!vscode.workspace.isTrusted) {
      const why = 'Refactor Across Files does not run in Restricted Mode: it sends this workspace’s code to a language model and writes the changes you accept. Trust the workspace to use it.';
      this.log.warn(why);
      // Not awaited: the command returns at once; the button still works while the notification stays.
      void vscode.window.showWarningMessage(why, 'Manage Workspace Trust').then((choice) => {
        if (choice) void vscode.commands.executeCommand('workbench.trust.manage');
      });
      return undefined;
    }
    this.paths = WorkspacePaths.current();
    if (this.paths.folders.length === 0) {
      const why = 'Open a folder first: Refactor Across Files works on the files of a workspace folder.';
      this.log.warn(why);
      void vscode.window.showErrorMessage(why);
      return undefined;
    }
    if (this.runAbort && !this.runAbort.signal.aborted && this.review?.running) {
      void vscode.window.showInformationMessage('A refactoring is already running: cancel it from its notification first.');
      return undefined;
    }

    const request = args.request ?? (await askForRequest(args.scope, this.paths));
    if (!request) return undefined;

    const settings = readSettings();
    let provider;
    try {
      provider = await createModelProvider(settings.provider, this.context.secrets);
    } catch (error) {
      // Not awaited: the notification stays until dismissed, the command should not wait for that.
      void this.showError(error);
      return undefined;
    }
    const workspace = createVscodeWorkspace(settings.workspace, this.paths);
    const scope = args.scope?.map((uri) => this.paths.pathOf(uri)).filter((path): path is string => path !== undefined);

    this.discardReview();
    const runAbort = new AbortController();
    const lifetime = new AbortController();
    this.runAbort = runAbort;
    this.reviewLifetime = lifetime;
    this.log.info(`Refactor: "${request}" with ${provider.description}${scope && scope.length > 0 ? ` (scope: ${scope.join(', ')})` : ''}`);

    // The compile check reads the rest of the project from disk; with several folders a path's folder
    // prefix is not a directory, so only single-folder workspaces are checked (the verdict says so).
    const folder = this.paths.multiRoot ? undefined : this.paths.folders[0];
    const checkRoot = folder?.uri.scheme === 'file' ? folder.uri.fsPath : undefined;
    const { session, done } = startRefactor({
      request,
      workspace,
      provider,
      settings: settings.engine,
      signal: runAbort.signal,
      ...(scope && scope.length > 0 ? { scope } : {}),
      ...(checkRoot ? { checkRoot } : {}),
    });
    const review = new ReviewSession(session, done, { workspace, provider, settings: settings.engine, signal: lifetime.signal, ...(checkRoot ? { checkRoot } : {}) });
    this.review = review;
    this.content.setReview(review);
    this.reviewDisposables.push(
      review,
      review.onDidChange((change) => {
        if (change.kind === 'findings' || change.kind === 'file') this.refreshDiagnostics();
      }),
    );
    const unsubscribe = session.onEvent((event) => {
      this.logEvent(event);
      if (event.type === 'stage' && event.stage === 'planning') {
        for (const skipped of workspace.skipped()) this.log.info(`Skipped ${skipped.path}: ${skipped.reason}`);
      }
      if (event.type === 'plan' && event.plan.changes.length > 0) this.openPanel();
    });

    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Refactor Across Files', cancellable: true },
      async (progress, token) => {
        const onCancel = token.onCancellationRequested(() => runAbort.abort());
        const onEvent = session.onEvent((event) => {
          if (event.type === 'stage') progress.report({ message: STAGE_MESSAGES[event.stage] });
          if (event.type === 'file' && session.stage === 'working') {
            const ready = session.files.filter((file) => file.status === 'proposed' || file.status === 'failed').length;
            progress.report({ message: `Writing the changes… ${ready}/${session.files.length} files` });
          }
        });
        try {
          await done;
        } finally {
          onCancel.dispose();
          onEvent();
        }
      },
    );
    unsubscribe();
    this.reportOutcome(review);
    return review;
  }

  /** Cancels the running refactoring, if any; nothing is written. */
  cancelRun(): void {
    this.runAbort?.abort();
  }

  async applyAccepted(): Promise<ApplyOutcome | undefined> {
    const review = this.review;
    if (!review) return undefined;
    if (review.running) {
      review.notify('warning', 'Wait for the run to finish before applying.');
      return undefined;
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

  async rerun(id: string): Promise<void> {
    const review = this.review;
    if (!review || !review.has(id)) return;
    this.log.info(`Re-running ${review.session.file(id)?.path ?? id}`);
    await review.rerun(id);
  }

  async addSuggestion(id: string): Promise<void> {
    const review = this.review;
    const suggestion = review?.session.suggestions.find((s) => s.id === id);
    if (!review || !suggestion) return;
    this.log.info(`Adding ${suggestion.path} to the refactor: ${suggestion.reason}`);
    await review.addSuggestion(id);
  }

  async openDiff(id: string, line?: number): Promise<void> {
    const review = this.review;
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

  reopenReview(): void {
    if (!this.review) {
      void vscode.window.showInformationMessage('There is no refactoring to review: run “Refactor Across Files…” first.');
      return;
    }
    this.openPanel();
  }

  showLog(): void {
    this.log.show(true);
  }

  private openPanel(): void {
    const review = this.review;
    if (!review) return;
    if (this.panel && this.panel.review === review) {
      this.panel.reveal();
      return;
    }
    this.panel?.dispose();
    const panel = new ReviewPanel(
      this.context.extensionUri,
      review,
      {
        apply: async () => void (await this.applyAccepted()),
        rerun: (id) => this.rerun(id),
        addSuggestion: (id) => this.addSuggestion(id),
        openDiff: (id, line) => this.openDiff(id, line),
        cancelRun: () => this.cancelRun(),
        showLog: () => this.showLog(),
      },
      this.log,
    );
    this.panel = panel;
    this.refreshDiagnostics();
    panel.onDidDispose(() => {
      if (this.panel !== panel) return;
      this.panel = undefined;
      // Closing the review discards its diagnostics; "Reopen Review" brings both back.
      this.diagnostics.clear();
    });
  }

  private refreshDiagnostics(): void {
    if (this.review && this.panel) this.diagnostics.show(this.review, this.paths);
  }

  /** An edit to a file under review makes its proposal stale: it no longer starts from what the user has. */
  private noticeEdit(document: vscode.TextDocument): void {
    const review = this.review;
    if (!review || this.applying || document.uri.scheme === REVIEW_SCHEME) return;
    const path = this.paths.pathOf(document.uri);
    if (!path) return;
    const file = review.session.files.find((candidate) => candidate.path === path);
    if (!file || file.status !== 'proposed' || review.isApplied(file.id) || review.isStale(file.id)) return;
    if (document.getText() !== (file.original ?? '')) {
      this.log.info(`${path} changed since it was read; its proposal is stale.`);
      review.markStale(file.id);
    }
  }

  private reportOutcome(review: ReviewSession): void {
    const { session } = review;
    if (session.stage === 'failed') {
      // Not awaited: the command resolves when the run has settled, not when the user dismisses this.
      void this.showError(new Error(session.error ?? 'The refactoring failed.'));
    } else if (session.stage === 'cancelled') {
      void vscode.window.showInformationMessage('Refactoring cancelled; nothing was written.');
    } else if (session.plan && session.plan.changes.length === 0) {
      void vscode.window.showInformationMessage('The planner found nothing to change for this request.');
    }
  }

  private async showError(error: unknown): Promise<void> {
    const message = error instanceof Error ? error.message : String(error);
    this.log.error(message);
    const fix = error instanceof UserFacingError ? error.fix : undefined;
    const choices = fix ? [fix.label, 'Show Log'] : ['Show Log'];
    const choice = await vscode.window.showErrorMessage(message, ...choices);
    if (choice === 'Show Log') this.showLog();
    else if (fix && choice === fix.label) await vscode.commands.executeCommand(fix.command, ...(fix.args ?? []));
  }

  private async showWarning(message: string): Promise<void> {
    const choice = await vscode.window.showWarningMessage(message, 'Show Log');
    if (choice === 'Show Log') this.showLog();
  }

  private logEvent(event: SessionEvent): void {
    if (event.type === 'log') {
      if (event.level === 'error') this.log.error(event.message);
      else if (event.level === 'warn') this.log.warn(event.message);
      else this.log.info(event.message);
    } else if (event.type === 'stage') {
      this.log.info(`Stage: ${event.stage}`);
    } else if (event.type === 'plan') {
      this.log.info(`Plan: ${event.plan.changes.length} changes. ${event.plan.summary}`);
    } else if (event.type === 'file' && (event.file.status === 'proposed' || event.file.status === 'failed')) {
      this.log.debug(`${event.file.path}: ${event.file.status}${event.file.error ? ` (${event.file.error})` : ''}`);
    }
  }

  private discardReview(): void {
    this.panel?.dispose();
    this.panel = undefined;
    this.diagnostics.clear();
    this.reviewLifetime?.abort();
    for (const disposable of this.reviewDisposables.splice(0)) disposable.dispose();
    this.content.setReview(undefined);
    this.review = undefined;
  }

  dispose(): void {
    this.runAbort?.abort();
    this.discardReview();
    for (const disposable of this.disposables) disposable.dispose();
  }
}

async function askForRequest(scope: vscode.Uri[] | undefined, paths: WorkspacePaths): Promise<string | undefined> {
  const scopeNote = scope && scope.length > 0 ? ` (about ${scope.map((uri) => paths.pathOf(uri) ?? uri.path).join(', ')})` : '';
  const request = await vscode.window.showInputBox({
    title: `Refactor Across Files${scopeNote}`,
    prompt: 'Describe the refactoring. Nothing is written until you accept it in the review.',
    placeHolder: 'e.g. Rename the User type to Account and update every use',
    ignoreFocusOut: true,
    validateInput: (value) => (value.trim().length > 0 && value.trim().length < 3 ? 'Describe the change in a few words.' : undefined),
  });
  const trimmed = request?.trim();
  return trimmed ? trimmed : undefined;
}
