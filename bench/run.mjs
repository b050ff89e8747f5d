// `npm run bench`: what the orchestration costs beyond its model calls, against the pattern as usually
// written, on one loopback OpenAI-compatible server with set latency and streaming rate, on generated
// TypeScript workspaces. Writes bench/results.json and bench/results.md. `--smoke` runs tiny sizes
// for CI: it checks that every benchmark yields numbers, never that they meet their goals.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = (p) => require(path.join(root, 'out', p));
const { startRefactor, DEFAULT_ENGINE_SETTINGS } = out('src/core/orchestrator.js');
const { runWorker } = out('src/core/worker.js');
const { createOpenAIProvider } = out('src/core/llm/openaiProvider.js');
const { meterUsage } = out('src/core/llm/usageMeter.js');
const { createNodeWorkspace } = out('src/core/nodeWorkspace.js');
const { unifiedDiff } = out('src/core/unifiedDiff.js');
const { computeHunks } = out('src/core/reviewHunks.js');
const { startFakeOpenAIServer, jsonReply } = out('test/support/fakeOpenAIServer.js');

const smoke = process.argv.includes('--smoke');
const jsonOnly = process.argv.includes('--json-only');
const resultsDir = smoke ? fs.mkdtempSync(path.join(os.tmpdir(), 'ro-bench-')) : path.join(root, 'bench');
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'ro-bench-ws-'));

// One model call = fixed latency before the first byte + streaming at a set rate.
const LATENCY_MS = smoke ? 40 : 300;
const TOKENS_PER_SECOND = smoke ? 5000 : 400;
const CONCURRENCY = 8;
const log = (m) => jsonOnly || console.error(m);

// ---------------------------------------------------------------------------------------------
// A generated workspace for the rename: D definition files, each used by U files: chains of depth 2.

function renameWorkspace(defs, usersPerDef) {
  const dir = fs.mkdtempSync(path.join(scratch, 'rename-'));
  fs.mkdirSync(path.join(dir, 'src'));
  const files = [];
  for (let d = 0; d < defs; d++) {
    const def = `src/def${d}.ts`;
    fs.writeFileSync(path.join(dir, def), `export class Store${d} {\n  get(id: string): string { return id; }\n}\n`);
    files.push({ path: def, dependsOn: [] });
    for (let u = 0; u < usersPerDef; u++) {
      const user = `src/use${d}_${u}.ts`;
      fs.writeFileSync(path.join(dir, user), `import { Store${d} } from './def${d}';\nexport const s${d}_${u} = new Store${d}();\n`);
      files.push({ path: user, dependsOn: [def] });
    }
  }
  return { dir, files };
}

/** The scripted model: a plan of these files, each worker renames Store→Repo in its file, no findings. */
function renameScript(dir, files, latencyOf) {
  const ids = new Map(files.map((f, i) => [f.path, `c${i + 1}`]));
  return (request) => {
    const user = request.messages.filter((m) => m.role === 'user').map((m) => m.content).join('\n');
    const base = { delayMs: LATENCY_MS, tokensPerSecond: TOKENS_PER_SECOND };
    if (request.schemaName === 'plan') {
      const changes = files.map((f) => ({ id: ids.get(f.path), path: f.path, action: 'modify', description: 'Rename StoreN to RepoN.', specialist: 'rename', dependsOn: f.dependsOn.map((d) => ids.get(d)) }));
      return jsonReply({ summary: 'rename', changes, symbolRenames: [] }, base);
    }
    if (request.schemaName === 'whole_file') {
      const file = /^File: `([^`]+)`/m.exec(user)?.[1];
      const text = fs.readFileSync(path.join(dir, file), 'utf8').replace(/Store(\d+)/g, 'Repo$1');
      return jsonReply({ content: text, summary: 'renamed' }, { ...base, delayMs: latencyOf(file) });
    }
    if (request.schemaName === 'verifier_report') return jsonReply({ findings: [] }, base);
    return { status: 400, body: { error: { message: `unexpected ${request.schemaName}` } } };
  };
}

function provider(baseURL) {
  return createOpenAIProvider({ baseURL, apiKey: 'bench', models: { planner: 'm', worker: 'm', verifier: 'm' }, timeoutMs: 60_000, maxRetries: 0 });
}

/** Streaming time of a reply of `chars` characters at the set rate (the fake server's ~4 chars/token). */
const streamMs = (chars) => (Math.ceil(chars / 4) / TOKENS_PER_SECOND) * 1000;

async function runEngine(dir, server, concurrency) {
  const { session, done } = startRefactor({
    request: 'Rename every StoreN class to RepoN',
    workspace: createNodeWorkspace(dir, { maxFileBytes: 1 << 20, extraExcludes: [] }),
    provider: provider(server.baseURL),
    settings: { ...DEFAULT_ENGINE_SETTINGS, concurrency, maxFiles: 100 },
    signal: new AbortController().signal,
  });
  const started = Date.now();
  await done;
  if (session.stage !== 'done') throw new Error(`engine run ended ${session.stage}: ${session.error}`);
  const t = session.timings;
  return { wallMs: Date.now() - started, planMs: t.plannedAt - t.startedAt, workersMs: t.workersDoneAt - t.plannedAt, firstProposalMs: t.firstProposalAt - t.plannedAt, session };
}

/** The usual hand-written version: workers in topological batches, each batch waiting for its slowest. */
async function runBatches(dir, server, plan, concurrency) {
  const workspace = createNodeWorkspace(dir, { maxFileBytes: 1 << 20, extraExcludes: [] });
  const p = provider(server.baseURL);
  const done = new Set();
  const started = Date.now();
  let remaining = [...plan.changes];
  while (remaining.length > 0) {
    const batch = remaining.filter((c) => c.dependsOn.every((d) => done.has(d)));
    for (let i = 0; i < batch.length; i += concurrency) {
      await Promise.all(
        batch.slice(i, i + concurrency).map((change) =>
          runWorker({ request: 'Rename every StoreN class to RepoN', plan, change, workspace, provider: p, signal: new AbortController().signal, searchReplaceMinLines: 400, upstream: [] }),
        ),
      );
    }
    for (const c of batch) done.add(c.id);
    remaining = remaining.filter((c) => !done.has(c.id));
  }
  return Date.now() - started;
}

/** A lower bound no schedule can beat: the longest dependency chain, or all the work spread over the cap. */
function idealWorkersMs(files, workerMs) {
  const chain = new Map();
  const chainOf = (f) => {
    if (!chain.has(f.path)) chain.set(f.path, workerMs(f.path) + Math.max(0, ...f.dependsOn.map((d) => chainOf(files.find((x) => x.path === d)))));
    return chain.get(f.path);
  };
  const longest = Math.max(...files.map(chainOf));
  const total = files.reduce((sum, f) => sum + workerMs(f.path), 0);
  // With equal calls the cap forces whole rounds: ceil(n / cap) rounds of one call each.
  const uniform = new Set(files.map((f) => workerMs(f.path))).size === 1;
  const capacity = uniform ? Math.ceil(files.length / CONCURRENCY) * workerMs(files[0].path) : total / CONCURRENCY;
  return Math.max(longest, capacity);
}

// ---------------------------------------------------------------------------------------------

const results = { machine: { cpus: os.cpus().length, node: process.version, smoke }, model: { latencyMs: LATENCY_MS, tokensPerSecond: TOKENS_PER_SECOND, concurrency: CONCURRENCY } };

async function overheadAndBaselines() {
  const defs = smoke ? 2 : 10;
  const per = smoke ? 2 : 4;
  // 1. Uniform latency: wall time against the ideal critical path.
  {
    const { dir, files } = renameWorkspace(defs, per);
    const server = await startFakeOpenAIServer(renameScript(dir, files, () => LATENCY_MS));
    const run = await runEngine(dir, server, CONCURRENCY);
    const replyChars = (p) => JSON.stringify({ content: fs.readFileSync(path.join(dir, p), 'utf8'), summary: 'renamed' }).length;
    const workerMs = (p) => LATENCY_MS + streamMs(replyChars(p));
    const planChars = JSON.stringify(server.requests.length ? { x: 1 } : {}).length;
    const planMs = LATENCY_MS + streamMs(JSON.stringify({ summary: 'rename', changes: run.session.plan.changes, symbolRenames: [] }).length) + 0 * planChars;
    const verifyMs = LATENCY_MS + streamMs(JSON.stringify({ findings: [] }).length);
    const ideal = planMs + idealWorkersMs(files, workerMs) + verifyMs;
    results.overhead = { files: files.length, chainDepth: 2, wallMs: run.wallMs, idealMs: Math.round(ideal), ratio: run.wallMs / ideal, goal: 1.1 };
    // 3. Time to first reviewable diff, as a multiple of one worker call.
    const oneCall = workerMs(files[0].path);
    results.firstDiff = { msAfterPlan: run.firstProposalMs, workerCallMs: Math.round(oneCall), multiple: run.firstProposalMs / oneCall, goal: 1.2 };
    await server.close();
    log(`overhead: ${run.wallMs} ms vs ideal ${Math.round(ideal)} ms`);
  }
  // 2. Varied latency (every third definition and some users 3x slower): ours vs the usual patterns.
  {
    const { dir, files } = renameWorkspace(defs, per);
    const slow = (p) => /def(\d+)\.ts$/.test(p) ? Number(/def(\d+)/.exec(p)[1]) % 3 === 0 : /use\d+_0\.ts$/.test(p);
    const latencyOf = (p) => (slow(p) ? 3 : 1) * LATENCY_MS;
    const measure = async (fn) => {
      const server = await startFakeOpenAIServer(renameScript(dir, files, latencyOf));
      try {
        return await fn(server);
      } finally {
        await server.close();
      }
    };
    const ours = await measure((s) => runEngine(dir, s, CONCURRENCY));
    const sequential = await measure((s) => runEngine(dir, s, 1));
    const batches = await measure((s) => runBatches(dir, s, ours.session.plan, CONCURRENCY));
    const ideal = idealWorkersMs(files, (p) => latencyOf(p));
    results.patterns = {
      workersMs: { ours: ours.workersMs, topologicalBatches: batches, sequential: sequential.workersMs, idealLowerBound: Math.round(ideal) },
      batchesOverOurs: batches / ours.workersMs,
      sequentialOverOurs: sequential.workersMs / ours.workersMs,
    };
    log(`patterns: ours ${ours.workersMs} ms, batches ${batches} ms, sequential ${sequential.workersMs} ms`);
  }
}

/** 4. Building the planner's workspace summary, each size in a fresh process so peak memory is its own. */
function workspaceScale() {
  const sizes = smoke ? [200] : [1_000, 10_000, 50_000];
  results.workspaceScale = [];
  for (const size of sizes) {
    const dir = path.join(smoke ? scratch : path.join(root, 'bench', 'workspaces'), `ws-${size}`);
    if (!fs.existsSync(path.join(dir, '.complete'))) {
      fs.rmSync(dir, { recursive: true, force: true });
      for (let i = 0; i < size; i++) {
        const folder = path.join(dir, 'src', `m${Math.floor(i / 400)}`, `f${Math.floor(i / 25) % 16}`);
        fs.mkdirSync(folder, { recursive: true });
        const uses = i % 500 === 0 ? 'import { UserStore } from "../../stores";\nexport const s = new UserStore();\n' : '';
        fs.writeFileSync(path.join(folder, `file${i}.ts`), `${uses}export function fn${i}(x: number): number {\n  return x * ${i};\n}\n`.repeat(8));
      }
      fs.writeFileSync(path.join(dir, '.gitignore'), 'dist/\n');
      fs.writeFileSync(path.join(dir, '.complete'), '');
    }
    const child = execFileSync(process.execPath, [path.join(root, 'bench', 'summaryProbe.cjs'), dir, 'rename `UserStore` to `AccountRepository` everywhere'], { encoding: 'utf8' });
    const probe = JSON.parse(child);
    results.workspaceScale.push({ files: size, ...probe, goalMs: 2000, goalMB: 300 });
    log(`summary at ${size} files: ${probe.ms} ms, ${probe.peakMB} MB`);
  }
}

/** 5. A 3-line change in a 2,000-line file: completion tokens for search/replace against a rewrite. */
async function tokenEconomy() {
  const dir = fs.mkdtempSync(path.join(scratch, 'tokens-'));
  const lines = Array.from({ length: smoke ? 300 : 2000 }, (_, i) => `export const value${i} = compute(${i}); // line ${i}`);
  fs.writeFileSync(path.join(dir, 'big.ts'), `${lines.join('\n')}\n`);
  const changed = [10, 500 % lines.length, 1500 % lines.length];
  const edited = lines.map((l, i) => (changed.includes(i) ? l.replace('compute', 'computeSafely') : l));
  const script = (request) =>
    request.schemaName === 'whole_file'
      ? jsonReply({ content: `${edited.join('\n')}\n`, summary: 'three calls renamed' })
      : jsonReply({ edits: changed.map((i) => ({ search: lines[i], replace: edited[i] })), summary: 'three calls renamed' });
  const server = await startFakeOpenAIServer(script);
  const measureFormat = async (minLines) => {
    const metered = meterUsage(provider(server.baseURL), () => undefined);
    const plan = { summary: 's', changes: [{ id: 'c1', path: 'big.ts', action: 'modify', description: 'Use computeSafely on lines 11, 501 and 1501.', specialist: 'general', dependsOn: [] }], symbolRenames: [] };
    const result = await runWorker({ request: 'r', plan, change: plan.changes[0], workspace: createNodeWorkspace(dir, { maxFileBytes: 1 << 22, extraExcludes: [] }), provider: metered.provider, signal: new AbortController().signal, searchReplaceMinLines: minLines, upstream: [] });
    if (result.ok === false || result.kind === 'failed') throw new Error(`worker failed: ${JSON.stringify(result).slice(0, 300)}`);
    return metered.usage().worker.completionTokens;
  };
  const searchReplace = await measureFormat(1);
  const wholeFile = await measureFormat(1_000_000);
  await server.close();
  results.tokenEconomy = { fileLines: lines.length, changedLines: 3, searchReplaceTokens: searchReplace, wholeFileTokens: wholeFile, ratio: searchReplace / wholeFile, goal: 0.1 };
}

/** 6. The review of a 5,000-line file with 200 changed lines: diff, hunks, and rendering in Chromium. */
async function diffAtSize() {
  const n = smoke ? 500 : 5000;
  const changes = smoke ? 20 : 200;
  const original = Array.from({ length: n }, (_, i) => `  const item${i} = load(${i});`).join('\n') + '\n';
  const step = Math.floor(n / changes);
  const proposed = original.split('\n').map((l, i) => (i % step === 0 && i / step < changes ? l.replace('load', 'loadCached') : l)).join('\n');
  let t = performance.now();
  const diffText = unifiedDiff('big.ts', original, proposed);
  const diffMs = performance.now() - t;
  t = performance.now();
  const hunks = computeHunks(original, proposed);
  const hunksMs = performance.now() - t;
  const render = await renderInChromium(hunks).catch((error) => ({ error: String(error.message ?? error) }));
  results.diffAtSize = { lines: n, changedLines: changes, diffBytes: diffText.length, hunks: hunks.length, unifiedDiffMs: round(diffMs), computeHunksMs: round(hunksMs), ...render };
}

async function renderInChromium(hunks) {
  const chromiumPath = process.env.RO_CHROMIUM ?? '/usr/bin/chromium';
  if (!fs.existsSync(chromiumPath)) return { renderSkipped: 'no Chromium' };
  const { chromium } = require('playwright-core');
  const browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  try {
    const page = await browser.newPage();
    await page.setContent(`<!doctype html><html><head><style>${fs.readFileSync(path.join(root, 'media', 'review.css'), 'utf8')}</style></head><body><div id="app"></div></body></html>`);
    await page.evaluate(() => {
      window.__posted = [];
      window.acquireVsCodeApi = () => ({ postMessage: (m) => window.__posted.push(m), getState: () => undefined, setState: () => undefined });
    });
    await page.addScriptTag({ content: fs.readFileSync(path.join(root, 'dist', 'webview.js'), 'utf8') });
    const lines = hunks.reduce((s, h) => s + h.lines.length, 0);
    const file = { id: 'c1', path: 'src/big.ts', action: 'modify', description: 'Use loadCached', specialist: 'general', dependsOn: [], status: 'proposed', revisions: 0, stale: false, applied: false, decision: 'pending', acceptedHunks: hunks.map((h) => h.id), hunkCount: hunks.length, hunksSelectable: true, added: 200, removed: 200, proposalVersion: 1 };
    const session = { request: 'bench', stage: 'done', plan: { summary: 's', changes: [{ id: 'c1', path: 'src/big.ts', action: 'modify', description: 'd', specialist: 'general', dependsOn: [] }] }, usage: { planner: z(), worker: z(), verifier: z() }, elapsedMs: 0, running: false, canApply: true };
    function z() { return { requests: 0, promptTokens: 0, completionTokens: 0 }; }
    const timing = await page.evaluate(async ({ session, file, hunks }) => {
      const frame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
      const t0 = performance.now();
      window.postMessage({ type: 'session', session }, '*');
      window.postMessage({ type: 'file', file }, '*');
      window.postMessage({ type: 'hunks', id: 'c1', proposalVersion: 1, hunks }, '*');
      while (!document.querySelector('[aria-label^="Accept src/big.ts"]')) await frame();
      const cardMs = performance.now() - t0;
      const expand = document.querySelector('[aria-label^="Expand diff src/big.ts"]');
      const t1 = performance.now();
      if (expand) expand.click();
      while (!document.querySelector('.hunk-head')) await frame();
      const firstBatchMs = performance.now() - t1;
      let t2 = performance.now();
      let more;
      while ((more = document.querySelector('.show-more'))) {
        more.click();
        await frame();
      }
      const allMs = performance.now() - t2;
      return { cardMs, firstBatchMs, allMs, renderedLines: document.querySelectorAll('.lines > *').length };
    }, { session, file, hunks });
    return { renderCardMs: round(timing.cardMs), renderFirstBatchMs: round(timing.firstBatchMs), renderEverythingMs: round(timing.allMs), diffLines: lines };
  } finally {
    await browser.close();
  }
}

const round = (x) => Math.round(x * 10) / 10;

function table() {
  const r = results;
  const ok = (pass) => (smoke ? '(smoke)' : pass ? 'met' : 'missed');
  const rows = [
    ['1. Overhead: 50-file rename, chains of depth 2, concurrency 8', `${r.overhead.wallMs} ms wall / ${r.overhead.idealMs} ms ideal = **${r.overhead.ratio.toFixed(3)}**`, '≤ 1.10', ok(r.overhead.ratio <= 1.1)],
    ['2a. Topological batches (wait for the slowest) ÷ ours, workers phase', `${r.patterns.workersMs.topologicalBatches} / ${r.patterns.workersMs.ours} ms = **${r.patterns.batchesOverOurs.toFixed(2)}×**`, '', ''],
    ['2b. Sequential workers ÷ ours, workers phase', `${r.patterns.workersMs.sequential} / ${r.patterns.workersMs.ours} ms = **${r.patterns.sequentialOverOurs.toFixed(2)}×**`, '', ''],
    ['2c. Ours ÷ lower bound (longest chain or work ÷ cap), varied latency', `${r.patterns.workersMs.ours} / ${r.patterns.workersMs.idealLowerBound} ms = **${(r.patterns.workersMs.ours / r.patterns.workersMs.idealLowerBound).toFixed(3)}**`, '', ''],
    ['3. First reviewable diff after the plan, in worker calls', `${r.firstDiff.msAfterPlan} ms / ${r.firstDiff.workerCallMs} ms = **${r.firstDiff.multiple.toFixed(3)}**`, '≤ 1.2', ok(r.firstDiff.multiple <= 1.2)],
    ...r.workspaceScale.map((w) => [`4. Workspace summary at ${w.files.toLocaleString('en')} files`, `**${w.ms} ms**, peak **${w.peakMB} MB** (${w.listed} listed, ${w.summaryKB} KB summary)`, '< 2 s, < 300 MB', ok(w.ms < 2000 && w.peakMB < 300)]),
    ['5. Token economy: 3 changed lines in a 2,000-line file', `${r.tokenEconomy.searchReplaceTokens} vs ${r.tokenEconomy.wholeFileTokens} completion tokens = **${(r.tokenEconomy.ratio * 100).toFixed(1)}%**`, '≤ 10%', ok(r.tokenEconomy.ratio <= 0.1)],
    ['6. Diff at size: 5,000 lines, 200 changed', r.diffAtSize.error ? `diff ${r.diffAtSize.unifiedDiffMs} ms, hunks ${r.diffAtSize.computeHunksMs} ms; render failed: ${r.diffAtSize.error}` : `diff **${r.diffAtSize.unifiedDiffMs} ms**, hunks **${r.diffAtSize.computeHunksMs} ms** (${r.diffAtSize.hunks}); card **${r.diffAtSize.renderCardMs} ms**, first batch **${r.diffAtSize.renderFirstBatchMs} ms**, all ${r.diffAtSize.diffLines} lines ${r.diffAtSize.renderEverythingMs} ms`, '', ''],
  ];
  return [
    `Model: ${LATENCY_MS} ms to first byte, streaming at ${TOKENS_PER_SECOND} tokens/s, over loopback; ${os.cpus().length} CPUs, Node ${process.version}.`,
    '',
    '| benchmark | result | goal | |',
    '| --- | --- | --- | --- |',
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ].join('\n');
}

try {
  await overheadAndBaselines();
  workspaceScale();
  await tokenEconomy();
  await diffAtSize();
  results.generatedAt = new Date().toISOString();
  fs.writeFileSync(path.join(resultsDir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  const md = table();
  fs.writeFileSync(path.join(resultsDir, 'results.md'), `# Benchmark results\n\nWritten by \`npm run bench\` (bench/run.mjs).\n\n${md}\n`);
  if (jsonOnly) console.log(JSON.stringify(results));
  else console.log(md);
} finally {
  fs.rmSync(scratch, { recursive: true, force: true });
  if (smoke && !jsonOnly) fs.rmSync(resultsDir, { recursive: true, force: true });
}
