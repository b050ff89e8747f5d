import * as assert from 'node:assert/strict';
import { WORKER_SYSTEM, workerSharedPrefix } from '../../src/core/prompts';
import { startFakeOpenAIServer, type FakeOpenAIServer, type FakeReply, type RecordedRequest } from '../support/fakeOpenAIServer';
import { change, json, makeWorkspace, plan, removeWorkspace, runEngine, workerFile, workerRequests } from './support/engineHarness';

const storeTs = 'export class UserStore {\n  load(): string[] {\n    return [];\n  }\n}\n';
const appTs = "import { UserStore } from './store';\n\nexport const store = new UserStore();\n";
const readmeMd = '# Demo\n\nUse `UserStore` to load users.\n';
const testTs = "import { UserStore } from '../src/store';\n\nnew UserStore().load();\n";
const contents: Record<string, string> = { 'src/store.ts': storeTs, 'src/app.ts': appTs, 'README.md': readmeMd, 'test/store.test.ts': testTs };
const renamed = (text: string) => text.replace(/UserStore/g, 'AccountRepository');

// Four specialists, a dependency (upstream diffs), a retry and a revision: everything that used to
// make worker prompts differ from their first bytes.
const layoutPlan = plan(
  [
    change('c1', 'src/store.ts', 'Rename class UserStore to AccountRepository.'),
    change('c2', 'src/app.ts', 'Update the import and use of UserStore.', { dependsOn: ['c1'], specialist: 'api-migration' }),
    change('c3', 'README.md', 'Mention AccountRepository instead of UserStore.', { specialist: 'docs' }),
    change('c4', 'test/store.test.ts', 'Use AccountRepository in the test.', { dependsOn: ['c1'], specialist: 'tests' }),
  ],
  [{ from: 'UserStore', to: 'AccountRepository' }],
);

/** The request body's messages as sent (the bytes a prefix cache compares), without the closing. */
function sentMessages(request: RecordedRequest): string {
  return JSON.stringify((request.body as { messages: unknown }).messages);
}

function commonPrefixLength(texts: string[]): number {
  const [first = ''] = texts;
  let length = first.length;
  for (const text of texts) {
    let i = 0;
    while (i < length && i < text.length && text[i] === first[i]) i++;
    length = i;
  }
  return length;
}

describe('worker prompt layout: one cacheable prefix per run', function () {
  this.timeout(30_000);
  let server: FakeOpenAIServer;
  let root: string;

  beforeEach(async () => {
    root = await makeWorkspace(contents);
  });
  afterEach(async () => {
    await server.close();
    await removeWorkspace(root);
  });

  it('every worker call (first tries, a retry, a revision) starts with the same bytes: system prompt, request, whole plan, renames', async () => {
    let readmeTries = 0;
    let verified = 0;
    server = await startFakeOpenAIServer((request): FakeReply => {
      if (request.schemaName === 'plan') return json(layoutPlan);
      if (request.schemaName === 'verifier_report') {
        verified++;
        return json({ findings: verified === 1 ? [{ path: 'src/app.ts', line: 1, severity: 'warning', kind: 'inconsistency', message: 'check the import', relatedPaths: [] }] : [] });
      }
      const file = workerFile(request) ?? '';
      // README's first reply elides code, so its worker is asked again.
      if (file === 'README.md' && readmeTries++ === 0) return json({ content: '# Demo\n\n// ... rest of file unchanged\n', summary: 'oops' });
      return json({ content: renamed(contents[file] ?? ''), summary: 'renamed' });
    });
    const request = 'Rename UserStore to AccountRepository';
    // Not streaming the plan: a worker started while the plan streams sees the plan as far as it has
    // arrived, so its prefix ends earlier (planStreaming.test.ts checks that case).
    const { session, done } = runEngine(server, root, request, { revisionRounds: 1, streamPlan: false });
    await done;
    assert.equal(session.stage, 'done', session.error);

    const workers = workerRequests(server);
    // 4 first tries + 1 retry + 1 revision.
    assert.equal(workers.length, 6, workers.map((r) => workerFile(r)).join(', '));
    assert.equal(workers.filter((r) => workerFile(r) === 'README.md').length, 2, 'README was retried');
    assert.equal(workers.filter((r) => workerFile(r) === 'src/app.ts').length, 2, 'app.ts was revised');

    const shared = JSON.stringify([
      { role: 'system', content: WORKER_SYSTEM },
      { role: 'user', content: workerSharedPrefix(request, layoutPlan) },
    ]).slice(0, -'"}]'.length);
    for (const worker of workers) {
      assert.ok(sentMessages(worker).startsWith(shared), `${workerFile(worker) ?? '?'}: the prompt starts with the run's shared prefix`);
    }
    assert.ok(commonPrefixLength(workers.map(sentMessages)) >= shared.length);
    // The shared part carries the whole plan, the worker's own change included.
    for (const c of layoutPlan.changes) assert.ok(shared.includes(`${c.id} \`${c.path}\``));
    assert.ok(shared.includes('UserStore → AccountRepository'));

    // The retry extends the first try's messages exactly.
    const [readmeFirst, readmeRetry] = workers.filter((r) => workerFile(r) === 'README.md');
    assert.ok(readmeFirst && readmeRetry);
    assert.ok(sentMessages(readmeRetry).startsWith(sentMessages(readmeFirst).slice(0, -1)), 'the retry keeps the first try as its prefix');
  });
});
