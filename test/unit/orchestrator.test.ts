import * as assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { createNodeWorkspace } from '../../src/node/nodeWorkspace';
import { DEFAULT_ENGINE_SETTINGS, rerunFile } from '../../src/core/engine/orchestrator';
import type { RefactorSession, SessionEvent } from '../../src/core/engine/session';
import { startFakeOpenAIServer, type FakeOpenAIServer, type FakeReply, type RecordedRequest } from '../support/fakeOpenAIServer';
import {
  change, json, makeWorkspace, noFindings, plan, provider, removeWorkspace, requestsFor, runEngine, sleep, snapshot, userText, workerFile, workerRequests,
} from './support/engineHarness';

const storeTs = 'export class UserStore {\n  load(): string[] {\n    return [];\n  }\n}\n';
const appTs = "import { UserStore } from './store';\n\nexport const store = new UserStore();\n";
const readmeMd = '# Demo\n\nUse `UserStore` to load users.\n';
const renamed = (text: string) => text.replace(/UserStore/g, 'AccountRepository');

const renamePlan = plan(
  [
    change('c1', 'src/store.ts', 'Rename class UserStore to AccountRepository.'),
    change('c2', 'src/app.ts', 'Update the import and use of UserStore to AccountRepository.', { dependsOn: ['c1'] }),
    change('c3', 'README.md', 'Mention AccountRepository instead of UserStore.', { specialist: 'docs' }),
  ],
  [{ from: 'UserStore', to: 'AccountRepository' }],
);

/** Routes replies by schema name; workers get the renamed version of the file they were shown. */
function renameScript(overrides: { plan?: FakeReply; verifier?: (r: RecordedRequest) => FakeReply; worker?: (file: string, r: RecordedRequest) => FakeReply | undefined } = {}) {
  const contents: Record<string, string> = { 'src/store.ts': storeTs, 'src/app.ts': appTs, 'README.md': readmeMd };
  return (request: RecordedRequest): FakeReply => {
    switch (request.schemaName) {
      case 'plan':
        return overrides.plan ?? json(renamePlan);
      case 'verifier_report':
        return overrides.verifier?.(request) ?? noFindings;
      default: {
        const file = workerFile(request) ?? '';
        return overrides.worker?.(file, request) ?? json({ content: renamed(contents[file] ?? ''), summary: 'renamed' });
      }
    }
  };
}

describe('orchestrator (end to end against the fake server)', function () {
  this.timeout(30_000);
  let server: FakeOpenAIServer;
  let root: string;

  beforeEach(async () => {
    server = await startFakeOpenAIServer();
    root = await makeWorkspace({ 'src/store.ts': storeTs, 'src/app.ts': appTs, 'README.md': readmeMd });
  });
  afterEach(async () => {
    await server.close();
    await removeWorkspace(root);
  });

  it('renames across three files; the dependent worker sees the upstream diff', async () => {
    server.setScript(renameScript());
    const events: SessionEvent[] = [];
    const appStatuses: string[] = [];
    const { session, done } = runEngine(server, root, 'Rename UserStore to AccountRepository');
    session.onEvent((e) => {
      events.push(e);
      // Events carry the live file state, so note the status as it was when announced.
      if (e.type === 'file' && e.file.id === 'c2') appStatuses.push(e.file.status);
    });
    await done;

    assert.equal(session.stage, 'done', session.error);
    assert.deepEqual(session.files.map((f) => [f.path, f.status]), [['src/store.ts', 'proposed'], ['src/app.ts', 'proposed'], ['README.md', 'proposed']]);
    assert.equal(session.file('c1')?.proposed, renamed(storeTs));
    assert.equal(session.file('c2')?.proposed, renamed(appTs));
    assert.equal(session.file('c3')?.proposed, renamed(readmeMd));
    assert.match(session.file('c1')?.diff ?? '', /^--- a\/src\/store\.ts\n\+\+\+ b\/src\/store\.ts\n/);

    const appPrompt = userText(workerRequests(server, 'src/app.ts')[0] as RecordedRequest);
    assert.ok(appPrompt.includes('-export class UserStore {') && appPrompt.includes('+export class AccountRepository {'), 'app.ts worker should see store.ts diff');
    const readmePrompt = userText(workerRequests(server, 'README.md')[0] as RecordedRequest);
    assert.ok(!readmePrompt.includes('+export class AccountRepository'), 'README has no dependency, so no upstream diff');

    assert.equal(requestsFor(server, 'verifier_report').length, 1);
    assert.deepEqual(session.findings, []);
    assert.ok(events.some((e) => e.type === 'plan'));
    assert.deepEqual([...new Set(appStatuses)], ['queued', 'working', 'proposed']);
    assert.ok(session.usage.worker.requests >= 3 && session.usage.planner.requests === 1);
    assert.ok(session.timings.plannedAt && session.timings.firstProposalAt && session.timings.workersDoneAt && session.timings.finishedAt);
  });

  it('accepts a plan wrapped in prose and code fences', async () => {
    server.setScript(renameScript({ plan: { content: `Here is my plan:\n\n\`\`\`json\n${JSON.stringify(renamePlan, null, 2)}\n\`\`\`\n\nLet me know!` } }));
    const { session, done } = runEngine(server, root, 'Rename UserStore to AccountRepository');
    await done;
    assert.equal(session.stage, 'done', session.error);
    assert.equal(session.files.filter((f) => f.status === 'proposed').length, 3);
  });

  it('gives an unsafe plan one repair round, then fails naming the problems', async () => {
    const unsafe = plan([
      change('c1', '../x', 'escape'),
      change('c2', '/abs', 'absolute'),
      change('c3', '.git/config', 'git internals'),
      change('c4', '.env', 'secrets'),
    ]);
    server.setScript(renameScript({ plan: json(unsafe) }));
    const { session, done } = runEngine(server, root, 'do something');
    await done;
    assert.equal(session.stage, 'failed');
    assert.equal(requestsFor(server, 'plan').length, 2);
    assert.match(userText(requestsFor(server, 'plan')[1] as RecordedRequest), /\.\.\/x/, 'the repair request quotes the problems');
    assert.equal(workerRequests(server).length, 0);
    assert.ok(session.error && !session.error.includes('\n'), 'one line');
    for (const bad of ['../x', '/abs', '.git/config', '.env']) assert.ok(session.error.includes(bad), `error should name ${bad}: ${session.error}`);
  });

  it('rejects a plan whose changes depend on each other in a cycle', async () => {
    const cyclic = plan([
      change('c1', 'src/store.ts', 'a', { dependsOn: ['c2'] }),
      change('c2', 'src/app.ts', 'b', { dependsOn: ['c1'] }),
    ]);
    server.setScript(renameScript({ plan: json(cyclic) }));
    const { session, done } = runEngine(server, root, 'do something');
    await done;
    assert.equal(session.stage, 'failed');
    assert.match(session.error ?? '', /cycl/i);
    assert.equal(workerRequests(server).length, 0);
  });

  describe('search/replace replies', () => {
    const settings = { searchReplaceMinLines: 3 };

    it('retries once when the search text does not match, quoting the error, and then succeeds', async () => {
      let storeAttempts = 0;
      server.setScript(renameScript({
        worker: (file) => {
          if (file === 'src/store.ts') {
            storeAttempts++;
            const search = storeAttempts === 1 ? 'export class UserStorage {' : 'export class UserStore {';
            return json({ edits: [{ search, replace: 'export class AccountRepository {' }], summary: 'rename' });
          }
          if (file === 'src/app.ts') {
            return json({ edits: [{ search: "import { UserStore } from './store';", replace: "import { AccountRepository } from './store';" }, { search: 'new UserStore()', replace: 'new AccountRepository()' }], summary: 'rename' });
          }
          return undefined;
        },
      }));
      const { session, done } = runEngine(server, root, 'Rename UserStore', settings);
      const logged: string[] = [];
      session.onEvent((event) => {
        if (event.type === 'log') logged.push(event.message);
      });
      await done;
      assert.ok(logged.includes('src/store.ts: search/replace edits refused: 1 no-match.'), logged.join('\n'));
      assert.ok(logged.includes('Search/replace edits refused in this run: 1 no-match.'), logged.join('\n'));
      const store = workerRequests(server, 'src/store.ts');
      assert.equal(store.length, 2);
      assert.equal(store[0]?.schemaName, 'search_replace');
      assert.match(userText(store[1] as RecordedRequest), /not found.*UserStorage/);
      assert.equal(session.file('c1')?.status, 'proposed');
      assert.equal(session.file('c1')?.proposed, renamed(storeTs));
      assert.equal(session.file('c2')?.proposed, renamed(appTs));
      // The refused edit is counted by kind, for the file and for the run.
      assert.deepEqual(session.editErrors, { 'no-match': 1 });
    });

    it('fails only that file when the retry does not match either; the others are proposed', async () => {
      server.setScript(renameScript({
        worker: (file) => {
          if (file === 'src/store.ts') return json({ edits: [{ search: 'class Nope {', replace: 'class Yes {' }], summary: 'x' });
          if (file === 'src/app.ts') return json({ edits: [{ search: "import { UserStore } from './store';", replace: "import { AccountRepository } from './store';" }, { search: 'new UserStore()', replace: 'new AccountRepository()' }], summary: 'r' });
          return json({ edits: [{ search: 'Use `UserStore`', replace: 'Use `AccountRepository`' }], summary: 'r' });
        },
      }));
      const { session, done } = runEngine(server, root, 'Rename UserStore', settings);
      await done;
      assert.equal(session.stage, 'done', session.error);
      assert.equal(workerRequests(server, 'src/store.ts').length, 2);
      assert.equal(session.file('c1')?.status, 'failed');
      assert.match(session.file('c1')?.error ?? '', /after one retry.*not found/);
      assert.equal(session.file('c2')?.status, 'proposed');
      assert.equal(session.file('c3')?.status, 'proposed');
      assert.match(userText(workerRequests(server, 'src/app.ts')[0] as RecordedRequest), /FAILED/, 'the dependent hears that its upstream failed');
    });
  });

  it('retries a whole-file reply that elides code', async () => {
    let attempts = 0;
    server.setScript(renameScript({
      worker: (file) => {
        if (file !== 'src/store.ts') return undefined;
        attempts++;
        return attempts === 1
          ? json({ content: 'export class AccountRepository {\n  // ... rest of code unchanged ...\n}\n', summary: 'renamed' })
          : undefined;
      },
    }));
    const { session, done } = runEngine(server, root, 'Rename UserStore');
    await done;
    assert.equal(attempts, 2);
    assert.match(userText(workerRequests(server, 'src/store.ts')[1] as RecordedRequest), /rest of code unchanged/);
    assert.equal(session.file('c1')?.proposed, renamed(storeTs));
  });

  it('sends a file back to its worker for a verifier finding, then verifies again', async () => {
    let verifierCalls = 0;
    server.setScript(renameScript({
      verifier: () => {
        verifierCalls++;
        return verifierCalls === 1
          ? json({ findings: [{ path: 'src/app.ts', line: 3, severity: 'error', kind: 'inconsistency', message: 'exports the instance as "store"; the plan calls it "repository"', relatedPaths: ['src/store.ts'] }] })
          : noFindings;
      },
      worker: (file, request) => {
        if (file === 'src/app.ts' && userText(request).includes('reported:')) {
          return json({ content: renamed(appTs).replace('const store', 'const repository'), summary: 'fixed' });
        }
        return undefined;
      },
    }));
    const { session, done } = runEngine(server, root, 'Rename UserStore');
    await done;
    assert.equal(session.stage, 'done', session.error);
    assert.equal(verifierCalls, 2);
    const app = session.file('c2');
    assert.equal(app?.revisions, 1);
    assert.equal(app?.proposed, renamed(appTs).replace('const store', 'const repository'));
    assert.equal(session.file('c1')?.revisions, 0);
    assert.match(userText(workerRequests(server, 'src/app.ts')[1] as RecordedRequest), /the plan calls it "repository"/);
    assert.match(userText(requestsFor(server, 'verifier_report')[1] as RecordedRequest), /just revised.*src\/app\.ts/s);
    assert.deepEqual(session.findings, []);
  });

  it('finds a renamed symbol left in a file the plan did not touch, with its line', async () => {
    await removeWorkspace(root);
    root = await makeWorkspace({ 'src/store.ts': storeTs, 'src/app.ts': appTs, 'README.md': readmeMd, 'src/legacy.ts': '// legacy\n\nconst s: UserStore = make();\n' });
    server.setScript(renameScript());
    const { session, done } = runEngine(server, root, 'Rename UserStore', { revisionRounds: 0 });
    await done;
    const leftover = session.findings.find((f) => f.path === 'src/legacy.ts');
    assert.ok(leftover, JSON.stringify(session.findings));
    assert.equal(leftover.line, 3);
    assert.equal(leftover.kind, 'missing-change');
    assert.equal(leftover.source, 'check');
    assert.match(leftover.message, /not added automatically/);
    assert.equal(session.files.some((f) => f.path === 'src/legacy.ts'), false, 'not added to the plan');
  });

  it('never has more worker requests in flight than the concurrency cap', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 6; i++) files[`src/f${i}.ts`] = `export const v${i} = 'UserStore';\n`;
    await removeWorkspace(root);
    root = await makeWorkspace(files);
    let inFlight = 0;
    let maxInFlight = 0;
    server.setScript(async (request) => {
      if (request.schemaName === 'plan') return json(plan(Object.keys(files).map((p, i) => change(`c${i}`, p, 'rename'))));
      if (request.schemaName === 'verifier_report') return noFindings;
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await sleep(40);
      inFlight--;
      return json({ content: renamed(files[workerFile(request) ?? ''] ?? ''), summary: 'r' });
    });
    const { session, done } = runEngine(server, root, 'Rename', { concurrency: 2 });
    await done;
    assert.equal(session.stage, 'done', session.error);
    assert.equal(workerRequests(server).length, 6);
    assert.equal(maxInFlight, 2);
  });

  it('starts a dependent as soon as its dependency is done, while unrelated slow work is still running', async () => {
    await removeWorkspace(root);
    root = await makeWorkspace({ 'src/store.ts': storeTs, 'src/app.ts': appTs, 'src/slow.ts': 'export const slow = 1;\n' });
    let dependentArrived: () => void = () => undefined;
    const arrived = new Promise<void>((resolve) => { dependentArrived = resolve; });
    let slowRepliedAfterDependent = false;
    server.setScript(async (request) => {
      if (request.schemaName === 'plan') {
        return json(plan([change('c1', 'src/store.ts', 'rename'), change('c2', 'src/app.ts', 'rename', { dependsOn: ['c1'] }), change('c3', 'src/slow.ts', 'touch')]));
      }
      if (request.schemaName === 'verifier_report') return noFindings;
      const file = workerFile(request);
      if (file === 'src/app.ts') dependentArrived();
      if (file === 'src/slow.ts') {
        // Hold the unrelated file until the dependent's request shows up (bounded, so a bug fails rather than hangs).
        slowRepliedAfterDependent = await Promise.race([arrived.then(() => true), sleep(8000).then(() => false)]);
        return json({ content: 'export const slow = 2;\n', summary: 's' });
      }
      return json({ content: renamed(file === 'src/store.ts' ? storeTs : appTs), summary: 'r' });
    });
    const { session, done } = runEngine(server, root, 'Rename', { concurrency: 3 });
    await done;
    assert.equal(slowRepliedAfterDependent, true, 'app.ts should start while slow.ts is still running');
    assert.equal(session.files.every((f) => f.status === 'proposed'), true);
  });

  it('cancels mid-run: queued files cancelled, no file on disk changed', async () => {
    const before = await snapshot(root);
    let firstWorker: () => void = () => undefined;
    const workerStarted = new Promise<void>((resolve) => { firstWorker = resolve; });
    server.setScript((request) => {
      if (request.schemaName === 'plan') return json(renamePlan);
      firstWorker();
      return { ...json({ content: 'x', summary: 'x' }), delayMs: 20_000 };
    });
    const controller = new AbortController();
    const { session, done } = runEngine(server, root, 'Rename', { concurrency: 1 }, controller.signal);
    await workerStarted;
    controller.abort();
    await done;
    assert.equal(session.stage, 'cancelled');
    assert.deepEqual(session.files.map((f) => f.status), ['cancelled', 'cancelled', 'cancelled']);
    assert.deepEqual(await snapshot(root), before);
  });

  it('keeps a CRLF file with a BOM in CRLF with its BOM, and shows a clean diff', async () => {
    await removeWorkspace(root);
    const original = '\uFEFFexport class UserStore {}\r\nexport const a = 1;\r\n';
    root = await makeWorkspace({ 'src/win.ts': original });
    server.setScript((request) => {
      if (request.schemaName === 'plan') return json(plan([change('c1', 'src/win.ts', 'rename')]));
      if (request.schemaName === 'verifier_report') return noFindings;
      assert.ok(!userText(request).includes('\r'), 'the model sees LF text');
      return json({ content: 'export class AccountRepository {}\nexport const a = 1;\n', summary: 'r' });
    });
    const { session, done } = runEngine(server, root, 'Rename');
    await done;
    const file = session.file('c1');
    assert.equal(file?.original, original);
    assert.equal(file?.proposed, '\uFEFFexport class AccountRepository {}\r\nexport const a = 1;\r\n');
    assert.ok(!file?.diff.includes('\r'), 'diff lines carry no CR');
    assert.match(file?.diff ?? '', /\+export class AccountRepository \{\}/);
  });

  it('proposes a delete without asking a worker, and a no-op reply as an empty diff', async () => {
    server.setScript(renameScript({
      plan: json(plan([change('c1', 'src/store.ts', 'remove', { action: 'delete' }), change('c2', 'README.md', 'nothing really', { specialist: 'docs' })])),
      worker: () => json({ content: readmeMd, summary: 'no change' }),
    }));
    const { session, done } = runEngine(server, root, 'Remove the store');
    await done;
    assert.equal(session.stage, 'done', session.error);
    assert.equal(workerRequests(server, 'src/store.ts').length, 0);
    assert.equal(session.file('c1')?.proposed, null);
    assert.match(session.file('c1')?.diff ?? '', /^--- a\/src\/store\.ts\n\+\+\+ \/dev\/null/);
    assert.equal(session.file('c2')?.status, 'proposed');
    assert.equal(session.file('c2')?.diff, '');
  });

  /** Redoes one change the way the review's Re-run does: from the file as it is on disk now. */
  function rerunFromDisk(session: RefactorSession, id: string): Promise<void> {
    return rerunFile(session, id, {
      request: session.request,
      workspace: createNodeWorkspace(root, { maxFileBytes: 1024 * 1024, extraExcludes: [] }),
      provider: provider(server),
      settings: DEFAULT_ENGINE_SETTINGS,
      signal: new AbortController().signal,
    });
  }

  it('redoes one file from its current disk content (a stale file)', async () => {
    server.setScript(renameScript({ worker: (_file, request) => json({ content: renamed(/```\n([\s\S]*?)```/.exec(userText(request))?.[1] ?? ''), summary: 'r' }) }));
    const { session, done } = runEngine(server, root, 'Rename UserStore');
    await done;
    const edited = `${readmeMd}\nThe UserStore also caches.\n`;
    await fs.writeFile(path.join(root, 'README.md'), edited);
    await rerunFromDisk(session, 'c3');
    const readme = session.file('c3');
    assert.equal(readme?.status, 'proposed');
    assert.equal(readme?.original, edited);
    assert.equal(readme?.proposed, renamed(edited));
    assert.equal(session.usage.worker.requests, 4, 'usage keeps counting across the rerun');
  });

  it('asks the verifier about a redone file, replacing what it said of the old proposal', async () => {
    let verifierCalls = 0;
    server.setScript(renameScript({
      worker: (_file, request) => json({ content: renamed(/```\n([\s\S]*?)```/.exec(userText(request))?.[1] ?? ''), summary: 'r' }),
      verifier: () => {
        verifierCalls++;
        const message = verifierCalls === 1 ? 'first look at the README' : 'second look at the README';
        return json({ findings: [{ path: 'README.md', line: 1, severity: 'warning', kind: 'inconsistency', message, relatedPaths: [] }] });
      },
    }));
    const { session, done } = runEngine(server, root, 'Rename UserStore', { revisionRounds: 0 });
    await done;
    await fs.writeFile(path.join(root, 'README.md'), `${readmeMd}\nThe UserStore also caches.\n`);
    await rerunFromDisk(session, 'c3');
    const verifierRequests = requestsFor(server, 'verifier_report');
    assert.equal(verifierRequests.length, 2);
    assert.match(userText(verifierRequests[1]!), /README\.md/);
    const messages = session.findings.filter((f) => f.source !== 'check').map((f) => f.message);
    assert.deepEqual(messages, ['second look at the README']);
  });

  it('finishes even when an observer throws', async () => {
    server.setScript(renameScript());
    const { session, done } = runEngine(server, root, 'Rename UserStore');
    session.onEvent(() => {
      throw new Error('broken observer');
    });
    await done;
    assert.equal(session.stage, 'done');
  });

  it('fails with one line when the server cannot be reached', async () => {
    const url = server.baseURL;
    await server.close();
    const dead = { baseURL: url, requests: [], setScript: () => undefined, close: async () => undefined } as unknown as FakeOpenAIServer;
    const { session, done } = runEngine(dead, root, 'Rename');
    await done;
    assert.equal(session.stage, 'failed');
    assert.ok(session.error && session.error.length > 0 && !session.error.includes('\n'));
    server = await startFakeOpenAIServer();
  });
});
