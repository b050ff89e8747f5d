// "Refactor Across Files…": checks trust, asks for the request, builds the provider and workspace from
// the settings, starts the core under a cancellable progress notification and hands the run to the
// review controller, which opens the review as soon as the plan exists. Resolves when the run settles.
import * as vscode from 'vscode';
import { startRefactor } from '../../core/engine/orchestrator';
import type { SessionEvent, SessionStage } from '../../core/engine/session';
import { DisposableStore } from '../../core/lifecycle';
import { createModelProvider } from '../models/modelProvider';
import type { ReopenSupport, ReviewController } from '../review/reviewController';
import type { ReviewSession } from '../review/reviewSession';
import { readSettings } from '../settings';
import { UserFacingError } from '../userFacingError';
import { createVscodeWorkspace } from '../workspace/vscodeWorkspace';
import { WorkspacePaths } from '../workspace/workspacePaths';
import { VscodeLanguageTools } from '../language/vscodeLanguageTools';

export const REFACTOR_COMMAND_ID = 'refactorOrchestrator.refactorAcrossFiles';

export interface RefactorArgs {
  /** The request; when absent the user is asked. */
  request?: string;
  /** Files or folders the refactoring is about (explorer selection). */
  scope?: vscode.Uri[];
  /** Told once the run's review exists, so the chat can follow the run as it goes. */
  onStart?: (review: ReviewSession) => void;
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

export class RefactorCommand {
  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly log: vscode.LogOutputChannel,
    private readonly reviews: ReviewController,
  ) {}

  /** Returns the review, or undefined when nothing ran. */
  async run(args: RefactorArgs = {}): Promise<ReviewSession | undefined> {
    if (!vscode.workspace.isTrusted) {
      const why = 'Refactor Across Files does not run in Restricted Mode: it sends this workspace’s code to a language model and writes the changes you accept. Trust the workspace to use it.';
      this.log.warn(why);
      // Not awaited: the command returns at once; the button still works while the notification stays.
      void vscode.window.showWarningMessage(why, 'Manage Workspace Trust').then((choice) => {
        if (choice) void vscode.commands.executeCommand('workbench.trust.manage');
      });
      return undefined;
    }
    const paths = WorkspacePaths.current();
    if (paths.folders.length === 0) {
      const why = 'Open a folder first: Refactor Across Files works on the files of a workspace folder.';
      this.log.warn(why);
      void vscode.window.showErrorMessage(why);
      return undefined;
    }
    if (this.reviews.busy) {
      void vscode.window.showInformationMessage('A refactoring is already running: cancel it from its notification first.');
      return undefined;
    }

    const request = args.request ?? (await askForRequest(args.scope, paths));
    if (!request) return undefined;

    const settings = readSettings();
    let provider;
    try {
      provider = await createModelProvider(settings.provider, this.secrets);
    } catch (error) {
      // Not awaited: the notification stays until dismissed, the command should not wait for that.
      void this.showError(error);
      return undefined;
    }
    const workspace = createVscodeWorkspace(settings.workspace, paths);
    const scope = args.scope?.map((uri) => paths.pathOf(uri)).filter((path): path is string => path !== undefined);

    const runAbort = new AbortController();
    this.log.info(`Refactor: "${request}" with ${provider.description}${scope && scope.length > 0 ? ` (scope: ${scope.join(', ')})` : ''}`);
    // The compile check reads the rest of the project from disk; with several folders a path's folder
    // prefix is not a directory, so only single-folder workspaces are checked (the verdict says so).
    const folder = paths.multiRoot ? undefined : paths.folders[0];
    const checkRoot = folder?.uri.scheme === 'file' ? folder.uri.fsPath : undefined;
    // VS Code's providers answer first (every language with a server, unsaved edits included); the
    // engine backs them with its TypeScript service where they give nothing. Multi-root windows too.
    const languageTools = settings.engine.languageServer ? new VscodeLanguageTools(paths, settings.engine.languageServerBudgetMs) : undefined;
    const { session, done } = startRefactor({
      request,
      workspace,
      provider,
      settings: settings.engine,
      signal: runAbort.signal,
      ...(scope && scope.length > 0 ? { scope } : {}),
      ...(checkRoot ? { checkRoot } : {}),
      ...(languageTools ? { languageTools } : {}),
    });
    const review = this.reviews.startReview({
      session,
      done,
      runAbort,
      rerunOptions: { workspace, provider, settings: settings.engine, ...(checkRoot ? { checkRoot } : {}), ...(languageTools ? { languageTools } : {}) },
      paths,
    });
    args.onStart?.(review);

    // What lives as long as this command call: the log of the run and the progress notification.
    const run = new DisposableStore();
    try {
      run.add(
        session.onDidChange((event) => {
          this.logEvent(event);
          if (event.type === 'stage' && event.stage === 'planning') {
            for (const skipped of workspace.skipped()) this.log.info(`Skipped ${skipped.path}: ${skipped.reason}`);
          }
        }),
      );
      await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Refactor Across Files', cancellable: true }, async (progress, token) => {
        run.add(token.onCancellationRequested(() => runAbort.abort()));
        run.add(
          session.onDidChange((event) => {
            if (event.type === 'stage') progress.report({ message: STAGE_MESSAGES[event.stage] });
            if (event.type === 'file' && session.stage === 'working') {
              const ready = session.files.filter((file) => file.status === 'proposed' || file.status === 'failed').length;
              progress.report({ message: `Writing the changes… ${ready}/${session.files.length} files` });
            }
          }),
        );
        await done;
      });
    } finally {
      run.dispose();
    }
    this.reportOutcome(review);
    return review;
  }

  /**
   * What a review reopened from history needs to re-run a file: the model and workspace of the current
   * settings, built the way a run builds them. Nothing is asked of the user here; when no model can be
   * made (no key, a bad setting, an untrusted workspace) re-run is off and says why.
   */
  async reopenSupport(): Promise<ReopenSupport> {
    const off = (why: string): ReopenSupport => ({ unavailable: `Re-run is not available in this reopened review: ${why}` });
    if (!vscode.workspace.isTrusted) return off('the workspace is not trusted.');
    const paths = WorkspacePaths.current();
    if (paths.folders.length === 0) return off('no folder is open.');
    const settings = readSettings();
    try {
      const provider = await createModelProvider(settings.provider, this.secrets);
      const folder = paths.multiRoot ? undefined : paths.folders[0];
      const checkRoot = folder?.uri.scheme === 'file' ? folder.uri.fsPath : undefined;
      return { rerunOptions: { workspace: createVscodeWorkspace(settings.workspace, paths), provider, settings: settings.engine, ...(checkRoot ? { checkRoot } : {}) }, paths };
    } catch (error) {
      return off(error instanceof Error ? error.message : String(error));
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
    if (choice === 'Show Log') this.log.show(true);
    else if (fix && choice === fix.label) await vscode.commands.executeCommand(fix.command, ...(fix.args ?? []));
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

/**
 * The explorer passes (clicked resource, all selected resources); the palette passes nothing; scripts
 * and tests may pass `{ request, scope }` to skip the input box.
 */
export function refactorArgs(first: unknown, second: unknown): RefactorArgs {
  if (first instanceof vscode.Uri) {
    const selected = Array.isArray(second) ? second.filter((item): item is vscode.Uri => item instanceof vscode.Uri) : [];
    return { scope: selected.length > 0 ? selected : [first] };
  }
  if (first && typeof first === 'object' && 'request' in first && typeof first.request === 'string') {
    const scope = 'scope' in first && Array.isArray(first.scope) ? first.scope.filter((item): item is vscode.Uri => item instanceof vscode.Uri) : undefined;
    return { request: first.request, ...(scope ? { scope } : {}) };
  }
  return {};
}
