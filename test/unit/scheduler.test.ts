import * as assert from 'node:assert/strict';
import { runDependencyGraph, type GraphNode } from '../../src/core/engine/scheduler';

/** Tasks the test finishes by hand, so the order of events is decided by the test, not by timers. */
function gatedRunner() {
  const releases = new Map<string, (outcome: 'ok' | 'failed') => void>();
  const startOrder: string[] = [];
  const run = (id: string): Promise<'ok' | 'failed'> => {
    startOrder.push(id);
    return new Promise((resolve) => releases.set(id, resolve));
  };
  const finish = (id: string) => releases.get(id)?.('ok');
  /** Lets the scheduler react to everything that happened so far. */
  const settle = () => new Promise<void>((resolve) => setImmediate(resolve));
  return { startOrder, run, finish, settle };
}

describe('runDependencyGraph', () => {
  it('never runs more tasks at once than the concurrency cap', async () => {
    const nodes: GraphNode[] = Array.from({ length: 10 }, (_, i) => ({ id: `n${i}`, dependsOn: [] }));
    let inFlight = 0;
    let max = 0;
    const outcomes = await runDependencyGraph(nodes, 3, new AbortController().signal, async () => {
      inFlight++;
      max = Math.max(max, inFlight);
      await new Promise((resolve) => setImmediate(resolve));
      inFlight--;
      return 'ok';
    });
    assert.equal(max, 3);
    assert.equal([...outcomes.values()].filter((o) => o === 'ok').length, 10);
  });

  it('starts a dependent as soon as its own dependency finishes, while unrelated work is still running', async () => {
    const nodes: GraphNode[] = [
      { id: 'slow', dependsOn: [] },
      { id: 'base', dependsOn: [] },
      { id: 'dependent', dependsOn: ['base'] },
    ];
    const r = gatedRunner();
    const finished = runDependencyGraph(nodes, 3, new AbortController().signal, r.run);
    await r.settle();
    assert.deepEqual(r.startOrder, ['slow', 'base']);
    r.finish('base');
    await r.settle();
    assert.deepEqual(r.startOrder, ['slow', 'base', 'dependent'], 'dependent should start while "slow" is still running');
    r.finish('dependent');
    r.finish('slow');
    const outcomes = await finished;
    assert.deepEqual(Object.fromEntries(outcomes), { slow: 'ok', base: 'ok', dependent: 'ok' });
  });

  it('never starts a node before all of its dependencies have settled', async () => {
    const nodes: GraphNode[] = [
      { id: 'c', dependsOn: ['a', 'b'] },
      { id: 'a', dependsOn: [] },
      { id: 'b', dependsOn: ['a'] },
      { id: 'd', dependsOn: ['c'] },
    ];
    const settledAt = new Map<string, number>();
    const startedAt = new Map<string, number>();
    let clock = 0;
    await runDependencyGraph(nodes, 4, new AbortController().signal, async (id) => {
      startedAt.set(id, clock++);
      await new Promise((resolve) => setImmediate(resolve));
      settledAt.set(id, clock++);
      return 'ok';
    });
    for (const node of nodes) {
      for (const dep of node.dependsOn) {
        assert.ok((settledAt.get(dep) ?? Infinity) < (startedAt.get(node.id) ?? -1), `${node.id} started before ${dep} settled`);
      }
    }
    assert.equal(startedAt.size, 4);
  });

  it('still runs the dependents of a failed node (they are told upstream failed, not skipped)', async () => {
    const ran: string[] = [];
    const outcomes = await runDependencyGraph(
      [{ id: 'a', dependsOn: [] }, { id: 'b', dependsOn: ['a'] }, { id: 'c', dependsOn: [] }],
      2,
      new AbortController().signal,
      async (id) => {
        ran.push(id);
        if (id === 'a') throw new Error('boom');
        return 'ok';
      },
    );
    assert.ok(ran.includes('b'));
    assert.equal(outcomes.get('a'), 'failed');
    assert.equal(outcomes.get('b'), 'ok');
  });

  it('starts nothing more once aborted, lets running tasks see the signal, and marks the rest cancelled', async () => {
    const controller = new AbortController();
    const nodes: GraphNode[] = ['a', 'b', 'c', 'd'].map((id) => ({ id, dependsOn: [] }));
    const started: string[] = [];
    let sawAbort = false;
    const finished = runDependencyGraph(nodes, 2, controller.signal, (id) => {
      started.push(id);
      return new Promise((resolve) => {
        controller.signal.addEventListener('abort', () => {
          sawAbort = true;
          resolve('failed');
        });
      });
    });
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(started, ['a', 'b']);
    controller.abort();
    const outcomes = await finished;
    assert.deepEqual(started, ['a', 'b']);
    assert.equal(sawAbort, true);
    assert.equal(outcomes.get('c'), 'cancelled');
    assert.equal(outcomes.get('d'), 'cancelled');
  });

  it('reports nodes caught in a cycle as unreachable instead of hanging', async () => {
    const outcomes = await runDependencyGraph(
      [{ id: 'a', dependsOn: ['b'] }, { id: 'b', dependsOn: ['a'] }, { id: 'c', dependsOn: [] }],
      2,
      new AbortController().signal,
      async () => 'ok',
    );
    assert.deepEqual(Object.fromEntries(outcomes), { a: 'unreachable', b: 'unreachable', c: 'ok' });
  });
});
