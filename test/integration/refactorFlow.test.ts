// The whole VS Code flow in a real extension host: the command runs the engine against the loopback
// fake OpenAI server, the review holds the proposals, apply writes exactly what was accepted in one
// undoable edit, stale files are refused, cancel writes nothing, findings become diagnostics.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { RefactorOrchestratorApi } from '../../src/extension';
import type { ReviewSession } from '../../src/vscode/reviewSession';
import { startFakeOpenAIServer, type FakeOpenAIServer, type FakeReply, type RecordedRequest } from '../support/fakeOpenAIServer';

const EXTENSION_ID = 'refactor-orchestrator.refactor-orchestrator';
const SETTINGS = ['provider', 'baseUrl', 'model', 'revisionRounds', 'concurrency', 'timeoutMs', 'extraExcludes'] as const;

// ---------------------------------------------------------------------------------------------
// Fixture: a folder of files inside the open workspace, and a scripted fake model.

interface PlannedFile {
  path: string;
  action: 'modify' | 'create' | 'delete';
  /** What the worker replies (ignored for deletes). */
  proposed?: string;
}

interface Finding {
  path: string;
  line: number;
  severity: 'error' | 'warning' | 'info';
  kind: 'inconsistency' | 'missing-change' | 'conflict';
  message: string;
  relatedPaths: string[];
}

let api: RefactorOrchestratorApi;
let root: vscode.Uri;
let server: FakeOpenAIServer;
let fixtureCount = 0;

function json(value: unknown, extra: FakeReply = {}): FakeReply {
  return { content: JSON.stringify(value), ...extra };
}

function workerFile(request: RecordedRequest): string | undefined {
  return /^File: `([^`]+)`/m.exec(request.messages.find((m) => m.role === 'user')?.content ?? '')?.[1];
}

/** A script that plans `files`, lets each worker propose its content, and reports `findings`. */
function modelScript(files: PlannedFile[], findings: Finding[] = [], workerDelayMs = 0) {
  return (request: RecordedRequest): FakeReply => {
    if (request.schemaName === 'plan') {
      return json({
        summary: 'Test plan',
        changes: files.map((file, index) => ({ id: `c${index + 1}`, path: file.path, action: file.action, description: `Change ${file.path}`, specialist: 'general', dependsOn: [] })),
        symbolRenames: [],
      });
    }
    if (request.schemaName === 'whole_file' || request.schemaName === 'search_replace') {
      const file = files.find((candidate) => candidate.path === workerFile(request));
      return json({ content: file?.proposed ?? '', summary: 'changed' }, { delayMs: workerDelayMs });
    }
    if (request.schemaName === 'verifier_report') return json({ findings });
    return { status: 400, body: { error: { message: `unexpected request ${request.schemaName ?? ''}` } } };
  };
}

/** A fresh folder in the workspace with these files; returns workspace-relative paths by name. */
async function makeFixture(files: Record<string, string>): Promise<(name: string) => string> {
  const folder = `it-review-${process.pid}-${++fixtureCount}`;
  for (const [name, content] of Object.entries(files)) {
    await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(root, folder, ...name.split('/')), new TextEncoder().encode(content));
  }
  return (name) => `${folder}/${name}`;
}

function uriOf(path: string): vscode.Uri {
  return vscode.Uri.joinPath(root, ...path.split('/'));
}

async function diskText(path: string): Promise<string | undefined> {
  try {
    return new TextDecoder().decode(await vscode.workspace.fs.readFile(uriOf(path)));
  } catch {
    return undefined;
  }
}

function lines(count: number, prefix: string): string {
  return Array.from({ length: count }, (_, i) => `${prefix} ${i + 1}`).join('\n') + '\n';
}

async function run(request: string): Promise<ReviewSession> {
  const review = await vscode.commands.executeCommand<ReviewSession | undefined>('refactorOrchestrator.refactorAcrossFiles', { request });
  assert.ok(review, 'the command should return the review');
  return review;
}

function idOf(review: ReviewSession, path: string): string {
  const file = review.session.files.find((candidate) => candidate.path === path);
  assert.ok(file, `${path} should be in the plan`);
  return file.id;
}

/** Drives the panel exactly as the webview would: raw messages, validated on arrival. */
async function send(message: unknown): Promise<void> {
  const panel = api.controller.reviewPanel;
  assert.ok(panel, 'the review panel should be open');
  await panel.receive(message);
}

async function waitFor(what: string, condition: () => boolean, attempts = 200): Promise<void> {
  for (let i = 0; i < attempts; i++) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.fail(`gave up waiting for ${what}`);
}

// ---------------------------------------------------------------------------------------------

/** Hooks for this file's suite only (called inside its describe, so other suites are unaffected). */
function setUpFakeModelAndSettings(): void {
  before(async function () {
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (!folder) this.skip();
    root = folder.uri;
    const extension = vscode.extensions.getExtension<RefactorOrchestratorApi>(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} should be installed`);
    api = await extension.activate();
    server = await startFakeOpenAIServer();
    const config = vscode.workspace.getConfiguration('refactorOrchestrator');
    await config.update('provider', 'openai-compatible', vscode.ConfigurationTarget.Global);
    await config.update('baseUrl', server.baseURL, vscode.ConfigurationTarget.Global);
    await config.update('model', 'fake-model', vscode.ConfigurationTarget.Global);
    await config.update('revisionRounds', 0, vscode.ConfigurationTarget.Global);
    await config.update('concurrency', 2, vscode.ConfigurationTarget.Global);
    await config.update('timeoutMs', 20_000, vscode.ConfigurationTarget.Global);
  });

  after(async () => {
    const config = vscode.workspace.getConfiguration('refactorOrchestrator');
    for (const key of SETTINGS) await config.update(key, undefined, vscode.ConfigurationTarget.Global);
    await server?.close();
  });

  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    server.requests.length = 0;
  });
}

describe('Refactor Across Files in the extension host', function () {
  this.timeout(60_000);
  setUpFakeModelAndSettings();

  it('runs the command into a review with one proposal per planned file, writing nothing', async () => {
    const at = await makeFixture({ 'a.ts': 'export const foo = 1;\n', 'b.ts': "import { foo } from './a';\nconsole.log(foo);\n" });
    server.setScript(
      modelScript([
        { path: at('a.ts'), action: 'modify', proposed: 'export const bar = 1;\n' },
        { path: at('b.ts'), action: 'modify', proposed: "import { bar } from './a';\nconsole.log(bar);\n" },
        { path: at('c.ts'), action: 'create', proposed: "export * from './a';\n" },
      ]),
    );

    const review = await run('Rename foo to bar');

    assert.equal(review.session.stage, 'done');
    assert.deepEqual(
      review.session.files.map((file) => [file.path, file.status]),
      [
        [at('a.ts'), 'proposed'],
        [at('b.ts'), 'proposed'],
        [at('c.ts'), 'proposed'],
      ],
    );
    assert.equal(review.session.file(idOf(review, at('b.ts')))?.proposed, "import { bar } from './a';\nconsole.log(bar);\n");
    assert.ok(api.controller.reviewPanel, 'the review panel opens once there is a plan');
    assert.equal(await diskText(at('a.ts')), 'export const foo = 1;\n');
    assert.equal(await diskText(at('c.ts')), undefined, 'nothing is created before the user accepts it');
  });

  it('applies exactly the accepted files and hunks in one saved edit, and leaves rejected files alone', async () => {
    const original = lines(30, 'line');
    const proposedLines = original.split('\n');
    proposedLines[1] = 'changed 2';
    proposedLines[27] = 'changed 28';
    const at = await makeFixture({ 'big.ts': original, 'rejected.ts': 'keep me\n', 'gone.ts': 'delete me\n' });
    server.setScript(
      modelScript([
        { path: at('big.ts'), action: 'modify', proposed: proposedLines.join('\n') },
        { path: at('rejected.ts'), action: 'modify', proposed: 'overwritten\n' },
        { path: at('new.ts'), action: 'create', proposed: 'created\n' },
        { path: at('gone.ts'), action: 'delete' },
      ]),
    );
    const review = await run('Change two lines, add a file, remove a file');
    const big = idOf(review, at('big.ts'));
    assert.equal(review.hunks(big).length, 2);

    await send({ type: 'setHunkDecision', id: big, hunkId: 1, accepted: true });
    await send({ type: 'setFileDecision', id: idOf(review, at('rejected.ts')), decision: 'rejected' });
    await send({ type: 'setFileDecision', id: idOf(review, at('new.ts')), decision: 'accepted' });
    await send({ type: 'setFileDecision', id: idOf(review, at('gone.ts')), decision: 'accepted' });
    await send({ type: 'apply' });

    const expectedBig = original.split('\n');
    expectedBig[27] = 'changed 28';
    assert.equal(await diskText(at('big.ts')), expectedBig.join('\n'), 'only the accepted hunk is written');
    assert.equal(await diskText(at('rejected.ts')), 'keep me\n');
    assert.equal(await diskText(at('new.ts')), 'created\n');
    assert.equal(await diskText(at('gone.ts')), undefined);
    const dirty = vscode.workspace.textDocuments.filter((document) => document.isDirty && document.uri.path.includes(at('')));
    assert.deepEqual(dirty.map((document) => document.uri.path), [], 'applied files are saved (isRefactoring)');
    assert.ok(review.isApplied(big));
    assert.equal(review.fileView(big)?.stale, false, 'our own edit does not make the file look stale');
    assert.deepEqual(review.fileView(big)?.acceptedHunks, [1]);
    assert.ok(!review.isApplied(idOf(review, at('rejected.ts'))));
    assert.equal(review.sessionView().canApply, false, 'nothing is left to apply');
  });

  it('reverts every applied file with one undo', async () => {
    const at = await makeFixture({ 'one.ts': 'one\n', 'two.ts': 'two\n', 'old.ts': 'old\n' });
    server.setScript(
      modelScript([
        { path: at('one.ts'), action: 'modify', proposed: 'ONE\n' },
        { path: at('two.ts'), action: 'modify', proposed: 'TWO\n' },
        { path: at('three.ts'), action: 'create', proposed: 'three\n' },
        { path: at('old.ts'), action: 'delete' },
      ]),
    );
    const review = await run('Shout');
    await send({ type: 'setAllDecisions', decision: 'accepted' });
    await send({ type: 'apply' });
    assert.equal(await diskText(at('one.ts')), 'ONE\n');
    assert.equal(await diskText(at('three.ts')), 'three\n');
    assert.ok(review.isApplied(idOf(review, at('two.ts'))));

    await vscode.window.showTextDocument(uriOf(at('one.ts')));
    const undone = vscode.commands.executeCommand('undo');
    const settled = await Promise.race([undone.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 15_000))]);
    assert.ok(settled, 'undo did not finish (a confirmation dialog may be waiting)');

    const textOf = async (path: string) => (await vscode.workspace.openTextDocument(uriOf(path))).getText();
    assert.equal(await textOf(at('one.ts')), 'one\n');
    assert.equal(await textOf(at('two.ts')), 'two\n');
    assert.equal(await diskText(at('three.ts')), undefined, 'the created file is removed again');
    assert.equal(await diskText(at('old.ts')), 'old\n', 'the deleted file is back');
    await vscode.commands.executeCommand('workbench.action.files.saveAll');
  });

  it('refuses a file that changed since it was read, and still applies the others', async () => {
    const at = await makeFixture({ 'mine.ts': 'original\n', 'theirs.ts': 'original\n' });
    server.setScript(
      modelScript([
        { path: at('mine.ts'), action: 'modify', proposed: 'from the model\n' },
        { path: at('theirs.ts'), action: 'modify', proposed: 'from the model\n' },
      ]),
    );
    const review = await run('Change both');
    await send({ type: 'setAllDecisions', decision: 'accepted' });
    // The user edits one file on disk after the worker read it.
    await vscode.workspace.fs.writeFile(uriOf(at('mine.ts')), new TextEncoder().encode('the user edited this\n'));

    const outcome = await api.controller.applyAccepted();

    assert.ok(outcome);
    assert.deepEqual(outcome.stale, [idOf(review, at('mine.ts'))]);
    assert.deepEqual(outcome.applied, [idOf(review, at('theirs.ts'))]);
    assert.equal(await diskText(at('mine.ts')), 'the user edited this\n', 'the user’s edit survives');
    assert.equal(await diskText(at('theirs.ts')), 'from the model\n', 'a one-file apply is saved too');
    assert.equal(outcome.saved, true);
    assert.equal(review.fileView(idOf(review, at('mine.ts')))?.stale, true);
  });

  it('re-runs a stale file from its current text, after which it can be applied', async () => {
    const at = await makeFixture({ 'r.ts': 'first\n' });
    server.setScript(modelScript([{ path: at('r.ts'), action: 'modify', proposed: 'from the model\n' }]));
    const review = await run('Change r');
    const id = idOf(review, at('r.ts'));
    await vscode.workspace.fs.writeFile(uriOf(at('r.ts')), new TextEncoder().encode('edited by the user\n'));
    await send({ type: 'setFileDecision', id, decision: 'accepted' });
    assert.deepEqual((await api.controller.applyAccepted())?.stale, [id]);

    await send({ type: 'rerun', id });

    assert.equal(review.fileView(id)?.stale, false);
    assert.equal(review.session.file(id)?.original, 'edited by the user\n', 'the worker started from the current text');
    await send({ type: 'setFileDecision', id, decision: 'accepted' });
    assert.deepEqual((await api.controller.applyAccepted())?.applied, [id]);
    assert.equal(await diskText(at('r.ts')), 'from the model\n');
  });

  it('leaves applied files unsaved when the user turned refactoring auto-save off', async () => {
    const files = vscode.workspace.getConfiguration('files');
    await files.update('refactoring.autoSave', false, vscode.ConfigurationTarget.Global);
    try {
      const at = await makeFixture({ 'p.ts': 'p\n', 'q.ts': 'q\n' });
      server.setScript(
        modelScript([
          { path: at('p.ts'), action: 'modify', proposed: 'P\n' },
          { path: at('q.ts'), action: 'modify', proposed: 'Q\n' },
        ]),
      );
      await run('Capitalise');
      await send({ type: 'setAllDecisions', decision: 'accepted' });
      const outcome = await api.controller.applyAccepted();

      assert.equal(outcome?.saved, false);
      assert.equal(await diskText(at('p.ts')), 'p\n', 'nothing saved to disk');
      const document = await vscode.workspace.openTextDocument(uriOf(at('p.ts')));
      assert.equal(document.getText(), 'P\n');
      assert.ok(document.isDirty);
    } finally {
      await files.update('refactoring.autoSave', undefined, vscode.ConfigurationTarget.Global);
      await vscode.commands.executeCommand('workbench.action.files.saveAll');
    }
  });

  it('marks a proposal stale as soon as its file is edited in an editor', async () => {
    const at = await makeFixture({ 'edited.ts': 'before\n' });
    server.setScript(modelScript([{ path: at('edited.ts'), action: 'modify', proposed: 'after\n' }]));
    const review = await run('Change it');
    const id = idOf(review, at('edited.ts'));
    await send({ type: 'setFileDecision', id, decision: 'accepted' });

    const editor = await vscode.window.showTextDocument(uriOf(at('edited.ts')));
    await editor.edit((builder) => builder.insert(new vscode.Position(0, 0), '// user note\n'));

    assert.equal(review.isStale(id), true);
    assert.deepEqual(review.acceptedFiles(), [], 'a stale file is no longer accepted');
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  it('cancelling a run writes nothing and leaves nothing to apply', async () => {
    const at = await makeFixture({ 'slow.ts': 'slow\n', 'slower.ts': 'slower\n' });
    server.setScript(
      modelScript(
        [
          { path: at('slow.ts'), action: 'modify', proposed: 'changed\n' },
          { path: at('slower.ts'), action: 'modify', proposed: 'changed\n' },
        ],
        [],
        5_000,
      ),
    );
    const running = vscode.commands.executeCommand<ReviewSession | undefined>('refactorOrchestrator.refactorAcrossFiles', { request: 'Slowly' });
    await waitFor('the workers to start', () => api.controller.currentReview?.session.stage === 'working');
    api.controller.cancelRun();
    const review = await running;

    assert.ok(review);
    assert.equal(review.session.stage, 'cancelled');
    assert.ok(review.session.files.every((file) => file.status === 'cancelled'));
    await send({ type: 'setAllDecisions', decision: 'accepted' });
    assert.deepEqual(review.acceptedFiles(), []);
    assert.equal(await diskText(at('slow.ts')), 'slow\n');
    assert.equal(await diskText(at('slower.ts')), 'slower\n');
  });

  it('shows findings as diagnostics on the proposal, then at the right line of the applied file', async () => {
    const original = lines(30, 'row');
    const proposedLines = original.split('\n');
    proposedLines.splice(1, 1, 'inserted a', 'inserted b', 'inserted c'); // first hunk: +2 lines
    proposedLines[29] = 'flagged row'; // second hunk; was "row 28"
    const proposed = proposedLines.join('\n');
    const at = await makeFixture({ 'f.ts': original });
    server.setScript(
      modelScript(
        [{ path: at('f.ts'), action: 'modify', proposed }],
        [{ path: at('f.ts'), line: 30, severity: 'warning', kind: 'inconsistency', message: 'This row disagrees with the others.', relatedPaths: [] }],
      ),
    );
    const review = await run('Flag a row');
    const id = idOf(review, at('f.ts'));

    const proposalUri = vscode.Uri.from({ scheme: 'refactor-review', path: `/${review.reviewId}/proposed/${id}/${at('f.ts')}` });
    const onProposal = vscode.languages.getDiagnostics(proposalUri);
    assert.equal(onProposal.length, 1);
    assert.equal(onProposal[0]?.range.start.line, 29);
    assert.equal(onProposal[0]?.source, 'Refactor Orchestrator');

    // Reject the insertion, accept the flagged change: the finding moves up by the two lines not inserted.
    await send({ type: 'setHunkDecision', id, hunkId: 1, accepted: true });
    await send({ type: 'apply' });
    const onFile = vscode.languages.getDiagnostics(uriOf(at('f.ts')));
    assert.equal(onFile.length, 1);
    const document = await vscode.workspace.openTextDocument(uriOf(at('f.ts')));
    assert.equal(document.lineAt(onFile[0]?.range.start.line ?? -1).text, 'flagged row');

    // Closing the review discards its diagnostics.
    api.controller.reviewPanel?.dispose();
    assert.deepEqual(vscode.languages.getDiagnostics(uriOf(at('f.ts'))), []);
  });

  it('opens a diff whose right side is the read-only proposal', async () => {
    const at = await makeFixture({ 'd.ts': 'left\n' });
    server.setScript(modelScript([{ path: at('d.ts'), action: 'modify', proposed: 'right\n' }]));
    const review = await run('Diff it');
    await send({ type: 'openDiff', id: idOf(review, at('d.ts')) });

    const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
    assert.ok(tab?.input instanceof vscode.TabInputTextDiff, 'a diff editor is active');
    assert.equal(tab.input.modified.scheme, 'refactor-review');
    assert.equal((await vscode.workspace.openTextDocument(tab.input.modified)).getText(), 'right\n');
    assert.equal((await vscode.workspace.openTextDocument(tab.input.original)).getText(), 'left\n');
  });

  it('drops webview messages with unknown ids or unexpected fields', async () => {
    const at = await makeFixture({ 'x.ts': 'x\n' });
    server.setScript(modelScript([{ path: at('x.ts'), action: 'modify', proposed: 'y\n' }]));
    const review = await run('Change x');

    await send({ type: 'setFileDecision', id: 'no-such-change', decision: 'accepted' });
    await send({ type: 'setFileDecision', id: idOf(review, at('x.ts')), decision: 'accepted', path: '.vscode/settings.json' });
    await send({ type: 'apply', paths: [at('x.ts')] });
    assert.deepEqual(review.acceptedFiles(), []);
    assert.equal(await diskText(at('x.ts')), 'x\n');
  });

  it('shows the planner only files that pass the excludes, .gitignore and the secret filter', async () => {
    const config = vscode.workspace.getConfiguration('refactorOrchestrator');
    await config.update('extraExcludes', ['**/vendor/**'], vscode.ConfigurationTarget.Global);
    const at = await makeFixture({
      'keep.ts': 'keep\n',
      '.gitignore': '*.log\n',
      'debug.log': 'ignored by git\n',
      '.env': 'API_KEY=secret\n',
      'vendor/lib.ts': 'excluded by setting\n',
    });
    server.setScript(modelScript([{ path: at('keep.ts'), action: 'modify', proposed: 'kept\n' }]));
    try {
      await run('Look around');
    } finally {
      await config.update('extraExcludes', undefined, vscode.ConfigurationTarget.Global);
    }
    const planRequest = server.requests.find((request) => request.schemaName === 'plan');
    assert.ok(planRequest);
    const seen = planRequest.messages.map((message) => message.content).join('\n');
    assert.ok(seen.includes(at('keep.ts')), 'the planner sees ordinary files');
    assert.ok(!seen.includes(at('debug.log')), '.gitignore applies');
    assert.ok(!seen.includes('API_KEY=secret') && !seen.includes(at('.env')), 'secrets are never sent');
    assert.ok(!seen.includes(at('vendor/lib.ts')), 'extraExcludes applies');
  });
});
