import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { HunkView, ToWebview } from '../../src/protocol/webviewProtocol';
import { restoreUiState } from '../../src/webview/uiState';
import { CHROMIUM_ARGS } from '../host/codeServer';

// The review webview keeps its own view state (expanded cards, "Show more", the plan open or closed)
// across hide/show: VS Code re-runs the script of a panel shown again and hands back what it last
// passed to setState. Here the shipped bundle (dist/webview.js) runs in headless Chromium with a stub
// of the VS Code API that keeps the state the way VS Code does; "hide/show" is a fresh page given that
// state, fed the same messages the extension sends again on `ready`. The real panel is hidden and
// shown in the end-to-end suite (test/e2e/demo.test.ts).
const repoRoot = path.resolve(__dirname, '../../..');
const chromiumPath = process.env.RO_CHROMIUM || '/usr/bin/chromium';

/** `count` hunks of 100 lines each: 1,000 lines start collapsed, and "Show more" reveals 400 at a time. */
function hunks(count: number): HunkView[] {
  return Array.from({ length: count }, (_, id) => ({
    id,
    oldStart: id * 200 + 1,
    oldLines: 50,
    newStart: id * 200 + 1,
    newLines: 50,
    lines: Array.from({ length: 100 }, (_, i) => (i % 2 === 0 ? `-old line ${id}.${i}` : `+new line ${id}.${i}`)),
  }));
}

function reviewMessages(): ToWebview[] {
  const changes = [
    { id: 'c1', path: 'src/big.ts', action: 'modify' as const, description: 'A big change.', specialist: 'general', dependsOn: [] },
    { id: 'c2', path: 'src/small.ts', action: 'modify' as const, description: 'A small change.', specialist: 'general', dependsOn: [] },
  ];
  const usage = { requests: 1, promptTokens: 10, completionTokens: 10 };
  const file = (index: number, hunkCount: number) => ({
    ...changes[index]!,
    status: 'proposed' as const,
    revisions: 0,
    stale: false,
    applied: false,
    decision: 'pending' as const,
    acceptedHunks: [],
    hunkCount,
    hunksSelectable: true,
    added: hunkCount * 50,
    removed: hunkCount * 50,
    proposalVersion: 1,
  });
  return [
    { type: 'session', session: { request: 'Change things', stage: 'done', plan: { summary: 'Two files.', changes }, usage: { planner: usage, worker: usage, verifier: usage }, elapsedMs: 1000, running: false, canApply: false } },
    { type: 'file', file: file(0, 10) },
    { type: 'file', file: file(1, 1) },
    { type: 'hunks', id: 'c1', proposalVersion: 1, hunks: hunks(10) },
    { type: 'hunks', id: 'c2', proposalVersion: 1, hunks: hunks(1) },
  ];
}

describe('review webview: its view state across hide/show (dist/webview.js in Chromium)', function () {
  this.timeout(60_000);
  let browser: Browser;
  const script = (): string => fs.readFileSync(path.join(repoRoot, 'dist', 'webview.js'), 'utf8');

  before(async function () {
    if (!fs.existsSync(path.join(repoRoot, 'dist', 'webview.js'))) throw new Error('dist/webview.js is missing: run `npm run build` first');
    browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: CHROMIUM_ARGS });
  });
  after(async () => {
    await browser?.close();
  });

  /** The panel shown (again): a fresh page whose VS Code API returns `saved` from getState. */
  async function showPanel(saved: unknown): Promise<Page> {
    const page = await browser.newPage();
    await page.setContent('<!doctype html><html><head><meta charset="utf-8"></head><body><div id="app"></div></body></html>');
    await page.evaluate((initial) => {
      const w = window as unknown as { __state: unknown; acquireVsCodeApi: () => unknown };
      w.__state = initial;
      // As VS Code does: the state is stored as JSON, and getState returns the last one set.
      w.acquireVsCodeApi = () => ({ postMessage: () => undefined, getState: () => w.__state, setState: (state: unknown) => (w.__state = JSON.parse(JSON.stringify(state)) as unknown) });
    }, saved);
    await page.addScriptTag({ content: script() });
    await page.evaluate((messages) => {
      // Listeners run in the order they were added: once this one has seen the last message, the
      // webview's own listener has handled every message.
      const w = window as unknown as { __handled: number };
      w.__handled = 0;
      window.addEventListener('message', () => w.__handled++);
      for (const message of messages) window.postMessage(message, '*');
    }, reviewMessages());
    await page.waitForFunction((count) => (window as unknown as { __handled: number }).__handled === count, reviewMessages().length);
    return page;
  }

  async function view(page: Page) {
    return {
      bigHunks: await page.locator('article[aria-label="src/big.ts"] section.hunk').count(),
      bigCollapsed: await page.locator('article[aria-label="src/big.ts"] .collapsed-note').count(),
      smallHunks: await page.locator('article[aria-label="src/small.ts"] section.hunk').count(),
      planOpen: await page.locator('section.plan details').evaluate((details) => (details as HTMLDetailsElement).open),
    };
  }

  it('starts with the defaults: a big diff collapsed, a small one open, a short plan open', async () => {
    const page = await showPanel(undefined);
    assert.deepEqual(await view(page), { bigHunks: 0, bigCollapsed: 1, smallHunks: 1, planOpen: true });
    await page.close();
  });

  it('shows again with the cards expanded or collapsed, the lines revealed and the plan as the user left them', async () => {
    const first = await showPanel(undefined);
    await first.getByRole('button', { name: 'Expand diff src/big.ts' }).click();
    await first.locator('article[aria-label="src/big.ts"] .show-more').click();
    await first.getByRole('button', { name: 'Collapse diff src/small.ts' }).click();
    await first.locator('section.plan summary').click();
    const before = await view(first);
    assert.deepEqual(before, { bigHunks: 8, bigCollapsed: 0, smallHunks: 0, planOpen: false });
    const saved = await first.evaluate(() => (window as unknown as { __state: unknown }).__state);
    await first.close(); // hidden: VS Code drops the webview and keeps only its state

    const again = await showPanel(saved);
    assert.deepEqual(await view(again), before);
    await again.close();
  });

  it('starts with the defaults when the saved state does not parse', async () => {
    const page = await showPanel({ cards: { c1: { expanded: 'yes' } }, sized: 'c1' });
    assert.deepEqual(await view(page), { bigHunks: 0, bigCollapsed: 1, smallHunks: 1, planOpen: true });
    await page.close();
  });
});

describe('review webview: restoreUiState', () => {
  it('keeps a saved state that parses and drops one that does not', () => {
    const saved = { cards: { c1: { expanded: false, lineBudget: 800 } }, sized: ['c1'], planOpen: false };
    assert.deepEqual(restoreUiState(saved), saved);
    assert.deepEqual(restoreUiState(undefined), { cards: {}, sized: [] });
    assert.deepEqual(restoreUiState({ cards: { c1: { expanded: true, lineBudget: -1 } }, sized: [] }), { cards: {}, sized: [] });
    assert.deepEqual(restoreUiState('<img src=x>'), { cards: {}, sized: [] });
  });
});
