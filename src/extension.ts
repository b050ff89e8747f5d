// Activation only registers things: the commands, the output channel, the review controller (which
// registers its content provider and diagnostics), the @refactor chat participant and the agent tool. Everything else happens when a command runs.
import * as vscode from 'vscode';
import { clearApiKey, promptAndStoreApiKey } from './vscode/apiKey';
import { answer, registerChatParticipant } from './vscode/chat/chatParticipant';
import { registerRefactorTool } from './vscode/chat/refactorTool';
import type { RefactorRunner } from './vscode/chat/refactorRunner';
import { RefactorController, type RefactorArgs } from './vscode/refactorController';

/** What `activate` returns: the entry points the integration tests drive instead of the input box. */
export interface RefactorOrchestratorApi {
  readonly controller: RefactorController;
  /** The folder holding this extension's log files, the "Refactor Orchestrator" channel's included. */
  readonly logUri: vscode.Uri;
  /** The @refactor participant's handler, for hosts whose chat view cannot be driven. */
  readonly chatHandler: vscode.ChatRequestHandler;
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
    vscode.commands.registerCommand('refactorOrchestrator.openAllChanges', () => controller.openAllDiffs()),
    vscode.commands.registerCommand('refactorOrchestrator.copyCommitMessage', () => controller.copyCommitMessage()),
  );
  // Chat and agents start the same run as the command; the review stays where the user decides.
  const runner: RefactorRunner = {
    refactor: ({ request, scope, onStart }) => controller.refactorAcrossFiles({ request, ...(scope ? { scope } : {}), ...(onStart ? { onStart } : {}) }),
    cancelRun: () => controller.cancelRun(),
  };
  context.subscriptions.push(registerChatParticipant(runner), registerRefactorTool(runner));
  return { controller, logUri: context.logUri, chatHandler: (request, chatContext, stream, token) => answer(runner, request, chatContext, stream, token) };
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
