// Benchmarks 7 and 8 (issue 14): what a rate-limiting server costs, and what one shared prompt prefix
// saves.
//
// 7. A 429 storm: the server serves 3 requests at once and answers 429 (retry-after-ms) to the rest;
//    the engine at concurrency 8 with its shared adaptive cap, against every call going out at once and
//    retrying on its own twice (the behaviour before: a fixed cap of 8).
// 8. Prompt prefix: the 50-file rename on a server whose time to first byte grows with the uncached
//    prompt tokens (a prefill rate) and that has an OpenAI-style prefix cache (1,024-token minimum,
//    128-token steps). Reports the shared prefix ÷ worker prompt (without each worker's own file and
//    upstream diffs) for the layout the engine sends and for the layout before (rebuilt here from the
//    same plan, files and diffs), and the uncached prompt tokens each layout would be billed.
import { DEFAULT_ENGINE_SETTINGS, createNodeWorkspace, startFakeOpenAIServer, startRefactor, createOpenAIProvider } from './out.mjs';
import { benchProvider, median, timeCallAlone, warmUp } from './modelCalls.mjs';
import { round, roundAll, runEngine } from './overhead.mjs';
import { RENAME_REQUEST, renamePlan, renameScript, writeRenameWorkspace } from './renameScenario.mjs';

const MODELS = { planner: 'bench-planner', worker: 'bench-worker', verifier: 'bench-verifier' };

async function runOnce({ dir, provider, concurrency, streamPlan = true }) {
  const started = performance.now();
  const { session, done } = startRefactor({
    request: RENAME_REQUEST,
    workspace: createNodeWorkspace(dir, { maxFileBytes: 1 << 20, extraExcludes: [] }),
    provider,
    settings: { ...DEFAULT_ENGINE_SETTINGS, concurrency, maxFiles: 100, streamPlan },
    signal: new AbortController().signal,
  });
  await done;
  return { session, wallMs: performance.now() - started };
}

export async function measureRateLimitStorm({ scratch, model, concurrency, definitions, usersPerDefinition, maxInFlight, retryAfterMs, log }) {
  const { dir, files } = writeRenameWorkspace(scratch, definitions, usersPerDefinition);
  const result = { files: files.length, concurrency, serverSlots: maxInFlight, retryAfterMs };
  for (const mode of ['adaptive', 'fixed']) {
    const server = await startFakeOpenAIServer(renameScript(dir, files, model), { maxInFlight, rateLimitRetryAfterMs: retryAfterMs });
    try {
      const inner = createOpenAIProvider({ baseURL: server.baseURL, apiKey: 'bench', models: MODELS, timeoutMs: 120_000, maxRetries: 2, adaptiveConcurrency: mode === 'adaptive' });
      // The fixed baseline as before: no shared cap, and no run deadline, so each call has its 2 retries.
      const provider = mode === 'adaptive' ? inner : { description: inner.description, complete: (request) => inner.complete({ ...request, deadline: undefined }) };
      const { session, wallMs } = await runOnce({ dir, provider, concurrency });
      const lost = session.files.filter((file) => file.status !== 'proposed').length;
      result[mode] = { filesLost: lost, rateLimited: server.stats.rateLimited, wallMs: round(wallMs), stage: session.stage, maxInFlightSeen: server.stats.maxInFlightSeen };
      log(`429 storm, ${mode}: ${lost} of ${files.length} files lost, ${server.stats.rateLimited} × 429, ${Math.round(wallMs)} ms`);
    } finally {
      await server.close();
    }
  }
  return result;
}

/**
 * 9. Plan streaming: the rename of benchmark 1, with and without streaming, alternating in one run.
 * The streaming ideal = when the last worker could end if each change started the moment it arrived
 * (or its dependency ended) and took as long as a call alone, never before the plan's last byte, plus
 * the verifier call.
 */
export async function measurePlanStreaming({ scratch, model, concurrency, definitions, usersPerDefinition, repetitions, log }) {
  const { dir, files } = writeRenameWorkspace(scratch, definitions, usersPerDefinition);
  const server = await startFakeOpenAIServer(renameScript(dir, files, model));
  try {
    const provider = benchProvider(server.baseURL);
    const definition = files.find((f) => f.dependsOn.length === 0);
    const user = files.find((f) => f.dependsOn.length > 0);
    await warmUp(provider, { role: 'worker', schemaName: 'whole_file', userContent: `File: \`${definition.path}\`` });
    const alone = {
      definitionMs: await timeCallAlone(provider, { role: 'worker', schemaName: 'whole_file', userContent: `File: \`${definition.path}\`` }, 3),
      userMs: await timeCallAlone(provider, { role: 'worker', schemaName: 'whole_file', userContent: `File: \`${user.path}\`` }, 3),
    };
    const runs = { streaming: [], whole: [] };
    for (let i = 0; i < repetitions; i++) {
      for (const streamPlan of [true, false]) {
        const run = await runEngine({ dir, baseURL: server.baseURL, concurrency, streamPlan });
        const plan = run.calls.find((c) => c.role === 'planner');
        const verify = run.calls.find((c) => c.role === 'verifier');
        const planEnd = plan.end - run.started;
        const endOf = new Map();
        for (const f of files) {
          const arrival = (run.dispatchedAt.get(f.id) ?? plan.end) - run.started;
          const depsEnd = Math.max(0, ...f.dependsOn.map((id) => endOf.get(id)));
          endOf.set(f.id, Math.max(arrival, depsEnd) + (f.dependsOn.length === 0 ? alone.definitionMs : alone.userMs));
        }
        const idealMs = Math.max(planEnd, ...endOf.values()) + (verify.end - verify.start);
        const figures = { wallMs: run.wallMs, planCallMs: plan.end - plan.start, firstDiffMs: run.firstProposalFromStartMs, idealMs };
        runs[streamPlan ? 'streaming' : 'whole'].push(figures);
        log(`plan streaming ${streamPlan ? 'on ' : 'off'} run ${i + 1}/${repetitions}: ${Math.round(run.wallMs)} ms wall, first diff ${Math.round(figures.firstDiffMs)} ms, plan call ${Math.round(figures.planCallMs)} ms`);
      }
    }
    const med = (list, key) => median(list.map((r) => r[key]));
    const streaming = { wallMs: med(runs.streaming, 'wallMs'), planCallMs: med(runs.streaming, 'planCallMs'), firstDiffMs: med(runs.streaming, 'firstDiffMs'), idealMs: med(runs.streaming, 'idealMs') };
    const whole = { wallMs: med(runs.whole, 'wallMs'), planCallMs: med(runs.whole, 'planCallMs'), firstDiffMs: med(runs.whole, 'firstDiffMs') };
    return {
      files: files.length,
      concurrency,
      repetitions,
      workerCallAloneMs: roundAll(alone),
      streaming: roundAll(streaming),
      whole: roundAll(whole),
      wallRatio: streaming.wallMs / whole.wallMs,
      overIdeal: streaming.wallMs / streaming.idealMs,
      firstDiffShareOfPlanCall: streaming.firstDiffMs / streaming.planCallMs,
      firstDiffShareOfPlanCallWhole: whole.firstDiffMs / whole.planCallMs,
      goals: { wallRatio: 0.75, overIdeal: 1.1, firstDiffShare: 0.35 },
    };
  } finally {
    await server.close();
  }
}

const CACHE = { minTokens: 1024, stepTokens: 128 };

export async function measurePromptPrefix({ scratch, model, concurrency, definitions, usersPerDefinition, prefillTokensPerSecond, log }) {
  const { dir, files } = writeRenameWorkspace(scratch, definitions, usersPerDefinition);
  // The layout's own effect: the plan is not streamed, so every worker sees the complete plan.
  const figures = await prefixRun({ dir, files, model, concurrency, prefillTokensPerSecond, streamPlan: false, log });
  // With the plan streamed, early workers see the plan as far as it had arrived: their prefix is shorter.
  const streamed = await prefixRun({ dir, files, model, concurrency, prefillTokensPerSecond, streamPlan: true, log });
  return {
    ...figures,
    withPlanStreaming: { sharedPrefixRatioAfter: streamed.sharedPrefixRatio.after, billedUncachedWorkerTokens: streamed.billedUncachedWorkerTokens.after, ratio: streamed.billedUncachedWorkerTokens.after / figures.billedUncachedWorkerTokens.before, wallMs: streamed.wallMs, serverMeasured: streamed.serverMeasured },
  };
}

async function prefixRun({ dir, files, model, concurrency, prefillTokensPerSecond, streamPlan, log }) {
  const server = await startFakeOpenAIServer(renameScript(dir, files, model), { prefixCache: CACHE, prefillTokensPerSecond });
  try {
    const provider = createOpenAIProvider({ baseURL: server.baseURL, apiKey: 'bench', models: MODELS, timeoutMs: 120_000, maxRetries: 0 });
    const { session, wallMs } = await runOnce({ dir, provider, concurrency, streamPlan });
    if (session.stage !== 'done') throw new Error(`bench: the prompt-prefix run ended "${session.stage}": ${session.error ?? ''}`);
    const workers = server.requests.filter((r) => r.schemaName === 'whole_file');
    const plan = renamePlan(files);
    const byPath = new Map(session.files.map((file) => [file.path, file]));

    const after = workers.map((r) => promptOf(r.messages));
    const before = workers.map((r) => promptOf(oldLayout(r.messages, plan, byPath)));
    const ratio = (prompts) => {
      const shared = commonPrefixLength(prompts);
      return prompts.reduce((sum, prompt) => sum + Math.min(1, shared / withoutOwnFileAndDiffs(prompt)), 0) / prompts.length;
    };
    // The same cache model for both layouts, prompts in the order the server received them, each cached
    // once sent (concurrency ignored, so neither layout gains from timing).
    const billedAfter = uncachedTokens(after);
    const billedBefore = uncachedTokens(before);
    const figures = {
      files: files.length,
      concurrency,
      prefillTokensPerSecond,
      cache: CACHE,
      wallMs: round(wallMs),
      workerPrompts: workers.length,
      sharedPrefixRatio: { before: ratio(before), after: ratio(after), goal: 0.95 },
      workerPromptTokensMean: Math.round(after.reduce((sum, p) => sum + tokens(p), 0) / after.length),
      billedUncachedWorkerTokens: { before: billedBefore, after: billedAfter, ratio: billedAfter / billedBefore },
      // What the fake server really counted for the whole run (all roles, concurrency included).
      serverMeasured: { promptTokens: server.stats.promptTokens, cachedPromptTokens: server.stats.cachedPromptTokens, usageCachedWorker: session.usage.worker.cachedPromptTokens },
    };
    log(`prompt prefix (plan streaming ${streamPlan ? 'on' : 'off'}): shared ${(figures.sharedPrefixRatio.before * 100).toFixed(1)}% → ${(figures.sharedPrefixRatio.after * 100).toFixed(1)}%, billed uncached worker tokens ${billedBefore} → ${billedAfter}`);
    return figures;
  } finally {
    await server.close();
  }
}

function promptOf(messages) {
  return messages.map((m) => `${m.role}\n${m.content}`).join('\n');
}

const tokens = (text) => Math.ceil(text.length / 4);

function commonPrefixLength(texts) {
  const [first = ''] = texts;
  let length = first.length;
  for (const text of texts) {
    let i = 0;
    while (i < length && i < text.length && text.charCodeAt(i) === first.charCodeAt(i)) i++;
    length = i;
  }
  return length;
}

/** The prompt without the worker's own file (from "Current content") and its upstream diffs. */
function withoutOwnFileAndDiffs(prompt) {
  let rest = prompt;
  const content = rest.search(/\n(Current content|The file does not exist yet)/);
  if (content >= 0) rest = rest.slice(0, content);
  return rest.replace(/Upstream change to `[^`]+` \(done; your file depends on it\):\n```diff\n[\s\S]*?```/g, '').length;
}

function uncachedTokens(prompts) {
  let billed = 0;
  const seen = [];
  for (const prompt of prompts) {
    let longest = 0;
    for (const earlier of seen) {
      const limit = Math.min(prompt.length, earlier.length);
      let i = 0;
      while (i < limit && prompt.charCodeAt(i) === earlier.charCodeAt(i)) i++;
      if (i > longest) longest = i;
    }
    const prefix = Math.floor(longest / 4);
    const cached = prefix < CACHE.minTokens ? 0 : CACHE.minTokens + Math.floor((prefix - CACHE.minTokens) / CACHE.stepTokens) * CACHE.stepTokens;
    billed += tokens(prompt) - Math.min(cached, tokens(prompt));
    seen.push(prompt);
  }
  return billed;
}

// The layout before issue 14, rebuilt from what the engine sent: the system prompt carried the
// specialist's instructions and the reply format; the plan listing left out the reader's own change.
const OLD_INTRO = `You are a worker in a multi-file refactoring tool. You change ONE file as part of a larger plan
carried out by several workers in parallel; other workers change the other files. Stay consistent with
the plan: use exactly the names it gives, and do not rename or restructure anything it does not ask for.`;

function oldLayout(messages, plan, byPath) {
  const user = messages.find((m) => m.role === 'user')?.content ?? '';
  const own = user.slice(user.indexOf('## Your part\n\n') + '## Your part\n\n'.length);
  const [specialist, format, ...rest] = own.split('\n\n');
  const path = /^File: `([^`]+)`/m.exec(own)?.[1];
  const change = plan.changes.find((c) => c.path === path);
  const clip = (text) => (text.length > 300 ? `${text.slice(0, 300)}…` : text);
  const parts = [`Overall request:\n${RENAME_REQUEST}`, `Plan summary: ${plan.summary}`];
  if (plan.symbolRenames.length > 0) parts.push(`Renames in this refactor (use the new names):\n${plan.symbolRenames.map((r) => `- ${r.from} → ${r.to}`).join('\n')}`);
  const others = plan.changes.filter((c) => c.id !== change?.id);
  parts.push(`Other files in the plan (other workers change them):\n${others.map((c) => `- ${c.path} (${c.action}): ${clip(c.description)}`).join('\n')}`);
  const tail = rest.join('\n\n').replace(/^(File: `[^`]+`)\nChange: [^\n]+\n/, '$1\n');
  parts.push(tail);
  void byPath;
  return [
    { role: 'system', content: `${OLD_INTRO}\n\n${specialist}\n\n${format}` },
    { role: 'user', content: parts.join('\n\n') },
  ];
}
