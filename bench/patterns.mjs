// Benchmark 2: the engine's dependency-graph scheduling against the pattern as usually written, on the
// rename workload with some files 2–3× slower, one server for all three. Only the workers phase is
// compared (plan and verification are the same calls whatever schedules the workers).
import { startFakeOpenAIServer, createNodeWorkspace } from './out.mjs';
import { benchProvider, nominalCallMs, timedProvider } from './modelCalls.mjs';
import { round, roundAll, runEngine } from './overhead.mjs';
import { RENAME_REQUEST, renamePlan, renameReplies, renameScript, variedLatencyFactor, writeRenameWorkspace } from './renameScenario.mjs';
import { makeFileRunner, runInTopologicalBatches, runSequentially, simulateListSchedule, workersLowerBound } from './schedules.mjs';

export async function measurePatterns({ scratch, model, concurrency, definitions, usersPerDefinition, log }) {
  const { dir, files } = writeRenameWorkspace(scratch, definitions, usersPerDefinition);
  const latencyFactor = variedLatencyFactor(files);
  const server = await startFakeOpenAIServer(renameScript(dir, files, model, latencyFactor));
  try {
    const plan = renamePlan(files);
    const baseline = async (schedule) => {
      const timed = timedProvider(benchProvider(server.baseURL));
      const runFile = makeFileRunner({ request: RENAME_REQUEST, plan, workspace: createNodeWorkspace(dir, { maxFileBytes: 1 << 20, extraExcludes: [] }), provider: timed.provider, searchReplaceMinLines: 400 });
      const started = performance.now();
      await schedule(runFile);
      return { ms: performance.now() - started, calls: timed.calls };
    };

    // Sequential first: its calls run alone, so they also give each file's call time for the bounds.
    const sequential = await baseline((runFile) => runSequentially(plan, runFile));
    log(`patterns: sequential ${Math.round(sequential.ms)} ms`);
    const ours = await runEngine({ dir, baseURL: server.baseURL, concurrency });
    log(`patterns: ours ${ours.workersPhaseMs} ms`);
    const batches = await baseline((runFile) => runInTopologicalBatches(plan, concurrency, runFile));
    log(`patterns: topological batches ${Math.round(batches.ms)} ms`);

    const aloneMs = new Map(sequential.calls.map((call) => [call.file, call.end - call.start]));
    const replies = renameReplies(dir, files);
    const nominalMs = (f) => nominalCallMs(model, JSON.stringify(replies.worker(f.path)).length, latencyFactor(f.path));
    const alone = (f) => aloneMs.get(f.path);
    const bound = workersLowerBound(files, alone, concurrency);
    const fifo = simulateListSchedule(files, alone, concurrency, 'fifo');
    const criticalPath = simulateListSchedule(files, alone, concurrency, 'critical-path');

    return {
      files: files.length,
      concurrency,
      slowFiles: files.filter((f) => latencyFactor(f.path) > 1).length,
      latencyFactors: Object.fromEntries(files.filter((f) => latencyFactor(f.path) > 1).map((f) => [f.path, latencyFactor(f.path)])),
      workersMs: {
        ours: ours.workersPhaseMs,
        topologicalBatches: round(batches.ms),
        sequential: round(sequential.ms),
      },
      batchesOverOurs: batches.ms / ours.workersPhaseMs,
      sequentialOverOurs: sequential.ms / ours.workersPhaseMs,
      lowerBoundMs: roundAll(bound),
      lowerBoundNominalMs: round(workersLowerBound(files, nominalMs, concurrency).ms),
      oursOverLowerBound: ours.workersPhaseMs / bound.ms,
      simulatedMs: { fifo: round(fifo), criticalPathWithKnownTimes: round(criticalPath) },
      oursOverSimulatedFifo: ours.workersPhaseMs / fifo,
    };
  } finally {
    await server.close();
  }
}
