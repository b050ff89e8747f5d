// Activation only registers things: the commands, the output channel, the review controller (which
// registers its content provider and diagnostics). Everything else happens when a command runs.
import * as vscode from 'vscode';
import { clearApiKey, promptAndStoreApiKey } from './vscode/models/apiKey';
import { RefactorController, type RefactorArgs } from './vscode/commands/refactorController';

/** What `activate` returns: the entry points the integration tests drive instead of the input box. */
export interface RefactorOrchestratorApi {
  readonly controller: RefactorController;
  /** The folder holding this extension's log files, the "Refactor Orchestrator" channel's included. */
  readonly logUri: vscode.Uri;
}

export function activate(context: vscode.ExtensionContext): RefactorOrchestratorApi {
  const log = vscode.window.createOutputChannel('Refactor Orchestrator', { log: true });
  const controller = new RefactorController(context, log);
  context.subscriptions.push(
    log,
    controller,
    vscode.commands.registerCommand('refactorOrchestrator.refactorAcrossFiles', (first?: unknown, second?: unknown) =>
      controller.refactorAcrossFiles(commandArgs(first, second)),
    ),
    vscode.commands.registerCommand('refactorOrchestrator.setApiKey', () => promptAndStoreApiKey(context.secrets)),
    vscode.commands.registerCommand('refactorOrchestrator.clearApiKey', () => clearApiKey(context.secrets)),
    vscode.commands.registerCommand('refactorOrchestrator.showLog', () => controller.showLog()),
    vscode.commands.registerCommand('refactorOrchestrator.reopenReview', () => controller.reopenReview()),
  );
  return { controller, logUri: context.logUri };
}

export function deactivate(): void {}

/**
 * The explorer passes (clicked resource, all selected resources); the palette passes nothing; scripts
 * and tests may pass `{ request, scope }` to skip the input box.
 */
function commandArgs(first: unknown, second: unknown): RefactorArgs {
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
