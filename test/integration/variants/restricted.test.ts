// Runs in the sample folder opened in Restricted Mode (test/host/suiteVariants.mjs): the extension
// declares limited support for untrusted workspaces, so it activates, but its command must refuse to
// send this workspace's code anywhere or write to it, and say why.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ReviewSession } from '../../../src/vscode/review/reviewSession';
import { recordCase } from '../../unit/robustness/caseTable';
import { flow, logText, setUpFakeModelAndSettings, waitFor } from '../support/flowHarness';

describe('A workspace in Restricted Mode', function () {
  this.timeout(60_000);
  setUpFakeModelAndSettings();

  it('explains Restricted Mode, and reads, asks and writes nothing', async () => {
    assert.equal(vscode.workspace.isTrusted, false, 'this window should be restricted');
    const review = await vscode.commands.executeCommand<ReviewSession | undefined>('refactorOrchestrator.refactorAcrossFiles', { request: 'Rename UserStore to AccountRepository' });
    let log = '';
    await waitFor('the reason in the log', async () => /Restricted Mode/.test((log = await logText())));
    const line = /[^\n]*Restricted Mode[^\n]*/.exec(log)?.[0] ?? '';
    recordCase(
      { area: 'Workspace', case: 'Workspace in Restricted Mode (untrusted)', expected: 'The command explains that it does not run in Restricted Mode, starts no run and sends nothing.', suite: 'integration', fixed: 'the command waited until its warning was dismissed' },
      `command returned ${review === undefined ? 'nothing' : 'a review'}; log: “${line.replace(/^.*?\] /, '').trim()}”; requests to the model: ${flow.server.requests.length}`,
      () => {
        assert.equal(review, undefined);
        assert.match(line, /does not run in Restricted Mode/);
        assert.equal(flow.server.requests.length, 0);
        assert.equal(flow.api.controller.currentReview, undefined);
      },
    );
  });
});
