// The compile check inside a run, through the loopback server and the real openai client: a scripted
// worker makes each of the mistakes a plausible but weak model makes, its verifier reports nothing,
// and the compiler must catch every one at the right file and line before anything could be applied.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { createNodeWorkspace } from '../../src/node/nodeWorkspace';
import { addSuggestion, DEFAULT_ENGINE_SETTINGS, startRefactor, type EngineSettings, type RefactorOptions } from '../../src/core/engine/orchestrator';
import type { PlannedChange } from '../../src/core/schemas';
import type { RefactorSession } from '../../src/core/engine/session';
import { startFakeOpenAIServer, type FakeOpenAIServer, type FakeReply, type RecordedRequest } from '../support/fakeOpenAIServer';
import { change, json, makeWorkspace, noFindings, plan, provider, removeWorkspace, snapshot, userText, workerFile, workerRequests } from './support/engineHarness';
import { renamePrice, shop } from './support/shopFixture';

type Worker = (file: string, request: RecordedRequest, attempt: number) => string;

/** The plan, and what the worker writes for each file (by how often that file was asked). */
function script(changes: PlannedChange[], worker: Worker): (request: RecordedRequest) => FakeReply {
  const asked = new Map<string, number>();
  return (request) => {
    if (request.schemaName === 'plan') return json(plan(changes));
    if (request.schemaName === 'verifier_report') return noFindings; // the weak verifier sees nothing
    const file = workerFile(request) ?? '';
    const attempt = (asked.get(file) ?? 0) + 1;
    asked.set(file, attempt);
    return json({ content: worker(file, request, attempt), summary: 'done' });
  };
}

const renameAll: Worker = (file) => renamePrice(shop[file] ?? '');
const renamePlan = (files: string[]) => files.map((file, i) => change(`c${i + 1}`, file, 'Rename formatPrice to formatAmount.', i === 0 ? {} : { dependsOn: ['c1'] }));

function brief(session: RefactorSession): string[] {
  return session.findings.filter((f) => f.kind === 'compile-error').map((f) => `${f.path}:${f.line} ${f.code ?? ''}`);
}

describe('compile check in a run', function () {
  this.timeout(60_000);
  let server: FakeOpenAIServer;
  let root: string;

  beforeEach(async () => {
    server = await startFakeOpenAIServer();
    root = await makeWorkspace(shop);
  });
  afterEach(async () => {
    await server.close();
    await removeWorkspace(root);
  });

  function options(settings: Partial<EngineSettings>, signal = new AbortController().signal): RefactorOptions {
    return {
      request: 'Rename formatPrice to formatAmount',
      workspace: createNodeWorkspace(root, { maxFileBytes: 1024 * 1024, extraExcludes: [] }),
      provider: provider(server),
      // The compiler alone against a weak model: no language server doing the renames or listing callers
      // (test/unit/languageServerRename.test.ts covers it).
      settings: { ...DEFAULT_ENGINE_SETTINGS, revisionRounds: 0, languageServer: false, ...settings },
      signal,
      checkRoot: root,
    };
  }

  async function run(changes: PlannedChange[], worker: Worker, settings: Partial<EngineSettings> = {}): Promise<RefactorSession> {
    server.setScript(script(changes, worker));
    const { session, done } = startRefactor(options(settings));
    await done;
    assert.equal(session.stage, 'done', session.error);
    return session;
  }

  it('a correct refactor raises nothing, though the project already has an error', async () => {
    const session = await run(renamePlan(['src/price.ts', 'src/cart.ts', 'src/receipt.ts']), renameAll);
    assert.deepEqual(session.findings, []);
    assert.equal(session.compileCheck?.verdict, 'the proposed changes type-check');
    assert.match(session.compileCheck?.typescript ?? '', /^TypeScript 5\.\d+\.\d+ \(bundled\)$/);
  });

  describe('each mistake of a weak model is caught at its file and line', () => {
    it('1. a caller the plan missed (a file outside the plan breaks)', async () => {
      const session = await run(renamePlan(['src/price.ts', 'src/cart.ts']), renameAll);
      assert.deepEqual(brief(session), ['src/receipt.ts:1 TS2305']);
      assert.deepEqual(session.findings[0]?.relatedPaths, ['src/price.ts']);
      assert.equal(session.compileCheck?.verdict, '1 new error in 1 file');
      assert.equal(session.files.length, 2, 'extendPlan off: reported, not added');
    });

    it('2. a wrong import path', async () => {
      const session = await run(renamePlan(['src/price.ts', 'src/cart.ts', 'src/receipt.ts']), (file) =>
        file === 'src/cart.ts' ? renamePrice(shop[file] ?? '').replace("'./price'", "'./pricing'") : renameAll(file, {} as RecordedRequest, 1));
      assert.deepEqual(brief(session), ['src/cart.ts:1 TS2307']);
    });

    it('3. a syntax error', async () => {
      const session = await run(renamePlan(['src/price.ts', 'src/cart.ts', 'src/receipt.ts']), (file) =>
        file === 'src/price.ts' ? 'export function formatAmount(cents: number): string {\n  return `$${(cents / 100).toFixed(2)}`;\n' : renameAll(file, {} as RecordedRequest, 1));
      assert.deepEqual(brief(session), ['src/price.ts:3 TS1005']);
    });

    it('4. two workers naming the same function differently', async () => {
      const session = await run(renamePlan(['src/price.ts', 'src/cart.ts', 'src/receipt.ts']), (file) => renamePrice(shop[file] ?? '', file === 'src/cart.ts' ? 'formatMoney' : 'formatAmount'));
      assert.deepEqual(brief(session), ['src/cart.ts:1 TS2305']);
      assert.deepEqual(session.findings[0]?.relatedPaths, ['src/price.ts'], 'traced to the file that names it otherwise');
    });

    it('5. a wrong argument type', async () => {
      const session = await run(renamePlan(['src/price.ts', 'src/cart.ts', 'src/receipt.ts']), (file) =>
        file === 'src/receipt.ts' ? renamePrice(shop[file] ?? '').replace('formatAmount(cents)', 'formatAmount(String(cents))') : renameAll(file, {} as RecordedRequest, 1));
      assert.deepEqual(brief(session), ['src/receipt.ts:4 TS2345']);
    });

    it('6. a signature a worker forgot to change', async () => {
      const changes = [
        change('c1', 'src/price.ts', 'Add a second parameter `currency: string` to formatPrice and print it after the amount.'),
        change('c2', 'src/cart.ts', "Pass 'EUR' as the new currency argument of formatPrice.", { dependsOn: ['c1'] }),
      ];
      const session = await run(changes, (file) =>
        file === 'src/price.ts' ? `${shop[file]}// currency: see TODO\n` : (shop[file] ?? '').replace('0));', "0), 'EUR');"));
      assert.deepEqual(brief(session), ['src/cart.ts:4 TS2554']);
      assert.deepEqual(session.findings[0]?.relatedPaths, ['src/price.ts']);
    });

    it('7. invalid JSON in a config file', async () => {
      const changes = [change('c1', 'package.json', 'Add a "build" script running tsc.', { specialist: 'config' })];
      const session = await run(changes, () => '{\n  "name": "shop",\n  "version": "1.0.0",\n  "private": true\n  "scripts": { "build": "tsc" }\n}\n');
      assert.deepEqual(brief(session), ['package.json:5 JSON-CommaExpected']);
      assert.equal(session.compileCheck?.verdict, '1 new error in 1 file');
    });
  });

  it('a revision fixes a compiler finding: the worker sees the message and line, the re-check passes', async () => {
    const session = await run(renamePlan(['src/price.ts', 'src/cart.ts', 'src/receipt.ts']), (file, _request, attempt) =>
      file === 'src/cart.ts' && attempt === 1 ? renamePrice(shop[file] ?? '').replace("'./price'", "'./pricing'") : renameAll(file, {} as RecordedRequest, 1), { revisionRounds: 1 });
    const revision = workerRequests(server, 'src/cart.ts')[1];
    assert.ok(revision, 'cart.ts went back to its worker');
    assert.match(userText(revision), /compile-error \(line 1\): TS2307: Cannot find module '\.\/pricing'/);
    assert.deepEqual(session.findings, []);
    assert.equal(session.compileCheck?.verdict, 'the proposed changes type-check');
    assert.equal(session.file('c2')?.revisions, 1);
  });

  it("callers break on a signature a planned file forgot: that file goes back with the callers' errors quoted", async () => {
    const changes = [
      change('c1', 'src/price.ts', 'Add a second parameter `currency: string` to formatPrice and print it after the amount.'),
      change('c2', 'src/cart.ts', "Pass 'EUR' as the new currency argument of formatPrice.", { dependsOn: ['c1'] }),
    ];
    const fixed = 'export function formatPrice(cents: number, currency = \'USD\'): string {\n  return `${(cents / 100).toFixed(2)} ${currency}`;\n}\n';
    const session = await run(changes, (file, _r, attempt) =>
      file === 'src/price.ts' ? (attempt === 1 ? `${shop[file]}// currency: see TODO\n` : fixed) : (shop[file] ?? '').replace('0));', "0), 'EUR');"), { revisionRounds: 1 });
    const priceRevision = workerRequests(server, 'src/price.ts')[1];
    assert.ok(priceRevision, 'price.ts went back though its own text has no error');
    assert.match(userText(priceRevision), /a file that uses this one breaks: src\/cart\.ts line 4: TS2554: Expected 1 arguments, but got 2/);
    assert.deepEqual(session.findings, []);
    assert.equal(session.compileCheck?.verdict, 'the proposed changes type-check');
  });

  it('extendPlan auto: the missed caller joins the plan, its worker sees the upstream diff, and the result type-checks', async () => {
    const session = await run(renamePlan(['src/price.ts', 'src/cart.ts']), renameAll, { extendPlan: 'auto' });
    const added = session.files.find((f) => f.path === 'src/receipt.ts');
    assert.ok(added, 'receipt.ts was added');
    assert.equal(added.status, 'proposed');
    assert.equal(added.proposed, renamePrice(shop['src/receipt.ts'] ?? ''));
    assert.match(added.addedBecause ?? '', /1 new compile error here \(line 1: TS2305/);
    assert.deepEqual(added.dependsOn, ['c1']);
    const prompt = userText(workerRequests(server, 'src/receipt.ts')[0] as RecordedRequest);
    assert.ok(prompt.includes('+export function formatAmount'), 'the added worker sees price.ts diff');
    assert.deepEqual(session.findings, []);
    assert.equal(session.compileCheck?.verdict, 'the proposed changes type-check');
    assert.ok(session.plan?.changes.some((c) => c.path === 'src/receipt.ts'));
  });

  it('extendPlan ask: the missed caller is offered with its reason, and adding it runs its worker and re-checks', async () => {
    server.setScript(script(renamePlan(['src/price.ts', 'src/cart.ts']), renameAll));
    const opts = options({ extendPlan: 'ask' });
    const { session, done } = startRefactor(opts);
    await done;
    assert.deepEqual(session.suggestions.map((s) => [s.id, s.path]), [['s1', 'src/receipt.ts']]);
    assert.match(session.suggestions[0]?.reason ?? '', /TS2305/);
    assert.equal(session.files.length, 2, 'nothing added before the user asks');
    await addSuggestion(session, 's1', opts);
    assert.equal(session.file('x1')?.status, 'proposed');
    assert.deepEqual(session.suggestions, []);
    assert.equal(session.compileCheck?.verdict, 'the proposed changes type-check');
  });

  it('the time budget ends a slow check with one info finding', async () => {
    const session = await run(renamePlan(['src/price.ts', 'src/cart.ts', 'src/receipt.ts']), renameAll, { compileCheckBudgetMs: 1 });
    const info = session.findings.filter((f) => f.kind === 'compile-error');
    assert.equal(info.length, 1);
    assert.equal(info[0]?.severity, 'info');
    assert.match(info[0]?.message ?? '', /stopped after its 1 ms budget/);
    assert.equal(session.compileCheck?.state, 'stopped');
  });

  it('cancel during the check writes nothing and proposes nothing', async () => {
    const before = await snapshot(root);
    server.setScript(script(renamePlan(['src/price.ts', 'src/cart.ts', 'src/receipt.ts']), renameAll));
    const controller = new AbortController();
    const { session, done } = startRefactor(options({}, controller.signal));
    session.onEvent((event) => {
      if (event.type === 'stage' && event.stage === 'verifying') setTimeout(() => controller.abort(), 5);
    });
    await done;
    assert.equal(session.stage, 'cancelled');
    assert.equal(session.compileCheck, undefined, 'the check did not finish');
    assert.ok(session.files.every((f) => f.status === 'cancelled'));
    assert.deepEqual(await snapshot(root), before);
  });

  it("uses the workspace's own TypeScript when it has one", async () => {
    const real = path.dirname(require.resolve('typescript/package.json'));
    await removeWorkspace(root);
    root = await makeWorkspace({
      ...shop,
      'node_modules/typescript/package.json': '{ "name": "typescript", "version": "5.9.0-workspace", "main": "index.js" }',
      'node_modules/typescript/index.js': `module.exports = Object.assign({}, require(${JSON.stringify(real)}), { version: '5.9.0-workspace' });\n`,
    });
    const session = await run(renamePlan(['src/price.ts', 'src/cart.ts']), renameAll);
    assert.equal(session.compileCheck?.typescript, "TypeScript 5.9.0-workspace (the workspace's)");
    assert.deepEqual(brief(session), ['src/receipt.ts:1 TS2305']);
  });
});

describe('compile check in a run: every mistake caught is also fixed before review', function () {
  this.timeout(90_000);
  let server: FakeOpenAIServer;
  let root: string;

  beforeEach(async () => {
    server = await startFakeOpenAIServer();
    root = await makeWorkspace(shop);
  });
  afterEach(async () => {
    await server.close();
    await removeWorkspace(root);
  });

  const all = ['src/price.ts', 'src/cart.ts', 'src/receipt.ts'];
  const signatureChanges = [
    change('c1', 'src/price.ts', 'Add a second parameter `currency: string` to formatPrice and print it after the amount.'),
    change('c2', 'src/cart.ts', "Pass 'EUR' as the new currency argument of formatPrice.", { dependsOn: ['c1'] }),
  ];
  const withCurrency = "export function formatPrice(cents: number, currency = 'USD'): string {\n  return `${(cents / 100).toFixed(2)} ${currency}`;\n}\n";
  const goodPackage = '{\n  "name": "shop",\n  "version": "1.0.0",\n  "private": true,\n  "scripts": { "build": "tsc" }\n}\n';
  /** First attempt wrong for `file` (as `wrong` makes it), every later one right. */
  const firstWrong = (file: string, wrong: (text: string) => string): Worker => (f, _r, attempt) => (f === file && attempt === 1 ? wrong(renamePrice(shop[f] ?? '')) : renamePrice(shop[f] ?? ''));

  const cases: { name: string; changes: PlannedChange[]; worker: Worker; caught: string; settings?: Partial<EngineSettings> }[] = [
    { name: 'a caller the plan missed (joins the plan)', changes: renamePlan(['src/price.ts', 'src/cart.ts']), worker: renameAll, caught: 'src/receipt.ts:1 TS2305', settings: { extendPlan: 'auto' } },
    { name: 'a wrong import path', changes: renamePlan(all), worker: firstWrong('src/cart.ts', (t) => t.replace("'./price'", "'./pricing'")), caught: 'src/cart.ts:1 TS2307' },
    { name: 'a syntax error', changes: renamePlan(all), worker: firstWrong('src/price.ts', (t) => t.replace(/\}\n$/, '')), caught: 'src/price.ts:3 TS1005' },
    { name: 'two names for one function', changes: renamePlan(all), worker: firstWrong('src/cart.ts', (t) => t.replace(/formatAmount/g, 'formatMoney')), caught: 'src/cart.ts:1 TS2305' },
    { name: 'a wrong argument type', changes: renamePlan(all), worker: firstWrong('src/receipt.ts', (t) => t.replace('formatAmount(cents)', 'formatAmount(String(cents))')), caught: 'src/receipt.ts:4 TS2345' },
    {
      name: 'a signature a worker forgot to change',
      changes: signatureChanges,
      worker: (f, _r, attempt) => (f === 'src/price.ts' ? (attempt === 1 ? `${shop[f]}// currency: see TODO\n` : withCurrency) : (shop[f] ?? '').replace('0));', "0), 'EUR');")),
      caught: 'src/cart.ts:4 TS2554',
    },
    {
      name: 'invalid JSON in a config file',
      changes: [change('c1', 'package.json', 'Add a "build" script running tsc.', { specialist: 'config' })],
      worker: (_f, _r, attempt) => (attempt === 1 ? goodPackage.replace('"private": true,', '"private": true') : goodPackage),
      caught: 'package.json:5 JSON-CommaExpected',
    },
  ];

  for (const c of cases) {
    it(c.name, async () => {
      server.setScript(script(c.changes, c.worker));
      const { session, done } = startRefactor({
        request: 'Refactor the shop',
        workspace: createNodeWorkspace(root, { maxFileBytes: 1024 * 1024, extraExcludes: [] }),
        provider: provider(server),
        settings: { ...DEFAULT_ENGINE_SETTINGS, revisionRounds: 1, ...c.settings },
        signal: new AbortController().signal,
        checkRoot: root,
      });
      let firstCheck: string[] | undefined;
      session.onEvent((event) => {
        if (event.type === 'compile-check' && firstCheck === undefined) firstCheck = brief(session);
      });
      await done;
      assert.equal(session.stage, 'done', session.error);
      assert.deepEqual(firstCheck, [c.caught], 'caught by the first check');
      assert.deepEqual(session.findings, [], 'nothing left after the revision or the added file');
      assert.equal(session.compileCheck?.verdict, c.changes.some((ch) => ch.path.endsWith('.ts')) ? 'the proposed changes type-check' : 'the proposed JSON files parse (no TypeScript or JavaScript changed)');
      assert.equal(await fs.readFile(path.join(root, 'src/price.ts'), 'utf8'), shop['src/price.ts'], 'nothing written');
    });
  }
});
