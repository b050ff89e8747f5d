// "Save as patch…" in the real extension host: the accepted files and hunks become one unified diff in
// the file the user picked, and no other file changes; a target the path rules refuse gets nothing.
// The dialog is the one step stood in for here (the end-to-end suite clicks the real button and
// answers the real dialog).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { diskText, flow, idOf, lines, makeFixture, modelScript, run, send, setUpFakeModelAndSettings, uriOf } from './support/flowHarness';

describe('Save as patch in the extension host', function () {
  this.timeout(60_000);
  setUpFakeModelAndSettings();

  it('saves exactly the accepted files and hunks as one patch and writes no other file', async () => {
    const original = lines(30, 'line');
    const proposedLines = original.split('\n');
    proposedLines[1] = 'changed 2';
    proposedLines[27] = 'changed 28';
    const at = await makeFixture({ 'big.ts': original, 'rejected.ts': 'keep me\n' });
    flow.server.setScript(
      modelScript([
        { path: at('big.ts'), action: 'modify', proposed: proposedLines.join('\n') },
        { path: at('rejected.ts'), action: 'modify', proposed: 'overwritten\n' },
        { path: at('new.ts'), action: 'create', proposed: 'created\n' },
      ]),
    );
    const review = await run('Change two lines and add a file');
    const controller = flow.api.controller;
    const target = uriOf(at('accepted.patch'));
    const pick = () => Promise.resolve(target);

    assert.deepEqual(await controller.savePatch(pick), { kind: 'nothing' }, 'nothing accepted yet: no dialog, no file');
    await send({ type: 'setHunkDecision', id: idOf(review, at('big.ts')), hunkId: 1, accepted: true });
    await send({ type: 'setFileDecision', id: idOf(review, at('rejected.ts')), decision: 'rejected' });
    await send({ type: 'setFileDecision', id: idOf(review, at('new.ts')), decision: 'accepted' });

    const outcome = await controller.savePatch(pick);
    assert.equal(outcome?.kind, 'saved');
    const patch = await diskText(at('accepted.patch'));
    assert.ok(patch, 'the patch file is written');
    assert.match(patch, new RegExp(`^--- a/${at('big.ts')}\\n\\+\\+\\+ b/${at('big.ts')}$`, 'm'));
    assert.match(patch, /^\+changed 28$/m);
    assert.doesNotMatch(patch, /changed 2$/m, 'the hunk left unaccepted is not in the patch');
    assert.doesNotMatch(patch, /rejected\.ts|overwritten/, 'the rejected file is not in the patch');
    assert.match(patch, new RegExp(`^--- /dev/null\\n\\+\\+\\+ b/${at('new.ts')}\\n@@ -0,0 \\+1(,1)? @@\\n\\+created$`, 'm'));
    assert.equal(await diskText(at('big.ts')), original, 'no workspace file changes');
    assert.equal(await diskText(at('new.ts')), undefined);
    assert.equal(review.sessionView().canApply, true, 'the accepted changes are still there to apply');
  });

  it('refuses a target in .vscode/ or over a file the patch changes, and writes nothing there', async () => {
    const at = await makeFixture({ 'a.ts': 'one\n' });
    flow.server.setScript(modelScript([{ path: at('a.ts'), action: 'modify', proposed: 'two\n' }]));
    const review = await run('Change a.ts');
    await send({ type: 'setFileDecision', id: idOf(review, at('a.ts')), decision: 'accepted' });
    const intoVscode = vscode.Uri.joinPath(flow.root, '.vscode', 'evil.patch');
    const refused = await flow.api.controller.savePatch(() => Promise.resolve(intoVscode));
    assert.equal(refused?.kind, 'refused');
    await assert.rejects(Promise.resolve(vscode.workspace.fs.stat(intoVscode)), 'nothing is written into .vscode/');
    const overItself = await flow.api.controller.savePatch(() => Promise.resolve(uriOf(at('a.ts'))));
    assert.equal(overItself?.kind, 'refused');
    assert.equal(await diskText(at('a.ts')), 'one\n');
  });
});
