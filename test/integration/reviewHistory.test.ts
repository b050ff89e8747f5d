// History in the real extension host: a settled review is saved to the workspace storage with its
// decisions, survives a second run replacing it, and reopens through the controller with its plan and
// decisions; a file edited on disk after the review was saved is refused as stale at apply while the
// other accepted file is written. (The quick pick is the one step stood in for: `reopenFromHistory`
// is what the picked item calls.)
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { diskText, flow, idOf, makeFixture, modelScript, run, send, setUpFakeModelAndSettings, uriOf } from './support/flowHarness';

describe('Review history in the extension host', function () {
  this.timeout(60_000);
  setUpFakeModelAndSettings();

  it('reopens an earlier review with its plan and decisions, and refuses a file edited since as stale', async () => {
    const at = await makeFixture({ 'a.ts': 'a original\n', 'b.ts': 'b original\n', 'c.ts': 'c original\n', 'd.ts': 'd original\n' });
    flow.server.setScript(
      modelScript([
        { path: at('a.ts'), action: 'modify', proposed: 'a from the model\n' },
        { path: at('b.ts'), action: 'modify', proposed: 'b from the model\n' },
        { path: at('c.ts'), action: 'modify', proposed: 'c from the model\n' },
      ]),
    );
    const first = await run('History: change a, b and c');
    const controller = flow.api.controller;
    const firstId = controller.currentHistoryId;
    assert.ok(firstId, 'the review has a name in the history');
    await send({ type: 'setFileDecision', id: idOf(first, at('a.ts')), decision: 'accepted' });
    await send({ type: 'setFileDecision', id: idOf(first, at('b.ts')), decision: 'accepted' });
    await send({ type: 'setFileDecision', id: idOf(first, at('c.ts')), decision: 'rejected' });

    // A second run replaces the first review; the first stays in the history.
    flow.server.setScript(modelScript([{ path: at('d.ts'), action: 'modify', proposed: 'd from the model\n' }]));
    const second = await run('History: change d');
    assert.notEqual(controller.currentHistoryId, firstId);
    await controller.flushHistory();
    const entries = await controller.historyEntries();
    const saved = entries.find((entry) => entry.id === firstId);
    assert.ok(saved, 'the first review is in the history');
    assert.deepEqual({ request: saved.request, files: saved.files, accepted: saved.accepted, applied: saved.applied }, { request: 'History: change a, b and c', files: 3, accepted: 2, applied: 0 });
    assert.ok(entries.some((entry) => entry.id === controller.currentHistoryId && entry.request === 'History: change d'), 'the second review is saved too');
    assert.ok(entries.findIndex((entry) => entry.id === firstId) > entries.findIndex((entry) => entry.request === 'History: change d'), 'newest first');

    const reopened = await controller.reopenFromHistory(firstId);
    assert.ok(reopened, 'the saved review reopens');
    assert.notEqual(reopened, second);
    assert.equal(controller.currentReview, reopened);
    assert.ok(controller.reviewPanel, 'it opens in the review panel');
    assert.equal(reopened.session.request, 'History: change a, b and c');
    assert.deepEqual(reopened.session.plan?.changes.map((change) => change.path), [at('a.ts'), at('b.ts'), at('c.ts')]);
    assert.deepEqual([at('a.ts'), at('b.ts'), at('c.ts')].map((path) => reopened.decision(idOf(reopened, path))), ['accepted', 'accepted', 'rejected']);
    assert.equal(reopened.session.file(idOf(reopened, at('b.ts')))?.proposed, 'b from the model\n');
    assert.equal(reopened.sessionView().canApply, true);

    // The user edits one of the accepted files on disk after reopening.
    await vscode.workspace.fs.writeFile(uriOf(at('a.ts')), new TextEncoder().encode('a edited by the user\n'));
    const outcome = await controller.applyAccepted();
    assert.ok(outcome);
    assert.deepEqual(outcome.stale, [idOf(reopened, at('a.ts'))], 'the edited file is refused as stale');
    assert.deepEqual(outcome.applied, [idOf(reopened, at('b.ts'))]);
    assert.equal(await diskText(at('a.ts')), 'a edited by the user\n', 'the user’s edit survives');
    assert.equal(await diskText(at('b.ts')), 'b from the model\n');
    assert.equal(await diskText(at('c.ts')), 'c original\n', 'the rejected file is left alone');
    assert.equal(await diskText(at('d.ts')), 'd original\n', 'the replaced review wrote nothing');

    // What was applied is saved with the review: reopened again (from the second), b is applied and a is stale.
    const secondId = entries.find((entry) => entry.request === 'History: change d')?.id;
    assert.ok(secondId);
    assert.equal((await controller.reopenFromHistory(secondId))?.session.request, 'History: change d');
    const again = await controller.reopenFromHistory(firstId);
    assert.ok(again);
    assert.equal(again.isApplied(idOf(again, at('b.ts'))), true);
    assert.equal(again.isStale(idOf(again, at('a.ts'))), true, 'the file edited since the save is stale on reopen');
    assert.equal(again.sessionView().canApply, false);
  });
});
