// Benchmark 6: the review of a big change. A 5,000-line file with 200 changed lines: the unified diff
// and the review hunks the extension computes, then the review webview's own bundle (dist/webview.js)
// in headless Chromium, fed the messages the extension would post, timed until its card is in the
// DOM and laid out, then until each batch of diff lines is.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { computeHunks, loadPlaywright, repoRoot, unifiedDiff } from './out.mjs';
import { median } from './modelCalls.mjs';
import { round } from './overhead.mjs';

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export async function measureDiffAtSize({ lines, changedLines, renderRepetitions, log }) {
  const original = Array.from({ length: lines }, (_, i) => `  const item${i} = await load(${i}, { cache: true });`).join('\n') + '\n';
  const step = Math.floor(lines / changedLines);
  const proposed = original
    .split('\n')
    .map((line, i) => (i % step === Math.floor(step / 2) && Math.floor(i / step) < changedLines ? line.replace('load(', 'loadCached(') : line))
    .join('\n');

  // Each computed a few times: the first call also pays for JIT warm-up, which a long-running
  // extension host has already paid, so the median is reported and the first run shown beside it.
  const time = (fn) => {
    const times = [];
    let value;
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      value = fn();
      times.push(performance.now() - started);
    }
    return { value, ms: median(times), firstMs: times[0] };
  };
  const diff = time(() => unifiedDiff('src/big.ts', original, proposed));
  const hunks = time(() => computeHunks(original, proposed));
  const diffLines = hunks.value.reduce((sum, hunk) => sum + hunk.lines.length, 0);
  log(`diff at size: unifiedDiff ${round(diff.ms)} ms, computeHunks ${round(hunks.ms)} ms, ${hunks.value.length} hunks, ${diffLines} lines`);

  let render;
  try {
    render = await renderInChromium(hunks.value, changedLines, renderRepetitions);
    log(`diff at size: card ${render.cardMs} ms, first batch ${render.firstBatchMs} ms, all lines ${render.allLinesMs} ms`);
  } catch (error) {
    render = { renderError: String(error?.message ?? error).split('\n')[0] };
    log(`diff at size: rendering not measured: ${render.renderError}`);
  }
  return {
    lines,
    changedLines,
    hunks: hunks.value.length,
    diffLines,
    diffBytes: diff.value.length,
    unifiedDiffMs: round(diff.ms),
    unifiedDiffFirstMs: round(diff.firstMs),
    computeHunksMs: round(hunks.ms),
    computeHunksFirstMs: round(hunks.firstMs),
    ...render,
    goals: { computeMs: 200, cardMs: 200, batchMs: 100 },
  };
}

async function renderInChromium(hunks, changedLines, repetitions) {
  const executablePath = process.env.RO_CHROMIUM ?? '/usr/bin/chromium';
  if (!fs.existsSync(executablePath)) throw new Error(`no Chromium at ${executablePath} (set RO_CHROMIUM)`);
  const bundle = path.join(repoRoot, 'dist', 'webview.js');
  if (!fs.existsSync(bundle)) throw new Error('dist/webview.js is missing: run `npm run build` first');
  const { chromium } = loadPlaywright();
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ro-bench-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, { executablePath, headless: true, args: CHROMIUM_ARGS });
  try {
    const css = fs.readFileSync(path.join(repoRoot, 'media', 'review.css'), 'utf8');
    const script = fs.readFileSync(bundle, 'utf8');
    const messages = reviewMessages(hunks, changedLines);
    const samples = [];
    for (let i = 0; i < repetitions; i++) {
      const page = await context.newPage();
      await page.setContent(`<!doctype html><html><head><meta charset="utf-8"><style>${css}</style></head><body><div id="app"></div></body></html>`);
      // The stub VS Code API: the webview posts `ready` and its decisions here; nothing answers.
      await page.evaluate(() => {
        window.acquireVsCodeApi = () => ({ postMessage: () => undefined, getState: () => undefined, setState: () => undefined });
      });
      await page.addScriptTag({ content: script });
      samples.push(await page.evaluate(timeReviewRendering, messages));
      await page.close();
    }
    const pick = (key) => round(median(samples.map((s) => s[key])));
    return { cardMs: pick('cardMs'), firstBatchMs: pick('firstBatchMs'), allLinesMs: pick('allLinesMs'), batches: samples[0].batches, renderedLines: samples[0].renderedLines, renderRepetitions: repetitions };
  } finally {
    await context.close();
    fs.rmSync(userDataDir, { recursive: true, force: true });
  }
}

/** The messages the extension posts for one proposed file (see src/protocol/webviewProtocol.ts). */
function reviewMessages(hunks, changedLines) {
  const change = { id: 'c1', path: 'src/big.ts', action: 'modify', description: 'Load items through the cache.', specialist: 'general', dependsOn: [] };
  const usage = { requests: 1, promptTokens: 1000, completionTokens: 100 };
  return [
    { type: 'session', session: { request: 'Load items through the cache', stage: 'done', plan: { summary: 'One file.', changes: [change] }, usage: { planner: usage, worker: usage, verifier: usage }, elapsedMs: 1000, running: false, canApply: false } },
    {
      type: 'file',
      file: { ...change, status: 'proposed', revisions: 0, stale: false, applied: false, decision: 'pending', acceptedHunks: [], hunkCount: hunks.length, hunksSelectable: true, added: changedLines, removed: changedLines, proposalVersion: 1 },
    },
    { type: 'hunks', id: 'c1', proposalVersion: 1, hunks },
  ];
}

/**
 * Runs in the page. Times (a) posting the three messages until the card's Accept button is in the DOM
 * and laid out, (b) Expand until the first batch of lines is, (c) "Show more" until every line is.
 * A MutationObserver notices each step as soon as the webview's code has put it in the DOM; reading
 * offsetHeight then forces style and layout, so their cost is included.
 */
async function timeReviewRendering(messages) {
  const appear = (selector, count = 1) =>
    new Promise((resolve) => {
      const done = () => document.querySelectorAll(selector).length >= count;
      if (done()) return resolve();
      const observer = new MutationObserver(() => {
        if (done()) {
          observer.disconnect();
          resolve();
        }
      });
      observer.observe(document.body, { childList: true, subtree: true });
    });
  const settle = (started) => {
    void document.body.offsetHeight;
    return performance.now() - started;
  };

  let started = performance.now();
  for (const message of messages) window.postMessage(message, '*');
  await appear('[aria-label^="Accept src/big.ts"]');
  await appear('.collapsed-note, .hunk');
  const cardMs = settle(started);

  started = performance.now();
  const toggle = document.querySelector('[aria-label^="Expand diff src/big.ts"]');
  if (toggle) toggle.click();
  await appear('.lines > *');
  const firstBatchMs = settle(started);

  started = performance.now();
  let batches = 1;
  for (let more = document.querySelector('.show-more'); more; more = document.querySelector('.show-more')) {
    const before = document.querySelectorAll('.lines > *').length;
    more.click();
    await appear('.lines > *', before + 1);
    batches++;
  }
  const allLinesMs = settle(started);
  return { cardMs, firstBatchMs, allLinesMs, batches, renderedLines: document.querySelectorAll('.lines > *').length };
}
