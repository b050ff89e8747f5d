// The rename specialist that is not a model, in the CLI's engine (the TypeScript language service on
// the compile check's thread), through the loopback server and the real openai client: an exact rename
// merged into the plan, files the plan missed joining it, models only where they add something, the
// fallback when the symbol cannot be found, and the references the planner is shown.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { createNodeWorkspace } from '../../src/node/nodeWorkspace';
import { DEFAULT_ENGINE_SETTINGS, rerunFile, startRefactor, type EngineSettings } from '../../src/core/engine/orchestrator';
import type { Plan, PlannedChange } from '../../src/core/schemas';
import { RefactorSession } from '../../src/core/engine/session';
import { startFakeOpenAIServer, type FakeOpenAIServer, type FakeReply, type RecordedRequest } from '../support/fakeOpenAIServer';
import { change, json, makeWorkspace, noFindings, plan, provider, removeWorkspace, requestsFor, userText, workerFile, workerRequests } from './support/engineHarness';
import { store } from './support/storeFixture';
import { LanguageServerRenames, mentions } from '../../src/core/engine/languageRenames';
import type { LanguageTools, TreeOverlay } from '../../src/core/language/languageTools';
import { groupFolderMoves } from '../../src/core/engine/fileMoves';

const RENAME = [{ from: 'UserStore', to: 'AccountRepository' }];

/** A worker that follows the prompt: new names everywhere, the module paths left alone. */
const renameClass = (file: string): string => (store[file] ?? '').replace(/UserStore/g, 'AccountRepository');

function script(planned: Plan, worker: (file: string, request: RecordedRequest) => string = renameClass): (request: RecordedRequest) => FakeReply {
  return (request) => {
    if (request.schemaName === 'plan') return json(planned);
    if (request.schemaName === 'verifier_report') return noFindings;
    const file = workerFile(request) ?? '';
    return json({ content: worker(file, request), summary: 'done' });
  };
}

describe('language-server specialists (core, TypeScript language service)', function () {
  this.timeout(60_000);
  let server: FakeOpenAIServer;
  let root: string;

  beforeEach(async () => {
    server = await startFakeOpenAIServer();
    root = await makeWorkspace(store);
  });
  afterEach(async () => {
    await server.close();
    await removeWorkspace(root);
  });

  async function run(request: string, planned: Plan, settings: Partial<EngineSettings> = {}, worker?: (file: string, request: RecordedRequest) => string, logs: string[] = []): Promise<RefactorSession> {
    server.setScript(script(planned, worker));
    const { session, done } = startRefactor({
      request,
      workspace: createNodeWorkspace(root, { maxFileBytes: 1024 * 1024, extraExcludes: [] }),
      provider: provider(server),
      settings: { ...DEFAULT_ENGINE_SETTINGS, revisionRounds: 0, ...settings },
      signal: new AbortController().signal,
      checkRoot: root,
    });
    session.onEvent((event) => {
      if (event.type === 'log') logs.push(event.message);
    });
    await done;
    assert.equal(session.stage, 'done', session.error);
    return session;
  }

  const renamePlan = (paths: string[], renames = RENAME): Plan =>
    plan(paths.map((p, i) => change(`c${i + 1}`, p, 'Rename UserStore to AccountRepository.')), renames);

  it('renames an exported class in every file that uses it, with no model call for the plain renames', async () => {
    // The plan names the declaration and two callers; five other files use the class.
    const session = await run('Rename `UserStore` to `AccountRepository` everywhere', renamePlan(['src/userStore.ts', 'src/register.ts', 'src/lookup.ts']));
    const byPath = new Map(session.files.map((f) => [f.path, f]));
    assert.deepEqual([...byPath.keys()].sort(), ['src/app.ts', 'src/audit.ts', 'src/index.ts', 'src/lookup.ts', 'src/register.ts', 'src/userStore.ts']);
    for (const file of session.files) {
      assert.equal(file.status, 'proposed', `${file.path}: ${file.error ?? ''}`);
      assert.ok(!/\bUserStore\b/.test((file.proposed ?? '').replace(/\/\/.*|`[^`]*`/g, '')), `${file.path} still names UserStore in code`);
    }
    assert.equal(byPath.get('src/register.ts')?.performedBy, 'language-server');
    assert.equal(byPath.get('src/app.ts')?.performedBy, 'language-server');
    assert.match(byPath.get('src/app.ts')?.addedBecause ?? '', /language server's rename of UserStore → AccountRepository changes it \(3 places\)/);
    // audit.ts keeps the old name in a comment and a string: a model finishes it, from the renamed text.
    const audit = byPath.get('src/audit.ts');
    assert.equal(audit?.performedBy, 'both');
    assert.equal(audit?.proposed, renameClass('src/audit.ts'));
    const auditPrompt = userText(workerRequests(server, 'src/audit.ts')[0]!);
    assert.match(auditPrompt, /already done this in every code reference of this file \(rename UserStore → AccountRepository\)/);
    assert.match(auditPrompt, /with the language server's rename applied\) of `src\/audit\.ts`:\n[\s\S]*function audit\(store: AccountRepository\)/);
    // The files the server added are one line of the plan every worker reads, not one each.
    assert.match(auditPrompt, /\n- 3 more files that the plan's renames and moves reach, changed by the language server\n/);
    assert.doesNotMatch(auditPrompt, /- r\d+ `src\/app\.ts`/);
    // Only audit.ts needed a worker; the file name `userStore.ts` stays (no model touched the import paths).
    assert.deepEqual(workerRequests(server).map(workerFile), ['src/audit.ts']);
    assert.equal(byPath.get('src/index.ts')?.proposed, "export { AccountRepository } from './userStore';\nexport { register } from './register';\n");
    assert.equal(session.compileCheck?.state, 'passed', session.compileCheck?.verdict);
    // The README still says UserStore: the plan left the docs out, and the check says so.
    assert.deepEqual(session.findings.filter((f) => f.severity !== 'info').map((f) => f.path), ['README.md']);
    assert.match(session.languageServerNotes[0]?.message ?? '', /^Renamed UserStore → AccountRepository with the TypeScript 5\.\d+\.\d+ language service: 11 places in 6 files, no model tokens\.$/);
  });

  it('reaches files the tsconfig leaves out (tests importing the source) through their inferred project', async () => {
    // tsconfig.json includes only src/; the test file is in no configured project, as in superstruct.
    await fs.mkdir(path.join(root, 'test'));
    await fs.writeFile(path.join(root, 'test/userStore.test.ts'), "import { UserStore } from '../src/userStore';\n\nconst store: UserStore = new UserStore();\nstore.add('a', 'Ada');\n");
    const session = await run('Rename `UserStore` to `AccountRepository` everywhere', renamePlan(['src/userStore.ts']));
    const test = session.files.find((f) => f.path === 'test/userStore.test.ts');
    assert.equal(test?.performedBy, 'language-server');
    assert.equal(test?.proposed, "import { AccountRepository } from '../src/userStore';\n\nconst store: AccountRepository = new AccountRepository();\nstore.add('a', 'Ada');\n");
    assert.match(session.languageServerNotes[0]?.message ?? '', /: 14 places in 7 files, no model tokens\.$/);
    assert.match(userText(requestsFor(server, 'plan')[0]!), /- UserStore \(class in src\/userStore\.ts:1\): referenced in 7 files: src\/app\.ts \(3\), test\/userStore\.test\.ts \(3\), /);
  });

  it('a move updates the imports in files the tsconfig leaves out (tests) as well, through their inferred project', async () => {
    await fs.mkdir(path.join(root, 'test'));
    await fs.writeFile(path.join(root, 'test/userStore.test.ts'), "import { UserStore } from '../src/userStore';\n\nconst store: UserStore = new UserStore();\nstore.add('a', 'Ada');\n");
    const session = await run('Move userStore.ts into src/store/', { ...plan([]), fileMoves: [{ from: 'src/userStore.ts', to: 'src/store/userStore.ts' }] });
    const test = session.files.find((f) => f.path === 'test/userStore.test.ts');
    assert.equal(test?.performedBy, 'language-server');
    assert.equal(test?.proposed, "import { UserStore } from '../src/store/userStore';\n\nconst store: UserStore = new UserStore();\nstore.add('a', 'Ada');\n");
    assert.match(session.languageServerNotes.map((n) => n.message).join('\n'), /updates the imports in 6 files/);
    assert.equal(workerRequests(server).length, 0);
  });

  it('leaves a file the workspace does not list (gitignored) as it is, and says so', async () => {
    await fs.mkdir(path.join(root, 'src/generated'), { recursive: true });
    await fs.writeFile(path.join(root, '.gitignore'), 'src/generated/\n');
    await fs.writeFile(path.join(root, 'src/generated/client.ts'), "import { UserStore } from '../userStore';\nexport const client = new UserStore();\n");
    const session = await run('Rename `UserStore` to `AccountRepository` everywhere', renamePlan(['src/userStore.ts']));
    assert.ok(!session.files.some((f) => f.path.startsWith('src/generated/')), 'no proposal for the ignored file');
    assert.match(session.languageServerNotes.map((n) => n.message).join('\n'), /also reach src\/generated\/client\.ts, outside what this workspace lets a refactor change \(ignored, excluded or secret\); left as they are\./);
    assert.equal(await fs.readFile(path.join(root, 'src/generated/client.ts'), 'utf8'), "import { UserStore } from '../userStore';\nexport const client = new UserStore();\n");
  });

  it('lists the files that reference the request\'s symbols, with counts, in the planner\'s summary', async () => {
    await run('Rename `UserStore` to `AccountRepository` everywhere', renamePlan(['src/userStore.ts']));
    const planner = userText(requestsFor(server, 'plan')[0]!);
    assert.match(planner, /References found by the TypeScript language service/);
    assert.match(planner, /- UserStore \(class in src\/userStore\.ts:1\): referenced in 6 files: src\/app\.ts \(3\), src\/audit\.ts \(2\), src\/lookup\.ts \(2\), src\/register\.ts \(2\), src\/index\.ts \(1\), src\/userStore\.ts \(1\)/);
  });

  it('a rename plus a docs change: the model edits the README, the language server the code', async () => {
    const planned = renamePlan(['src/userStore.ts']);
    planned.changes.push(change('c2', 'README.md', 'Use the new name AccountRepository in the docs.', { specialist: 'docs' }));
    const session = await run('Rename `UserStore` to `AccountRepository` and update the docs', planned);
    const readme = session.files.find((f) => f.path === 'README.md');
    assert.equal(readme?.performedBy, 'model');
    assert.equal(readme?.proposed, '# store\n\nUse `AccountRepository` to keep users.\n');
    assert.equal(session.files.find((f) => f.path === 'src/userStore.ts')?.performedBy, 'language-server');
    assert.deepEqual(workerRequests(server).map(workerFile).sort(), ['README.md', 'src/audit.ts']);
  });

  it('a symbol that cannot be found falls back to model workers, and says so', async () => {
    const planned = plan([change('c1', 'src/userStore.ts', 'Rename UserRepo to Accounts.')], [{ from: 'UserRepo', to: 'Accounts' }]);
    const session = await run('Rename UserRepo to Accounts', planned, {}, (file) => store[file] ?? '');
    assert.equal(session.files.length, 1);
    assert.equal(session.files[0]?.performedBy, 'model');
    assert.equal(workerRequests(server).length, 1);
    assert.deepEqual(session.languageServerNotes, [
      { level: 'warn', message: "The language server could not rename UserRepo → Accounts (no declaration of UserRepo was found in the workspace's TypeScript or JavaScript files); model workers do it." },
    ]);
  });

  it('an ambiguous declaration falls back with both places named', async () => {
    const planned = plan([change('c1', 'src/cache/a.ts', 'Rename Cache to LruCache.')], [{ from: 'Cache', to: 'LruCache' }]);
    const session = await run('Rename Cache to LruCache', planned, {}, (file) => (store[file] ?? '').replace(/Cache/g, 'LruCache'));
    assert.match(session.languageServerNotes[0]?.message ?? '', /Cache names 2 different declarations \(src\/cache\/a\.ts:1, src\/cache\/b\.ts:1\), and the plan does not say which\); model workers do it\./);
    assert.equal(session.files[0]?.performedBy, 'model');
    // Two symbols, two entries: a plan on one Cache is not told to cover the other's users.
    assert.deepEqual(session.references.map((r) => [r.name, r.declarations.map((d) => d.path)]), [['Cache', ['src/cache/a.ts']], ['Cache', ['src/cache/b.ts']]]);
  });

  it('a plan that leaves out a referencing file gets a finding, and with extendPlan auto a proposed addition', async () => {
    // A signature change (no rename): the language server cannot do it, but it knows every caller.
    const planned = plan([
      change('c1', 'src/register.ts', 'Make register take the name as a third parameter.', { specialist: 'api-migration' }),
      change('c2', 'src/app.ts', "Pass 'Ada' as register's new third argument.", { specialist: 'api-migration', dependsOn: ['c1'] }),
    ]);
    const worker = (file: string) =>
      file === 'src/register.ts'
        ? (store[file] ?? '').replace('id: string): void', 'id: string, name: string): void').replace('id.toUpperCase()', 'name')
        : (store[file] ?? '').replace("register(store, 'ada')", "register(store, 'ada', 'Ada')");
    const session = await run('Add a name parameter to `register` and update every caller', planned, {}, worker);
    // index.ts re-exports register: the language server lists it, the plan does not have it.
    const missing = session.findings.filter((f) => f.kind === 'missing-change');
    assert.deepEqual(missing.map((f) => `${f.path}: ${f.message}`), ['src/index.ts: references register (1 time), but the plan does not change this file']);
    assert.deepEqual(missing[0]?.relatedPaths, ['src/register.ts']);

    const grown = await run('Add a name parameter to `register` and update every caller', planned, { extendPlan: 'auto' }, (file) => (file === 'src/index.ts' ? store[file] ?? '' : worker(file)));
    assert.ok(grown.files.some((f) => f.path === 'src/index.ts' && f.addedBecause !== undefined), 'the referencing file joins the plan');
  });

  it('languageServer off: the models do the whole rename, as before', async () => {
    const session = await run('Rename `UserStore` to `AccountRepository` everywhere', renamePlan(['src/userStore.ts', 'src/register.ts']), { languageServer: false });
    assert.deepEqual(session.files.map((f) => f.performedBy), ['model', 'model']);
    assert.deepEqual(session.languageServerNotes, []);
    assert.doesNotMatch(userText(requestsFor(server, 'plan')[0]!), /References found/);
  });

  it('a file move: the moved file and every import of it, exact, with no model call; one diff with git\'s rename header', async () => {
    const planned: Plan = { ...plan([]), fileMoves: [{ from: 'src/userStore.ts', to: 'src/store/userStore.ts' }] };
    const session = await run('Move userStore.ts into src/store/', planned);
    const moved = session.files.find((f) => f.movedFrom === 'src/userStore.ts');
    assert.equal(moved?.path, 'src/store/userStore.ts');
    assert.equal(moved?.action, 'move');
    assert.equal(moved?.status, 'proposed');
    assert.equal(moved?.proposed, store['src/userStore.ts']);
    assert.match(moved?.diff ?? '', /^diff --git a\/src\/userStore\.ts b\/src\/store\/userStore\.ts\nrename from src\/userStore\.ts\nrename to src\/store\/userStore\.ts\n$/);
    const importers = session.files.filter((f) => f.movedFrom === undefined);
    assert.deepEqual(importers.map((f) => f.path).sort(), ['src/app.ts', 'src/audit.ts', 'src/index.ts', 'src/lookup.ts', 'src/register.ts']);
    for (const file of importers) {
      assert.equal(file.performedBy, 'language-server', file.path);
      assert.match(file.proposed ?? '', /from '\.\/store\/userStore'/, file.path);
    }
    assert.equal(workerRequests(server).length, 0, 'no model call');
    assert.equal(session.compileCheck?.state, 'passed', session.compileCheck?.verdict);
    assert.match(session.languageServerNotes.map((n) => n.message).join('\n'), /Moved src\/userStore\.ts → src\/store\/userStore\.ts: the TypeScript \S+ language service updates the imports in 5 files, no model tokens\./);
  });

  it('a move and a rename in one plan: both sets of edits land in each file', async () => {
    const planned: Plan = { ...renamePlan(['src/userStore.ts']), fileMoves: [{ from: 'src/userStore.ts', to: 'src/accountRepository.ts' }] };
    planned.changes = [];
    // audit.ts keeps the old name in a comment: its model starts from the server's text, imports updated.
    const session = await run('Rename `UserStore` to `AccountRepository` and its file to accountRepository.ts', planned, {}, (file) => renameClass(file).replace("'./userStore'", "'./accountRepository'"));
    const moved = session.files.find((f) => f.action === 'move');
    assert.equal(moved?.path, 'src/accountRepository.ts');
    assert.match(moved?.proposed ?? '', /^export class AccountRepository \{/);
    const register = session.files.find((f) => f.path === 'src/register.ts');
    assert.equal(register?.proposed, "import { AccountRepository } from './accountRepository';\n\nexport function register(store: AccountRepository, id: string): void {\n  store.add(id, id.toUpperCase());\n}\n");
    assert.equal(session.compileCheck?.state, 'passed', session.compileCheck?.verdict);
  });

  describe('Re-run of a file the language server made (the review\'s Re-run of a stale file)', () => {
    const rerun = (session: RefactorSession, id: string): Promise<void> =>
      rerunFile(session, id, {
        request: session.request,
        workspace: createNodeWorkspace(root, { maxFileBytes: 1024 * 1024, extraExcludes: [] }),
        provider: provider(server),
        settings: { ...DEFAULT_ENGINE_SETTINGS, revisionRounds: 0 },
        signal: new AbortController().signal,
        checkRoot: root,
      });

    it('a renamed file is renamed again by the language server from its text as it is now, with no model call', async () => {
      const session = await run('Rename `UserStore` to `AccountRepository` everywhere', renamePlan(['src/userStore.ts', 'src/register.ts']));
      const lookup = session.files.find((f) => f.path === 'src/lookup.ts');
      assert.equal(lookup?.performedBy, 'language-server');
      const edited = `${store['src/lookup.ts'] ?? ''}\nexport const fresh = (s: UserStore): boolean => s.get('x') !== undefined;\n`;
      await fs.writeFile(path.join(root, 'src/lookup.ts'), edited);
      const before = workerRequests(server).length;
      await rerun(session, lookup?.id ?? '');
      assert.equal(lookup?.status, 'proposed', lookup?.error);
      assert.equal(lookup?.original, edited);
      assert.equal(lookup?.proposed, edited.replace(/UserStore/g, 'AccountRepository'));
      assert.equal(lookup?.performedBy, 'language-server');
      assert.equal(workerRequests(server).length, before, 'no model call for the re-run');
      assert.equal(session.languageServerNotes.length, 1, 'the re-run adds no second note to the review');
    });

    it('a file only the rename brought in, which it no longer reaches, is left as it is: no model is asked to redo a rename', async () => {
      const session = await run('Rename `UserStore` to `AccountRepository` everywhere', renamePlan(['src/userStore.ts', 'src/register.ts']));
      const lookup = session.files.find((f) => f.path === 'src/lookup.ts');
      assert.match(lookup?.id ?? '', /^r\d+$/);
      const edited = "export function lookup(id: string): string {\n  return id;\n}\n";
      await fs.writeFile(path.join(root, 'src/lookup.ts'), edited);
      const before = workerRequests(server).length;
      await rerun(session, lookup?.id ?? '');
      assert.equal(workerRequests(server).length, before, 'no model call');
      assert.equal(lookup?.status, 'proposed');
      assert.equal(lookup?.original, edited);
      assert.equal(lookup?.proposed, edited);
      assert.equal(lookup?.diff, '');
    });

    it('a cancelled re-run settles (cancelled), it does not reject', async () => {
      const session = await run('Move userStore.ts into src/store/', { ...plan([]), fileMoves: [{ from: 'src/userStore.ts', to: 'src/store/userStore.ts' }] });
      const moved = session.files.find((f) => f.action === 'move');
      const aborted = new AbortController();
      aborted.abort();
      await rerunFile(session, moved?.id ?? '', { request: session.request, workspace: createNodeWorkspace(root, { maxFileBytes: 1024 * 1024, extraExcludes: [] }), provider: provider(server), settings: DEFAULT_ENGINE_SETTINGS, signal: aborted.signal, checkRoot: root });
      assert.equal(moved?.status, 'cancelled');
    });

    it('a moved file of a folder that no longer moves whole is moved again with its imports right: each move asked after the one before', async () => {
      await fs.mkdir(path.join(root, 'src/util'), { recursive: true });
      await fs.writeFile(path.join(root, 'src/util/format.ts'), 'export const format = (s: string): string => s.trim();\n');
      const pad = "import { format } from './format';\nimport { UserStore } from '../userStore';\n\nexport const pad = (s: UserStore): string => format(s.get('a') ?? '').padEnd(4);\n";
      await fs.writeFile(path.join(root, 'src/util/pad.ts'), pad);
      const session = await run('Move src/util into src/lib', { ...plan([]), fileMoves: [{ from: 'src/util', to: 'src/lib/util' }] });
      const moved = session.files.find((f) => f.path === 'src/lib/util/pad.ts');
      assert.equal(moved?.performedBy, 'language-server');
      // Since the run, a file joined the folder: the two moves are no longer the whole folder and are
      // asked one by one. Asked both of the tree on disk, the answers for pad.ts collided (it imports
      // the other moved file); asked in turn, the second sees the first done.
      await fs.writeFile(path.join(root, 'src/util/extra.ts'), 'export const extra = 1;\n');
      const edited = pad.replace('\nexport', '\n// Pads a name.\nexport');
      await fs.writeFile(path.join(root, 'src/util/pad.ts'), edited);
      const before = workerRequests(server).length;
      await rerun(session, moved?.id ?? '');
      assert.equal(moved?.status, 'proposed', moved?.error);
      assert.equal(moved?.proposed, edited.replace("'../userStore'", "'../../userStore'"));
      assert.equal(moved?.performedBy, 'language-server');
      assert.equal(workerRequests(server).length, before, 'no model call');
      assert.doesNotMatch(session.languageServerNotes.map((n) => n.message).join('\n'), /conflict/);
    });

    it('a moved file is moved again, with the import updates inside it, and no model call', async () => {
      await fs.mkdir(path.join(root, 'src/util'), { recursive: true });
      await fs.writeFile(path.join(root, 'src/util/pad.ts'), "import { UserStore } from '../userStore';\n\nexport const pad = (s: UserStore): string => (s.get('a') ?? '').padEnd(4);\n");
      const session = await run('Move pad.ts into src/lib', { ...plan([]), fileMoves: [{ from: 'src/util/pad.ts', to: 'src/lib/text/pad.ts' }] });
      const moved = session.files.find((f) => f.action === 'move');
      assert.equal(moved?.moveOnly, true);
      const edited = "import { UserStore } from '../userStore';\n\n// Pads a name.\nexport const pad = (s: UserStore): string => (s.get('a') ?? '').padEnd(4);\n";
      await fs.writeFile(path.join(root, 'src/util/pad.ts'), edited);
      await rerun(session, moved?.id ?? '');
      assert.equal(moved?.status, 'proposed', moved?.error);
      assert.equal(moved?.original, edited);
      assert.equal(moved?.proposed, edited.replace("'../userStore'", "'../../userStore'"));
      assert.equal(workerRequests(server).length, 0, 'no model call, in the run or the re-run');
    });
  });

  describe('a folder move', () => {
    const util: Record<string, string> = {
      'src/util/format.ts': 'export function format(name: string): string {\n  return name.trim();\n}\n',
      'src/util/pad.ts': "import { format } from './format';\nimport { UserStore } from '../userStore';\n\nexport function pad(store: UserStore, id: string): string {\n  return format(store.get(id) ?? '').padEnd(8);\n}\n",
      'src/util/deep/shout.ts': "import { format } from '../format';\n\nexport const shout = (s: string): string => format(s).toUpperCase();\n",
      'src/report.ts': "import { pad } from './util/pad';\nimport { shout } from './util/deep/shout';\nimport { UserStore } from './userStore';\n\nexport const report = (store: UserStore): string => shout(pad(store, 'root'));\n",
    };
    beforeEach(async () => {
      for (const [file, text] of Object.entries(util)) {
        await fs.mkdir(path.dirname(path.join(root, file)), { recursive: true });
        await fs.writeFile(path.join(root, file), text);
      }
    });

    const expectFolderMoved = (session: RefactorSession): void => {
      assert.deepEqual(
        session.files.filter((f) => f.action === 'move').map((f) => [f.movedFrom, f.path]).sort(),
        [['src/util/deep/shout.ts', 'src/lib/util/deep/shout.ts'], ['src/util/format.ts', 'src/lib/util/format.ts'], ['src/util/pad.ts', 'src/lib/util/pad.ts']],
      );
      const byPath = new Map(session.files.map((f) => [f.path, f.proposed]));
      // Imports between the moved files stay as they are; imports out of the folder and into it follow.
      assert.equal(byPath.get('src/lib/util/pad.ts'), util['src/util/pad.ts']?.replace("'../userStore'", "'../../userStore'"));
      assert.equal(byPath.get('src/lib/util/deep/shout.ts'), util['src/util/deep/shout.ts']);
      assert.equal(byPath.get('src/report.ts'), util['src/report.ts']?.replace("'./util/pad'", "'./lib/util/pad'").replace("'./util/deep/shout'", "'./lib/util/deep/shout'"));
      assert.equal(workerRequests(server).length, 0, 'no model call');
      assert.doesNotMatch(session.languageServerNotes.map((n) => n.message).join('\n'), /conflict/);
      assert.match(session.languageServerNotes.map((n) => n.message).join('\n'), /Moved the folder src\/util → src\/lib\/util \(3 files\): the TypeScript \S+ language service updates the imports in 1 file and 1 of the moved files, no model tokens\./);
      assert.equal(session.compileCheck?.state, 'passed', session.compileCheck?.verdict);
    };

    it('a folder that also holds a file the workspace does not list (gitignored): asked file by file, so imports of that file stay right', async () => {
      await fs.writeFile(path.join(root, '.gitignore'), 'src/util/gen.ts\n');
      await fs.writeFile(path.join(root, 'src/util/gen.ts'), 'export const GEN = 8;\n');
      await fs.writeFile(path.join(root, 'src/gen-user.ts'), "import { GEN } from './util/gen';\n\nexport const width = GEN;\n");
      const session = await run('Move src/util into src/lib', { ...plan([]), fileMoves: [{ from: 'src/util', to: 'src/lib/util' }] });
      const notes = session.languageServerNotes.map((n) => n.message).join('\n');
      assert.match(notes, /asked about the files of the folder src\/util → src\/lib\/util \(3 files\) one by one: src\/util also holds src\/util\/gen\.ts, which the refactor does not list/);
      // gen.ts stays: its importer is not rewritten to a path where it never arrives.
      assert.equal(session.files.find((f) => f.path === 'src/gen-user.ts'), undefined);
      const byPath = new Map(session.files.map((f) => [f.path, f.proposed]));
      assert.equal(byPath.get('src/report.ts'), util['src/report.ts']?.replace("'./util/pad'", "'./lib/util/pad'").replace("'./util/deep/shout'", "'./lib/util/deep/shout'"));
    });

    it('with a streamed plan that has a change of its own, the move is computed and said once: the validated plan listing its files is the same move', async () => {
      const logs: string[] = [];
      const session = await run('Move src/util into src/lib and say so in the README', { ...plan([change('c1', 'README.md', 'Mention src/lib/util.')]), fileMoves: [{ from: 'src/util', to: 'src/lib/util' }] }, {}, (file) => `${store[file] ?? ''}\nSee src/lib/util.\n`, logs);
      assert.deepEqual(session.languageServerNotes.filter((n) => /^Moved /.test(n.message)).map((n) => n.message.replace(/TypeScript \S+/, 'TypeScript')), ['Moved the folder src/util → src/lib/util (3 files): the TypeScript language service updates the imports in 1 file and 1 of the moved files, no model tokens.']);
      assert.deepEqual(logs.filter((line) => /computes them again/.test(line)), []);
      const byPath = new Map(session.files.map((f) => [f.path, f.proposed]));
      assert.equal(byPath.get('src/lib/util/pad.ts'), util['src/util/pad.ts']?.replace("'../userStore'", "'../../userStore'"));
      assert.equal(byPath.get('src/report.ts'), util['src/report.ts']?.replace("'./util/pad'", "'./lib/util/pad'").replace("'./util/deep/shout'", "'./lib/util/deep/shout'"));
    });

    it('is asked about as a folder only when every listed file in it moves the same way', () => {
      const listed = new Set(['a/x.ts', 'a/y.ts', 'a/sub/z.ts', 'b/k.ts', 'b/l.ts']);
      const whole = groupFolderMoves([{ from: 'a/x.ts', to: 'c/a/x.ts' }, { from: 'a/y.ts', to: 'c/a/y.ts' }, { from: 'a/sub/z.ts', to: 'c/a/sub/z.ts' }], listed);
      assert.deepEqual(whole.folders.map((f) => [f.from, f.to, f.files.length]), [['a', 'c/a', 3]]);
      assert.deepEqual(whole.files, []);
      // b/l.ts stays, so b is no folder move; a/x.ts goes elsewhere than the rest of a, so neither is a.
      const partial = groupFolderMoves([{ from: 'b/k.ts', to: 'd/k.ts' }, { from: 'a/x.ts', to: 'e/x.ts' }, { from: 'a/y.ts', to: 'c/y.ts' }, { from: 'a/sub/z.ts', to: 'c/sub/z.ts' }], listed);
      assert.deepEqual(partial.folders, []);
      assert.equal(partial.files.length, 4);
    });

    it('named as a folder: each file in it moves, and the language server updates imports for the folder as a whole', async () => {
      expectFolderMoved(await run('Move src/util into src/lib', { ...plan([]), fileMoves: [{ from: 'src/util', to: 'src/lib/util' }] }));
    });

    it('two files that import each other, moved to different folders: the second move is asked after the first, so the import between them is right', async () => {
      const moves = [
        { from: 'src/util/format.ts', to: 'src/text/format.ts' },
        { from: 'src/util/pad.ts', to: 'src/lib/deep/pad.ts' },
      ];
      const session = await run('Move format.ts to src/text and pad.ts to src/lib/deep', { ...plan([]), fileMoves: moves });
      const byPath = new Map(session.files.map((f) => [f.path, f]));
      // Asked of the tree on disk, the two answers rewrite pad's './format' as '../text/format' (pad
      // stays) and as '../../util/format' (format stays), and collide. Neither is right.
      assert.equal(byPath.get('src/lib/deep/pad.ts')?.proposed, util['src/util/pad.ts']?.replace("'./format'", "'../../text/format'").replace("'../userStore'", "'../../userStore'"));
      assert.equal(byPath.get('src/util/deep/shout.ts')?.proposed, util['src/util/deep/shout.ts']?.replace("'../format'", "'../../text/format'"));
      assert.equal(byPath.get('src/report.ts')?.proposed, util['src/report.ts']?.replace("'./util/pad'", "'./lib/deep/pad'"));
      assert.equal(byPath.get('src/text/format.ts')?.proposed, util['src/util/format.ts']);
      assert.ok([...byPath.values()].every((f) => f.performedBy === 'language-server' || f.moveOnly === true), session.files.map((f) => `${f.path} ${f.performedBy}`).join(', '));
      assert.equal(workerRequests(server).length, 0, 'no model call');
      assert.doesNotMatch(session.languageServerNotes.map((n) => n.message).join('\n'), /conflict/);
      assert.equal(session.compileCheck?.state, 'passed', session.compileCheck?.verdict);
    });

    it('a folder into which an earlier move brought files is asked about file by file, so those files do not follow it', async () => {
      const files: Record<string, string> = {
        'src/parts/u1.ts': "import { c1 } from '../core/c1';\n\nexport const u1 = c1 + 1;\n",
        'src/parts/u2.ts': "import { u1 } from './u1';\n\nexport const u2 = u1 + 1;\n",
        'src/parts/u3.ts': "import { u2 } from './u2';\n\nexport const u3 = u2 + 1;\n",
        'src/core/c1.ts': 'export const c1 = 1;\n',
        'src/core/c2.ts': "import { c1 } from './c1';\n\nexport const c2 = c1 + 2;\n",
        'src/main.ts': "import { u3 } from './parts/u3';\nimport { c2 } from './core/c2';\n\nexport const total = u3 + c2;\n",
      };
      for (const [file, text] of Object.entries(files)) {
        await fs.mkdir(path.dirname(path.join(root, file)), { recursive: true });
        await fs.writeFile(path.join(root, file), text);
      }
      // src/parts moves into src/core (asked first: the larger folder), then src/core's own files move on.
      const moves = [
        ...['u1', 'u2', 'u3'].map((name) => ({ from: `src/parts/${name}.ts`, to: `src/core/parts/${name}.ts` })),
        ...['c1', 'c2'].map((name) => ({ from: `src/core/${name}.ts`, to: `src/lib/core/${name}.ts` })),
      ];
      const session = await run('Move src/parts into src/core, and src/core into src/lib', { ...plan([]), fileMoves: moves });
      const byPath = new Map(session.files.map((f) => [f.path, f.proposed]));
      // Asked as a folder, src/core would have carried the parts files along: main.ts would import
      // '../lib/core/parts/u3' and u1 '../c1', neither of which exists.
      assert.equal(byPath.get('src/main.ts'), files['src/main.ts']?.replace("'./parts/u3'", "'./core/parts/u3'").replace("'./core/c2'", "'./lib/core/c2'"));
      assert.equal(byPath.get('src/core/parts/u1.ts'), files['src/parts/u1.ts']?.replace("'../core/c1'", "'../../lib/core/c1'"));
      assert.equal(byPath.get('src/lib/core/c2.ts'), files['src/core/c2.ts']);
      assert.match(session.languageServerNotes.map((n) => n.message).join('\n'), /asked about the files of the folder src\/core → src\/lib\/core \(2 files\) one by one: an earlier move brings src\/core\/parts\/u1\.ts, src\/core\/parts\/u2\.ts, src\/core\/parts\/u3\.ts into src\/core/);
      assert.equal(session.compileCheck?.state, 'passed', session.compileCheck?.verdict);
    });

    it('listed file by file by the planner: the same exact result, not two answers colliding in the imports between them', async () => {
      const moves = Object.keys(util).filter((file) => file.startsWith('src/util/')).map((file) => ({ from: file, to: file.replace('src/util/', 'src/lib/util/') }));
      expectFolderMoved(await run('Move src/util into src/lib', { ...plan([]), fileMoves: moves }));
    });
  });

  it('a move the server cannot compute is still made in the tree the next move is asked of', async () => {
    const asked: TreeOverlay[] = [];
    const tools: LanguageTools = {
      label: 'test server',
      references: () => Promise.resolve([]),
      renameSymbol: () => Promise.resolve({ ok: false, reason: 'not asked' }),
      renameFile: (from, _to, _signal, tree) => {
        asked.push({ ...tree });
        return Promise.resolve(from === 'src/userStore.ts' ? { ok: false, reason: 'it took too long' } : { ok: true, value: [], source: 'test server' });
      },
    };
    const session = new RefactorSession('Move two files');
    const renames = new LanguageServerRenames(tools, session, new AbortController().signal, createNodeWorkspace(root, { maxFileBytes: 1024 * 1024, extraExcludes: [] }));
    renames.start([], [{ from: 'src/userStore.ts', to: 'src/store/userStore.ts' }, { from: 'src/register.ts', to: 'src/app/register.ts' }]);
    await renames.ready;
    assert.deepEqual(asked, [{}, { 'src/userStore.ts': null, 'src/store/userStore.ts': store['src/userStore.ts'] }]);
    assert.equal(renames.answered('src/userStore.ts'), false);
    assert.equal(renames.answered('src/register.ts'), true);
    assert.match(session.languageServerNotes.map((n) => n.message).join('\n'), /could not update the imports of src\/userStore\.ts → src\/store\/userStore\.ts \(it took too long\)/);
  });

  it('a move with the language server off is still proposed, and the compile check names the importers it breaks', async () => {
    const planned: Plan = { ...plan([]), fileMoves: [{ from: 'src/userStore.ts', to: 'src/store/userStore.ts' }] };
    const session = await run('Move userStore.ts into src/store/', planned, { languageServer: false });
    assert.deepEqual(session.files.map((f) => [f.action, f.path, f.status]), [['move', 'src/store/userStore.ts', 'proposed']]);
    assert.equal(session.compileCheck?.state, 'errors');
    assert.deepEqual([...new Set(session.findings.filter((f) => f.kind === 'compile-error').map((f) => f.path))].sort(), ['src/app.ts', 'src/audit.ts', 'src/index.ts', 'src/lookup.ts', 'src/register.ts']);
  });

  it('a plan that only names the rename (no change listed) is done by the language server alone', async () => {
    const session = await run('Rename `UserStore` to `AccountRepository` everywhere', plan([], RENAME));
    assert.equal(session.files.length, 6);
    assert.ok(session.files.every((f) => f.status === 'proposed' && f.addedBecause !== undefined));
    assert.equal(session.compileCheck?.state, 'passed', session.compileCheck?.verdict);
  });

  it('a new name that is not a plain identifier never reaches the language server', async () => {
    const planned = plan([change('c1', 'src/userStore.ts', 'Rename UserStore.')], [{ from: 'UserStore', to: 'Bar = evil()' }]);
    const session = await run('Rename UserStore', planned, {}, (file) => store[file] ?? '');
    assert.deepEqual(session.files.map((f) => [f.path, f.performedBy]), [['src/userStore.ts', 'model']]);
    assert.match(session.languageServerNotes[0]?.message ?? '', /was not asked to rename "UserStore" → "Bar = evil\(\)": not a plain identifier; model workers do it\./);
  });

  it('a plan repaired after streaming renames as the repaired plan says, not as the first one did', async () => {
    let plans = 0;
    server.setScript((request) => {
      if (request.schemaName === 'plan') {
        plans++;
        // The first plan renames to another name and names a path outside the workspace: refused, repaired.
        return plans === 1
          ? json(plan([change('c1', 'src/userStore.ts', 'Rename.'), change('c2', '../outside.ts', 'x')], [{ from: 'UserStore', to: 'WrongName' }]))
          : json(renamePlan(['src/userStore.ts']));
      }
      if (request.schemaName === 'verifier_report') return noFindings;
      return json({ content: renameClass(workerFile(request) ?? ''), summary: 'done' });
    });
    const { session, done } = startRefactor({
      request: 'Rename `UserStore` to `AccountRepository` everywhere',
      workspace: createNodeWorkspace(root, { maxFileBytes: 1024 * 1024, extraExcludes: [] }),
      provider: provider(server),
      settings: { ...DEFAULT_ENGINE_SETTINGS, revisionRounds: 0 },
      signal: new AbortController().signal,
      checkRoot: root,
    });
    await done;
    assert.equal(session.stage, 'done', session.error);
    assert.equal(plans, 2);
    for (const file of session.files) assert.doesNotMatch(file.proposed ?? '', /WrongName/, file.path);
    assert.match(session.files.find((f) => f.path === 'src/register.ts')?.proposed ?? '', /store: AccountRepository/);
  });

  it('what is left for a model: the old name in any usual spelling, but not in module paths', () => {
    assert.equal(mentions("import { A } from './userStore';\n", 'UserStore'), false);
    assert.equal(mentions('// keeps the USER_STORE flag\n', 'UserStore'), true);
    assert.equal(mentions('const userStore = make();\n', 'UserStore'), true);
    assert.equal(mentions('const userStores = make();\n', 'UserStore'), false);
    assert.equal(mentions('see Store.get docs', 'Store.get'), true);
  });
});

export type { PlannedChange };
