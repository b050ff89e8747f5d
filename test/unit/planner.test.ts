import * as assert from 'node:assert/strict';
import { createNodeWorkspace } from '../../src/node/nodeWorkspace';
import { PlanRejectedError, planRefactor } from '../../src/core/plan/planner';
import { startFakeOpenAIServer, type FakeOpenAIServer, type RecordedRequest } from '../support/fakeOpenAIServer';
import { change, json, makeWorkspace, plan, provider, removeWorkspace, userText } from './support/engineHarness';

describe('planRefactor', function () {
  this.timeout(20_000);
  let server: FakeOpenAIServer;
  let root: string;

  beforeEach(async () => {
    server = await startFakeOpenAIServer();
    root = await makeWorkspace({ 'src/a.ts': 'export const a = 1;\n', 'src/b.ts': 'export const b = 2;\n' });
  });
  afterEach(async () => {
    await server.close();
    await removeWorkspace(root);
  });

  function plan1(overrides: { maxFiles?: number } = {}) {
    return planRefactor({
      request: 'Rename a to alpha',
      workspaceSummary: 'src/a.ts\nsrc/b.ts',
      workspace: createNodeWorkspace(root, { maxFileBytes: 1_000_000, extraExcludes: [] }),
      provider: provider(server),
      maxFiles: overrides.maxFiles ?? 10,
      signal: new AbortController().signal,
    });
  }

  it('returns a valid plan from the first reply without a repair round', async () => {
    const good = plan([change('c1', 'src/a.ts', 'rename a to alpha')], [{ from: 'a', to: 'alpha' }]);
    server.setScript(() => json(good));
    const result = await plan1();
    assert.deepEqual(result.changes.map((c) => c.path), ['src/a.ts']);
    assert.equal(server.requests.length, 1);
    assert.equal(server.requests[0]?.schemaName, 'plan');
    assert.match(userText(server.requests[0] as RecordedRequest), /Rename a to alpha[\s\S]*src\/b\.ts/);
  });

  it('repairs a plan once, quoting the problems, and accepts the corrected plan', async () => {
    const replies = [
      json(plan([change('c1', 'src/missing.ts', 'modify a file that is not there')])),
      json(plan([change('c1', 'src/a.ts', 'rename')])),
    ];
    server.setScript(() => replies.shift() ?? json(plan([])));
    const result = await plan1();
    assert.deepEqual(result.changes.map((c) => c.path), ['src/a.ts']);
    assert.equal(server.requests.length, 2);
    assert.match(userText(server.requests[1] as RecordedRequest), /src\/missing\.ts/);
  });

  it('fails with every remaining problem listed when the repair does not help', async () => {
    const tooMany = plan([change('c1', 'src/a.ts', 'x'), change('c2', 'src/b.ts', 'y')]);
    server.setScript(() => json(tooMany));
    await assert.rejects(plan1({ maxFiles: 1 }), (error: unknown) => {
      assert.ok(error instanceof PlanRejectedError);
      assert.ok(error.problems.length > 0);
      assert.match(error.message, /after one repair round/);
      return true;
    });
    assert.equal(server.requests.length, 2);
  });
});
