import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

describe('the extension in a real VS Code', () => {
  it('is installed, activates, and registers its commands', async () => {
    const extension = vscode.extensions.getExtension('refactor-orchestrator.refactor-orchestrator');
    assert.ok(extension, 'extension refactor-orchestrator.refactor-orchestrator is not installed');
    await extension.activate();
    assert.equal(extension.isActive, true);
    const commands = await vscode.commands.getCommands(true);
    for (const id of ['refactorOrchestrator.refactorAcrossFiles', 'refactorOrchestrator.setApiKey', 'refactorOrchestrator.showLog', 'refactorOrchestrator.openReviewFromHistory']) {
      assert.ok(commands.includes(id), `command ${id} is not registered`);
    }
  });

  it('runs with the sample workspace open', () => {
    const folders = vscode.workspace.workspaceFolders ?? [];
    assert.equal(folders.length, 1, 'expected exactly one workspace folder');
  });
});
