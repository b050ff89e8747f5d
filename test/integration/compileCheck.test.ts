// The compile check in a real extension host: a weak model's workers miss a caller, the compiler (not
// the silent verifier) catches it before anything is written, the review offers the broken file with
// its reason (extendPlan: ask), "Add to refactor" runs a worker for it, and apply writes it.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { FakeReply, RecordedRequest } from '../support/fakeOpenAIServer';
import { renamePrice, shop } from '../unit/support/shopFixture';
import { diskText, flow, json, logText, makeFixture, run, send, setUpFakeModelAndSettings, uriOf, workerFile } from './support/flowHarness';

describe('Compile check in the extension host', function () {
  this.timeout(90_000);
  setUpFakeModelAndSettings();

  it('catches a caller the plan missed, offers it, and Add to refactor brings it into the applied edit', async () => {
    const at = await makeFixture(shop);
    const prefix = at('');
    flow.server.setScript((request: RecordedRequest): FakeReply => {
      if (request.schemaName === 'plan') {
        return json({
          summary: 'Rename formatPrice',
          changes: [
            { id: 'c1', path: at('src/price.ts'), action: 'modify', description: 'Rename formatPrice to formatAmount.', specialist: 'rename', dependsOn: [] },
            { id: 'c2', path: at('src/cart.ts'), action: 'modify', description: 'Use formatAmount.', specialist: 'rename', dependsOn: ['c1'] },
          ],
          symbolRenames: [],
        });
      }
      if (request.schemaName === 'verifier_report') return json({ findings: [] });
      const file = (workerFile(request) ?? '').slice(prefix.length);
      return json({ content: renamePrice(shop[file] ?? ''), summary: 'renamed' });
    });

    const review = await run('Rename formatPrice to formatAmount');
    assert.equal(review.session.stage, 'done', review.session.error);
    assert.equal(review.session.compileCheck?.verdict, '1 new error in 1 file');
    const receipt = at('src/receipt.ts');
    const finding = review.session.findings.find((f) => f.kind === 'compile-error');
    assert.deepEqual(finding && [finding.path, finding.line, finding.code], [receipt, 1, 'TS2305']);
    const onDisk = vscode.languages.getDiagnostics(uriOf(receipt));
    assert.equal(onDisk.length, 1, 'the error of the file outside the plan is shown on that file');
    assert.equal(onDisk[0]?.range.start.line, 0);
    assert.deepEqual(review.sessionView().suggestions?.map((s) => s.path), [receipt]);
    assert.equal(review.sessionView().compileCheck?.state, 'errors');

    await send({ type: 'addSuggestion', id: 's1' });
    const added = review.session.files.find((file) => file.path === receipt);
    assert.equal(added?.status, 'proposed', `files: ${review.session.files.map((f) => `${f.path} ${f.status}`).join(', ')}; running: ${review.running}; log: ${(await logText()).split('\n').slice(-6).join(' | ')}`);
    assert.equal(review.session.compileCheck?.verdict, 'the proposed changes type-check');
    assert.deepEqual(review.sessionView().suggestions, []);

    await send({ type: 'setAllDecisions', decision: 'accepted' });
    await send({ type: 'apply' });
    assert.equal(await diskText(receipt), renamePrice(shop['src/receipt.ts'] ?? ''));
    assert.equal(await diskText(at('src/price.ts')), renamePrice(shop['src/price.ts'] ?? ''));
  });
});
