// Activation only registers things: the output channel, the review controller (which registers its
// content provider and diagnostics), one route per command, the @refactor chat participant and the
// agent tool. Everything else happens when a command
// runs. Each registration is a disposable in the extension's subscriptions.
import * as vscode from 'vscode';
import { answer, registerChatParticipant } from './vscode/chat/chatParticipant';
import type { RefactorRunner } from './vscode/chat/refactorRunner';
import { registerRefactorTool } from './vscode/chat/refactorTool';
import { REFACTOR_COMMAND_ID, RefactorCommand, refactorArgs } from './vscode/commands/refactorCommand';
import { clearApiKey, promptAndStoreApiKey } from './vscode/models/apiKey';
import { ReviewController, type ReopenSupport } from './vscode/review/reviewController';
import { ReviewHistoryStore } from './vscode/review/reviewHistoryStore';

/** What `activate` returns: the entry points the integration tests drive instead of the input box. */
export interface RefactorOrchestratorApi {
  /** The review's route: the current review, its panel, apply and cancel. */
  readonly controller: ReviewController;
  /** The folder holding this extension's log files, the "Refactor Orchestrator" channel's included. */
  readonly logUri: vscode.Uri;
  /** The @refactor participant's handler, for hosts whose chat view cannot be driven. */
  readonly chatHandler: vscode.ChatRequestHandler;
}

export function activate(context: vscode.ExtensionContext): RefactorOrchestratorApi {
  const log = vscode.window.createOutputChannel('Refactor Orchestrator', { log: true });
  // The refactor command is made just below; the controller asks it only when a review is reopened.
  const reviews: ReviewController = new ReviewController(context.extensionUri, log, new ReviewHistoryStore(context.storageUri, log), (): Promise<ReopenSupport> => refactor.reopenSupport());
  const refactor = new RefactorCommand(context.secrets, log, reviews);
  context.subscriptions.push(
    log,
    reviews,
    vscode.commands.registerCommand(REFACTOR_COMMAND_ID, (first?: unknown, second?: unknown) => refactor.run(refactorArgs(first, second))),
    vscode.commands.registerCommand('refactorOrchestrator.setApiKey', () => promptAndStoreApiKey(context.secrets)),
    vscode.commands.registerCommand('refactorOrchestrator.clearApiKey', () => clearApiKey(context.secrets)),
    vscode.commands.registerCommand('refactorOrchestrator.showLog', () => reviews.showLog()),
    vscode.commands.registerCommand('refactorOrchestrator.reopenReview', () => reviews.reopenReview()),
    vscode.commands.registerCommand('refactorOrchestrator.openReviewFromHistory', () => reviews.openReviewFromHistory()),
    vscode.commands.registerCommand('refactorOrchestrator.openAllChanges', () => reviews.openAllDiffs()),
    vscode.commands.registerCommand('refactorOrchestrator.copyCommitMessage', () => reviews.copyCommitMessage()),
  );
  // Chat and agents start the same run as the command; the review stays where the user decides.
  const runner: RefactorRunner = {
    refactor: ({ request, scope, onStart }) => refactor.run({ request, ...(scope ? { scope } : {}), ...(onStart ? { onStart } : {}) }),
    cancelRun: () => reviews.cancelRun(),
  };
  context.subscriptions.push(registerChatParticipant(runner), registerRefactorTool(runner));
  return { controller: reviews, logUri: context.logUri, chatHandler: (request, chatContext, stream, token) => answer(runner, request, chatContext, stream, token) };
}

export function deactivate(): void {}
