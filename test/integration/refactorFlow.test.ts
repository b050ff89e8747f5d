// The whole VS Code flow in a real extension host: the command runs the engine against the loopback
// fake OpenAI server, the review holds the proposals, apply writes exactly what was accepted in one
// undoable edit, stale files are refused, cancel writes nothing, findings become diagnostics.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ReviewSession } from '../../src/vscode/review/reviewSession';
import { recordCase } from '../unit/robustness/caseTable';
import { diskText, flow, idOf, json, lines, logText, makeFixture, modelScript, planOf, run, send, setUpFakeModelAndSettings, uriOf, waitFor, workerFile } from './support/flowHarness';

describe('Refactor Across Files in the extension host', function () {
  this.timeout(60_000);
  setUpFakeModelAndSettings();

  it('runs the command into a review with one proposal per planned file, writing nothing', async () => {
    const at = await makeFixture({ 'a.ts': 'export const foo = 1;\n', 'b.ts': "import { foo } from './a';\nconsole.log(foo);\n" });
    flow.server.setScript(
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
    assert.ok(flow.api.controller.reviewPanel, 'the review panel opens once there is a plan');
    assert.equal(await diskText(at('a.ts')), 'export const foo = 1;\n');
    assert.equal(await diskText(at('c.ts')), undefined, 'nothing is created before the user accepts it');
  });

  it('applies exactly the accepted files and hunks in one saved edit, and leaves rejected files alone', async () => {
    const original = lines(30, 'line');
    const proposedLines = original.split('\n');
    proposedLines[1] = 'changed 2';
    proposedLines[27] = 'changed 28';
    const at = await makeFixture({ 'big.ts': original, 'rejected.ts': 'keep me\n', 'gone.ts': 'delete me\n' });
    flow.server.setScript(
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

  it('a partial run: the review names the failed file and what applying the rest leaves, and Apply writes only once confirmed', async () => {
    const at = await makeFixture({ 'a.ts': 'export class Foo {}\n', 'b.ts': "import { Foo } from './a';\nnew Foo();\n", 'c.ts': "import { Foo } from './a';\nexport const f = new Foo();\n" });
    const files = [
      { path: at('a.ts'), action: 'modify' as const, proposed: 'export class Bar {}\n' },
      { path: at('b.ts'), action: 'modify' as const, proposed: "import { Bar } from './a';\nnew Bar();\n" },
      { path: at('c.ts'), action: 'modify' as const, proposed: "import { Bar } from './a';\nexport const f = new Bar();\n" },
    ];
    const proposals = modelScript(files);
    flow.server.setScript((request) => {
      if (request.schemaName === 'plan') return json({ ...planOf(files), symbolRenames: [{ from: 'Foo', to: 'Bar' }] });
      // c.ts's worker answers prose, also after the repair round: that planned file fails.
      if (workerFile(request) === at('c.ts')) return { content: 'I renamed Foo to Bar in c.ts.' };
      return proposals(request);
    });
    const review = await run('Rename Foo to Bar');
    const notices: string[] = [];
    const listening = review.onDidChange((change) => {
      if (change.kind === 'notice') notices.push(change.message);
    });
    try {
      await send({ type: 'setAllDecisions', decision: 'accepted' });
      const view = review.sessionView();
      await send({ type: 'apply' });
      const afterFirst = { a: await diskText(at('a.ts')), b: await diskText(at('b.ts')) };
      await send({ type: 'apply', allowPartial: true });
      const afterConfirm = { a: await diskText(at('a.ts')), b: await diskText(at('b.ts')), c: await diskText(at('c.ts')) };
      recordCase(
        { area: 'Model output', case: 'Review of a partial run (1 of 3 planned files failed)', expected: 'The panel names the failed file and says the rename would be left half done, with the compile check’s verdict; Apply without the confirmation writes nothing; “Apply 2 of 3 anyway” writes the other two.', suite: 'integration', fixed: 'Apply asks for confirmation in a partial run (was: applied the rest silently)' },
        `session view: ${JSON.stringify(view.partial ?? null)}; first apply: notice “${notices[0] ?? '(none)'}”, a.ts ${afterFirst.a === 'export class Foo {}\n' ? 'unchanged' : 'WRITTEN'}; confirmed apply: a.ts ${JSON.stringify(afterConfirm.a)}, c.ts ${afterConfirm.c?.includes('Foo') ? 'keeps Foo' : 'CHANGED'}`,
        () => {
          assert.equal(review.session.file(idOf(review, at('c.ts')))?.status, 'failed');
          assert.deepEqual(view.partial?.failed, [at('c.ts')]);
          assert.equal(view.partial?.planned, 3);
          assert.match(view.partial?.summary ?? '', /^1 of 3 planned files failed \(.*c\.ts\): applying the rest leaves the rename of Foo to Bar half done \(compile check: 1 new error in 1 file\)$/);
          assert.equal(view.canApply, true);
          assert.deepEqual(afterFirst, { a: 'export class Foo {}\n', b: "import { Foo } from './a';\nnew Foo();\n" }, 'nothing is written before the confirmation');
          assert.match(notices[0] ?? '', /1 of 3 planned files failed .*Nothing was applied; choose “Apply 2 of 3 anyway”/);
          assert.equal(afterConfirm.a, 'export class Bar {}\n');
          assert.equal(afterConfirm.b, "import { Bar } from './a';\nnew Bar();\n");
          assert.equal(afterConfirm.c, "import { Foo } from './a';\nexport const f = new Foo();\n");
        },
      );
    } finally {
      listening.dispose();
    }
  });

  it('reverts every applied file with one undo', async () => {
    const at = await makeFixture({ 'one.ts': 'one\n', 'two.ts': 'two\n', 'old.ts': 'old\n' });
    flow.server.setScript(
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
    flow.server.setScript(
      modelScript([
        { path: at('mine.ts'), action: 'modify', proposed: 'from the model\n' },
        { path: at('theirs.ts'), action: 'modify', proposed: 'from the model\n' },
      ]),
    );
    const review = await run('Change both');
    await send({ type: 'setAllDecisions', decision: 'accepted' });
    // The user edits one file on disk after the worker read it.
    await vscode.workspace.fs.writeFile(uriOf(at('mine.ts')), new TextEncoder().encode('the user edited this\n'));

    const outcome = await flow.api.controller.applyAccepted();

    assert.ok(outcome);
    const mine = await diskText(at('mine.ts'));
    const theirs = await diskText(at('theirs.ts'));
    recordCase(
      { area: 'Workspace', case: 'File edited on disk between proposal and apply', expected: 'It is refused as stale and keeps the user’s bytes; the other accepted file is applied.', suite: 'integration' },
      `apply said “${outcome.message}”; edited file on disk ${mine === 'the user edited this\n' ? 'kept the user’s text' : `became ${JSON.stringify(mine)}`}; other file ${theirs === 'from the model\n' ? 'written' : 'not written'}`,
      () => {
        assert.deepEqual(outcome.stale, [idOf(review, at('mine.ts'))]);
        assert.deepEqual(outcome.applied, [idOf(review, at('theirs.ts'))]);
        assert.equal(mine, 'the user edited this\n', 'the user’s edit survives');
        assert.equal(theirs, 'from the model\n', 'a one-file apply is saved too');
        assert.equal(outcome.saved, true);
        assert.equal(review.fileView(idOf(review, at('mine.ts')))?.stale, true);
      },
    );
  });

  it('re-runs a stale file from its current text, after which it can be applied', async () => {
    const at = await makeFixture({ 'r.ts': 'first\n' });
    flow.server.setScript(modelScript([{ path: at('r.ts'), action: 'modify', proposed: 'from the model\n' }]));
    const review = await run('Change r');
    const id = idOf(review, at('r.ts'));
    await vscode.workspace.fs.writeFile(uriOf(at('r.ts')), new TextEncoder().encode('edited by the user\n'));
    await send({ type: 'setFileDecision', id, decision: 'accepted' });
    assert.deepEqual((await flow.api.controller.applyAccepted())?.stale, [id]);

    await send({ type: 'rerun', id });

    assert.equal(review.fileView(id)?.stale, false);
    assert.equal(review.session.file(id)?.original, 'edited by the user\n', 'the worker started from the current text');
    await send({ type: 'setFileDecision', id, decision: 'accepted' });
    assert.deepEqual((await flow.api.controller.applyAccepted())?.applied, [id]);
    assert.equal(await diskText(at('r.ts')), 'from the model\n');
  });

  it('leaves applied files unsaved when the user turned refactoring auto-save off', async () => {
    const files = vscode.workspace.getConfiguration('files');
    await files.update('refactoring.autoSave', false, vscode.ConfigurationTarget.Global);
    try {
      const at = await makeFixture({ 'p.ts': 'p\n', 'q.ts': 'q\n' });
      flow.server.setScript(
        modelScript([
          { path: at('p.ts'), action: 'modify', proposed: 'P\n' },
          { path: at('q.ts'), action: 'modify', proposed: 'Q\n' },
        ]),
      );
      await run('Capitalise');
      await send({ type: 'setAllDecisions', decision: 'accepted' });
      const outcome = await flow.api.controller.applyAccepted();

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
    flow.server.setScript(modelScript([{ path: at('edited.ts'), action: 'modify', proposed: 'after\n' }]));
    const review = await run('Change it');
    const id = idOf(review, at('edited.ts'));
    await send({ type: 'setFileDecision', id, decision: 'accepted' });

    const editor = await vscode.window.showTextDocument(uriOf(at('edited.ts')));
    await editor.edit((builder) => builder.insert(new vscode.Position(0, 0), '// user note\n'));
    // Accepting again and applying must still leave the user's unsaved text alone.
    await send({ type: 'setFileDecision', id, decision: 'accepted' });
    const outcome = await flow.api.controller.applyAccepted();
    const buffer = editor.document.getText();
    const disk = await diskText(at('edited.ts'));

    recordCase(
      { area: 'Workspace', case: 'File edited in an editor (unsaved) before apply', expected: 'The proposal turns stale at once, cannot be accepted or applied, and the unsaved text stays.', suite: 'integration' },
      `stale: ${review.isStale(id)}; apply said “${outcome?.message ?? '(nothing)'}”; buffer ${JSON.stringify(buffer)} (dirty: ${editor.document.isDirty}); disk ${JSON.stringify(disk)}`,
      () => {
        assert.equal(review.isStale(id), true);
        assert.deepEqual(review.acceptedFiles(), [], 'a stale file is no longer accepted');
        assert.deepEqual(outcome?.applied, []);
        assert.equal(buffer, '// user note\nbefore\n', 'the unsaved edit is kept');
        assert.ok(editor.document.isDirty);
        assert.equal(disk, 'before\n');
      },
    );
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  it('cancelling a run writes nothing and leaves nothing to apply', async () => {
    const at = await makeFixture({ 'slow.ts': 'slow\n', 'slower.ts': 'slower\n' });
    flow.server.setScript(
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
    await waitFor('the workers to start', () => flow.api.controller.currentReview?.session.stage === 'working');
    flow.api.controller.cancelRun();
    const review = await running;

    assert.ok(review);
    await send({ type: 'setAllDecisions', decision: 'accepted' });
    const outcome = await flow.api.controller.applyAccepted();
    const disk = [await diskText(at('slow.ts')), await diskText(at('slower.ts'))];
    recordCase(
      { area: 'Cancellation', case: 'Extension: cancel while workers run', expected: 'The run ends cancelled, every file cancelled, nothing can be accepted or applied, no file changes.', suite: 'integration' },
      `stage ${review.session.stage}; files ${review.session.files.map((file) => file.status).join(', ')}; accepted ${review.acceptedFiles().length}; apply said “${outcome?.message ?? '(nothing)'}”; disk ${disk[0] === 'slow\n' && disk[1] === 'slower\n' ? 'unchanged' : 'CHANGED'}`,
      () => {
        assert.equal(review.session.stage, 'cancelled');
        assert.ok(review.session.files.every((file) => file.status === 'cancelled'));
        assert.deepEqual(review.acceptedFiles(), []);
        assert.deepEqual(outcome?.applied, []);
        assert.deepEqual(disk, ['slow\n', 'slower\n']);
      },
    );
  });

  it('shows findings as diagnostics on the proposal, then at the right line of the applied file', async () => {
    const original = lines(30, 'row');
    const proposedLines = original.split('\n');
    proposedLines.splice(1, 1, 'inserted a', 'inserted b', 'inserted c'); // first hunk: +2 lines
    proposedLines[29] = 'flagged row'; // second hunk; was "row 28"
    const proposed = proposedLines.join('\n');
    // Plain text, not TypeScript: these rows would not compile, and the compile check would add its own findings.
    const at = await makeFixture({ 'f.txt': original });
    flow.server.setScript(
      modelScript(
        [{ path: at('f.txt'), action: 'modify', proposed }],
        [{ path: at('f.txt'), line: 30, severity: 'warning', kind: 'inconsistency', message: 'This row disagrees with the others.', relatedPaths: [] }],
      ),
    );
    const review = await run('Flag a row');
    const id = idOf(review, at('f.txt'));

    const proposalUri = vscode.Uri.from({ scheme: 'refactor-review', path: `/${review.reviewId}/proposed/${id}/${at('f.txt')}` });
    const onProposal = vscode.languages.getDiagnostics(proposalUri);
    assert.equal(onProposal.length, 1);
    assert.equal(onProposal[0]?.range.start.line, 29);
    assert.equal(onProposal[0]?.source, 'Refactor Orchestrator');

    // Reject the insertion, accept the flagged change: the finding moves up by the two lines not inserted.
    await send({ type: 'setHunkDecision', id, hunkId: 1, accepted: true });
    await send({ type: 'apply' });
    const onFile = vscode.languages.getDiagnostics(uriOf(at('f.txt')));
    assert.equal(onFile.length, 1);
    const document = await vscode.workspace.openTextDocument(uriOf(at('f.txt')));
    assert.equal(document.lineAt(onFile[0]?.range.start.line ?? -1).text, 'flagged row');

    // Closing the review discards its diagnostics.
    flow.api.controller.reviewPanel?.dispose();
    assert.deepEqual(vscode.languages.getDiagnostics(uriOf(at('f.txt'))), []);
  });

  it('opens a diff whose right side is the read-only proposal', async () => {
    const at = await makeFixture({ 'd.ts': 'left\n' });
    flow.server.setScript(modelScript([{ path: at('d.ts'), action: 'modify', proposed: 'right\n' }]));
    const review = await run('Diff it');
    await send({ type: 'openDiff', id: idOf(review, at('d.ts')) });

    const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
    assert.ok(tab?.input instanceof vscode.TabInputTextDiff, 'a diff editor is active');
    assert.equal(tab.input.modified.scheme, 'refactor-review');
    assert.equal((await vscode.workspace.openTextDocument(tab.input.modified)).getText(), 'right\n');
    assert.equal((await vscode.workspace.openTextDocument(tab.input.original)).getText(), 'left\n');
  });

  it('opens every proposal in the multi-file diff editor, which follows a re-run', async () => {
    const at = await makeFixture({ 'm1.txt': 'one\n', 'm2.txt': 'two\n' });
    let version = 1;
    flow.server.setScript((request) => {
      if (request.schemaName === 'plan') return json(planOf([{ path: at('m1.txt'), action: 'modify' }, { path: at('m2.txt'), action: 'modify' }]));
      if (request.schemaName === 'whole_file') return json({ content: `${workerFile(request) === at('m1.txt') ? 'ONE' : 'TWO'} v${version}\n`, summary: 'changed' });
      return json({ findings: [] });
    });
    const review = await run('Shout the words');
    await send({ type: 'openAllDiffs' });
    const title = 'Refactor: Shout the words (proposed)';
    let tab: vscode.Tab | undefined;
    await waitFor('the multi-file diff editor', () => (tab = vscode.window.tabGroups.all.flatMap((group) => group.tabs).find((candidate) => candidate.label.startsWith(title))) !== undefined);
    assert.equal(tab?.label, `${title} (2 files)`, 'VS Code counts the entries in the title');
    // Its entries are the review's documents: a re-run changes what they serve.
    const proposed = vscode.Uri.from({ scheme: 'refactor-review', path: `/${review.reviewId}/proposed/${idOf(review, at('m1.txt'))}/${at('m1.txt')}` });
    assert.equal((await vscode.workspace.openTextDocument(proposed)).getText(), 'ONE v1\n');
    version = 2;
    await send({ type: 'rerun', id: idOf(review, at('m1.txt')) });
    await waitFor('the re-run proposal in the document', async () => (await vscode.workspace.openTextDocument(proposed)).getText() === 'ONE v2\n');
  });

  it('heads the settled review with its synthesis and copies it as the commit message, covering what the user kept', async () => {
    // Plain text, so the compile check has nothing to say about the proposals.
    const at = await makeFixture({ 'k1.txt': 'one\n', 'k2.txt': 'two\n' });
    flow.server.setScript(modelScript([{ path: at('k1.txt'), action: 'modify', proposed: 'ONE\n' }, { path: at('k2.txt'), action: 'modify', proposed: 'TWO\n' }]));
    const review = await run('Shout both words');
    assert.match(review.sessionView().synthesis ?? '', /^Test plan\n\nRequested: Shout both words\n\nChanges:\n- .*k1\.txt: changed\n- .*k2\.txt: changed\n$/);
    await send({ type: 'setFileDecision', id: idOf(review, at('k1.txt')), decision: 'accepted' });
    await send({ type: 'setFileDecision', id: idOf(review, at('k2.txt')), decision: 'rejected' });
    await send({ type: 'copyCommitMessage' });
    const copied = await vscode.env.clipboard.readText();
    assert.equal(copied, `Test plan\n\nRequested: Shout both words\n\nChanges:\n- ${at('k1.txt')}: changed\n\nLeft out in review:\n- ${at('k2.txt')}\n`);
  });

  it('drops webview messages with unknown ids or unexpected fields', async () => {
    const at = await makeFixture({ 'x.ts': 'x\n' });
    flow.server.setScript(modelScript([{ path: at('x.ts'), action: 'modify', proposed: 'y\n' }]));
    const review = await run('Change x');

    const junk: unknown[] = [
      { type: 'setFileDecision', id: 'no-such-change', decision: 'accepted' },
      { type: 'setFileDecision', id: idOf(review, at('x.ts')), decision: 'accepted', path: '.vscode/settings.json' },
      { type: 'apply', paths: [at('x.ts')] },
      { type: 'setAllDecisions', decision: 'yes please' },
      { type: 'writeFile', path: at('x.ts'), content: 'pwned' },
      { type: 'setHunkDecision', id: idOf(review, at('x.ts')), hunkId: -1, accepted: true },
      { type: 'setHunkDecision', id: idOf(review, at('x.ts')), hunkId: 999, accepted: true },
      'apply',
      null,
      [{ type: 'apply' }],
    ];
    for (const message of junk) await send(message);
    const disk = await diskText(at('x.ts'));
    const log = await logText();
    const drops = (log.match(/Review: dropped/g) ?? []).length;
    recordCase(
      { area: 'Webview', case: 'Webview → extension: wrong shape, unknown id, extra field', expected: 'Each message is dropped with a log line; nothing is accepted or written.', suite: 'integration' },
      `${junk.length} bad messages sent, ${drops} “dropped” log lines (e.g. “${/Review: dropped[^\n]*/.exec(log)?.[0] ?? ''}”); accepted ${review.acceptedFiles().length}; file ${disk === 'x\n' ? 'unchanged' : 'CHANGED'}`,
      () => {
        assert.deepEqual(review.acceptedFiles(), []);
        assert.equal(disk, 'x\n');
        // The out-of-range hunk parses (it is a count) and is ignored by the review, not logged.
        assert.ok(drops >= junk.length - 1, `expected a log line per malformed message, saw ${drops}`);
      },
    );
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
    flow.server.setScript(modelScript([{ path: at('keep.ts'), action: 'modify', proposed: 'kept\n' }]));
    try {
      await run('Look around');
    } finally {
      await config.update('extraExcludes', undefined, vscode.ConfigurationTarget.Global);
    }
    const planRequest = flow.server.requests.find((request) => request.schemaName === 'plan');
    assert.ok(planRequest);
    const seen = planRequest.messages.map((message) => message.content).join('\n');
    const everything = flow.server.requests.map((request) => JSON.stringify(request.messages)).join('\n');
    recordCase(
      { area: 'Secrets', case: 'Extension: .env in the workspace is never sent', expected: 'No request to the model carries the secret file’s name or content.', suite: 'integration' },
      `${flow.server.requests.length} requests recorded; secret marker ${everything.includes('API_KEY=secret') ? 'FOUND' : 'absent'}; .env path ${everything.includes(at('.env')) ? 'FOUND' : 'absent'}; ordinary file ${seen.includes(at('keep.ts')) ? 'listed' : 'missing'}`,
      () => {
        assert.ok(seen.includes(at('keep.ts')), 'the planner sees ordinary files');
        assert.ok(!seen.includes(at('debug.log')), '.gitignore applies');
        assert.ok(!everything.includes('API_KEY=secret') && !everything.includes(at('.env')), 'secrets are never sent');
        assert.ok(!seen.includes(at('vendor/lib.ts')), 'extraExcludes applies');
      },
    );
  });
});
