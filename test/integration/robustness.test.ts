// Issue 6's robustness cases on the VS Code side, each recorded in the robustness ledger
// (test/unit/robustness/caseTable.ts) with what the extension host actually did: files that change
// under a review (deleted, appeared, read-only), files the models must not see (binary, too large),
// cancelling at each stage of a run, and the API key kept out of the log even when the server echoes it.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ReviewSession } from '../../src/vscode/review/reviewSession';
import type { RecordedRequest } from '../support/fakeOpenAIServer';
import { holdFirst } from '../support/heldRequest';
import { recordCase } from '../unit/robustness/caseTable';
import { diskText, flow, idOf, logText, makeFixture, modelScript, run, send, setUpFakeModelAndSettings, uriOf, waitFor, workerFile, type PlannedFile } from './support/flowHarness';

const integration = 'integration' as const;

/** Starts the command without awaiting it, for cases that act while it runs. */
function start(request: string): Thenable<ReviewSession | undefined> {
  return vscode.commands.executeCommand<ReviewSession | undefined>('refactorOrchestrator.refactorAcrossFiles', { request });
}

describe('Robustness in the extension host', function () {
  this.timeout(60_000);
  setUpFakeModelAndSettings();

  describe('Workspace', () => {
    it('refuses a modify and a delete whose files were deleted meanwhile, and applies the rest', async () => {
      const at = await makeFixture({ 'gone.ts': 'gone\n', 'delete-me.ts': 'old\n', 'fine.ts': 'fine\n' });
      flow.server.setScript(
        modelScript([
          { path: at('gone.ts'), action: 'modify', proposed: 'GONE\n' },
          { path: at('delete-me.ts'), action: 'delete' },
          { path: at('fine.ts'), action: 'modify', proposed: 'FINE\n' },
        ]),
      );
      const review = await run('Change three');
      await send({ type: 'setAllDecisions', decision: 'accepted' });
      await vscode.workspace.fs.delete(uriOf(at('gone.ts')));
      await vscode.workspace.fs.delete(uriOf(at('delete-me.ts')));

      const outcome = await flow.api.controller.applyAccepted();
      const disk = { gone: await diskText(at('gone.ts')), deleted: await diskText(at('delete-me.ts')), fine: await diskText(at('fine.ts')) };
      recordCase(
        { area: 'Workspace', case: 'Planned file deleted meanwhile (modify and delete)', expected: 'Both are refused with a message naming them as deleted; the other accepted file is applied.', suite: integration, fixed: 'the message said “changed since read, re-run” for deleted files' },
        `apply said “${outcome?.message ?? '(nothing)'}”; deleted files ${disk.gone === undefined && disk.deleted === undefined ? 'still absent (not recreated)' : 'RECREATED'}; other file ${JSON.stringify(disk.fine)}`,
        () => {
          assert.ok(outcome);
          assert.deepEqual([...outcome.stale].sort(), [idOf(review, at('gone.ts')), idOf(review, at('delete-me.ts'))].sort());
          assert.deepEqual(outcome.applied, [idOf(review, at('fine.ts'))]);
          assert.equal(disk.gone, undefined, 'a modify never recreates a deleted file');
          assert.equal(disk.fine, 'FINE\n');
          assert.match(outcome.message, /deleted since it was read/);
          assert.ok(outcome.message.includes(at('gone.ts')) && outcome.message.includes(at('delete-me.ts')));
        },
      );
    });

    it('refuses a create whose target appeared meanwhile', async () => {
      const at = await makeFixture({ 'keep.ts': 'keep\n' });
      flow.server.setScript(modelScript([{ path: at('new.ts'), action: 'create', proposed: 'from the model\n' }]));
      const review = await run('Create a file');
      await send({ type: 'setAllDecisions', decision: 'accepted' });
      await vscode.workspace.fs.writeFile(uriOf(at('new.ts')), new TextEncoder().encode('the user made this\n'));

      const outcome = await flow.api.controller.applyAccepted();
      const disk = await diskText(at('new.ts'));
      recordCase(
        { area: 'Workspace', case: 'Create whose target appeared meanwhile', expected: 'The create is refused and the file the user made keeps its bytes.', suite: integration, fixed: 'the message said “changed since read” for a file that appeared' },
        `apply said “${outcome?.message ?? '(nothing)'}”; file on disk ${JSON.stringify(disk)}`,
        () => {
          assert.deepEqual(outcome?.stale, [idOf(review, at('new.ts'))]);
          assert.deepEqual(outcome?.applied, []);
          assert.equal(disk, 'the user made this\n');
          assert.match(outcome?.message ?? '', /appeared since/);
        },
      );
    });

    it('leaves binary and oversized files out of what the planner sees, says so, and fails a plan naming them clearly', async () => {
      const config = vscode.workspace.getConfiguration('refactorOrchestrator');
      await config.update('maxFileBytes', 4096, vscode.ConfigurationTarget.Global);
      const binary = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0x0d, 0x42, 0x49, 0x4e]);
      const at = await makeFixture({ 'logo.png': binary, 'blob.txt': new Uint8Array([0x61, 0, 0x62, 0x0a]), 'huge.ts': `// ${'x'.repeat(10_000)}\n`, 'small.ts': 'small\n' });
      const planned: PlannedFile[] = [
        { path: at('blob.txt'), action: 'modify', proposed: 'text now\n' },
        { path: at('huge.ts'), action: 'modify', proposed: 'short now\n' },
        { path: at('small.ts'), action: 'modify', proposed: 'SMALL\n' },
      ];
      flow.server.setScript(modelScript(planned));
      let review: ReviewSession;
      try {
        review = await run('Touch everything');
      } finally {
        await config.update('maxFileBytes', undefined, vscode.ConfigurationTarget.Global);
      }
      const planText = flow.server.requests.find((request) => request.schemaName === 'plan')?.messages.map((message) => message.content).join('\n') ?? '';
      const everything = flow.server.requests.map((request) => JSON.stringify(request.messages)).join('\n');
      let log = '';
      await waitFor('the skipped files in the log', async () => /Skipped .*huge\.ts/.test((log = await logText())));
      const status = (name: string) => review.session.files.find((file) => file.path === at(name));
      recordCase(
        { area: 'Workspace', case: 'Binary and oversized files in the workspace', expected: 'Binary-named and oversized files are left out of the summary with a log line saying why; binary-by-content ones are listed by name only; a plan naming them fails those files with a clear reason.', suite: integration },
        `summary lists ${['logo.png', 'blob.txt', 'huge.ts'].filter((name) => planText.includes(at(name))).join(', ') || 'none of them'}; log: ${(log.match(/Skipped [^\n]*/g) ?? []).filter((line) => line.includes(at(''))).join(' / ')}; planned blob.txt → ${status('blob.txt')?.status} (${status('blob.txt')?.error ?? ''}); huge.ts → ${status('huge.ts')?.status} (${status('huge.ts')?.error ?? ''}); small.ts → ${status('small.ts')?.status}`,
        () => {
          assert.ok(!planText.includes(at('logo.png')) && !planText.includes(at('huge.ts')), 'binary-named and oversized files are not summarised');
          assert.ok(!everything.includes('xxxxxxxxxxxxxxxx'), 'the oversized content is never sent');
          assert.ok(!everything.includes('\\u0000'), 'no binary content is sent');
          assert.match(log, new RegExp(`Skipped ${at('logo.png')}: binary`));
          assert.match(log, new RegExp(`Skipped ${at('huge.ts')}: larger than 4096 bytes`));
          assert.equal(status('blob.txt')?.status, 'failed');
          assert.match(status('blob.txt')?.error ?? '', /binary/);
          assert.equal(status('huge.ts')?.status, 'failed');
          assert.match(status('huge.ts')?.error ?? '', /larger than 4096 bytes/);
          assert.equal(status('small.ts')?.status, 'proposed');
        },
      );
    });

    it('refuses a read-only file with a clear reason, writes it not at all, and applies the others in one edit', async function () {
      const at = await makeFixture({ 'locked.ts': 'locked\n', 'open.ts': 'open\n' });
      if (flow.root.scheme !== 'file') this.skip();
      flow.server.setScript(
        modelScript([
          { path: at('locked.ts'), action: 'modify', proposed: 'LOCKED\n' },
          { path: at('open.ts'), action: 'modify', proposed: 'OPEN\n' },
        ]),
      );
      const review = await run('Shout');
      await send({ type: 'setAllDecisions', decision: 'accepted' });
      const locked = uriOf(at('locked.ts')).fsPath;
      fs.chmodSync(locked, 0o444);
      let outcome;
      try {
        outcome = await flow.api.controller.applyAccepted();
      } finally {
        fs.chmodSync(locked, 0o644);
      }
      const lockedDocument = vscode.workspace.textDocuments.find((document) => document.uri.fsPath === locked);
      const disk = { locked: await diskText(at('locked.ts')), open: await diskText(at('open.ts')) };
      recordCase(
        { area: 'Workspace', case: 'Read-only file (chmod 444) at apply', expected: 'It is refused with a clear reason, neither its buffer nor its bytes change; the other accepted file is applied and saved.', suite: integration, fixed: 'the read-only file was overwritten (root) or would be left half-applied' },
        `apply said “${outcome?.message ?? '(nothing)'}”; read-only file on disk ${JSON.stringify(disk.locked)}, buffer ${lockedDocument ? JSON.stringify(lockedDocument.getText()) : 'not open'}; other file ${JSON.stringify(disk.open)}`,
        () => {
          assert.deepEqual(outcome?.refused.map((refusal) => refusal.id), [idOf(review, at('locked.ts'))]);
          assert.match(outcome?.refused[0]?.reason ?? '', /read-only/);
          assert.deepEqual(outcome?.applied, [idOf(review, at('open.ts'))]);
          assert.equal(disk.locked, 'locked\n');
          assert.ok(!lockedDocument || lockedDocument.getText() === 'locked\n', 'no half-applied buffer');
          assert.equal(disk.open, 'OPEN\n');
          assert.equal(outcome?.saved, true);
        },
      );
    });
  });

  describe('Cancellation', () => {
    const reviseMe = (path: string) => [{ path, line: 1, severity: 'warning' as const, kind: 'inconsistency' as const, message: 'revise me', relatedPaths: [] }];

    /**
     * Runs `files` with a model that holds the first request `held` picks (it never answers it), cancels
     * once that request has arrived, then tries to accept and apply everything the review offers.
     */
    async function cancelWhen(files: PlannedFile[], held: (request: RecordedRequest, nth: number) => boolean) {
      const counts = new Map<string, number>();
      const hold = holdFirst(modelScript(files, reviseMe(files[0]!.path)), (request) => {
        const key = `${request.schemaName}:${workerFile(request) ?? ''}`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
        return held(request, counts.get(key) ?? 0);
      });
      flow.server.setScript(hold.script);
      const running = start('Cancel me');
      await hold.reached;
      const stageAtCancel = flow.api.controller.currentReview?.session.stage;
      flow.api.controller.cancelRun();
      const review = await running;
      hold.release();
      assert.ok(review);
      if (flow.api.controller.reviewPanel) await send({ type: 'setAllDecisions', decision: 'accepted' });
      const outcome = await flow.api.controller.applyAccepted();
      return { review, stageAtCancel, outcome };
    }

    it('during planning: nothing planned, nothing written, no panel to apply from', async () => {
      const at = await makeFixture({ 'p.ts': 'p\n' });
      const { review, stageAtCancel, outcome } = await cancelWhen([{ path: at('p.ts'), action: 'modify', proposed: 'P\n' }], (request) => request.schemaName === 'plan');
      const disk = await diskText(at('p.ts'));
      recordCase(
        { area: 'Cancellation', case: 'Extension: cancel during planning', expected: 'The run ends cancelled with no plan, no review panel and no file changed.', suite: integration },
        `cancelled at stage ${stageAtCancel}; ended ${review.session.stage}; plan ${review.session.plan ? 'present' : 'none'}; panel ${flow.api.controller.reviewPanel ? 'open' : 'none'}; apply said “${outcome?.message ?? '(nothing)'}”; file ${JSON.stringify(disk)}`,
        () => {
          assert.equal(stageAtCancel, 'planning');
          assert.equal(review.session.stage, 'cancelled');
          assert.equal(review.session.plan, undefined);
          assert.equal(flow.api.controller.reviewPanel, undefined);
          assert.deepEqual(outcome?.applied ?? [], []);
          assert.equal(disk, 'p\n');
        },
      );
    });

    for (const [stage, held] of [
      ['verifying', (request: RecordedRequest) => request.schemaName === 'verifier_report'],
      // The second worker request for the flagged file is its revision.
      ['revising', (request: RecordedRequest, nth: number) => request.schemaName === 'whole_file' && nth === 2],
    ] as const) {
      it(`while ${stage}: the proposals are discarded, nothing can be applied`, async () => {
        const config = vscode.workspace.getConfiguration('refactorOrchestrator');
        await config.update('revisionRounds', 1, vscode.ConfigurationTarget.Global);
        const at = await makeFixture({ 'v.ts': 'v\n', 'w.ts': 'w\n' });
        let result;
        try {
          result = await cancelWhen(
            [
              { path: at('v.ts'), action: 'modify', proposed: 'V\n' },
              { path: at('w.ts'), action: 'modify', proposed: 'W\n' },
            ],
            held,
          );
        } finally {
          await config.update('revisionRounds', 0, vscode.ConfigurationTarget.Global);
        }
        const { review, stageAtCancel, outcome } = result;
        const disk = [await diskText(at('v.ts')), await diskText(at('w.ts'))];
        recordCase(
          { area: 'Cancellation', case: `Extension: cancel while ${stage}`, expected: 'The run ends cancelled; its proposals cannot be accepted or applied; no file changes.', suite: integration, fixed: 'proposals of the cancelled run stayed acceptable and were applied' },
          `cancelled at stage ${stageAtCancel}; ended ${review.session.stage}; files ${review.session.files.map((file) => file.status).join(', ')}; accepted ${review.acceptedFiles().length}; apply said “${outcome?.message ?? '(nothing)'}”; disk ${disk[0] === 'v\n' && disk[1] === 'w\n' ? 'unchanged' : `CHANGED ${JSON.stringify(disk)}`}`,
          () => {
            assert.equal(stageAtCancel, stage);
            assert.equal(review.session.stage, 'cancelled');
            assert.deepEqual(review.acceptedFiles(), []);
            assert.deepEqual(outcome?.applied, []);
            assert.deepEqual(disk, ['v\n', 'w\n']);
          },
        );
      });
    }

    it('after proposals exist, closing the review discards them: nothing is written', async () => {
      const at = await makeFixture({ 'c.ts': 'c\n', 'gone.ts': 'keep me\n' });
      flow.server.setScript(
        modelScript([
          { path: at('c.ts'), action: 'modify', proposed: 'C\n' },
          { path: at('gone.ts'), action: 'delete' },
          { path: at('made.ts'), action: 'create', proposed: 'made\n' },
        ]),
      );
      const review = await run('Change, delete, create');
      await send({ type: 'setAllDecisions', decision: 'accepted' });
      flow.api.controller.cancelRun(); // the run is over: cancel has nothing left to stop
      flow.api.controller.reviewPanel?.dispose();
      const disk = [await diskText(at('c.ts')), await diskText(at('gone.ts')), await diskText(at('made.ts'))];
      recordCase(
        { area: 'Cancellation', case: 'Extension: proposals exist, review closed without applying', expected: 'Nothing is written, deleted or created; the files keep their bytes.', suite: integration },
        `review stage ${review.session.stage}, ${review.acceptedFiles().length} accepted but not applied; after closing: ${JSON.stringify(disk)}`,
        () => assert.deepEqual(disk, ['c\n', 'keep me\n', undefined]),
      );
    });
  });

  describe('Paths named by the model', () => {
    it('refuses a plan naming paths outside or protected, reads none of them and writes nothing', async () => {
      const root = flow.root.fsPath;
      const outsideMarker = `OUTSIDE-${'0ut5id3'.repeat(3)}`;
      const outsideFile = path.join(path.dirname(root), `ro-outside-${process.pid}.ts`);
      fs.writeFileSync(outsideFile, `${outsideMarker}\n`);
      const protectedFiles: Record<string, string> = {
        '.git/config': `[core] GIT-${'M4rk'.repeat(3)}\n`,
        '.vscode/settings.json': `{ "x": "VSC-${'M4rk'.repeat(3)}" }\n`,
        'team.code-workspace': `{ "folders": [], "x": "WS-${'M4rk'.repeat(3)}" }\n`,
        'keys/server.key': `KEY-${'M4rk'.repeat(3)}\n`,
      };
      for (const [name, text] of Object.entries(protectedFiles)) {
        fs.mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
        fs.writeFileSync(path.join(root, name), text);
      }
      const named = [`../${path.basename(outsideFile)}`, outsideFile, '%2e%2e/x.ts', ...Object.keys(protectedFiles), '.env'];
      flow.server.setScript(modelScript(named.map((name) => ({ path: name, action: 'modify' as const, proposed: 'pwned\n' }))));
      const before = new Map([...Object.keys(protectedFiles), '.env'].map((name) => [name, fs.readFileSync(path.join(root, name), 'utf8')]));
      const review = await run('Change the configuration everywhere');
      const everything = flow.server.requests.map((request) => JSON.stringify(request.messages)).join('\n');
      const leaked = [outsideMarker, ...Object.values(protectedFiles).map((text) => text.trim().slice(-16)), 'fake-secret-do-not-send'].filter((m) => everything.includes(m));
      const changed = [...before].filter(([name, text]) => fs.readFileSync(path.join(root, name), 'utf8') !== text).map(([name]) => name);
      const outsideNow = fs.readFileSync(outsideFile, 'utf8');
      fs.rmSync(outsideFile, { force: true });
      for (const name of Object.keys(protectedFiles)) fs.rmSync(path.join(root, name.split('/')[0]!), { recursive: true, force: true });
      const refusals = (review.session.error ?? '').match(/"[^"]+" (is absolute|leaves the workspace|is inside|is a \.code-workspace|looks like a secret)/g) ?? [];
      recordCase(
        { area: 'Paths named by the model', case: 'Extension: plan naming .., absolute, encoded .., .git/, .vscode/, *.code-workspace, keys, .env', expected: 'The plan is refused with a reason per path; none of those files is read for a prompt or written.', suite: integration },
        `run ${review.session.stage}; ${refusals.length} of ${named.length} paths refused by name: ${refusals.join('; ')}; contents sent to the model: ${leaked.length ? leaked.join(', ') : 'none'}; files changed: ${changed.length ? changed.join(', ') : 'none'}, outside file ${outsideNow.includes(outsideMarker) && outsideNow.length === outsideMarker.length + 1 ? 'unchanged' : 'CHANGED'}`,
        () => {
          assert.equal(review.session.stage, 'failed');
          assert.equal(refusals.length, named.length, review.session.error);
          assert.deepEqual(leaked, []);
          assert.deepEqual(changed, []);
          assert.equal(outsideNow, `${outsideMarker}\n`);
        },
      );
    });
  });

  describe('Links into .git/, .vscode/ and secrets', () => {
    const markerOf = (label: string): string => `${label}-${'L1nkM4rk'.repeat(2)}`;

    /** A fixture whose harmless-looking links lead into its own .git/hooks, .vscode/, a secret and .git/config. */
    async function linkedFixture(): Promise<{ at: (name: string) => string; abs: (name: string) => string; markers: string[] }> {
      const markers = [markerOf('HOOK'), markerOf('GITCONFIG'), markerOf('VSCODE'), markerOf('ENV')];
      const at = await makeFixture({
        'src/a.ts': 'export const a = 1;\n',
        '.git/hooks/pre-commit': `#!/bin/sh\n# ${markers[0]}\nexit 0\n`,
        '.git/config': `[core]\n\t# ${markers[1]}\n`,
        '.vscode/settings.json': `{ "note": "${markers[2]}" }\n`,
        'secrets/.env': `TOKEN=${markers[3]}\n`,
      });
      const abs = (name: string): string => path.join(flow.root.fsPath, ...at(name).split('/'));
      fs.chmodSync(abs('.git/hooks/pre-commit'), 0o755);
      fs.symlinkSync('../.git/hooks', abs('src/hooks'));
      fs.symlinkSync('../.vscode', abs('src/editor'));
      fs.symlinkSync('../secrets/.env', abs('src/config.ts'));
      fs.symlinkSync('../.git/config', abs('src/gitconfig.ts'));
      return { at, abs, markers };
    }

    it('refuses plans through links into .git/hooks, .vscode/, a secret and .git/config, and 8.3 short names; none of them is read or written', async () => {
      const { at, abs, markers } = await linkedFixture();
      const planned: PlannedFile[] = [
        { path: at('src/hooks/pre-commit'), action: 'modify', proposed: '#!/bin/sh\necho pwned\n' },
        { path: at('src/hooks/post-checkout'), action: 'create', proposed: '#!/bin/sh\necho pwned\n' },
        { path: at('src/editor/settings.json'), action: 'modify', proposed: '{ "pwned": true }\n' },
        { path: at('src/editor/tasks.json'), action: 'create', proposed: '{ "pwned": true }\n' },
        { path: at('src/config.ts'), action: 'modify', proposed: 'pwned\n' },
        { path: at('src/gitconfig.ts'), action: 'modify', proposed: 'pwned\n' },
        { path: at('GIT~1/hooks/pre-commit'), action: 'create', proposed: 'pwned\n' },
        { path: at('VSCODE~1/settings.json'), action: 'create', proposed: 'pwned\n' },
      ];
      flow.server.setScript(modelScript(planned));
      const protectedFiles = ['.git/hooks/pre-commit', '.git/config', '.vscode/settings.json', 'secrets/.env'];
      const before = new Map(protectedFiles.map((name) => [name, fs.readFileSync(abs(name), 'utf8')]));
      const review = await run(`Tidy up ${at('')}`);
      const everything = flow.server.requests.map((request) => JSON.stringify(request.messages)).join('\n');
      // The first planner request holds the listing; the repair round quotes the refused paths back.
      const plannerPrompt = JSON.stringify(flow.server.requests.find((request) => request.schemaName === 'plan')?.messages ?? []);
      const sent = markers.filter((m) => everything.includes(m));
      const listed = ['src/hooks', 'src/editor', 'src/config.ts', 'src/gitconfig.ts'].filter((name) => plannerPrompt.includes(at(name)));
      const changed = [...before].filter(([name, text]) => fs.readFileSync(abs(name), 'utf8') !== text).map(([name]) => name);
      const created = [fs.existsSync(abs('.git/hooks/post-checkout')), fs.existsSync(abs('.vscode/tasks.json'))].filter(Boolean).length;
      const mode = (fs.statSync(abs('.git/hooks/pre-commit')).mode & 0o777).toString(8);
      const error = review.session.error ?? '';
      const throughLinks = error.match(/resolves through a link to "[^"]+", which (is inside \.git\/|is inside \.vscode\/|looks like a secret)/g) ?? [];
      const shortNames = error.match(/uses a Windows short name/g) ?? [];
      fs.rmSync(abs(''), { recursive: true, force: true });
      recordCase(
        {
          area: 'Paths named by the model',
          case: 'Extension: links src/hooks -> .git/hooks (modify a hook, create one), src/editor -> .vscode (modify, create), file links to .env and .git/config, GIT~1 and VSCODE~1',
          expected: 'Each path is refused in the plan\'s words (where its link leads); the links are not offered to the planner; no protected content in any request; nothing under .git/, .vscode/ or the secret changes.',
          suite: integration,
          fixed: 'only containment in the workspace was checked on the real path, and VS Code\'s search follows links, so the listing offered them too',
        },
        `run ${review.session.stage}; ${throughLinks.length} of 6 refused as leading through a link, ${shortNames.length} of 2 as short names; links listed to the planner: ${listed.join(', ') || 'none'}; protected contents sent: ${sent.length ? sent.join(', ') : 'none'}; changed: ${changed.join(', ') || 'none'}, created under .git/.vscode: ${created}, hook mode ${mode}`,
        () => {
          assert.equal(review.session.stage, 'failed');
          assert.equal(throughLinks.length, 6, error);
          assert.equal(shortNames.length, 2, error);
          assert.deepEqual(listed, []);
          assert.deepEqual(sent, []);
          assert.deepEqual(changed, []);
          assert.equal(created, 0);
          assert.equal(mode, '755');
        },
      );
    });

    it('refuses at apply a folder link into .git/hooks planted after the review was built', async () => {
      const { at, abs } = await linkedFixture();
      flow.server.setScript(modelScript([{ path: at('tools/pre-commit'), action: 'create', proposed: '#!/bin/sh\necho pwned\n' }]));
      const review = await run(`Add a helper script to ${at('')}`);
      await send({ type: 'setAllDecisions', decision: 'accepted' });
      fs.symlinkSync('.git/hooks', abs('tools'));
      const outcome = await flow.api.controller.applyAccepted();
      const hook = fs.readFileSync(abs('.git/hooks/pre-commit'), 'utf8');
      const hooks = fs.readdirSync(abs('.git/hooks'));
      fs.rmSync(abs(''), { recursive: true, force: true });
      recordCase(
        { area: 'Paths named by the model', case: 'Extension: folder link into .git/hooks planted between review and Apply', expected: 'The write is refused at apply with where the link leads; the hooks folder is unchanged.', suite: integration, fixed: 'apply checked only that the link stayed inside the workspace' },
        `review ${review.session.stage}; apply said “${outcome?.message ?? '(nothing)'}”; .git/hooks holds ${hooks.join(', ')}, pre-commit ${hook.includes('pwned') ? 'CHANGED' : 'unchanged'}`,
        () => {
          assert.deepEqual(outcome?.applied ?? [], []);
          assert.match(outcome?.message ?? '', /resolves through a link to "[^"]*\.git\/hooks\/pre-commit", which is inside \.git\//);
          assert.deepEqual(hooks, ['pre-commit']);
          assert.ok(!hook.includes('pwned'));
        },
      );
    });
  });

  describe('Secrets', () => {
    it('never writes the API key to the log, even when the server echoes it in a 401', async () => {
      const key = `sk-test-${'S3cr3t'.repeat(4)}`;
      const previous = process.env.OPENAI_API_KEY;
      process.env.OPENAI_API_KEY = key;
      const at = await makeFixture({ 'k.ts': 'k\n' });
      flow.server.setScript((request) => ({
        status: 401,
        headers: { 'x-should-retry': 'false' },
        body: { error: { message: `Incorrect API key provided: ${request.headers['authorization'] ?? key}. Bearer ${key}`, type: 'invalid_request_error', code: 'invalid_api_key' } },
      }));
      let review: ReviewSession;
      try {
        review = await run(`Touch ${at('k.ts')}`);
      } finally {
        if (previous === undefined) delete process.env.OPENAI_API_KEY;
        else process.env.OPENAI_API_KEY = previous;
      }
      let log = '';
      await waitFor('the failure in the log', async () => (log = await logText()).includes(review.session.error ?? '\0'));
      const sentKey = flow.server.requests.some((request) => (request.headers['authorization'] ?? '').includes(key));
      recordCase(
        { area: 'Secrets', case: 'Extension: 401 echoing the key (OPENAI_API_KEY)', expected: 'The run fails saying the key was rejected; the key appears nowhere in the log channel.', suite: integration, fixed: 'the command hung until the error notification was dismissed' },
        `key sent as Bearer: ${sentKey}; run said “${review.session.error ?? ''}”; key in log: ${log.includes(key) ? 'YES' : 'no'} (${log.length} chars of log read)`,
        () => {
          assert.ok(sentKey, 'the test key was the one used');
          assert.equal(review.session.stage, 'failed');
          assert.match(review.session.error ?? '', /key/i);
          assert.ok(!log.includes(key), 'the key must not reach the log');
          assert.ok(!log.includes('S3cr3tS3cr3t'), 'not even part of it');
        },
      );
    });

    it('never reads or writes a file through a symbolic link that leads out of the workspace', async () => {
      const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'ro-outside-'));
      const secret = `OUTSIDE-${'M4rk3r'.repeat(3)}`;
      fs.writeFileSync(path.join(outside, 'gateway.ts'), `export const PaymentGateway = '${secret}';\n`);
      const at = await makeFixture({ 'small.ts': 'export const PaymentGateway = 1;\n' });
      const inWorkspace = (name: string) => path.join(flow.root.fsPath, ...at(name).split('/'));
      fs.symlinkSync(path.join(outside, 'gateway.ts'), inWorkspace('linked.ts'));
      fs.symlinkSync(outside, inWorkspace('outdir'));
      flow.server.setScript(modelScript([
        { path: at('linked.ts'), action: 'modify', proposed: 'pwned\n' },
        { path: at('outdir/new.ts'), action: 'create', proposed: 'pwned\n' },
        { path: at('small.ts'), action: 'modify', proposed: 'export const PaymentService = 1;\n' },
      ]));
      const review = await run(`Rename \`PaymentGateway\` to \`PaymentService\` in ${at('')}`);
      const sent = flow.server.requests.filter((request) => JSON.stringify(request.messages).includes(secret)).length;
      const outsideNow = fs.readdirSync(outside);
      const outsideText = fs.readFileSync(path.join(outside, 'gateway.ts'), 'utf8');
      fs.rmSync(outside, { recursive: true, force: true });
      recordCase(
        { area: 'Paths named by the model', case: 'Extension: symlinks out of the workspace', expected: 'A file or folder link leading outside is never read for a prompt; a plan naming it is refused with the link as the reason; nothing outside is written.', suite: integration, fixed: 'the extension read files through links (VS Code follows them); reads are now confined like writes' },
        `requests holding the outside file's text: ${sent} of ${flow.server.requests.length}; run ${review.session.stage}: “${review.session.error ?? ''}”; outside folder now holds ${outsideNow.join(', ')}, its file ${outsideText.includes(secret) ? 'unchanged' : 'CHANGED'}`,
        () => {
          assert.equal(sent, 0, 'the outside file must never reach the model');
          assert.equal(review.session.stage, 'failed');
          assert.match(review.session.error ?? '', /symbolic link/);
          assert.deepEqual(outsideNow, ['gateway.ts']);
          assert.ok(outsideText.includes(secret));
        },
      );
    });

    it('refuses a base URL that carries a key, before any request, without logging the key', async () => {
      const key = `sk-url-${'Emb3dd3d'.repeat(3)}`;
      const config = vscode.workspace.getConfiguration('refactorOrchestrator');
      const good = config.get<string>('baseUrl');
      const bad = flow.server.baseURL.replace('http://', `http://user:${key}@`);
      await config.update('baseUrl', bad, vscode.ConfigurationTarget.Global);
      const requestsBefore = flow.server.requests.length;
      let result: unknown;
      try {
        result = await vscode.commands.executeCommand('refactorOrchestrator.refactorAcrossFiles', { request: 'Rename anything' });
      } finally {
        await config.update('baseUrl', good, vscode.ConfigurationTarget.Global);
      }
      let log = '';
      await waitFor('the refusal in the log', async () => /baseUrl: .*contains credentials/.test((log = await logText())));
      const refusal = log.split('\n').find((line) => line.includes('contains credentials')) ?? '';
      recordCase(
        { area: 'Secrets', case: 'Extension: API key inside the baseUrl setting', expected: 'The run is refused before any request, naming the setting; the key is not logged.', suite: integration, fixed: 'the extension now checks refactorOrchestrator.baseUrl as the CLI checks --base-url' },
        `review: ${result === undefined ? 'none' : 'CREATED'}; requests ${flow.server.requests.length - requestsBefore}; log “${refusal.replace(/^.*?\] /, '')}”; key in log: ${log.includes(key) ? 'YES' : 'no'}`,
        () => {
          assert.equal(result, undefined);
          assert.equal(flow.server.requests.length, requestsBefore);
          assert.ok(!log.includes(key) && !log.includes('Emb3dd3dEmb3dd3d'), 'the key must not reach the log');
        },
      );
    });
  });
});

