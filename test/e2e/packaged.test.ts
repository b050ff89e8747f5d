// What users install is what is tested: `npm run package` builds the .vsix, code-server installs it
// with its own --install-extension into an empty extensions folder, and the command runs end to end
// on the sample workspace (palette → request → review → accept → apply → the file on disk). A file the
// bundle needs but the package leaves out (.vscodeignore) fails here, not on a user's machine.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../host/provision';
import { startFakeOpenAIServer, type FakeOpenAIServer, type FakeReply } from '../support/fakeOpenAIServer';
import { WorkbenchDriver } from './driver';

const COMMAND = 'Refactor Orchestrator: Refactor Across Files…';
const TYPES = 'src/types.ts';
const VSIX = path.join(repoRoot, 'dist', 'refactor-orchestrator.vsix');

function json(value: unknown): FakeReply {
  return { content: JSON.stringify(value) };
}

describe('the packaged .vsix installed into a clean code-server', () => {
  let server: FakeOpenAIServer;
  let driver: WorkbenchDriver;
  let listed: string[] = [];

  before(async function () {
    this.timeout(300_000);
    const built = spawnSync('npm', ['run', 'package'], { cwd: repoRoot, encoding: 'utf8', timeout: 240_000 });
    assert.equal(built.status, 0, `npm run package failed:\n${(built.stderr || built.stdout).slice(-3000)}`);
    assert.ok(fs.statSync(VSIX).size > 0);
    listed = spawnSync(process.execPath, [path.join(repoRoot, 'node_modules', '@vscode', 'vsce', 'vsce'), 'ls', '--no-dependencies'], { cwd: repoRoot, encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
    server = await startFakeOpenAIServer();
    driver = await WorkbenchDriver.launch({ vsix: VSIX, userSettings: { 'refactorOrchestrator.baseUrl': server.baseURL, 'refactorOrchestrator.model': 'fake-model', 'refactorOrchestrator.revisionRounds': 0 } });
  });

  after(async () => {
    await driver?.close();
    await server?.close();
  });

  it('ships the bundles, styles and manifest, and neither sources nor tests', () => {
    for (const required of ['package.json', 'dist/extension.js', 'dist/webview.js', 'media/review.css']) assert.ok(listed.includes(required), `${required} is in the package: ${listed.join(', ')}`);
    assert.deepEqual(listed.filter((file) => /^(src|test|node_modules)\//.test(file) || file.endsWith('.ts')), []);
  });

  it('runs the command end to end from the installed package', async () => {
    const original = fs.readFileSync(path.join(driver.workspace, TYPES), 'utf8');
    const proposed = original.replace('export interface User {', 'export interface Account {');
    server.setScript((request) => {
      if (request.schemaName === 'plan') return json({ summary: 'Rename User to Account.', changes: [{ id: 'c1', path: TYPES, action: 'modify', description: 'Rename the interface.', specialist: 'rename', dependsOn: [] }], symbolRenames: [] });
      if (request.schemaName === 'whole_file') return json({ content: proposed, summary: 'renamed the interface' });
      if (request.schemaName === 'verifier_report') return json({ findings: [] });
      return { status: 400, body: { error: { message: 'unexpected request' } } };
    });
    await driver.runCommand(COMMAND);
    await driver.waitForQuickInput(/Describe the refactoring/);
    await driver.answerQuickInput('Rename the User type to Account', { prompt: /Describe the refactoring/ });
    const review = await driver.webviewFrame('Refactor Review', 60_000);
    await review.locator('.badge.stage', { hasText: 'Ready for review' }).waitFor({ timeout: 60_000 });
    await review.getByRole('button', { name: `Accept ${TYPES}` }).click();
    await review.getByRole('button', { name: 'Apply accepted changes' }).click();
    await review.locator('.notice', { hasText: 'Applied and saved 1 file' }).waitFor({ timeout: 30_000 });
    await driver.screenshot('packaged-vsix-applied');
    assert.equal(fs.readFileSync(path.join(driver.workspace, TYPES), 'utf8'), proposed);
  });
});
