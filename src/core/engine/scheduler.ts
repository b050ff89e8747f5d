// Runs a dependency graph of tasks under a concurrency cap. Each node starts as soon as its own
// dependencies have settled — there are no batch barriers, so one slow file never holds back
// unrelated work.
//
// A failed node does NOT block its dependents: they still run, and `run` can look up what happened
// upstream (the orchestrator tells a worker that an upstream change failed and lets it do its own
// file consistently with the plan). Skipping dependents would turn one flaky reply into a cascade of
// empty results, while a worker without its upstream diff usually still produces a usable change.

export interface GraphNode {
  id: string;
  dependsOn: readonly string[];
}

/**
 * - `ok` / `failed`: what `run` reported (a rejection counts as `failed`);
 * - `cancelled`: never started because the signal was aborted;
 * - `unreachable`: never started because its dependencies can never settle (a cycle). Plans are
 *   validated against cycles, so this is a defensive outcome rather than an expected one.
 */
export type NodeOutcome = 'ok' | 'failed' | 'cancelled' | 'unreachable';

export function runDependencyGraph(
  nodes: readonly GraphNode[],
  concurrency: number,
  signal: AbortSignal,
  run: (id: string) => Promise<'ok' | 'failed'>,
): Promise<Map<string, NodeOutcome>> {
  const graph = createGrowingGraph(concurrency, signal, run);
  const ids = new Set(nodes.map((node) => node.id));
  // Every node is known up front: a dependency on an id that is not in the graph can never settle, so
  // it counts as met; dependencies on later nodes are real.
  for (const node of nodes) graph.add({ id: node.id, dependsOn: node.dependsOn.filter((dep) => ids.has(dep)) }, ids);
  graph.seal();
  return graph.done;
}

export interface GrowingGraph {
  /**
   * Adds a node; it starts as soon as its dependencies have settled. `known`: ids that will be in the
   * graph (default: those added so far); dependencies outside it count as met.
   */
  add(node: GraphNode, known?: ReadonlySet<string>): void;
  /** No more nodes: `done` resolves once every added node has settled (or can never start). */
  seal(): void;
  readonly done: Promise<Map<string, NodeOutcome>>;
}

/**
 * The scheduler for a plan that arrives while it runs (the planner's reply streams): nodes are added
 * one by one and start at once when they can; `seal` says the plan is complete.
 */
export function createGrowingGraph(concurrency: number, signal: AbortSignal, run: (id: string) => Promise<'ok' | 'failed'>): GrowingGraph {
  const limit = Math.max(1, Math.floor(concurrency));
  const nodes: GraphNode[] = [];
  const added = new Set<string>();
  const outcomes = new Map<string, NodeOutcome>();
  const waitingOn = new Map<string, number>();
  const dependents = new Map<string, string[]>();
  const ready: string[] = [];
  let running = 0;
  let finished = false;
  let sealed = false;
  let resolveDone: (outcomes: Map<string, NodeOutcome>) => void = () => undefined;
  const done = new Promise<Map<string, NodeOutcome>>((resolve) => {
    resolveDone = resolve;
  });

  const finish = (): void => {
    if (finished) return;
    finished = true;
    signal.removeEventListener('abort', pump);
    for (const node of nodes) {
      if (!outcomes.has(node.id)) outcomes.set(node.id, signal.aborted ? 'cancelled' : 'unreachable');
    }
    resolveDone(outcomes);
  };

  const settle = (id: string, outcome: 'ok' | 'failed'): void => {
    outcomes.set(id, outcome);
    running--;
    for (const dependent of dependents.get(id) ?? []) {
      const left = (waitingOn.get(dependent) ?? 0) - 1;
      waitingOn.set(dependent, left);
      if (left === 0) ready.push(dependent);
    }
    pump();
  };

  function pump(): void {
    if (finished) return;
    if (!signal.aborted) {
      while (running < limit && ready.length > 0) {
        const id = ready.shift();
        if (id === undefined) break;
        running++;
        start(id);
      }
    }
    if (sealed && running === 0 && (signal.aborted || ready.length === 0)) finish();
  }

  const start = (id: string): void => {
    let task: Promise<'ok' | 'failed'>;
    try {
      task = run(id);
    } catch {
      task = Promise.resolve('failed');
    }
    void task.then(
      (outcome) => settle(id, outcome === 'ok' ? 'ok' : 'failed'),
      () => settle(id, 'failed'),
    );
  };

  signal.addEventListener('abort', pump);
  return {
    done,
    add(node, known) {
      if (sealed || added.has(node.id)) return;
      added.add(node.id);
      nodes.push(node);
      const inGraph = known ?? added;
      const deps = [...new Set(node.dependsOn)].filter((dep) => dep !== node.id && inGraph.has(dep) && !(outcomes.get(dep) === 'ok' || outcomes.get(dep) === 'failed'));
      waitingOn.set(node.id, deps.length);
      for (const dep of deps) dependents.set(dep, [...(dependents.get(dep) ?? []), node.id]);
      if (deps.length === 0) ready.push(node.id);
      pump();
    },
    seal() {
      sealed = true;
      pump();
    },
  };
}
