// What `npm start` shows a new user, in the real workbench: the sample workspace and the offline demo
// model (test/host/demoModel.ts). The workspace must open without problems and stay without problems
// once the demo rename is applied (TypeScript's own diagnostics, the tsconfig.json, and our findings);
// and the review panel keeps its view state (collapsed cards, the plan closed) when it is hidden
// behind an editor and shown again, which re-creates its webview. "Save as patch…" writes a patch
// through the real save dialog, and it applies to the sample workspace.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { FrameLocator } from 'playwright-core';
import { demoModelScript } from '../host/demoModel';
import { repoRoot } from '../host/provision';
import { startFakeOpenAIServer, type FakeOpenAIServer } from '../support/fakeOpenAIServer';
import { WorkbenchDriver } from './driver';

const COMMAND = 'Refactor Orchestrator: Refactor Across Files…';
const REQUEST = 'rename `UserStore` to `AccountRepository` everywhere';
const RENAMED = ['src/stores/userStore.ts', 'src/index.ts', 'src/services/userService.ts', 'src/services/orderService.ts', 'README.md'];
/** TypeScript reports a project's problems some seconds after a file of it opens; nothing signals "none". */
const DIAGNOSTICS_SETTLE_MS = 10_000;

describe('the demo npm start opens (Playwright in code-server)', () => {
  let model: FakeOpenAIServer;
  let driver: WorkbenchDriver;
  let review: FrameLocator;

  before(async () => {
    model = await startFakeOpenAIServer();
    // The settings npm start writes for the demo model (test/host/startSettings.mjs).
    driver = await WorkbenchDriver.launch({
      userSettings: { 'refactorOrchestrator.provider': 'openai-compatible', 'refactorOrchestrator.baseUrl': model.baseURL, 'refactorOrchestrator.model': 'offline-demo' },
      env: { OPENAI_API_KEY: 'demo' },
    });
    model.setScript(demoModelScript(driver.workspace, { delayMs: 50 }));
  });

  after(async () => {
    await driver?.close();
    await model?.close();
  });

  async function openFile(name: string): Promise<void> {
    await driver.openPalette();
    await driver.page.keyboard.press('Backspace'); // from commands (">") to Go to File
    await driver.answerQuickInput(name, { pickRow: name });
    await driver.page.locator('.tab.active', { hasText: path.basename(name) }).waitFor({ timeout: 15_000 });
  }

  async function problems(): Promise<string> {
    await driver.page.waitForTimeout(DIAGNOSTICS_SETTLE_MS);
    await driver.openPalette();
    await driver.page.keyboard.type('View: Focus Problems');
    await driver.page.keyboard.press('Enter');
    const panel = driver.page.locator('.markers-panel');
    await panel.waitFor();
    return panel.innerText();
  }

  it('opens the sample workspace with no problems, its TypeScript project and tsconfig.json loaded', async () => {
    await openFile('index.ts');
    await openFile('tsconfig.json');
    const shown = await problems();
    await driver.screenshot('demo-problems-before');
    assert.match(shown, /No problems have been detected/, shown);
  });

  it('runs the demo rename into a review with one card per file that names UserStore', async () => {
    await driver.runCommand(COMMAND);
    await driver.waitForQuickInput(/Describe the refactoring/);
    await driver.answerQuickInput(REQUEST, { prompt: /Describe the refactoring/ });
    review = await driver.webviewFrame('Refactor Review', 60_000);
    await review.locator('.badge.stage', { hasText: 'Ready for review' }).waitFor({ timeout: 60_000 });
    assert.deepEqual((await review.locator('article.card .card-head .path').allInnerTexts()).sort(), [...RENAMED].sort());
  });

  it('shows who made each proposal: the language server renamed the code, a model the README', async () => {
    // VS Code's TypeScript rename answers in the workbench; the section says so, and each card has its badge.
    await review.locator('section.language-server', { hasText: /Renamed UserStore → AccountRepository with the/ }).waitFor({ timeout: 10_000 });
    const badge = async (file: string): Promise<string> => review.locator(`article[aria-label="${file}"] .badge.performer`).innerText();
    assert.equal(await badge('README.md'), 'model');
    assert.equal(await badge('src/services/orderService.ts'), 'language server');
    assert.match(await badge('src/stores/userStore.ts'), /^language server( \+ model)?$/);
    await driver.screenshot('demo-review-language-server');
  });

  it('keeps collapsed cards and the closed plan when the panel is hidden and shown again', async () => {
    await review.getByRole('button', { name: 'Collapse diff README.md' }).click();
    await review.locator('section.plan summary').click();
    await review.locator('article[aria-label="README.md"] .collapsed-note').waitFor();
    assert.equal(await review.locator('section.plan details[open]').count(), 0);
    assert.equal(await review.locator('article[aria-label="src/index.ts"] section.hunk').count(), 1);
    // A mark in the webview's window: gone after showing again if the webview was really re-created.
    await review.locator('body').evaluate(() => ((window as unknown as { roMark?: number }).roMark = 1));

    // Hidden: an editor opened in the panel's group. Shown: its tab clicked, the way a user goes back.
    await openFile('types.ts');
    await driver.page.waitForTimeout(1_000);
    await driver.page.locator('.tab', { hasText: 'Refactor Review' }).click();
    review = await driver.webviewFrame('Refactor Review', 30_000);
    await review.locator('article[aria-label="README.md"] .card-head').waitFor({ timeout: 30_000 });
    await review.locator('article[aria-label="src/index.ts"] section.hunk').waitFor();
    await driver.screenshot('demo-review-shown-again');

    assert.equal(await review.locator('article[aria-label="README.md"] .collapsed-note').count(), 1, 'README.md is collapsed again');
    assert.equal(await review.locator('article[aria-label="README.md"] section.hunk').count(), 0);
    assert.equal(await review.locator('section.plan details[open]').count(), 0, 'the plan is closed again');
    assert.equal(await review.locator('body').evaluate(() => (window as unknown as { roMark?: number }).roMark), undefined, 'the webview was re-created');
  });

  it('saves the accepted changes as a patch that applies to the sample workspace with git apply', async () => {
    await review.getByRole('button', { name: '✓ Accept all' }).click();
    await review.getByRole('button', { name: 'Save as patch…' }).click();
    // code-server's save dialog is VS Code's own simple file dialog: a quick input holding the path.
    const target = path.join(driver.workspace, 'rename.patch');
    await driver.waitForQuickInput(/refactor\.patch|Save/);
    await driver.answerQuickInput(target, { prompt: /refactor\.patch|Save/ });
    await review.locator('.notice', { hasText: 'as a patch to' }).waitFor({ timeout: 30_000 });
    const patch = fs.readFileSync(target, 'utf8');
    assert.deepEqual([...patch.matchAll(/^\+\+\+ b\/(.+)$/gm)].map((m) => m[1]).sort(), [...RENAMED].sort());
    for (const file of RENAMED) assert.match(fs.readFileSync(path.join(driver.workspace, file), 'utf8'), /\bUserStore\b/, `${file} is untouched`);

    const repo = fs.mkdtempSync(path.join(os.tmpdir(), 'ro-demo-patch-'));
    try {
      fs.cpSync(path.join(repoRoot, 'test', 'fixtures', 'sample-workspace'), repo, { recursive: true });
      const git = (...args: string[]) => execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd: repo, stdio: 'pipe' });
      git('init', '-q');
      git('add', '-A');
      git('commit', '-q', '-m', 'sample');
      git('apply', '--check', target);
    } finally {
      fs.rmSync(repo, { recursive: true, force: true });
    }
  });

  it('applies the rename and leaves no problem: not in TypeScript, not in tsconfig.json, no leftover UserStore', async () => {
    const apply = review.getByRole('button', { name: 'Apply accepted changes' });
    await apply.click();
    await review.locator('.notice', { hasText: `Applied and saved ${RENAMED.length} files` }).waitFor({ timeout: 30_000 });
    for (const file of RENAMED) {
      const text = fs.readFileSync(path.join(driver.workspace, file), 'utf8');
      assert.doesNotMatch(text, /\bUserStore\b/, file);
      assert.match(text, /\bAccountRepository\b/, file);
    }
    await openFile('userStore.ts');
    const shown = await problems();
    await driver.screenshot('demo-problems-after-apply');
    assert.match(shown, /No problems have been detected/, shown);
  });
});
