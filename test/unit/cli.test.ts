import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startFakeOpenAIServer, type FakeOpenAIServer, type FakeReply, type RecordedRequest } from '../support/fakeOpenAIServer';
import { recordCase } from './robustness/caseTable';
import { ensureFreshBuild, runCli } from './support/cliRunner';
import { change, json, makeWorkspace, plan, removeWorkspace, snapshot, workerFile } from './support/engineHarness';

const storeTs = 'export class UserStore {}\n';
const appTs = "import { UserStore } from './store';\nexport const s = new UserStore();\n";
const notesMd = 'UserStore notes\n';
const renamed = (text: string) => text.replace(/UserStore/g, 'AccountRepository');

describe('CLI (dist/cli.js)', function () {
  this.timeout(60_000);
  let server: FakeOpenAIServer;
  let root: string;

  before(ensureFreshBuild);
  beforeEach(async () => {
    server = await startFakeOpenAIServer();
    root = await makeWorkspace({ 'src/store.ts': storeTs, 'src/app.ts': appTs, 'notes.md': notesMd });
    server.setScript(script());
  });
  afterEach(async () => {
    await server.close();
    await removeWorkspace(root);
  });

  function script(onVerify?: () => void) {
    const contents: Record<string, string> = { 'src/store.ts': storeTs, 'src/app.ts': appTs, 'notes.md': notesMd };
    return (request: RecordedRequest): FakeReply => {
      if (request.schemaName === 'plan') {
        return json(plan([
          change('c1', 'src/store.ts', 'rename'),
          change('c2', 'src/app.ts', 'rename', { dependsOn: ['c1'] }),
          change('c3', 'notes.md', 'rename', { specialist: 'docs' }),
        ], [{ from: 'UserStore', to: 'AccountRepository' }]));
      }
      if (request.schemaName === 'verifier_report') {
        onVerify?.();
        return json({ findings: [{ path: 'src/app.ts', line: 2, severity: 'info', kind: 'inconsistency', message: 'consider renaming s', relatedPaths: [] }] });
      }
      return json({ content: renamed(contents[workerFile(request) ?? ''] ?? ''), summary: 'renamed' });
    };
  }

  const base = () => ['--workspace', root, '--request', 'Rename UserStore to AccountRepository', '--base-url', server.baseURL, '--timeout-ms', '10000'];

  it('prints help and exits 0', async () => {
    const run = await runCli(['--help']);
    assert.equal(run.code, 0);
    assert.match(run.stdout, /Usage: refactor-orchestrator --workspace DIR --request TEXT/);
    assert.match(run.stdout, /Exit status/);
  });

  for (const [label, args] of [
    ['an unknown flag', ['--workspace', '.', '--request', 'x', '--bogus']],
    ['a missing --workspace', ['--request', 'x', '--base-url', 'http://127.0.0.1:9']],
    ['a missing --request', ['--workspace', '.', '--base-url', 'http://127.0.0.1:9']],
    ['a bad number', ['--workspace', '.', '--request', 'x', '--base-url', 'http://127.0.0.1:9', '--concurrency', 'four']],
    ['a zero concurrency', ['--workspace', '.', '--request', 'x', '--base-url', 'http://127.0.0.1:9', '--concurrency', '0']],
    ['no API key and no base URL', ['--workspace', '.', '--request', 'x']],
    ['--allow-partial without --apply', ['--workspace', '.', '--request', 'x', '--base-url', 'http://127.0.0.1:9', '--allow-partial']],
    ['an unknown --extend-plan mode', ['--workspace', '.', '--request', 'x', '--base-url', 'http://127.0.0.1:9', '--extend-plan', 'ask']],
    ['a bad --check-budget-ms', ['--workspace', '.', '--request', 'x', '--base-url', 'http://127.0.0.1:9', '--check-budget-ms', 'soon']],
  ] as const) {
    it(`exits 2 for ${label}`, async () => {
      const run = await runCli([...args]);
      assert.equal(run.code, 2, run.stderr);
      assert.match(run.stderr, /^refactor-orchestrator: .+\nRun with --help for usage\.\n$/);
      assert.equal(run.stdout, '');
    });
  }

  it('exits 1 with one clear line when the server is unreachable', async () => {
    const url = server.baseURL;
    await server.close();
    const run = await runCli(['--workspace', root, '--request', 'x', '--base-url', url, '--timeout-ms', '5000']);
    server = await startFakeOpenAIServer();
    assert.equal(run.code, 1);
    const last = run.stderr.trim().split('\n').pop() ?? '';
    assert.match(last, /^refactor-orchestrator: \S/);
    assert.doesNotMatch(run.stderr, /\n\s+at /, 'no stack trace');
  });

  it('without --apply prints diffs and findings and writes nothing', async () => {
    const before = await snapshot(root);
    const run = await runCli(base());
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^--- a\/src\/store\.ts\n\+\+\+ b\/src\/store\.ts$/m);
    assert.match(run.stdout, /^\+export class AccountRepository \{\}$/m);
    assert.match(run.stdout, /^src\/app\.ts:2: info inconsistency: consider renaming s$/m);
    assert.match(run.stderr, /\[proposed\] src\/app\.ts/);
    assert.deepEqual(await snapshot(root), before);
  });

  it('--json prints one object with plan, files, findings, usage and timings', async () => {
    const run = await runCli([...base(), '--json']);
    assert.equal(run.code, 0, run.stderr);
    const result = JSON.parse(run.stdout) as {
      plan: { changes: unknown[] };
      files: { path: string; action: string; status: string; diff: string; findings: unknown[]; performedBy?: string }[];
      findings: { path: string; line: number }[];
      usage: Record<string, { requests: number }>;
      timings: { startedAt: number; finishedAt: number };
      synthesis: { subject: string; message: string };
    };
    assert.equal(result.plan.changes.length, 3);
    assert.match(result.synthesis.message, /^.+\n\nRequested: Rename UserStore to AccountRepository\n\nChanges:\n- src\/store\.ts: renamed UserStore → AccountRepository \(language server, 1 place\)\n- src\/app\.ts: renamed UserStore → AccountRepository \(language server, 2 places\)\n- notes\.md: renamed\n\nOpen findings:\n- src\/app\.ts:2 \[info, inconsistency, verifier\]: consider renaming s\n$/);
    assert.deepEqual(result.files.map((f) => [f.path, f.action, f.status]), [['src/store.ts', 'modify', 'proposed'], ['src/app.ts', 'modify', 'proposed'], ['notes.md', 'modify', 'proposed']]);
    assert.match(result.files[0]?.diff ?? '', /\+export class AccountRepository/);
    assert.equal(result.files[1]?.findings.length, 1);
    assert.deepEqual(result.findings.map((f) => [f.path, f.line]), [['src/app.ts', 2]]);
    // The TypeScript language service renamed the code; only the notes needed a model.
    assert.deepEqual(result.files.map((f) => f.performedBy), ['language-server', 'language-server', 'model']);
    assert.equal(result.usage.worker?.requests, 1);
    assert.ok(result.timings.finishedAt >= result.timings.startedAt);
  });

  it('--apply moves a file and updates its importers (TypeScript language service); --patch carries the move for git apply', async () => {
    const movePlan = (request: RecordedRequest): FakeReply =>
      request.schemaName === 'plan' ? json({ ...plan([]), fileMoves: [{ from: 'src/store.ts', to: 'src/data/store.ts' }] }) : json({ findings: [] });
    // The patch first, on a copy in a git repository: the workspace stays as it is.
    server.setScript(movePlan);
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'ro-cli-move-'));
    try {
      const patchFile = path.join(out, 'move.patch');
      const patched = await runCli([...base(), '--patch', patchFile]);
      assert.equal(patched.code, 0, patched.stderr);
      const patch = fs.readFileSync(patchFile, 'utf8');
      assert.match(patch, /^diff --git a\/src\/store\.ts b\/src\/data\/store\.ts\nrename from src\/store\.ts\nrename to src\/data\/store\.ts\n/m);
      const repo = path.join(out, 'repo');
      fs.cpSync(root, repo, { recursive: true });
      execFileSync('git', ['init', '-q'], { cwd: repo });
      execFileSync('git', ['apply', patchFile], { cwd: repo });
      assert.equal(fs.existsSync(path.join(repo, 'src/store.ts')), false);
      assert.equal(fs.readFileSync(path.join(repo, 'src/data/store.ts'), 'utf8'), storeTs);
      assert.equal(fs.readFileSync(path.join(repo, 'src/app.ts'), 'utf8'), appTs.replace("'./store'", "'./data/store'"));
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }

    const run = await runCli([...base(), '--apply', '--json']);
    assert.equal(run.code, 0, run.stderr);
    const result = JSON.parse(run.stdout) as { files: { path: string; action: string; performedBy?: string }[]; applied: string[] };
    assert.deepEqual(result.files.map((f) => [f.path, f.action, f.performedBy]), [['src/data/store.ts', 'move', 'language-server'], ['src/app.ts', 'modify', 'language-server']]);
    assert.deepEqual(result.applied.sort(), ['src/app.ts', 'src/data/store.ts']);
    assert.equal(fs.existsSync(path.join(root, 'src/store.ts')), false, 'the source is gone');
    assert.equal(fs.readFileSync(path.join(root, 'src/data/store.ts'), 'utf8'), storeTs);
    assert.equal(fs.readFileSync(path.join(root, 'src/app.ts'), 'utf8'), appTs.replace("'./store'", "'./data/store'"));
    assert.equal(server.requests.filter((r) => r.schemaName === 'whole_file' || r.schemaName === 'search_replace').length, 0, 'no worker call');
  });

  it('--patch FILE writes the proposals as one patch that git applies cleanly, and no file', async () => {
    const before = await snapshot(root);
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'ro-cli-patch-'));
    try {
      const patchFile = path.join(out, 'rename.patch');
      const run = await runCli([...base(), '--patch', patchFile]);
      assert.equal(run.code, 0, run.stderr);
      assert.deepEqual(await snapshot(root), before, 'the workspace is left as it is');
      assert.match(run.stderr, /\[summary\] .*patch written to .*rename\.patch, no file changed/);
      const patch = fs.readFileSync(patchFile, 'utf8');
      assert.deepEqual([...patch.matchAll(/^\+\+\+ b\/(.+)$/gm)].map((m) => m[1]), ['src/store.ts', 'src/app.ts', 'notes.md']);

      // A git repository of the originals takes the patch and ends with exactly the proposals.
      const repo = path.join(out, 'repo');
      fs.cpSync(root, repo, { recursive: true });
      const git = (...args: string[]) => execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd: repo, stdio: 'pipe' });
      git('init', '-q');
      git('add', '-A');
      git('commit', '-q', '-m', 'originals');
      git('apply', '--check', patchFile);
      git('apply', patchFile);
      assert.equal(fs.readFileSync(path.join(repo, 'src/store.ts'), 'utf8'), renamed(storeTs));
      assert.equal(fs.readFileSync(path.join(repo, 'src/app.ts'), 'utf8'), renamed(appTs));
      assert.equal(fs.readFileSync(path.join(repo, 'notes.md'), 'utf8'), renamed(notesMd));
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });

  it('--patch refuses a target inside .git/ (or with --apply) before asking the model anything', async () => {
    fs.mkdirSync(path.join(root, '.git'));
    const intoGit = await runCli([...base(), '--patch', path.join(root, '.git', 'hooks-pre-commit')]);
    assert.equal(intoGit.code, 2, intoGit.stderr);
    assert.match(intoGit.stderr, /^refactor-orchestrator: --patch: cannot write the patch there: .*\.git/);
    const withApply = await runCli([...base(), '--patch', path.join(os.tmpdir(), 'x.patch'), '--apply']);
    const gitEntries = fs.readdirSync(path.join(root, '.git'));
    recordCase(
      { area: 'Workspace', case: 'CLI --patch aimed into .git/ (a hook path)', expected: 'Usage error (exit 2) before any model request; nothing written into .git/.', suite: 'unit' },
      `exit ${intoGit.code}; ${intoGit.stderr.split('\n')[0]}; ${server.requests.length} model requests; .git/ holds ${gitEntries.length} entries`,
      () => {
        assert.equal(withApply.code, 2);
        assert.match(withApply.stderr, /--patch and --apply exclude each other/);
        assert.equal(server.requests.length, 0, 'no model request was made');
        assert.equal(gitEntries.length, 0);
      },
    );
  });

  it('checks the proposals with the compiler: the verdict in --json and in the human output, the error at its line', async () => {
    // The app.ts worker forgets the import: the compiler, not the (silent) verifier, catches it.
    const contents: Record<string, string> = { 'src/store.ts': storeTs, 'src/app.ts': appTs, 'notes.md': notesMd };
    server.setScript((request) => {
      if (request.schemaName === 'plan') return json(plan([change('c1', 'src/store.ts', 'rename'), change('c2', 'src/app.ts', 'rename', { dependsOn: ['c1'] })]));
      if (request.schemaName === 'verifier_report') return json({ findings: [] });
      const file = workerFile(request) ?? '';
      return json({ content: file === 'src/app.ts' ? renamed(appTs).replace("'./store'", "'./stores'") : renamed(contents[file] ?? ''), summary: 'renamed' });
    });
    const asJson = await runCli([...base(), '--json']);
    assert.equal(asJson.code, 0, asJson.stderr);
    const result = JSON.parse(asJson.stdout) as { findings: { path: string; line: number; kind: string; code?: string }[]; compileCheck: { state: string; verdict: string } };
    assert.deepEqual(result.findings.map((f) => [f.path, f.line, f.kind, f.code]), [['src/app.ts', 1, 'compile-error', 'TS2307']]);
    assert.deepEqual(result.compileCheck && [result.compileCheck.state, result.compileCheck.verdict], ['errors', '1 new error in 1 file']);

    const human = await runCli(base());
    assert.equal(human.code, 0, human.stderr);
    assert.match(human.stdout, /^src\/app\.ts:1: error compile-error: TS2307: Cannot find module '\.\/stores'/m);
    assert.match(human.stdout, /^compile check: 1 new error in 1 file \[TypeScript 5\.\d+\.\d+ \(bundled\), default options: no tsconfig\.json or jsconfig\.json covers the changed files\]$/m);
  });

  it('--apply writes the proposals and refuses a file that changed on disk meanwhile', async () => {
    const userEdit = 'UserStore notes, edited by the user while the run was going\n';
    server.setScript(script(() => fs.writeFileSync(path.join(root, 'notes.md'), userEdit)));
    const run = await runCli([...base(), '--apply']);
    const notes = fs.readFileSync(path.join(root, 'notes.md'), 'utf8');
    recordCase(
      { area: 'Workspace', case: 'CLI --apply: file edited on disk during the run', expected: 'That file is refused and keeps the user’s bytes; the other proposals are written; exit 0.', suite: 'unit' },
      `exit ${run.code}; stderr: ${run.stderr.split('\n').filter((line) => /^\[(refused|applied)\]/.test(line)).join(' / ')}; notes.md ${notes === userEdit ? 'kept the user’s edit' : 'OVERWRITTEN'}`,
      () => {
        assert.equal(run.code, 0, run.stderr);
        assert.equal(fs.readFileSync(path.join(root, 'src/store.ts'), 'utf8'), renamed(storeTs));
        assert.equal(fs.readFileSync(path.join(root, 'src/app.ts'), 'utf8'), renamed(appTs));
        assert.equal(notes, userEdit, 'the user edit survives');
        assert.match(run.stderr, /\[refused\] notes\.md/);
      },
    );
  });

  describe('a partial run (a planned file failed)', () => {
    // notes.md's worker answers prose twice, so that one file fails after its repair round.
    function failingNotes(request: RecordedRequest): FakeReply {
      if (workerFile(request) === 'notes.md') return { content: 'I updated the notes.' };
      return script()(request);
    }

    it('--apply writes nothing and exits 1 with one line naming the failed count and --allow-partial', async () => {
      server.setScript(failingNotes);
      const before = await snapshot(root);
      const run = await runCli([...base(), '--apply']);
      assert.equal(run.code, 1, run.stderr);
      const errors = run.stderr.split('\n').filter((line) => line.startsWith('refactor-orchestrator: '));
      assert.deepEqual(errors, ['refactor-orchestrator: 1 of 3 planned files failed (notes.md): applying the rest leaves the rename of UserStore to AccountRepository half done (compile check: the proposed changes type-check); nothing written (pass --allow-partial to write the other 2 anyway)']);
      assert.ok(run.stderr.trimEnd().endsWith(errors[0] ?? '-'), 'the reason is the last line');
      assert.deepEqual(await snapshot(root), before);
    });

    it("--apply's refusal cites the compile check's verdict: a failed caller leaves the project broken", async () => {
      server.setScript((request) => (workerFile(request) === 'src/app.ts' ? { content: 'I updated the import.' } : script()(request)));
      const before = await snapshot(root);
      // Without the language server, which would rename app.ts exactly and leave no model to fail there.
      const run = await runCli([...base(), '--apply', '--no-language-server']);
      assert.equal(run.code, 1, run.stderr);
      const errors = run.stderr.split('\n').filter((line) => line.startsWith('refactor-orchestrator: '));
      assert.deepEqual(errors, ['refactor-orchestrator: 1 of 3 planned files failed (src/app.ts): applying the rest leaves the rename of UserStore to AccountRepository half done (compile check: 1 new error in 1 file); nothing written (pass --allow-partial to write the other 2 anyway)']);
      assert.deepEqual(await snapshot(root), before);
    });

    it('--apply --allow-partial writes the files that succeeded and leaves the failed one', async () => {
      server.setScript(failingNotes);
      const run = await runCli([...base(), '--apply', '--allow-partial']);
      assert.equal(run.code, 0, run.stderr);
      assert.equal(fs.readFileSync(path.join(root, 'src/store.ts'), 'utf8'), renamed(storeTs));
      assert.equal(fs.readFileSync(path.join(root, 'src/app.ts'), 'utf8'), renamed(appTs));
      assert.equal(fs.readFileSync(path.join(root, 'notes.md'), 'utf8'), notesMd);
      assert.match(run.stderr, /\[warn\] 1 of 3 planned files failed \(notes\.md\)/);
      assert.match(run.stderr, /\[summary\] 2 proposed, 1 failed, .*2 written, 0 refused/);
    });

    it('without --apply still prints the diffs that succeeded and exits 0', async () => {
      server.setScript(failingNotes);
      const run = await runCli(base());
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, /^\+export class AccountRepository \{\}$/m);
      assert.match(run.stderr, /\[failed\] notes\.md: /);
    });
  });
});
