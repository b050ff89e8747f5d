// Runs in a window with no folder open (test/host/suiteVariants.mjs): the command cannot work on a
// workspace that is not there, and must say so rather than fail somewhere inside a run.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ReviewSession } from '../../../src/vscode/review/reviewSession';
import { recordCase } from '../../unit/robustness/caseTable';
import { flow, logText, setUpFakeModelAndSettings, waitFor } from '../support/flowHarness';

describe('A window with no folder open', function () {
  this.timeout(60_000);
  setUpFakeModelAndSettings({ requireFolder: false });

  it('explains that a folder is needed, and asks the model nothing', async () => {
    assert.equal(vscode.workspace.workspaceFolders, undefined, 'this window should have no folder');
    const review = await vscode.commands.executeCommand<ReviewSession | undefined>('refactorOrchestrator.refactorAcrossFiles', { request: 'Rename anything' });
    let log = '';
    await waitFor('the reason in the log', async () => /folder/i.test((log = await logText())));
    const line = /[^\n]*Open a folder[^\n]*/.exec(log)?.[0] ?? log.split('\n').filter(Boolean).pop() ?? '';
    recordCase(
      { area: 'Workspace', case: 'Window with no folder open', expected: 'The command says a folder must be opened first, starts no run and sends nothing.', suite: 'integration' },
      `command returned ${review === undefined ? 'nothing' : 'a review'}; log: “${line.trim()}”; requests to the model: ${flow.server.requests.length}`,
      () => {
        assert.equal(review, undefined);
        assert.match(line, /Open a folder first/);
        assert.equal(flow.server.requests.length, 0);
        assert.equal(flow.api.controller.currentReview, undefined);
      },
    );
  });
});
