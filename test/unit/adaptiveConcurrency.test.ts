import * as assert from 'node:assert/strict';
import { AdaptiveLimiter, parseResetDuration } from '../../src/core/llm/adaptiveLimiter';
import { createOpenAIProvider } from '../../src/core/llm/openaiProvider';
import type { SessionEvent } from '../../src/core/engine/session';
import { startFakeOpenAIServer, type FakeOpenAIServer, type RecordedRequest } from '../support/fakeOpenAIServer';
import { change, json, makeWorkspace, noFindings, plan, removeWorkspace, runEngine, workerFile } from './support/engineHarness';

const signal = new AbortController().signal;

describe('adaptive concurrency (one limiter per endpoint and model)', function () {
  this.timeout(30_000);

  it('halves the cap on a 429 from what was in flight, once per burst, then climbs back one at a time', async () => {
    const limiter = new AdaptiveLimiter();
    const permits = await Promise.all(Array.from({ length: 8 }, () => limiter.acquire(1, signal)));
    assert.equal(limiter.currentCap, undefined, 'no cap of its own before the first 429');
    const cut = permits[0]?.release('rate-limited');
    assert.deepEqual(cut && { from: cut.from, to: cut.to }, { from: undefined, to: 4 });
    // The rest of the same burst started before the cut: no further cuts.
    assert.equal(permits[1]?.release('rate-limited'), undefined);
    assert.equal(permits[2]?.release('rate-limited'), undefined);
    assert.equal(limiter.currentCap, 4);
    for (const permit of permits.slice(3)) permit.release('ok');

    // Now at most 4 at once: a fifth waits until one is released.
    const four = await Promise.all(Array.from({ length: 4 }, () => limiter.acquire(1, signal)));
    let fifthGranted = false;
    const fifth = limiter.acquire(1, signal).then((permit) => {
      fifthGranted = true;
      return permit;
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(fifthGranted, false, 'a call over the cap waits');
    // A 429 from a call that started after the cut cuts again: 4 in flight → 2.
    const again = four[0]?.release('rate-limited');
    assert.equal(again?.to, 2);
    for (const permit of four.slice(1)) permit.release('other');
    (await fifth).release('ok');
    // Two successes in a row at cap 2 → 3; three more → 4; and so on up to the peak (8), where it lifts.
    const caps: (number | undefined)[] = [];
    for (let i = 0; i < 40 && limiter.currentCap !== undefined; i++) {
      const change = (await limiter.acquire(1, signal)).release('ok');
      if (change) caps.push(change.to);
    }
    assert.deepEqual(caps, [3, 4, 5, 6, 7, undefined]);
  });

  it('holds a call the server said it would refuse (x-ratelimit-remaining-requests: 0) until the reset', async () => {
    let now = 1_000;
    const limiter = new AdaptiveLimiter({ now: () => now });
    const first = await limiter.acquire(1, signal);
    limiter.observeHeaders(new Headers({ 'x-ratelimit-remaining-requests': '0', 'x-ratelimit-reset-requests': '60ms' }));
    let granted = false;
    const second = limiter.acquire(1, signal).then((permit) => {
      granted = true;
      return permit;
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(granted, false, 'held while the budget is exhausted');
    now += 60;
    (await second).release('ok');
    first.release('ok');
    assert.equal(granted, true);
  });

  it('holds calls over the remaining token budget, and lets a cancel leave the queue', async () => {
    const limiter = new AdaptiveLimiter();
    const first = await limiter.acquire(100, signal);
    limiter.observeHeaders(new Headers({ 'x-ratelimit-remaining-tokens': '50', 'x-ratelimit-reset-tokens': '10s' }));
    const controller = new AbortController();
    const held = limiter.acquire(100, controller.signal);
    controller.abort();
    await assert.rejects(held);
    first.release('ok');
    assert.equal(limiter.active, 0);
  });

  it('parses OpenAI reset durations', () => {
    assert.equal(parseResetDuration('1s'), 1000);
    assert.equal(parseResetDuration('6m0s'), 360_000);
    assert.equal(parseResetDuration('20ms'), 20);
    assert.equal(parseResetDuration('1h2m3.5s'), 3_723_500);
    assert.equal(parseResetDuration('2'), 2000);
    assert.equal(parseResetDuration('soon'), undefined);
    assert.equal(parseResetDuration(null), undefined);
  });
});

describe('a 429 storm against the engine (server serves 3 at once)', function () {
  this.timeout(60_000);
  let server: FakeOpenAIServer;
  let root: string;
  const files: Record<string, string> = {};
  for (let i = 0; i < 24; i++) files[`src/f${i}.ts`] = `export const value${i} = new OldName();\n`;
  const stormPlan = plan(Object.keys(files).map((file, i) => change(`c${i + 1}`, file, 'Rename OldName to NewName.')), [{ from: 'OldName', to: 'NewName' }]);

  const script = (request: RecordedRequest) => {
    if (request.schemaName === 'plan') return json(stormPlan);
    if (request.schemaName === 'verifier_report') return noFindings;
    const file = workerFile(request) ?? '';
    return { ...json({ content: (files[file] ?? '').replace('OldName', 'NewName'), summary: 'renamed' }), delayMs: 40 };
  };

  beforeEach(async () => {
    root = await makeWorkspace(files);
  });
  afterEach(async () => {
    await server.close();
    await removeWorkspace(root);
  });

  it('loses no file at concurrency 8: rate-limited calls go back in line, the cap drops and recovers, the log says why', async () => {
    server = await startFakeOpenAIServer(script, { maxInFlight: 3, rateLimitRetryAfterMs: 30 });
    const { session, done } = runEngine(server, root, 'Rename OldName to NewName', { concurrency: 8, revisionRounds: 0 });
    const logs: string[] = [];
    session.onEvent((event: SessionEvent) => {
      if (event.type === 'log') logs.push(event.message);
    });
    await done;

    assert.equal(session.stage, 'done', session.error);
    const failed = session.files.filter((file) => file.status !== 'proposed');
    assert.deepEqual(failed.map((file) => `${file.path}: ${file.error ?? file.status}`), []);
    assert.ok(server.stats.rateLimited > 0, 'the server did refuse calls');
    assert.ok(server.stats.maxInFlightSeen <= 3);
    const caps = logs.filter((line) => line.includes('in-flight cap'));
    assert.ok(caps.some((line) => /→ [1-4]: the server answered 429/.test(line)), `a drop is logged: ${caps.join(' | ')}`);
    assert.ok(caps.some((line) => /in a row succeeded/.test(line)), `a recovery is logged: ${caps.join(' | ')}`);
    // Far fewer refusals than calls: the limiter stops knocking once it has learned the limit.
    assert.ok(server.stats.rateLimited < 24, `${server.stats.rateLimited} refusals for 24 files`);
  });

  it('fails a file with a clear reason once waiting would pass the run deadline', async () => {
    server = await startFakeOpenAIServer(script, { maxInFlight: 0, rateLimitRetryAfterMs: 50 });
    const { session, done } = runEngine(server, root, 'Rename OldName to NewName', { rateLimitDeadlineMs: 300 });
    await done;
    assert.equal(session.stage, 'failed');
    assert.match(session.error ?? '', /still rate-limiting requests \(429\) after \d+ waits?, and waiting again would pass the run's rate-limit deadline/);
    assert.ok(server.requests.length >= 3, 'it did wait and ask again before giving up');
  });

  it('without a deadline (a bare provider call), keeps the fixed retry count', async () => {
    server = await startFakeOpenAIServer(() => ({ content: 'ok' }), { maxInFlight: 0, rateLimitRetryAfterMs: 10 });
    const bare = createOpenAIProvider({ baseURL: server.baseURL, apiKey: 'x', models: { planner: 'm', worker: 'm', verifier: 'm' }, timeoutMs: 5000, maxRetries: 1 });
    await assert.rejects(bare.complete({ role: 'worker', messages: [{ role: 'user', content: 'hi' }], signal }), /429/);
    assert.equal(server.requests.length, 2);
  });
});
