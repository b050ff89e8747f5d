// A user's first run with `refactorOrchestrator.provider: vscode-lm`, in the real workbench: the models
// come from VS Code's Language Model API, here a chat model that a test-only extension registers
// (test/host/lm-provider-extension, answering from the loopback server). VS Code may ask whether the
// extension may use the model; if it does, the test clicks Allow, as the user would. Either way the run
// must reach a review and apply.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../host/provision';
import { startFakeOpenAIServer, type FakeOpenAIServer, type FakeReply, type RecordedRequest } from '../support/fakeOpenAIServer';
import { WorkbenchDriver } from './driver';

const COMMAND = 'Refactor Orchestrator: Refactor Across Files…';
const TYPES = 'src/types.ts';

function json(value: unknown): FakeReply {
  return { content: JSON.stringify(value) };
}

function schemaOf(request: RecordedRequest): string | undefined {
  return request.schemaName;
}

describe('vscode-lm provider in the workbench (Playwright in code-server)', () => {
  let server: FakeOpenAIServer;
  let driver: WorkbenchDriver;
  let consentShown = false;

  before(async () => {
    server = await startFakeOpenAIServer();
    driver = await WorkbenchDriver.launch({
      userSettings: { 'refactorOrchestrator.provider': 'vscode-lm', 'refactorOrchestrator.model': 'ro-loopback', 'refactorOrchestrator.revisionRounds': 0 },
      env: { RO_TEST_LM_BASE_URL: server.baseURL },
      extraExtensions: [path.join(repoRoot, 'test', 'host', 'lm-provider-extension')],
    });
  });

  after(async () => {
    await driver?.close();
    await server?.close();
  });

  it('runs a first refactor through a VS Code language model into the review and applies it', async () => {
    const original = fs.readFileSync(path.join(driver.workspace, TYPES), 'utf8');
    const proposed = original.replace('export interface User {', 'export interface Account {');
    server.setScript((request) => {
      if (schemaOf(request) === 'plan') return json({ summary: 'Rename User to Account.', changes: [{ id: 'c1', path: TYPES, action: 'modify', description: 'Rename the interface.', specialist: 'rename', dependsOn: [] }], symbolRenames: [] });
      if (schemaOf(request) === 'whole_file') return json({ content: proposed, summary: 'renamed the interface' });
      if (schemaOf(request) === 'verifier_report') return json({ findings: [] });
      return { status: 400, body: { error: { message: 'unexpected request' } } };
    });
    await driver.runCommand(COMMAND);
    await driver.waitForQuickInput(/Describe the refactoring/);
    await driver.answerQuickInput('Rename the User type to Account', { prompt: /Describe the refactoring/ });

    // VS Code's consent for language-model access, when it asks: a dialog with an Allow button.
    const allow = driver.page.locator('.monaco-dialog-box .monaco-button', { hasText: /^Allow/ }).first();
    if (await allow.waitFor({ state: 'visible', timeout: 8_000 }).then(() => true, () => false)) {
      consentShown = true;
      await driver.screenshot('vscode-lm-consent');
      await allow.click();
    }
    const review = await driver.webviewFrame('Refactor Review', 60_000);
    await review.locator('.badge.stage', { hasText: 'Ready for review' }).waitFor({ timeout: 60_000 });
    await review.getByRole('button', { name: `Accept ${TYPES}` }).click();
    await review.getByRole('button', { name: /^Apply accepted changes/ }).click();
    await review.locator('.notice', { hasText: 'Applied and saved 1 file' }).waitFor({ timeout: 30_000 });
    await driver.screenshot('vscode-lm-applied');
    assert.equal(fs.readFileSync(path.join(driver.workspace, TYPES), 'utf8'), proposed);
    const models = new Set(server.requests.map((request) => request.model));
    assert.deepEqual([...models], ['ro-loopback-model'], 'every call went through the VS Code model');
    assert.ok(server.requests.every((request) => request.responseFormat === undefined), 'prompted JSON: vscode.lm takes no response format');
    console.log(`      (VS Code ${consentShown ? 'asked for consent; Allow was clicked' : 'did not ask for consent for this model'})`);
  });
});
