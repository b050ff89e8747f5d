import * as vscode from 'vscode';

// Placeholder until the VS Code adapter lands: activation only registers things.
export function activate(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('refactorOrchestrator.refactorAcrossFiles', () => {
      void vscode.window.showInformationMessage('Refactor Orchestrator is not wired up yet.');
    }),
  );
}

export function deactivate(): void {}
