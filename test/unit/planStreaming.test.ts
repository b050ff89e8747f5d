import * as assert from 'node:assert/strict';
import { PlanStreamGate, PlanStreamScanner } from '../../src/core/plan/planStream';
import type { Plan } from '../../src/core/schemas';
import { startFakeOpenAIServer, type FakeOpenAIServer, type FakeOpenAIServerOptions, type FakeReply, type RecordedRequest } from '../support/fakeOpenAIServer';
import { change, json, makeWorkspace, noFindings, plan, removeWorkspace, requestsFor, runEngine, snapshot, workerFile, workerRequests } from './support/engineHarness';

function scan(text: string, chunkSize: number): { top: [string, unknown][]; changes: unknown[] } {
  const top: [string, unknown][] = [];
  const changes: unknown[] = [];
  const scanner = new PlanStreamScanner({ onTopLevel: (key, value) => top.push([key, value]), onChange: (value) => changes.push(value) });
  for (let i = 0; i < text.length; i += chunkSize) scanner.push(text.slice(i, i + chunkSize));
  return { top, changes };
}

const files: Record<string, string> = {};
for (let i = 1; i <= 6; i++) files[`src/f${i}.ts`] = `export const v${i} = new OldName();\n`;
const renamed = (file: string) => (files[file] ?? '').replace('OldName', 'NewName');
const sixPlan = plan(Object.keys(files).map((file, i) => change(`c${i + 1}`, file, 'Rename OldName to NewName in this file.', i === 1 ? { dependsOn: ['c1'] } : {})), [{ from: 'OldName', to: 'NewName' }]);

describe('plan streaming: workers start while the plan arrives', function () {
  this.timeout(30_000);

  describe('the incremental scanner', () => {
    const tricky: Plan = plan(
      [change('c1', 'src/a.ts', 'Braces { [ and quotes " and \\\\ escapes } ] in a description.'), change('c2', 'src/b.ts', 'Second, "quoted".', { dependsOn: ['c1'] })],
      [{ from: 'A', to: 'B' }],
    );

    for (const chunkSize of [1, 7, 10_000]) {
      it(`reports the summary, the renames and each change as it completes (chunks of ${chunkSize})`, () => {
        const { top, changes } = scan(`Here you go:\n\`\`\`json\n${JSON.stringify(tricky, null, 2)}\n\`\`\`\nDone {not json}`, chunkSize);
        assert.deepEqual(top, [['summary', 'Test plan'], ['symbolRenames', [{ from: 'A', to: 'B' }]], ['fileMoves', []], ['changes', tricky.changes]]);
        assert.deepEqual(changes, tricky.changes);
      });
    }

    it('reports a change before the rest of the plan has arrived', () => {
      const text = JSON.stringify(tricky);
      const endOfFirst = text.indexOf('},{') + 1;
      const { changes } = scan(text.slice(0, endOfFirst), 3);
      assert.deepEqual(changes, [tricky.changes[0]]);
    });
  });

  describe('the gate', () => {
    it('holds a change to a file the plan moves, by itself or with its folder, for the whole plan; starts the rest', () => {
      const started: string[] = [];
      const gate = new PlanStreamGate(50, (c) => started.push(c.path));
      gate.onTopLevel('summary', 's');
      gate.onTopLevel('symbolRenames', []);
      gate.onTopLevel('fileMoves', [{ from: 'src/util', to: 'src/lib/util' }, { from: 'src/one.ts', to: 'src/two.ts' }]);
      for (const [i, path] of ['src/util/deep/x.ts', 'src/one.ts', 'src/utility.ts', 'src/a.ts'].entries()) gate.onChange(change(`c${i + 1}`, path, 'Edit.'));
      assert.deepEqual(started, ['src/utility.ts', 'src/a.ts']);
    });
  });

  describe('against the engine', () => {
    let server: FakeOpenAIServer;
    let root: string;

    beforeEach(async () => {
      root = await makeWorkspace(files);
    });
    afterEach(async () => {
      await server.close();
      await removeWorkspace(root);
    });

    /** The plan streams slowly (~1 s); `plans` are the planner's replies in order. */
    async function serve(plans: Plan[], options: FakeOpenAIServerOptions = {}, worker: (file: string, r: RecordedRequest) => FakeReply = (file) => json({ content: renamed(file), summary: 'renamed' })) {
      let planIndex = 0;
      server = await startFakeOpenAIServer((request) => {
        if (request.schemaName === 'plan') {
          const reply = plans[Math.min(planIndex++, plans.length - 1)];
          return { content: JSON.stringify(reply), tokensPerSecond: 300 };
        }
        if (request.schemaName === 'verifier_report') return noFindings;
        return worker(workerFile(request) ?? '', request);
      }, options);
    }

    for (const prompted of [false, true]) {
      it(`starts workers before the plan's last byte${prompted ? ' (prompted JSON, no json_schema)' : ''}`, async () => {
        await serve([sixPlan], { rejectJsonSchema: prompted });
        const { session, done } = runEngine(server, root, 'Rename OldName to NewName', { concurrency: 4 });
        const statusesWhilePlanning = new Set<string>();
        session.onEvent((event) => {
          if (event.type === 'file' && session.stage === 'planning') statusesWhilePlanning.add(event.file.status);
        });
        await done;
        assert.equal(session.stage, 'done', session.error);
        assert.equal(session.files.filter((f) => f.status === 'proposed').length, 6);
        const first = workerRequests(server)[0];
        const planEnd = requestsFor(server, 'plan').at(-1)?.answeredAt ?? 0;
        assert.ok(first && first.receivedAt < planEnd, `first worker call ${first ? planEnd - first.receivedAt : '?'} ms before the plan's last byte`);
        assert.ok(statusesWhilePlanning.has('proposed'), 'files were proposed while the plan was still streaming');
        assert.ok((session.timings.firstProposalAt ?? Infinity) < (session.timings.plannedAt ?? 0));
        // The dependent change still waited for its dependency.
        const c2 = session.file('c2');
        const c1 = session.file('c1');
        assert.ok(c1?.timings.finishedAt !== undefined && c2?.timings.startedAt !== undefined && c2.timings.startedAt >= c1.timings.finishedAt);
        assert.equal(requestsFor(server, 'plan').length, prompted ? 2 : 1, 'no repair round (prompted: one json_schema attempt refused)');
      });
    }

    it('never starts a bad change in the middle of the stream; the whole plan is refused, started workers stopped, the repair round runs', async () => {
      const bad = plan([...sixPlan.changes.slice(0, 3), change('c9', '../outside.ts', 'escape'), ...sixPlan.changes.slice(3)], sixPlan.symbolRenames);
      await serve([bad, sixPlan]);
      const before = await snapshot(root);
      const logs: string[] = [];
      const { session, done } = runEngine(server, root, 'Rename OldName to NewName', { concurrency: 4 });
      session.onEvent((event) => {
        if (event.type === 'log') logs.push(event.message);
      });
      await done;
      assert.equal(session.stage, 'done', session.error);
      assert.equal(workerRequests(server, '../outside.ts').length, 0, 'the bad change never reached a worker');
      assert.ok(workerRequests(server).some((r) => r.receivedAt < (requestsFor(server, 'plan')[0]?.answeredAt ?? 0)), 'workers had started from the first plan');
      assert.equal(requestsFor(server, 'plan').length, 2, 'one repair round');
      assert.ok(logs.some((line) => /could not be used as it streamed; the \d+ worker\(s\) started from it were stopped/.test(line)), logs.join('\n'));
      assert.deepEqual(session.files.map((f) => `${f.id} ${f.status}`), sixPlan.changes.map((c) => `${c.id} proposed`));
      assert.deepEqual(await snapshot(root), before, 'nothing written');
    });

    it('stops workers that began when the whole plan is rejected at its end (a missing file), and drops their results', async () => {
      const missing = plan([...sixPlan.changes, change('c7', 'src/missing.ts', 'Rename OldName there too.')], sixPlan.symbolRenames);
      // The first plan's workers hang until cancelled; the repaired plan's answer at once.
      let repaired = false;
      await serve([missing, sixPlan], {}, (file) => (repaired ? json({ content: renamed(file), summary: 'renamed' }) : { ...json({ content: renamed(file), summary: 'slow' }), delayMs: 20_000 }));
      const { session, done } = runEngine(server, root, 'Rename OldName to NewName', { concurrency: 4 });
      session.onEvent((event) => {
        if (event.type === 'log' && /could not be used as it streamed/.test(event.message)) repaired = true;
      });
      const started = Date.now();
      await done;
      assert.equal(session.stage, 'done', session.error);
      assert.ok(Date.now() - started < 15_000, 'the hanging workers were stopped, not waited for');
      assert.ok(repaired);
      assert.equal(requestsFor(server, 'plan').length, 2);
      assert.deepEqual(session.files.map((f) => f.status), sixPlan.changes.map(() => 'proposed'));
      assert.ok(session.files.every((f) => f.proposed === renamed(f.path)), 'results come from the repaired plan');
    });

    it('cancels during the stream: started workers stop, nothing is proposed or written', async () => {
      const controller = new AbortController();
      let cancelledAt = 0;
      // The user cancels as soon as the first worker call reaches the server, while the plan streams.
      await serve([sixPlan], {}, (file) => {
        if (cancelledAt === 0) {
          cancelledAt = Date.now();
          controller.abort();
        }
        return { ...json({ content: renamed(file), summary: 'slow' }), delayMs: 5_000 };
      });
      const before = await snapshot(root);
      const { session, done } = runEngine(server, root, 'Rename OldName to NewName', { concurrency: 4 }, controller.signal);
      await done;
      assert.equal(session.stage, 'cancelled');
      assert.ok(cancelledAt > 0 && requestsFor(server, 'plan')[0]?.answeredAt === undefined, 'cancelled while the plan was still streaming');
      assert.ok(session.files.length >= 1, 'the files that had started are still shown');
      assert.deepEqual([...new Set(session.files.map((f) => f.status))], ['cancelled']);
      assert.deepEqual(await snapshot(root), before);
    });
  });
});
