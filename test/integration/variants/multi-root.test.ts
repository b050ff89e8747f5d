// Runs in a window with a multi-root workspace of two copies of the sample folder, "alpha" and
// "beta" (test/host/suiteVariants.mjs), so both roots hold the same relative paths. Paths the models
// see and name carry their folder's name; a plan's change lands in the root it names, and a path that
// names no root is refused rather than guessed.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { recordCase } from '../../unit/robustness/caseTable';
import { diskText, flow, idOf, modelScript, run, send, setUpFakeModelAndSettings, workerFile } from '../support/flowHarness';

describe('A multi-root workspace (alpha + beta)', function () {
  this.timeout(60_000);
  setUpFakeModelAndSettings();

  it('lists both roots, plans root-qualified paths and applies each change to its own root', async () => {
    const [alpha, beta] = vscode.workspace.workspaceFolders ?? [];
    assert.ok(alpha && beta, 'two workspace folders should be open');
    const file = 'src/types.ts';
    await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(beta.uri, file), new TextEncoder().encode('// the beta copy\n'));
    flow.server.setScript(
      modelScript([
        { path: `alpha/${file}`, action: 'modify', proposed: '// ALPHA\n' },
        { path: `beta/${file}`, action: 'modify', proposed: '// BETA\n' },
        { path: 'beta/src/created.ts', action: 'create', proposed: '// created in beta\n' },
        { path: file, action: 'modify', proposed: '// which root?\n' },
      ]),
    );
    const alphaOriginal = await diskText(file, alpha.uri);

    const review = await run('Change types in both roots');
    const planText = flow.server.requests.find((request) => request.schemaName === 'plan')?.messages.map((message) => message.content).join('\n') ?? '';
    const betaWorker = flow.server.requests.find((request) => workerFile(request) === `beta/${file}`);
    const unqualified = review.session.file(idOf(review, file));
    await send({ type: 'setAllDecisions', decision: 'accepted' });
    // One planned file fails by design here; the others are applied with the partial-run confirmation.
    const outcome = await flow.api.controller.applyAccepted({ allowPartial: true });
    const disk = {
      alpha: await diskText(file, alpha.uri),
      beta: await diskText(file, beta.uri),
      createdBeta: await diskText('src/created.ts', beta.uri),
      createdAlpha: await diskText('src/created.ts', alpha.uri),
    };

    recordCase(
      { area: 'Workspace', case: 'Multi-root workspace (two folders, same relative paths)', expected: 'Files of both roots are listed as <folder>/<path>, each change is applied to the root it names, and a path naming no root fails without writing.', suite: 'integration' },
      `summary lists ${['alpha/src/types.ts', 'beta/src/types.ts'].filter((path) => planText.includes(path)).join(' and ') || 'neither root'}; beta's worker saw ${betaWorker && JSON.stringify(betaWorker.messages).includes('the beta copy') ? 'beta’s text' : 'OTHER text'}; unqualified ${file} → ${unqualified?.status} (${unqualified?.error ?? ''}); apply said “${outcome?.message ?? ''}”; alpha ${JSON.stringify(disk.alpha)}, beta ${JSON.stringify(disk.beta)}, created in beta: ${disk.createdBeta !== undefined}, in alpha: ${disk.createdAlpha !== undefined}`,
      () => {
        assert.ok(planText.includes(`alpha/${file}`) && planText.includes(`beta/${file}`));
        assert.ok(betaWorker && JSON.stringify(betaWorker.messages).includes('the beta copy'));
        assert.equal(unqualified?.status, 'failed');
        assert.equal(outcome?.applied.length, 3);
        assert.equal(disk.alpha, '// ALPHA\n');
        assert.equal(disk.beta, '// BETA\n');
        assert.equal(disk.createdBeta, '// created in beta\n');
        assert.equal(disk.createdAlpha, undefined);
        assert.notEqual(alphaOriginal, undefined);
      },
    );
  });
});
