// `npm run bench`: what the orchestration costs beyond its model calls, against the pattern as usually
// written, on the loopback fake OpenAI-compatible server (in this process) with a set latency and
// streaming rate, on generated TypeScript workspaces. Writes bench/results.json and bench/results.md
// and prints the table.
//
//   node bench/run.mjs            the full run (needs `npx tsc -p .` and `npm run build` first)
//   node bench/run.mjs --smoke    tiny sizes and a fast model, for CI: checks that every benchmark
//                                 yields numbers, never that they meet their goals; writes nothing
//                                 into bench/
//   --json-only                   print results.json to stdout instead of the table (progress: stderr)
//   --only-speed                  run only benchmarks 7–9 (rate limits, prompt prefix, plan streaming)
//                                 and merge them into the existing bench/results.json
//   --compile-only                run only benchmark 10 (the compile check) and merge it into the
//                                 existing bench/results.json, leaving the other figures as they were
//   --only-rename                 run only benchmark 11 (the same rename by model workers and by the
//                                 language server) and merge it into the existing bench/results.json
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { repoRoot } from './out.mjs';
import { measureDiffAtSize } from './diffAtSize.mjs';
import { measureOverhead } from './overhead.mjs';
import { measurePatterns } from './patterns.mjs';
import { resultsTable } from './resultsTable.mjs';
import { measurePlanStreaming, measurePromptPrefix, measureRateLimitStorm } from './speedAndCost.mjs';
import { measureCompileCheck } from './compileCheck.mjs';
import { measureLanguageServerRename } from './languageServerRename.mjs';
import { measureTokenEconomy } from './tokenEconomy.mjs';
import { measureWorkspaceScale } from './workspaceScale.mjs';

const smoke = process.argv.includes('--smoke');
const jsonOnly = process.argv.includes('--json-only');
const onlySpeed = process.argv.includes('--only-speed') && !smoke;
const compileOnly = process.argv.includes('--compile-only') && !smoke;
const renameOnly = process.argv.includes('--only-rename') && !smoke;
const log = (message) => process.stderr.write(`[bench] ${message}\n`);

// One model call = a fixed latency before the first byte, then the reply streamed at a fixed rate.
const model = smoke ? { latencyMs: 40, tokensPerSecond: 4000 } : { latencyMs: 300, tokensPerSecond: 400 };
const CONCURRENCY = 8;
const config = smoke
  ? { definitions: 2, usersPerDefinition: 2, repetitions: 1, sizes: [300], sizeRepetitions: 1, tokenFileLines: 300, diffLines: 500, diffChanged: 20, renderRepetitions: 1, stormDefinitions: 2, stormRetryAfterMs: 20, compileSizes: [40], compileRepetitions: 1, lsRename: { features: 6, tests: 3, registries: 1, registryLines: 450 } }
  : { definitions: 10, usersPerDefinition: 4, repetitions: 3, sizes: [1_000, 10_000, 50_000], sizeRepetitions: 3, tokenFileLines: 2_000, diffLines: 5_000, diffChanged: 200, renderRepetitions: 3, stormDefinitions: 6, stormRetryAfterMs: 500, compileSizes: [1_000, 5_000], compileRepetitions: 3, lsRename: { features: 120, tests: 30, registries: 2, registryLines: 600 } };

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'ro-bench-'));
const started = Date.now();
const loadBefore = os.loadavg();
try {
  const rename = { scratch, model, concurrency: CONCURRENCY, definitions: config.definitions, usersPerDefinition: config.usersPerDefinition, log };
  if (compileOnly) {
    const file = path.join(repoRoot, 'bench', 'results.json');
    const results = { ...JSON.parse(fs.readFileSync(file, 'utf8')), compileCheck: measureCompileCheck({ sizes: config.compileSizes, parent: path.join(repoRoot, 'bench', 'workspaces'), repetitions: config.compileRepetitions, log }), compileCheckMeasuredAt: new Date().toISOString(), compileCheckLoadAverage: os.loadavg().map(round2) };
    fs.writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
    const table = resultsTable(results);
    fs.writeFileSync(path.join(repoRoot, 'bench', 'results.md'), resultsMarkdown(results, table));
    process.stdout.write(`${table}\n`);
    fs.rmSync(scratch, { recursive: true, force: true });
    process.exit(0);
  }
  if (renameOnly) {
    const file = path.join(repoRoot, 'bench', 'results.json');
    const languageServerRename = await measureLanguageServerRename({ scratch, model, concurrency: CONCURRENCY, generated: config.lsRename, log });
    const results = { ...JSON.parse(fs.readFileSync(file, 'utf8')), languageServerRename, languageServerRenameMeasuredAt: new Date().toISOString(), languageServerRenameLoadAverage: loadBefore.map(round2) };
    fs.writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
    const table = resultsTable(results);
    fs.writeFileSync(path.join(repoRoot, 'bench', 'results.md'), resultsMarkdown(results, table));
    process.stdout.write(`${table}\n`);
    fs.rmSync(scratch, { recursive: true, force: true });
    process.exit(0);
  }
  const previous = onlySpeed ? JSON.parse(fs.readFileSync(path.join(repoRoot, 'bench', 'results.json'), 'utf8')) : undefined;
  const { overhead, firstDiff } = previous ?? (await measureOverhead({ ...rename, repetitions: config.repetitions }));
  const patterns = previous?.patterns ?? (await measurePatterns(rename));
  const workspaceScale = previous?.workspaceScale ?? measureWorkspaceScale({ sizes: config.sizes, parent: smoke ? scratch : path.join(repoRoot, 'bench', 'workspaces'), repetitions: config.sizeRepetitions, log });
  const tokenEconomy = previous?.tokenEconomy ?? (await measureTokenEconomy({ scratch, fileLines: config.tokenFileLines }));
  const diffAtSize = previous?.diffAtSize ?? (await measureDiffAtSize({ lines: config.diffLines, changedLines: config.diffChanged, renderRepetitions: config.renderRepetitions, log }));
  const speedStarted = Date.now();
  const speedLoadBefore = os.loadavg();
  const rateLimitStorm = await measureRateLimitStorm({ ...rename, definitions: config.stormDefinitions, usersPerDefinition: 3, maxInFlight: 3, retryAfterMs: config.stormRetryAfterMs });
  const promptPrefix = await measurePromptPrefix({ ...rename, prefillTokensPerSecond: 5_000 });
  const planStreaming = await measurePlanStreaming({ ...rename, repetitions: smoke ? 1 : 2 });
  const compileCheck = previous?.compileCheck ?? measureCompileCheck({ sizes: config.compileSizes, parent: smoke ? scratch : path.join(repoRoot, 'bench', 'workspaces'), repetitions: config.compileRepetitions, log });
  const languageServerRename = previous?.languageServerRename ?? (await measureLanguageServerRename({ scratch, model, concurrency: CONCURRENCY, generated: config.lsRename, log }));

  const machineNow = (before) => ({ cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, node: process.version, loadAverageBefore: before.map(round2), loadAverageAfter: os.loadavg().map(round2) });
  const results = {
    smoke,
    generatedAt: previous?.generatedAt ?? new Date().toISOString(),
    machine: previous?.machine ?? machineNow(loadBefore),
    // Benchmarks 7–9 may come from a later run (--only-speed) than 1–6.
    speed: { generatedAt: new Date().toISOString(), machine: machineNow(speedLoadBefore), seconds: Math.round((Date.now() - speedStarted) / 1000) },
    model: { ...model, charsPerToken: 4, concurrency: CONCURRENCY, server: 'test/support/fakeOpenAIServer.ts in this process, over loopback HTTP, through the real openai client' },
    overhead,
    firstDiff,
    patterns,
    workspaceScale,
    tokenEconomy,
    diffAtSize,
    rateLimitStorm,
    promptPrefix,
    planStreaming,
    compileCheck,
    ...(previous?.compileCheckMeasuredAt ? { compileCheckMeasuredAt: previous.compileCheckMeasuredAt, compileCheckLoadAverage: previous.compileCheckLoadAverage } : {}),
    languageServerRename,
    ...(previous?.languageServerRenameMeasuredAt ? { languageServerRenameMeasuredAt: previous.languageServerRenameMeasuredAt, languageServerRenameLoadAverage: previous.languageServerRenameLoadAverage } : {}),
    totalSeconds: previous?.totalSeconds ?? Math.round((Date.now() - started) / 1000),
  };
  const table = resultsTable(results);
  if (!smoke) {
    fs.writeFileSync(path.join(repoRoot, 'bench', 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
    fs.writeFileSync(path.join(repoRoot, 'bench', 'results.md'), resultsMarkdown(results, table));
  }
  process.stdout.write(jsonOnly ? `${JSON.stringify(results)}\n` : `${table}\n`);
} finally {
  fs.rmSync(scratch, { recursive: true, force: true });
}

/**
 * Says whether something else was using the machine when the bench started (the load afterwards
 * includes the bench's own processes and Chromium, so it cannot tell). Absolute times on a busy machine
 * are noise; ratios against calls timed on the same machine at the same time carry less.
 */
function machineLoad(m) {
  const [before] = m.loadAverageBefore;
  const [after] = m.loadAverageAfter;
  return before >= m.cpus / 2 // half the cores taken by something else
    ? `**shared with other work while measured** (load average ${before} before, ${after} after), so times carry
noise; ratios against calls timed on the same machine at the same time carry less.`
    : `otherwise idle when the bench started (load average ${before}; ${after} at the end, the bench's own work
included).`;
}

function resultsMarkdown(r, table) {
  const o = r.overhead;
  const ph = o.phasesOfMedianRun;
  return `# Benchmark results

Written by \`npm run bench\` (\`bench/run.mjs\`) on ${r.generatedAt.slice(0, 10)}, in ${r.totalSeconds} s.${
    r.speed.generatedAt.slice(0, 16) === r.generatedAt.slice(0, 16)
      ? ''
      : ` Benchmarks 7–9 by \`node bench/run.mjs --only-speed\` on ${r.speed.generatedAt.slice(0, 10)}, in ${r.speed.seconds} s, on the same
machine type, ${machineLoad(r.speed.machine)}`
  }

**Model:** every call waits ${r.model.latencyMs} ms before its first byte, then streams its reply at
${r.model.tokensPerSecond} tokens/s (~${r.model.charsPerToken} characters a token), from the loopback fake
OpenAI-compatible server running in the bench's own process, through the real \`openai\` client. Worker
concurrency ${r.model.concurrency}. **Machine:** ${r.machine.cpus} CPUs (${r.machine.cpuModel}), Node
${r.machine.node}, ${machineLoad(r.machine)}

${table}

## How the figures are defined

- **Ideal critical path (1)** = plan call + workers lower bound + verifier call. The workers lower bound
  for calls of duration *d* under a cap *c* is **max(longest dependency chain Σd, Σd ÷ c, ⌈n ÷ c⌉ × min d)**;
  here max(${o.idealWorkers.chainMs}, ${o.idealWorkers.workOverCapMs}, ${o.idealWorkers.roundsMs}) = **${o.idealWorkers.ms} ms** (50 equal calls under a cap
  of 8 need 7 rounds), with *d* = one worker call **timed alone on the same server** just before the runs
  (${o.workerCallAloneMs.definitionMs} ms for a definition file, ${o.workerCallAloneMs.userMs} ms for a user; nominal ${o.callsNominalMs.definitionWorkerMs} / ${o.callsNominalMs.userWorkerMs} ms),
  so calls slowing each other down 8 at a time counts against the engine (in the median run a worker call
  took ${o.workerCallInRunMedianMs} ms). The plan and verifier calls run with nothing else in flight, so each
  run's own timing of them at the provider boundary is used (median run: ${ph.planCallMs} ms and ${ph.verifyCallMs} ms;
  nominal ${o.callsNominalMs.planMs} ms and ${o.callsNominalMs.verifyMs} ms). Row 1′ uses the nominal model for every call instead.
  The difference is the fake server's pacing: it sends each chunk after a timer started when the previous
  one was sent, so timer lateness adds up (the ${Math.round(o.callsNominalMs.planMs / 1000)} s plan reply arrived
  ${Math.round((ph.planCallMs / o.callsNominalMs.planMs - 1) * 100)}% late); that is the test server's error, not the engine's.
  Ratios of the ${o.repetitions} runs: ${o.ratiosAll.join(', ')} (wall ${o.wallMsAll.join(', ')} ms); the median is reported.
- Where the median run's time went: ${ph.beforePlanCallMs} ms before the plan call (workspace summary),
  plan call ${ph.planCallMs} ms, ${ph.planCallToFirstWorkerMs} ms from the plan reply to the first worker call (validation),
  worker calls ${ph.workerCallsMs} ms (bound ${o.idealWorkers.ms} ms), ${ph.lastWorkerToVerifyMs} ms to the verifier call, verifier ${ph.verifyCallMs} ms,
  ${ph.afterVerifyCallMs} ms of deterministic checks after it.
- **Patterns (2)**: the same plan, server and worker function (\`runWorker\`, same upstream diffs); only
  the scheduler differs. Sequential = one file after another in plan order; topological batches =
  level by level, a pool of ${r.model.concurrency} within each level, the next level after the slowest file of this one.
  Ours = the engine (\`startRefactor\`), plan accepted → all workers done. The lower bound (2c) uses each
  file's call time measured alone during the sequential run.
- **First diff (3)** = engine timestamps, plan accepted → first file proposed, ÷ one definition
  worker call timed alone on the same server.
- **Workspace scale (4)**: one fresh \`node\` process per measurement (\`bench/summaryProbe.cjs\`); peak =
  \`process.resourceUsage().maxRSS\` (includes Node itself, ~${r.workspaceScale[0]?.rssBeforeMB} MB); files are generated once into
  \`bench/workspaces/\` (git-ignored), so the page cache is warm.
- **Token economy (5)**: the real worker, \`searchReplaceMinLines\` 1 vs ∞; the fake server counts
  completion tokens from what it streams (~4 characters a token).
- **Diff at size (6)**: median of 5 in-process runs (JIT warm, as in a running extension host). The
  webview is the shipped bundle with a stub \`acquireVsCodeApi\`, fed the \`session\`, \`file\` and \`hunks\`
  messages; times run from posting them until the element is in the DOM and layout is forced. A diff
  over 600 lines starts collapsed, so the card is fast and Expand shows the first 400 lines.
  No goal was set for 2 and 6; the ones shown are the bench's own (RAIL: respond within 100 ms).
- **429 storm (7)**: \`bench/speedAndCost.mjs\`; the fake server refuses any request beyond
  ${r.rateLimitStorm.serverSlots} in flight with 429 and \`retry-after-ms: ${r.rateLimitStorm.retryAfterMs}\`. *Adaptive* is the engine as
  shipped (one shared in-flight cap per model, a rate-limited call waits its turn until the run's
  deadline); *fixed* turns the shared cap off and drops the deadline, so each call goes out at once and
  has the provider's 2 retries, as before. A lost file is one that ended without a proposal.
- **Prompt prefix (8)**: the ${r.promptPrefix.files}-file rename on a server with an OpenAI-style prefix cache (a prompt
  whose first tokens match a prompt already prefilled reports them as cached, from 1,024 tokens, in
  128-token steps) and a time to first byte that grows by the uncached prompt tokens ÷ ${r.promptPrefix.prefillTokensPerSecond.toLocaleString('en')} tokens/s.
  *After* is what the engine sent; *before* rebuilds every worker prompt in the earlier layout (system
  prompt per specialist and format, a plan listing without the reader's own change) from the same plan,
  files and upstream diffs. 8a = the prefix all worker prompts share ÷ each prompt without its own file
  and upstream diffs (mean). 8b applies the same cache model to both layouts, prompts in arrival order,
  each cached once sent; the server's own count for the run (which depends on timing: calls that start
  together cannot reuse each other) is given beside it.
- **Plan streaming (9)**: the workload of 1, the engine with \`streamPlan\` on and off, alternating,
  ${r.planStreaming.repetitions} runs each, medians. Benchmarks 1–3 run with it off, since they measure the scheduling after the
  plan. 9b's ideal: each change starts the moment the engine received it (or its dependency ended,
  whichever is later) and takes as long as a worker call timed alone (${r.planStreaming.workerCallAloneMs.definitionMs} / ${r.planStreaming.workerCallAloneMs.userMs} ms),
  the workers never end before the plan's last byte, then the verifier call as timed in the run. 9c runs
  from the request to the first file proposed, over the plan call as timed at the provider. The plan
  reply is ~${Math.round(r.planStreaming.streaming.planCallMs / 100) / 10} s of streaming in these runs, so 9a is bounded by (plan + one worker call + verifier) ÷
  (plan + 7 rounds of worker calls + verifier): the later the plan's last change arrives, the less there is
  to overlap.
- **Compile check (10)**: a generated strict TypeScript project (\`bench/compileCheckProject.mjs\`: hub
  modules, feature files importing a hub and the previous feature of their group) in which one helper is
  renamed, correctly, in the 10 files that define or call it. One fresh process per measurement
  (\`bench/compileCheckProbe.cjs\`), median of the runs. *Baseline* = starting the checker thread (loading
  TypeScript), preparing the 10 planned paths and answering a check of unchanged text: in a run this
  happens while the workers wait on the model. *Check* = the check of the proposal after that: the time
  the check adds after the last worker (at most; the verifier model is asked meanwhile). Peak =
  \`maxRSS\` of the process, the checker thread included.${r.compileCheckMeasuredAt ? ` Measured on its own (\`--compile-only\`) on ${r.compileCheckMeasuredAt.slice(0, 10)}, load average ${r.compileCheckLoadAverage?.join(' / ')} on ${r.machine.cpus} cores.` : ''}
${r.languageServerRename ? languageServerRenameNotes(r) : ''}`;
}

function languageServerRenameNotes(r) {
  return `- **Language server vs model workers (11)**: \`bench/languageServerRename.mjs\`. The same rename through
  the engine with a \`checkRoot\` (as the CLI runs it), \`languageServer\` off (every planned file goes to a
  model worker) and on (the TypeScript language service on the compile check's thread renames every
  reference; files the plan left out join it; a worker runs only where the old name is left in a comment
  or string). The scripted planner names the declaration and the source files that use it and leaves out
  the tests (and the generated project's \`index.ts\`); a worker renames the whole word in the file it is
  shown, answering with the whole file, or with one short search block per line for a file of 400 lines or
  more. *Files* = proposed / in the run (joined = added by the language server's rename); *worker
  tokens* = prompt + completion of the worker calls, *total* with the plan and verifier calls, as the fake
  server counts them (~4 characters a token); *compile check* = the session's verdict; *tsc* = every
  \`.ts\` file of the applied tree, src and tests, with the project's compiler options, errors not in the
  original tree; *left in code* = identifier tokens still spelled with the old name (comments and strings
  not counted). One run per mode; wall time includes loading TypeScript on the checker thread in both;
  with the language server on, the plan call waits for the references the planner is shown (so loading
  TypeScript moves in front of it: \`phasesMs\` in results.json). The session's compile check covers the
  tsconfig's files: superstruct's includes only \`src/\`, so its verdict cannot see the tests the
  model-worker run breaks; the *tsc* column does.${
    r.languageServerRenameMeasuredAt ? ` Measured on its own (\`--only-rename\`) on ${r.languageServerRenameMeasuredAt.slice(0, 10)}, load average ${r.languageServerRenameLoadAverage?.join(' / ')} before on ${r.machine.cpus} cores.` : ''
  }
`;
}

function round2(x) {
  return Math.round(x * 100) / 100;
}
