// Scheduling, three ways, for benchmark 2, plus the arithmetic the benchmarks judge them by. The two
// baselines are the pattern as usually written (one worker after another; or topological batches,
// each waiting for its slowest file). They drive the very worker function the engine uses, with the
// same upstream diffs, so that only the scheduling differs from the engine's run.
import { runWorker } from './out.mjs';

/**
 * A lower bound no schedule of these calls can beat with `cap` in flight:
 *   max( the longest dependency chain (sum of its call times),
 *        all call time ÷ cap,
 *        ⌈n ÷ cap⌉ × the shortest call )
 * The last term matters when calls are equal: a slot runs whole calls, so 50 calls under a cap of 8
 * take 7 rounds, not 6.25.
 */
export function workersLowerBound(nodes, durationOf, cap) {
  const chainMs = longestChainMs(nodes, durationOf);
  const total = nodes.reduce((sum, node) => sum + durationOf(node), 0);
  const workOverCapMs = total / cap;
  const roundsMs = Math.ceil(nodes.length / cap) * Math.min(...nodes.map(durationOf));
  return { ms: Math.max(chainMs, workOverCapMs, roundsMs), chainMs, workOverCapMs, roundsMs };
}

function longestChainMs(nodes, durationOf) {
  const byId = new Map(nodes.map((node) => [node.id, node]));
  const memo = new Map();
  const chain = (node) => {
    if (!memo.has(node.id)) memo.set(node.id, durationOf(node) + Math.max(0, ...node.dependsOn.map((dep) => chain(byId.get(dep)))));
    return memo.get(node.id);
  };
  return Math.max(...nodes.map(chain));
}

/**
 * What a list scheduler would take with exactly these call times and no overhead at all. `fifo` is the
 * engine's policy (ready files start in the order they became ready); `critical-path` starts the file
 * with the longest remaining chain first, which needs the call times in advance (a real engine does
 * not know them), so it is a near-optimal reference, not a fair target.
 */
export function simulateListSchedule(nodes, durationOf, cap, policy) {
  const dependents = new Map(nodes.map((node) => [node.id, []]));
  for (const node of nodes) for (const dep of node.dependsOn) dependents.get(dep).push(node);
  const tail = new Map();
  const tailOf = (node) => {
    if (!tail.has(node.id)) tail.set(node.id, durationOf(node) + Math.max(0, ...dependents.get(node.id).map(tailOf)));
    return tail.get(node.id);
  };
  const waiting = new Map(nodes.map((node) => [node.id, node.dependsOn.length]));
  const ready = nodes.filter((node) => node.dependsOn.length === 0);
  const running = [];
  let now = 0;
  let finished = 0;
  while (finished < nodes.length) {
    if (policy === 'critical-path') ready.sort((a, b) => tailOf(b) - tailOf(a));
    while (running.length < cap && ready.length > 0) {
      const node = ready.shift();
      running.push({ node, end: now + durationOf(node) });
    }
    running.sort((a, b) => a.end - b.end);
    const next = running.shift();
    now = next.end;
    finished++;
    for (const dependent of dependents.get(next.node.id)) {
      waiting.set(dependent.id, waiting.get(dependent.id) - 1);
      if (waiting.get(dependent.id) === 0) ready.push(dependent);
    }
  }
  return now;
}

// ---------------------------------------------------------------------------------------------
// The baselines

/**
 * One file's worker, as the engine calls it: the request, the plan, the file's change and the diffs
 * of the changes it depends on. A failed file fails the benchmark: a baseline that skips work would
 * look faster than it is.
 */
export function makeFileRunner({ request, plan, workspace, provider, searchReplaceMinLines }) {
  const results = new Map();
  const byId = new Map(plan.changes.map((change) => [change.id, change]));
  const signal = new AbortController().signal;
  return async (change) => {
    const upstream = change.dependsOn.map((id) => {
      const dep = byId.get(id);
      const result = results.get(id);
      return result?.ok
        ? { path: dep.path, description: dep.description, state: 'proposed', diff: result.diff }
        : { path: dep.path, description: dep.description, state: 'failed', reason: result?.error ?? 'not run' };
    });
    const result = await runWorker({ request, plan, change, workspace, provider, signal, searchReplaceMinLines, upstream });
    if (!result.ok) throw new Error(`bench baseline: ${change.path} failed: ${result.error}`);
    results.set(change.id, result);
    return result;
  };
}

/** Baseline (a): `for (const change of plan) await worker(change)`. */
export async function runSequentially(plan, runFile) {
  for (const change of topologicalLevels(plan).flat()) await runFile(change);
}

/**
 * Baseline (b): topological levels; within a level a pool keeps `cap` workers busy, but the next level
 * starts only when the slowest file of this one is done.
 */
export async function runInTopologicalBatches(plan, cap, runFile) {
  for (const level of topologicalLevels(plan)) {
    const queue = [...level];
    const slot = async () => {
      for (let change = queue.shift(); change !== undefined; change = queue.shift()) await runFile(change);
    };
    await Promise.all(Array.from({ length: Math.min(cap, level.length) }, slot));
  }
}

/** Level k holds the changes whose longest dependency chain has k links; plan order within a level. */
export function topologicalLevels(plan) {
  const byId = new Map(plan.changes.map((change) => [change.id, change]));
  const depth = new Map();
  const depthOf = (change) => {
    if (!depth.has(change.id)) depth.set(change.id, 1 + Math.max(-1, ...change.dependsOn.map((id) => depthOf(byId.get(id)))));
    return depth.get(change.id);
  };
  const levels = [];
  for (const change of plan.changes) (levels[depthOf(change)] ??= []).push(change);
  return levels.filter(Boolean);
}
