// Robustness ledger, area "Model output", planner and verifier stages: hostile replies fed to the
// shipped CLI (`--apply --json`) through the loopback fake server. A bad plan must end the run with
// exit 1 and one stderr line naming the cause, with nothing written; a bad verifier report only costs
// the advice, never the proposals. Each case records what was observed for docs/robustness.md.
import * as assert from 'node:assert/strict';
import { change, json, plan } from '../support/engineHarness';
import { recordCase } from './caseTable';
import { AREA, RUNAWAY_FIX, appTs, describeFailedRun, diskSummary, renamePlan, renamed, runApply, script, storeTs, useServerAndWorkspace, type Outcome } from './modelOutputHarness';

describe('robustness: model output (planner and verifier, through the CLI)', function () {
  this.timeout(60_000);
  const fixture = useServerAndWorkspace();

  /**
   * Exit 1, exactly one error line matching `cause`, no stack trace, no byte changed, no worker asked
   * (or, where the problem only shows in the whole plan, no worker result kept).
   */
  function assertPlanFailure(outcome: Outcome, cause: RegExp, planRequests: number, workersMayStart = false): void {
    assert.equal(outcome.run.code, 1, outcome.run.stderr);
    assert.equal(outcome.errorLines.length, 1, outcome.run.stderr);
    assert.match(outcome.errorLines[0] ?? '', cause);
    assert.ok(!outcome.hasStackTrace, 'no stack trace');
    assert.deepEqual(outcome.changed, [], 'nothing written');
    assert.equal(outcome.requests('plan'), planRequests);
    if (workersMayStart) assert.deepEqual(outcome.result?.files ?? [], [], 'no worker result kept');
    else assert.equal(outcome.requests('whole_file') + outcome.requests('search_replace'), 0, 'no worker ran');
  }

  const planFailures: { name: string; reply: Parameters<typeof script>[0]; cause: RegExp; requests: number; expected: string; workersMayStart?: boolean }[] = [
    {
      name: 'planner: prose instead of JSON',
      reply: { plan: { content: 'Sure! I would rename UserStore in store.ts and then update app.ts. Anything else?' } },
      cause: /planner's reply was not valid after a repair attempt: the reply contains no JSON object/,
      requests: 2,
      expected: 'One repair round, then exit 1 naming "no JSON object"; nothing written.',
    },
    {
      name: 'planner: empty reply',
      reply: { plan: { content: '' } },
      cause: /planner's reply was not valid after a repair attempt: the reply was empty/,
      requests: 2,
      expected: 'One repair round, then exit 1 naming the empty reply; nothing written.',
    },
    {
      name: 'planner: truncated JSON (finish_reason length), twice',
      reply: { plan: { content: JSON.stringify(renamePlan).slice(0, 80), finishReason: 'length' } },
      cause: /planner's reply was not valid after a repair attempt: the reply was cut off \(max tokens\)/,
      requests: 2,
      expected: 'The cut-off reply is never parsed; one repair round, then exit 1 saying it was cut off.',
    },
    {
      name: 'planner: valid JSON of the wrong shape',
      reply: { plan: json({ files: ['src/store.ts', 'src/app.ts'], steps: 'rename the class' }) },
      cause: /does not match the schema \(summary: .*changes: /,
      requests: 2,
      expected: 'One repair round quoting the schema issues, then exit 1 naming the missing fields.',
    },
    {
      name: 'planner: refusal',
      reply: { plan: { refusal: "I'm sorry, I can't help with that request." } },
      cause: /The planner refused: I'm sorry, I can't help with that request\.$/,
      requests: 1,
      expected: 'No second ask; exit 1 quoting the refusal; nothing written.',
    },
    {
      name: 'planner: the same file planned twice (two spellings)',
      reply: { plan: json(plan([change('c1', 'src/store.ts', 'rename'), change('c2', './src//store.ts', 'rename again')])) },
      cause: /src\/store\.ts is planned twice \(changes c1 and c2\)/,
      requests: 2,
      expected: 'The first spelling passes the per-change checks and its worker starts while the plan streams; the whole plan fails, so it is stopped and dropped; one repair round, then exit 1 naming the file planned twice; nothing written.',
      workersMayStart: true,
    },
    {
      name: 'planner: dependency cycle',
      reply: { plan: json(plan([change('c1', 'src/store.ts', 'rename', { dependsOn: ['c2'] }), change('c2', 'src/app.ts', 'rename', { dependsOn: ['c1'] })])) },
      cause: /Dependencies form a cycle: c1 → c2 → c1/,
      requests: 2,
      expected: 'One repair round, then exit 1 naming the cycle; no worker runs.',
    },
    {
      name: 'planner: 300 planned files (cap 50)',
      reply: { plan: json(plan(Array.from({ length: 300 }, (_, i) => change(`c${i}`, `src/gen${i}.ts`, 'create', { action: 'create' })))) },
      cause: /The plan touches 300 files; the limit is 50 \(setting refactorOrchestrator\.maxFiles\)/,
      requests: 2,
      expected: 'Workers start for the first 50 while the plan streams (the 51st and later never); the whole plan breaks the cap, so they are stopped and dropped; one repair round, then exit 1 naming the cap; nothing written.',
      workersMayStart: true,
    },
  ];

  for (const failure of planFailures) {
    it(failure.name, async () => {
      fixture.server.setScript(script(failure.reply));
      const outcome = await runApply(fixture.server, fixture.root);
      recordCase({ area: AREA, case: failure.name, expected: failure.expected }, describeFailedRun(outcome), () => {
        assertPlanFailure(outcome, failure.cause, failure.requests, failure.workersMayStart);
      });
    });
  }

  it('planner: plan in a json code fence with prose around it', async () => {
    fixture.server.setScript(script({ plan: { content: `Here is the plan:\n\n\`\`\`json\n${JSON.stringify(renamePlan, null, 2)}\n\`\`\`\n\nLet me know!` } }));
    const outcome = await runApply(fixture.server, fixture.root);
    const observed = `exit ${String(outcome.run.code)}; ${outcome.requests('plan')} plan request(s); files ${outcome.result?.files.map((f) => `${f.path} ${f.status}`).join(', ') ?? '?'}; ${diskSummary(outcome)}`;
    recordCase({ area: AREA, case: 'planner: plan in a json code fence with prose around it', expected: 'The fenced plan is used as-is, with no repair round; both files are written.' }, observed, () => {
      assert.equal(outcome.run.code, 0, outcome.run.stderr);
      assert.equal(outcome.requests('plan'), 1);
      assert.deepEqual(outcome.changed, ['src/app.ts', 'src/store.ts']);
      assert.equal(outcome.after.get('src/app.ts')?.toString(), renamed(appTs));
    });
  });

  it('planner: truncated plan, then a complete one on repair', async () => {
    fixture.server.setScript(script({ plan: [{ content: JSON.stringify(renamePlan).slice(0, 80), finishReason: 'length' }, json(renamePlan)] }));
    const outcome = await runApply(fixture.server, fixture.root);
    const observed = `exit ${String(outcome.run.code)}; ${outcome.requests('plan')} plan request(s); ${diskSummary(outcome)}`;
    recordCase({ area: AREA, case: 'planner: truncated plan, then a complete one on repair', expected: 'The repair round recovers: exit 0, both files renamed.' }, observed, () => {
      assert.equal(outcome.run.code, 0, outcome.run.stderr);
      assert.equal(outcome.requests('plan'), 2);
      assert.deepEqual(outcome.changed, ['src/app.ts', 'src/store.ts']);
      assert.equal(outcome.after.get('src/store.ts')?.toString(), renamed(storeTs));
    });
  });

  // ---------------------------------------------------------------------------------------------
  // Verifier: its report is advice; a broken one must not cost the proposals.

  const verifierFailures = [
    { name: 'verifier: prose instead of JSON', reply: { content: 'All files look consistent to me. Great job!' }, cause: /not valid after a repair attempt: the reply contains no JSON object/, requests: 2 },
    { name: 'verifier: refusal', reply: { refusal: 'I cannot review this code.' }, cause: /The verifier refused: I cannot review this code\./, requests: 1 },
    { name: 'verifier: truncated report (finish_reason length)', reply: { content: '{"findings": [{"path": "src/app.ts", "li', finishReason: 'length' as const }, cause: /cut off \(max tokens\)/, requests: 2 },
    { name: 'verifier: a runaway 5 MB report', reply: { content: `{"findings": [${'{"path": "src/app.ts"}, '.repeat(Math.ceil((5 * 1024 * 1024) / 24))}`, tokensPerSecond: 10_000_000 }, cause: /stopped after 4 MB without ending/, requests: 1, fixed: RUNAWAY_FIX },
  ];
  for (const failure of verifierFailures) {
    it(failure.name, async () => {
      fixture.server.setScript(script({ verifier_report: failure.reply }));
      const outcome = await runApply(fixture.server, fixture.root);
      const warning = outcome.run.stderr.split('\n').find((line) => line.includes('verifier could not check')) ?? '(no warning)';
      const observed = `exit ${String(outcome.run.code)}; ${outcome.requests('verifier_report')} verifier request(s); written: ${(outcome.result?.applied ?? []).join(', ') || 'nothing'}; stderr: "${warning}"`;
      recordCase({ area: AREA, case: failure.name, expected: 'Proposals still reviewed and applied (exit 0); one warning says only the deterministic checks ran.', ...('fixed' in failure ? { fixed: failure.fixed } : {}) }, observed, () => {
        assert.equal(outcome.run.code, 0, outcome.run.stderr);
        assert.match(warning, failure.cause);
        assert.match(warning, /only the deterministic checks ran/);
        assert.equal(outcome.requests('verifier_report'), failure.requests);
        assert.deepEqual(outcome.result?.applied, ['src/store.ts', 'src/app.ts']);
        assert.equal(outcome.after.get('src/app.ts')?.toString(), renamed(appTs));
      });
    });
  }
});
