// The rename specialist in a real extension host: VS Code's own providers (the built-in TypeScript
// server of the test host) find the symbol, compute the rename exactly and list the references; the
// engine merges that into the reviewable plan. Each test declares its own class name, because the
// workspace symbol search sees every fixture of the run (all open TypeScript projects).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { FakeReply, RecordedRequest } from '../support/fakeOpenAIServer';
import { store } from '../unit/support/storeFixture';
import { diskText, flow, idOf, json, logText, makeFixture, run, send, setUpFakeModelAndSettings, uriOf, workerFile } from './support/flowHarness';

let tags = 0;

/** The store fixture with its class renamed to a name no other fixture declares; the cache files left out. */
function storeFixture(): { files: Record<string, string>; from: string; to: string } {
  const tag = `${process.pid % 1000}x${++tags}`;
  const from = `UserStore${tag}`;
  const to = `AccountRepository${tag}`;
  const files = Object.fromEntries(Object.entries(store).filter(([path]) => !path.startsWith('src/cache/')).map(([path, text]) => [path, text.replace(/UserStore/g, from)]));
  return { files, from, to };
}

interface Change {
  id: string;
  path: string;
  description: string;
  specialist?: string;
  dependsOn?: string[];
}

function plan(changes: Change[], symbolRenames: { from: string; to: string }[]) {
  return {
    summary: 'Test plan',
    changes: changes.map((c) => ({ action: 'modify', specialist: 'rename', dependsOn: [], ...c })),
    symbolRenames,
  };
}

const isWorker = (request: RecordedRequest): boolean => request.schemaName === 'whole_file' || request.schemaName === 'search_replace';

/** Worker requests of this test, by the workspace path they were for. */
function workerPaths(): string[] {
  return flow.server.requests
    .filter(isWorker)
    .map((request) => workerFile(request) ?? '?')
    .sort();
}

/** A model that plans `planned` and rewrites a file as `rewrite` says, from the fixture text. */
function script(planned: unknown, rewrite: (path: string) => string): (request: RecordedRequest) => FakeReply {
  return (request) => {
    if (request.schemaName === 'plan') return json(planned);
    if (request.schemaName === 'verifier_report') return json({ findings: [] });
    if (isWorker(request)) return json({ content: rewrite(workerFile(request) ?? ''), summary: 'done' });
    return { status: 400, body: { error: { message: `unexpected request ${request.schemaName ?? ''}` } } };
  };
}

describe('Language server in the extension host', function () {
  this.timeout(120_000);
  setUpFakeModelAndSettings();

  it('renames an exported class used in many files with VS Code\'s rename provider: the files beyond the plan join it, marked, with no model call for the plain renames', async () => {
    const { files, from, to } = storeFixture();
    const at = await makeFixture(files);
    const prefix = at('');
    const renamed = (path: string): string => (files[path.slice(prefix.length)] ?? '').replace(new RegExp(from, 'g'), to);
    flow.server.setScript(
      script(
        plan(
          [
            { id: 'c1', path: at('src/userStore.ts'), description: `Rename ${from} to ${to}.` },
            { id: 'c2', path: at('src/register.ts'), description: `Use ${to}.` },
            { id: 'c3', path: at('src/lookup.ts'), description: `Use ${to}.` },
          ],
          [{ from, to }],
        ),
        renamed,
      ),
    );

    const review = await run(`Rename \`${from}\` to \`${to}\` everywhere`);

    assert.equal(review.session.stage, 'done', review.session.error);
    const notes = review.sessionView().languageServer ?? [];
    // The editor's provider answered, not the core's TypeScript service.
    assert.match(notes[0]?.message ?? '', new RegExp(`^Renamed ${from} → ${to} with the VS Code rename provider: \\d+ places in 6 files, no model tokens\\.$`), JSON.stringify(notes));
    const byPath = new Map(review.session.files.map((f) => [f.path.slice(prefix.length), f]));
    assert.deepEqual([...byPath.keys()].sort(), ['src/app.ts', 'src/audit.ts', 'src/index.ts', 'src/lookup.ts', 'src/register.ts', 'src/userStore.ts']);
    for (const file of review.session.files) assert.equal(file.status, 'proposed', `${file.path}: ${file.error ?? ''}`);
    const view = (path: string) => review.fileView(idOf(review, at(path)));
    for (const path of ['src/userStore.ts', 'src/register.ts', 'src/lookup.ts', 'src/app.ts']) assert.equal(view(path)?.performedBy, 'language-server', path);
    assert.equal(byPath.get('src/app.ts')?.proposed, renamed(at('src/app.ts')));
    assert.equal(byPath.get('src/register.ts')?.proposed, renamed(at('src/register.ts')));
    // Added by the rename, and the review says so.
    assert.equal(view('src/app.ts')?.addedBecause, `the language server's rename of ${from} → ${to} changes it (3 places)`);
    assert.equal(view('src/register.ts')?.addedBecause, undefined, 'a planned file was not added');
    // audit.ts keeps the old name in a comment and a string: a model finishes it, on top of the rename.
    assert.equal(view('src/audit.ts')?.performedBy, 'both');
    assert.equal(view('src/index.ts')?.performedBy, 'both', 'its re-export keeps the old name as an alias (useAliasesForRenames), left to a model');
    assert.equal(byPath.get('src/audit.ts')?.proposed, renamed(at('src/audit.ts')));
    const modelFiles = workerPaths().map((path) => path.slice(prefix.length));
    assert.ok(!modelFiles.some((path) => ['src/userStore.ts', 'src/register.ts', 'src/lookup.ts', 'src/app.ts'].includes(path)), `no worker for the plain renames (workers: ${modelFiles.join(', ')})`);
    assert.ok(modelFiles.includes('src/audit.ts'));
    // The planner was shown the references the providers found.
    const planner = flow.server.requests.find((r) => r.schemaName === 'plan');
    const plannerText = planner?.messages.map((m) => m.content).join('\n') ?? '';
    assert.match(plannerText, /References found by the VS Code language servers/);
    assert.match(plannerText, new RegExp(`${from} \\(class in ${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}src/userStore\\.ts:1\\)`));
    assert.match(await logText(), new RegExp(`Renamed ${from} → ${to} with the VS Code rename provider`));
  });

  it('a signature change whose plan misses a referencing file gets a missing-change finding', async () => {
    const { files } = storeFixture();
    // A function name of this test's own, so the other fixtures' `register` are not its references.
    const fn = `registerUser${tags}`;
    for (const path of Object.keys(files)) files[path] = (files[path] ?? '').replace(/\bregister\b(?!['"])/g, fn); // not the module path './register'
    const at = await makeFixture(files);
    const prefix = at('');
    const rewrite = (path: string): string => {
      const text = files[path.slice(prefix.length)] ?? '';
      return path.endsWith('register.ts') ? text.replace('id: string): void', 'id: string, name: string): void').replace('id.toUpperCase()', 'name') : text.replace(`${fn}(store, 'ada')`, `${fn}(store, 'ada', 'Ada')`);
    };
    flow.server.setScript(
      script(
        plan(
          [
            { id: 'c1', path: at('src/register.ts'), description: `Make ${fn} take the name as a third parameter.`, specialist: 'api-migration' },
            { id: 'c2', path: at('src/app.ts'), description: `Pass 'Ada' as ${fn}'s new third argument.`, specialist: 'api-migration', dependsOn: ['c1'] },
          ],
          [],
        ),
        rewrite,
      ),
    );

    const review = await run(`Add a name parameter to \`${fn}\` and update every caller`);

    assert.equal(review.session.stage, 'done', review.session.error);
    const missing = review.session.findings.filter((f) => f.kind === 'missing-change');
    assert.deepEqual(
      missing.map((f) => `${f.path}: ${f.message}`),
      [`${at('src/index.ts')}: references ${fn} (1 time), but the plan does not change this file`],
      `references: ${JSON.stringify(review.session.references)}; findings: ${JSON.stringify(review.session.findings)}; log: ${(await logText()).split('\n').filter((l) => /References|language server/i.test(l)).slice(-4).join(' | ')}`,
    );
    assert.deepEqual(review.findingViews().filter((f) => f.kind === 'missing-change').map((f) => f.path), [at('src/index.ts')], 'the review shows the finding');
    assert.ok(review.session.references.some((symbol) => symbol.name === fn && symbol.files.some((file) => file.path === at('src/index.ts'))));
  });

  it('a symbol no provider can find falls back to model workers, and the review and the log say why', async () => {
    const { files } = storeFixture();
    const at = await makeFixture(files);
    const prefix = at('');
    const missing = `NoSuchThing${tags}`;
    flow.server.setScript(script(plan([{ id: 'c1', path: at('src/userStore.ts'), description: `Rename ${missing} to Other.` }], [{ from: missing, to: `Other${tags}` }]), (path) => files[path.slice(prefix.length)] ?? ''));

    const review = await run(`Rename ${missing} to Other${tags}`);

    assert.equal(review.session.stage, 'done', review.session.error);
    const notes = review.sessionView().languageServer ?? [];
    assert.equal(notes.length, 1, JSON.stringify(notes));
    assert.equal(notes[0]?.level, 'warn');
    // Both answered "not found": the editor's providers first, then the core's TypeScript service.
    assert.match(notes[0]?.message ?? '', new RegExp(`^The language server could not rename ${missing} → Other${tags} \\(VS Code language servers: VS Code's symbol providers found no declaration of ${missing}; TypeScript language service: no declaration of ${missing} was found .*\\); model workers do it\\.$`));
    assert.equal(review.fileView(idOf(review, at('src/userStore.ts')))?.performedBy, 'model');
    assert.deepEqual(workerPaths(), [at('src/userStore.ts')]);
    assert.match(await logText(), new RegExp(`could not rename ${missing}`));
  });

  it('an ambiguous name (two unrelated classes) falls back with both declarations named', async () => {
    const name = `Cache${process.pid % 1000}x${++tags}`;
    const at = await makeFixture({
      'tsconfig.json': store['tsconfig.json'] ?? '',
      'src/a.ts': `export class ${name} {\n  size = 0;\n}\n`,
      'src/b.ts': `export class ${name} {\n  entries: string[] = [];\n}\n`,
    });
    const prefix = at('');
    flow.server.setScript(script(plan([{ id: 'c1', path: at('src/a.ts'), description: `Rename ${name} to Lru${name}.` }], [{ from: name, to: `Lru${name}` }]), (path) => (path.endsWith('a.ts') ? `export class Lru${name} {\n  size = 0;\n}\n` : '')));

    const review = await run(`Rename ${name} to Lru${name}`);

    assert.equal(review.session.stage, 'done', review.session.error);
    const note = review.sessionView().languageServer?.[0];
    assert.equal(note?.level, 'warn');
    assert.ok(note?.message.includes(`VS Code language servers: ${name} names 2 different declarations (${prefix}src/a.ts:1, ${prefix}src/b.ts:1), and the plan does not say which`), note?.message);
    assert.equal(review.fileView(idOf(review, at('src/a.ts')))?.performedBy, 'model');
  });

  it('a rename plus a docs change: the model edits the README, the language server the code', async () => {
    const { files, from, to } = storeFixture();
    const at = await makeFixture(files);
    const prefix = at('');
    const renamed = (path: string): string => (files[path.slice(prefix.length)] ?? '').replace(new RegExp(from, 'g'), to);
    flow.server.setScript(
      script(
        plan(
          [
            { id: 'c1', path: at('src/userStore.ts'), description: `Rename ${from} to ${to}.` },
            { id: 'c2', path: at('README.md'), description: `Use the new name ${to} in the docs.`, specialist: 'docs' },
          ],
          [{ from, to }],
        ),
        renamed,
      ),
    );

    const review = await run(`Rename \`${from}\` to \`${to}\` and update the docs`);

    assert.equal(review.session.stage, 'done', review.session.error);
    const readme = review.fileView(idOf(review, at('README.md')));
    assert.equal(readme?.performedBy, 'model');
    assert.equal(review.session.file(idOf(review, at('README.md')))?.proposed, `# store\n\nUse \`${to}\` to keep users.\n`);
    assert.equal(review.fileView(idOf(review, at('src/userStore.ts')))?.performedBy, 'language-server');
    // Workers only where the language server leaves something: the README (docs), audit.ts (a comment
    // and a string), and index.ts, whose re-export VS Code's TypeScript rename keeps under the old
    // public name (`export { New as Old }`, the default typescript.preferences.useAliasesForRenames).
    assert.deepEqual(workerPaths(), [at('README.md'), at('src/audit.ts'), at('src/index.ts')]);
    const indexPrompt = flow.server.requests.filter(isWorker).find((r) => workerFile(r) === at('src/index.ts'));
    assert.match(indexPrompt?.messages.map((m) => m.content).join('\n') ?? '', new RegExp(`The language server has already done this in every code reference of this file \\(rename ${from} → ${to}\\)[\\s\\S]*export \\{ ${to} as ${from} \\} from './userStore';`));
    assert.equal(review.fileView(idOf(review, at('src/index.ts')))?.performedBy, 'both');
    assert.match(review.sessionView().languageServer?.[0]?.message ?? '', /with the VS Code rename provider/);
  });

  it('applies the rename and the docs in one edit, and one undo puts every file back', async () => {
    const { files, from, to } = storeFixture();
    const at = await makeFixture(files);
    const prefix = at('');
    const renamed = (path: string): string => (files[path.slice(prefix.length)] ?? '').replace(new RegExp(from, 'g'), to);
    flow.server.setScript(
      script(
        plan(
          [
            { id: 'c1', path: at('src/userStore.ts'), description: `Rename ${from} to ${to}.` },
            { id: 'c2', path: at('README.md'), description: `Use the new name ${to} in the docs.`, specialist: 'docs' },
          ],
          [{ from, to }],
        ),
        renamed,
      ),
    );
    const review = await run(`Rename \`${from}\` to \`${to}\` and update the docs`);
    assert.equal(review.session.stage, 'done', review.session.error);
    const changed = review.session.files.map((f) => f.path);
    assert.equal(changed.length, 7, changed.join(', '));

    await send({ type: 'setAllDecisions', decision: 'accepted' });
    await send({ type: 'apply' });
    for (const path of changed) assert.equal(await diskText(path), review.session.file(idOf(review, path))?.proposed, `${path} applied`);
    assert.ok(!(await diskText(at('src/app.ts')))?.includes(from));

    await vscode.window.showTextDocument(uriOf(at('src/userStore.ts')));
    const undone = vscode.commands.executeCommand('undo');
    const settled = await Promise.race([undone.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 15_000))]);
    assert.ok(settled, 'undo did not finish (a confirmation dialog may be waiting)');
    for (const path of changed) {
      const text = (await vscode.workspace.openTextDocument(uriOf(path))).getText();
      assert.equal(text, files[path.slice(prefix.length)], `${path} is back to its original text`);
    }
    for (const path of changed) await (await vscode.workspace.openTextDocument(uriOf(path))).save();
    for (const path of changed) assert.equal(await diskText(path), files[path.slice(prefix.length)], `${path} on disk`);
  });

  it('moves a folder: each file in it moves, imports between them stay, imports into it follow, in one edit that one undo reverts', async () => {
    const { files } = storeFixture();
    const util: Record<string, string> = {
      'src/util/format.ts': 'export function format(name: string): string {\n  return name.trim();\n}\n',
      'src/util/pad.ts': "import { format } from './format';\nimport { UserStore } from '../userStore';\n\nexport function pad(store: UserStore, id: string): string {\n  return format(store.get(id) ?? '').padEnd(8);\n}\n",
      'src/report.ts': "import { pad } from './util/pad';\nimport { UserStore } from './userStore';\n\nexport const report = (store: UserStore): string => pad(store, 'root');\n",
    };
    const all = { ...files, ...util };
    const at = await makeFixture(all);
    const prefix = at('');
    flow.server.setScript(script({ ...plan([], []), fileMoves: [{ from: at('src/util'), to: at('src/lib/util') }] }, (path) => all[path.slice(prefix.length)] ?? ''));
    const review = await run('Move src/util into src/lib');
    assert.equal(review.session.stage, 'done', review.session.error);
    assert.deepEqual(review.session.files.filter((f) => f.action === 'move').map((f) => [f.movedFrom, f.path]).sort(), [[at('src/util/format.ts'), at('src/lib/util/format.ts')], [at('src/util/pad.ts'), at('src/lib/util/pad.ts')]]);
    const expected = {
      [at('src/lib/util/format.ts')]: util['src/util/format.ts'],
      [at('src/lib/util/pad.ts')]: util['src/util/pad.ts']?.replace("'../userStore'", "'../../userStore'"),
      [at('src/report.ts')]: util['src/report.ts']?.replace("'./util/pad'", "'./lib/util/pad'"),
    };
    for (const [path, text] of Object.entries(expected)) assert.equal(review.session.files.find((f) => f.path === path)?.proposed, text, path);
    assert.equal(flow.server.requests.filter(isWorker).length, 0, 'no model call');

    await send({ type: 'setAllDecisions', decision: 'accepted' });
    await send({ type: 'apply' });
    for (const [path, text] of Object.entries(expected)) assert.equal(await diskText(path), text, `${path} applied`);
    assert.equal(await diskText(at('src/util/pad.ts')), undefined, 'the sources are gone');

    await vscode.window.showTextDocument(uriOf(at('src/report.ts')));
    const undone = vscode.commands.executeCommand('undo');
    const settled = await Promise.race([undone.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 15_000))]);
    assert.ok(settled, 'undo did not finish (a confirmation dialog may be waiting)');
    assert.equal(await diskText(at('src/lib/util/pad.ts')), undefined, 'moved back');
    // Undo puts the files back on disk and their text back in the editor (unsaved, as any undo).
    for (const path of ['src/util/pad.ts', 'src/util/format.ts', 'src/report.ts']) assert.equal((await vscode.workspace.openTextDocument(uriOf(at(path)))).getText(), util[path], `${path} is back`);
  });

  it('moves a file: its importers are updated exactly, the move and the edits apply as one WorkspaceEdit, and one undo moves it back', async () => {
    const { files } = storeFixture();
    const at = await makeFixture(files);
    const prefix = at('');
    flow.server.setScript(script({ ...plan([], []), fileMoves: [{ from: at('src/userStore.ts'), to: at('src/data/userStore.ts') }] }, (path) => files[path.slice(prefix.length)] ?? ''));
    const review = await run('Move userStore.ts into src/data/');
    assert.equal(review.session.stage, 'done', review.session.error);
    const moved = review.session.files.find((f) => f.action === 'move');
    assert.equal(moved?.path, at('src/data/userStore.ts'));
    assert.equal(moved?.movedFrom, at('src/userStore.ts'));
    const importers = review.session.files.filter((f) => f.action === 'modify');
    assert.ok(importers.length >= 4, importers.map((f) => f.path).join(', '));
    for (const file of importers) assert.match(file.proposed ?? '', /from '\.\/data\/userStore'/, file.path);
    assert.equal(flow.server.requests.filter(isWorker).length, 0, 'no model call');

    await send({ type: 'setAllDecisions', decision: 'accepted' });
    await send({ type: 'apply' });
    assert.equal(await diskText(at('src/userStore.ts')), undefined, 'the source is gone');
    assert.equal(await diskText(at('src/data/userStore.ts')), files['src/userStore.ts']);
    for (const file of importers) assert.equal(await diskText(file.path), file.proposed, `${file.path} applied`);

    await vscode.window.showTextDocument(uriOf(importers[0]?.path ?? ''));
    const undone = vscode.commands.executeCommand('undo');
    const settled = await Promise.race([undone.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 15_000))]);
    assert.ok(settled, 'undo did not finish (a confirmation dialog may be waiting)');
    assert.equal(await diskText(at('src/data/userStore.ts')), undefined, 'moved back');
    assert.equal(await diskText(at('src/userStore.ts')), files['src/userStore.ts']);
    for (const file of importers) assert.equal((await vscode.workspace.openTextDocument(uriOf(file.path))).getText(), files[file.path.slice(prefix.length)], `${file.path} is back`);
  });
});
