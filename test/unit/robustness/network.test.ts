// Robustness, "Network": the model server misbehaves (rate limits, errors, dropped connections,
// stalls, nothing listening, HTML instead of JSON). Each case runs the CLI bundle with --apply and
// records how the run ended, how long it took, how many requests were made, and whether anything
// was written. Time limits are generous bounds ("ends within"), far above the normal duration.
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { jsonReply, routeBySchema, startFakeOpenAIServer, type FakeOpenAIServer, type FakeReply, type SchemaRoute } from '../../support/fakeOpenAIServer';
import { ensureFreshBuild, lastStderrLine, runCli, type CliRun } from '../support/cliRunner';
import { change, plan, snapshot } from '../support/engineHarness';
import { cell, recordCase } from './caseTable';
import { makeScratch, removeScratch, sameBytes, type Scratch } from './hostileWorkspace';

const AREA = 'Network';
const STORE = 'export class UserStore {}\n';
const goodPlan = jsonReply(plan([change('c1', 'src/store.ts', 'rename')], [{ from: 'UserStore', to: 'AccountRepository' }]));
const goodWorker = jsonReply({ content: 'export class AccountRepository {}\n', summary: 'renamed' });
const noFindings = jsonReply({ findings: [] });
/** Generous: the slowest case normally ends in about 5 s (three 1 s timeouts plus backoff). */
const BOUND_MS = 30_000;

describe('robustness: network faults', function () {
  this.timeout(60_000);
  let server: FakeOpenAIServer;
  let scratch: Scratch;

  before(ensureFreshBuild);
  beforeEach(async () => {
    server = await startFakeOpenAIServer();
    scratch = await makeScratch({ 'src/store.ts': STORE });
  });
  afterEach(async () => {
    await server.close();
    await removeScratch(scratch);
  });

  // A rate-limit deadline of 3 s: a server that rate-limits every call is waited for that long, no longer.
  const cli = (baseURL: string, timeoutMs = 10_000): Promise<CliRun> =>
    runCli(
      // No language server: it would do this rename without the model calls whose faults are tested here.
      ['--workspace', scratch.root, '--request', 'Rename UserStore to AccountRepository', '--base-url', baseURL, '--timeout-ms', String(timeoutMs), '--rate-limit-deadline', '3', '--apply', '--no-language-server'],
      { OPENAI_API_KEY: 'sk-network-test-key' },
    );

  /** Stderr lines the CLI wrote as its own verdict, and whether a stack trace leaked. */
  function verdictLines(run: CliRun): string[] {
    return run.stderr.split('\n').filter((line) => line.startsWith('refactor-orchestrator:'));
  }

  function plannerGapsMs(): number[] {
    const times = server.requests.filter((r) => r.schemaName === 'plan').map((r) => r.receivedAt);
    return times.slice(1).map((t, i) => t - times[i]!);
  }

  /** The loopback URL changes every run; the ledger shows it as <server>. */
  const atServer = (line: string): string => line.replace(/^refactor-orchestrator: /, '').replace(/http:\/\/127\.0\.0\.1:\d+\/v1/g, '<server>');

  interface Outcome { run: CliRun; written: boolean; observed: string }

  async function runWith(routes: { plan?: SchemaRoute; whole_file?: SchemaRoute }, timeoutMs?: number, baseURL?: string): Promise<Outcome> {
    server.setScript(routeBySchema({ plan: routes.plan ?? goodPlan, whole_file: routes.whole_file ?? goodWorker, verifier_report: noFindings }));
    const before = await snapshot(scratch.root);
    const run = await cli(baseURL ?? server.baseURL, timeoutMs);
    const written = !sameBytes(before, await snapshot(scratch.root));
    const gaps = plannerGapsMs();
    const observed = [
      `exit ${run.code} after ${(run.elapsedMs / 1000).toFixed(1)} s`,
      `"${cell(atServer(run.code === 0 ? (/^\[summary\].*$/m.exec(run.stderr)?.[0] ?? '') : lastStderrLine(run)), 150)}"`,
      `${server.requests.length} request(s)${gaps.length ? `, planner retries after ${gaps.map((g) => `${(g / 1000).toFixed(1)} s`).join(', ')}` : ''}`,
      written ? 'files written' : 'nothing written',
    ].join('; ');
    return { run, written, observed };
  }

  /** A failing run: bounded, exit 1, one verdict line that is the last line, no stack, nothing written. */
  function assertFailedCleanly(outcome: Outcome, says: RegExp): void {
    const { run } = outcome;
    assert.equal(run.code, 1, run.stderr);
    assert.ok(run.elapsedMs < BOUND_MS, `ended within ${BOUND_MS} ms`);
    assert.equal(verdictLines(run).length, 1, run.stderr);
    assert.match(lastStderrLine(run), says);
    assert.doesNotMatch(run.stderr, /\n\s+at /, 'no stack trace');
    assert.equal(outcome.written, false);
  }

  /** A recovered run: exit 0 and the change was applied. */
  function assertRecovered(outcome: Outcome): void {
    assert.equal(outcome.run.code, 0, outcome.run.stderr);
    assert.ok(outcome.run.elapsedMs < BOUND_MS, `ended within ${BOUND_MS} ms`);
    assert.equal(outcome.written, true);
  }

  const rateLimited = (headers: Record<string, string> = {}): FakeReply => ({ status: 429, headers });
  const serverError: FakeReply = { status: 500 };

  it('429 with Retry-After, then success', async () => {
    const outcome = await runWith({ plan: [rateLimited({ 'retry-after': '1' }), goodPlan] });
    recordCase(
      { area: AREA, case: '429 with Retry-After: 1, then success', expected: 'Waits as asked, retries, and the run completes (exit 0).' },
      outcome.observed,
      () => {
        assertRecovered(outcome);
        assert.ok((plannerGapsMs()[0] ?? 0) >= 900, 'waited about the second asked for');
      },
    );
  });

  it('429 with Retry-After, every time', async () => {
    const outcome = await runWith({ plan: rateLimited({ 'retry-after': '1' }) });
    recordCase(
      { area: AREA, case: '429 with Retry-After: 1, every time (--rate-limit-deadline 3)', expected: 'Waits as asked and asks again until the run deadline, then exit 1 with one line about rate limiting; nothing written.' },
      outcome.observed,
      () => {
        assertFailedCleanly(outcome, /still rate-limiting requests \(429\) after 2 waits, and waiting again would pass the run's rate-limit deadline/);
        assert.equal(server.requests.length, 3);
        assert.ok(plannerGapsMs().every((gap) => gap >= 900), 'each retry waited about the second asked for');
      },
    );
  });

  it('429 without Retry-After, every time', async () => {
    const outcome = await runWith({ plan: rateLimited() });
    recordCase(
      { area: AREA, case: '429 without Retry-After, every time (--rate-limit-deadline 3)', expected: 'Asks again with backoff until the run deadline, then exit 1 with one line about rate limiting; nothing written.' },
      outcome.observed,
      () => {
        assertFailedCleanly(outcome, /still rate-limiting requests \(429\) after \d+ waits, and waiting again would pass the run's rate-limit deadline/);
        assert.ok(server.requests.length >= 3, `asked again with backoff (${server.requests.length} requests)`);
      },
    );
  });

  it('repeated 500s', async () => {
    const outcome = await runWith({ plan: serverError });
    recordCase(
      { area: AREA, case: '500 on every request', expected: 'Two retries, then exit 1 with one line naming the 500; nothing written.' },
      outcome.observed,
      () => {
        assertFailedCleanly(outcome, /failed \(500\) after 2 retries: try again later/);
        assert.equal(server.requests.length, 3);
      },
    );
  });

  it('500 then success', async () => {
    const outcome = await runWith({ plan: [serverError, goodPlan] });
    recordCase(
      { area: AREA, case: '500 once, then success', expected: 'The retry recovers and the run completes (exit 0).' },
      outcome.observed,
      () => assertRecovered(outcome),
    );
  });

  it('connection dropped before any byte, every time', async () => {
    const outcome = await runWith({ plan: { dropConnection: true } });
    recordCase(
      { area: AREA, case: 'Connection dropped before any byte, every time', expected: 'Retried, then exit 1 with one line; nothing written.' },
      outcome.observed,
      () => {
        assertFailedCleanly(outcome, /refactor-orchestrator: .*(dropped|reach)/);
        assert.equal(server.requests.length, 3);
      },
    );
  });

  it('connection dropped before any byte once, then success', async () => {
    const outcome = await runWith({ plan: [{ dropConnection: true }, goodPlan] });
    recordCase(
      { area: AREA, case: 'Connection dropped before any byte once, then success', expected: 'The retry recovers and the run completes (exit 0).' },
      outcome.observed,
      () => assertRecovered(outcome),
    );
  });

  it('socket destroyed mid-stream in the planner reply', async () => {
    const cut: FakeReply = { ...goodPlan, dropConnection: true, dropAfterChars: 30 };
    const outcome = await runWith({ plan: cut });
    recordCase(
      { area: AREA, case: 'Socket destroyed mid-stream (planner reply)', expected: 'Exit 1 with one line saying the connection dropped; nothing written.' },
      outcome.observed,
      () => assertFailedCleanly(outcome, /dropped before the reply was complete/),
    );
  });

  it('socket destroyed mid-stream in the only worker reply', async () => {
    const cut: FakeReply = { ...goodWorker, dropConnection: true, dropAfterChars: 20 };
    const outcome = await runWith({ whole_file: cut });
    recordCase(
      { area: AREA, case: 'Socket destroyed mid-stream (the only worker)', expected: 'The file fails with the reason, the run exits 1 with one line; nothing written.' },
      outcome.observed,
      () => assertFailedCleanly(outcome, /Every planned change failed \(first: src\/store\.ts: .*dropped/),
    );
  });

  it('a stall past --timeout-ms before any byte', async () => {
    const outcome = await runWith({ plan: { ...goodPlan, stallMs: 40_000 } }, 1000);
    recordCase(
      { area: AREA, case: 'Server stalls past --timeout-ms 1000 before any byte', expected: `Times out (retried), exit 1 with one line naming the timeout, within ${BOUND_MS / 1000} s; nothing written.` },
      outcome.observed,
      () => assertFailedCleanly(outcome, /No answer within 1 s/),
    );
  });

  it('a stall past --timeout-ms after the stream started', async () => {
    const outcome = await runWith({ plan: { ...goodPlan, stallMs: 40_000, stallAt: 'headers' } }, 1000);
    recordCase(
      { area: AREA, case: 'Stream goes silent past --timeout-ms 1000', expected: `Idle timeout, exit 1 with one line naming the timeout, within ${BOUND_MS / 1000} s; nothing written.` },
      outcome.observed,
      () => assertFailedCleanly(outcome, /No answer within 1 s/),
    );
  });

  it('a server that is not there', async () => {
    const url = server.baseURL;
    await server.close();
    const outcome = await runWith({}, 5000, url);
    server = await startFakeOpenAIServer();
    recordCase(
      { area: AREA, case: 'Nothing listening on the port', expected: 'Exit 1 with one line asking whether the server runs; nothing written.' },
      outcome.observed,
      () => assertFailedCleanly(outcome, /Could not reach the model server at http:\/\/127\.0\.0\.1:\d+\/v1: is it running\?/),
    );
  });

  describe('HTML instead of JSON', () => {
    let html: http.Server;
    let hits: number;
    let status: number;
    beforeEach(async () => {
      hits = 0;
      html = http.createServer((_req, res) => {
        hits++;
        res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' });
        res.end('<!DOCTYPE html><html><head><title>Welcome to nginx!</title></head><body><h1>It works</h1></body></html>\n');
      });
      await new Promise<void>((resolve) => html.listen(0, '127.0.0.1', resolve));
    });
    afterEach(async () => {
      html.closeAllConnections();
      await new Promise<void>((resolve) => html.close(() => resolve()));
    });

    for (const [code, label, says] of [
      [200, 'HTML page with status 200 (a web server, not the API)', /answered with an HTML page, not the model API: check that the base URL/],
      [502, 'HTML error page with status 502 (a proxy)', /failed \(502\) after 2 retries/],
    ] as const) {
      it(label, async () => {
        status = code;
        const url = `http://127.0.0.1:${(html.address() as AddressInfo).port}/v1`;
        const outcome = await runWith({}, 5000, url);
        recordCase(
          {
            area: AREA, case: label, expected: 'Exit 1 with one line that says what came back; nothing written.',
            ...(code === 200 ? { fixed: 'read as an empty event stream ("the reply was empty" after a repair round); now named as an HTML page at once' } : {}),
          },
          `${outcome.observed.replace(/\d+ request\(s\)/, `${hits} request(s)`)}`,
          () => assertFailedCleanly(outcome, says),
        );
      });
    }
  });
});
