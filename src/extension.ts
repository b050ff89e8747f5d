// Activation only registers things: the output channel, the review controller (which registers its
// content provider and diagnostics) and one route per command. Everything else happens when a command
// runs. Each registration is a disposable in the extension's subscriptions.
import * as vscode from 'vscode';
import { REFACTOR_COMMAND_ID, RefactorCommand, refactorArgs } from './vscode/commands/refactorCommand';
import { clearApiKey, promptAndStoreApiKey } from './vscode/models/apiKey';
import { ReviewController } from './vscode/review/reviewController';

/** What `activate` returns: the entry points the integration tests drive instead of the input box. */
export interface RefactorOrchestratorApi {
  /** The review's route: the current review, its panel, apply and cancel. */
  readonly controller: ReviewController;
  /** The folder holding this extension's log files, the "Refactor Orchestrator" channel's included. */
  readonly logUri: vscode.Uri;
}

export function activate(context: vscode.ExtensionContext): RefactorOrchestratorApi {
  const log = vscode.window.createOutputChannel('Refactor Orchestrator', { log: true });
  const reviews = new ReviewController(context.extensionUri, log);
  const refactor = new RefactorCommand(context.secrets, log, reviews);
  context.subscriptions.push(
    log,
    reviews,
    vscode.commands.registerCommand(REFACTOR_COMMAND_ID, (first?: unknown, second?: unknown) => refactor.run(refactorArgs(first, second))),
    vscode.commands.registerCommand('refactorOrchestrator.setApiKey', () => promptAndStoreApiKey(context.secrets)),
    vscode.commands.registerCommand('refactorOrchestrator.clearApiKey', () => clearApiKey(context.secrets)),
    vscode.commands.registerCommand('refactorOrchestrator.showLog', () => reviews.showLog()),
    vscode.commands.registerCommand('refactorOrchestrator.reopenReview', () => reviews.reopenReview()),
  );
  return { controller: reviews, logUri: context.logUri };
}

export function deactivate(): void {}
