// Benchmarks 1 and 3: the engine's whole run against the ideal critical path of its model calls, and
// the time from "plan done" to the first reviewable diff, on the rename workload with every call equal.
import { DEFAULT_ENGINE_SETTINGS, createNodeWorkspace, startFakeOpenAIServer, startRefactor } from './out.mjs';
import { benchProvider, median, nominalCallMs, timeCallAlone, timedProvider, warmUp } from './modelCalls.mjs';
import { RENAME_REQUEST, renameReplies, renameScript, writeRenameWorkspace } from './renameScenario.mjs';
import { workersLowerBound } from './schedules.mjs';

/**
 * One engine run, timed from startRefactor to done, with every model call's start and end. Benchmarks
 * 1–3 measure the scheduling after the plan, so the plan is not streamed there unless asked; with
 * `streamPlan`, `dispatchedAt` says when each change was handed to the scheduler (performance.now()).
 */
export async function runEngine({ dir, baseURL, concurrency, streamPlan = false }) {
  const timed = timedProvider(benchProvider(baseURL));
  const started = performance.now();
  const { session, done } = startRefactor({
    request: RENAME_REQUEST,
    workspace: createNodeWorkspace(dir, { maxFileBytes: 1 << 20, extraExcludes: [] }),
    provider: timed.provider,
    settings: { ...DEFAULT_ENGINE_SETTINGS, concurrency, maxFiles: 100, streamPlan },
    signal: new AbortController().signal,
  });
  const dispatchedAt = new Map();
  let firstProposalAt;
  session.onEvent((event) => {
    if (event.type !== 'file') return;
    if (!dispatchedAt.has(event.file.id)) dispatchedAt.set(event.file.id, performance.now());
    if (event.file.status === 'proposed') firstProposalAt ??= performance.now();
  });
  await done;
  const ended = performance.now();
  if (session.stage !== 'done') throw new Error(`bench: the engine run ended "${session.stage}": ${session.error ?? ''}`);
  const unfinished = session.files.filter((file) => file.status !== 'proposed' || file.diff === '');
  if (unfinished.length > 0) throw new Error(`bench: ${unfinished.length} files were not proposed with a change (first: ${unfinished[0].path}, ${unfinished[0].status} ${unfinished[0].error ?? ''})`);
  const t = session.timings;
  const workerCalls = timed.calls.filter((call) => call.role === 'worker');
  const planCall = timed.calls.find((call) => call.role === 'planner');
  const verifyCall = timed.calls.find((call) => call.role === 'verifier');
  const firstWorkerStart = Math.min(...workerCalls.map((c) => c.start));
  const lastWorkerEnd = Math.max(...workerCalls.map((c) => c.end));
  return {
    session,
    calls: timed.calls,
    started,
    dispatchedAt,
    firstProposalFromStartMs: firstProposalAt - started,
    wallMs: ended - started,
    /** Engine timestamps (Date.now(), ms): plan accepted → first proposal, plan accepted → all workers done. */
    firstProposalMs: t.firstProposalAt - t.plannedAt,
    workersPhaseMs: t.workersDoneAt - t.plannedAt,
    phases: {
      beforePlanCallMs: planCall.start - started,
      planCallMs: planCall.end - planCall.start,
      planCallToFirstWorkerMs: firstWorkerStart - planCall.end,
      workerCallsMs: lastWorkerEnd - firstWorkerStart,
      lastWorkerToVerifyMs: verifyCall.start - lastWorkerEnd,
      verifyCallMs: verifyCall.end - verifyCall.start,
      afterVerifyCallMs: ended - verifyCall.end,
    },
  };
}

export async function measureOverhead({ scratch, model, concurrency, definitions, usersPerDefinition, repetitions, log }) {
  const { dir, files } = writeRenameWorkspace(scratch, definitions, usersPerDefinition);
  const server = await startFakeOpenAIServer(renameScript(dir, files, model));
  try {
    const provider = benchProvider(server.baseURL);
    const replies = renameReplies(dir, files);
    const definitionFile = files.find((f) => f.dependsOn.length === 0);
    const userFile = files.find((f) => f.dependsOn.length > 0);

    // The plan and verifier calls run with nothing else in flight, so each run's own timing of them
    // (at the provider boundary) is what they cost at that moment. Worker calls run 8 at a time, so
    // the ideal uses one worker call timed alone on this server instead: any slowdown from running
    // them together counts against the engine. Timing calls on the same server, rather than taking the
    // nominal model, keeps the fake server's own pacing error (its chunk timers run late under load)
    // out of the engine's figure; the nominal ratio is reported too.
    await warmUp(provider, { role: 'worker', schemaName: 'whole_file', userContent: `File: \`${definitionFile.path}\`` });
    const workerAlone = {
      definitionMs: await timeCallAlone(provider, { role: 'worker', schemaName: 'whole_file', userContent: `File: \`${definitionFile.path}\`` }, 3),
      userMs: await timeCallAlone(provider, { role: 'worker', schemaName: 'whole_file', userContent: `File: \`${userFile.path}\`` }, 3),
    };
    const chars = (value) => JSON.stringify(value).length;
    const nominal = {
      planMs: nominalCallMs(model, chars(replies.plan())),
      definitionWorkerMs: nominalCallMs(model, chars(replies.worker(definitionFile.path))),
      userWorkerMs: nominalCallMs(model, chars(replies.worker(userFile.path))),
      verifyMs: nominalCallMs(model, chars(replies.verifier())),
    };
    const workersBound = (definitionMs, userMs) => workersLowerBound(files, (f) => (f.dependsOn.length === 0 ? definitionMs : userMs), concurrency);
    const workersIdeal = workersBound(workerAlone.definitionMs, workerAlone.userMs);
    const idealNominalMs = nominal.planMs + workersBound(nominal.definitionWorkerMs, nominal.userWorkerMs).ms + nominal.verifyMs;
    log(`overhead: worker call alone ${round(workerAlone.definitionMs)} / ${round(workerAlone.userMs)} ms, workers bound ${Math.round(workersIdeal.ms)} ms`);

    const runs = [];
    for (let i = 0; i < repetitions; i++) {
      const run = await runEngine({ dir, baseURL: server.baseURL, concurrency });
      run.idealMs = run.phases.planCallMs + workersIdeal.ms + run.phases.verifyCallMs;
      run.ratio = run.wallMs / run.idealMs;
      runs.push(run);
      log(`overhead run ${i + 1}/${repetitions}: ${Math.round(run.wallMs)} ms wall ÷ ${Math.round(run.idealMs)} ms ideal = ${run.ratio.toFixed(3)}; first proposal ${run.firstProposalMs} ms after the plan`);
    }
    const byRatio = [...runs].sort((a, b) => a.ratio - b.ratio);
    const typical = byRatio[Math.floor(byRatio.length / 2)];
    const oneWorkerCallMs = workerAlone.definitionMs;
    const firstProposals = runs.map((run) => run.firstProposalMs);
    const workerCallsInRun = typical.calls.filter((call) => call.role === 'worker').map((call) => call.end - call.start);

    return {
      overhead: {
        files: files.length,
        definitions,
        usersPerDefinition,
        chainDepth: 2,
        concurrency,
        repetitions,
        wallMs: round(typical.wallMs),
        idealMs: round(typical.idealMs),
        ratio: typical.ratio,
        ratiosAll: runs.map((run) => Math.round(run.ratio * 1000) / 1000),
        wallMsAll: runs.map((run) => round(run.wallMs)),
        idealNominalMs: round(idealNominalMs),
        ratioNominal: typical.wallMs / idealNominalMs,
        workerCallAloneMs: roundAll(workerAlone),
        workerCallInRunMedianMs: round(median(workerCallsInRun)),
        callsNominalMs: roundAll(nominal),
        idealWorkers: roundAll(workersIdeal),
        phasesOfMedianRun: roundAll(typical.phases),
        workersPhaseMs: typical.workersPhaseMs,
        goal: 1.1,
      },
      firstDiff: {
        msAfterPlan: median(firstProposals),
        msAfterPlanAll: firstProposals,
        workerCallAloneMs: round(oneWorkerCallMs),
        workerCallNominalMs: round(nominal.definitionWorkerMs),
        multiple: median(firstProposals) / oneWorkerCallMs,
        multipleNominal: median(firstProposals) / nominal.definitionWorkerMs,
        goal: 1.2,
      },
    };
  } finally {
    await server.close();
  }
}

export const round = (x) => Math.round(x * 10) / 10;
export const roundAll = (record) => Object.fromEntries(Object.entries(record).map(([k, v]) => [k, typeof v === 'number' ? round(v) : v]));
