// The workspace changing under a CLI run, and workspaces the CLI must handle: files deleted or created
// while the run was going (--apply), binary and oversized files, a read-only file, a --workspace that
// does not exist. Runs the shipped bundle against the fake server; each case is recorded in the
// robustness ledger with what the CLI printed and what is on disk afterwards.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startFakeOpenAIServer, type FakeOpenAIServer, type ReplyScript } from '../../support/fakeOpenAIServer';
import { ensureFreshBuild, runCli } from '../support/cliRunner';
import { change, json, makeWorkspace, noFindings, plan, removeWorkspace, snapshot, workerFile } from '../support/engineHarness';
import { recordCase } from './caseTable';

/** Plans `changes`; every worker appends a line; `onVerify` runs when the verifier is asked (after every proposal). */
function scriptFor(changes: ReturnType<typeof change>[], onVerify: () => void = () => undefined): ReplyScript {
  return (request) => {
    if (request.schemaName === 'plan') return json(plan(changes));
    if (request.schemaName === 'verifier_report') {
      onVerify();
      return noFindings;
    }
    return json({ content: `// proposed for ${workerFile(request) ?? '?'}\n`, summary: 'changed' });
  };
}

const lines = (stderr: string, tag: string): string[] => stderr.split('\n').filter((line) => line.startsWith(`[${tag}]`));

describe('Workspace robustness (CLI)', function () {
  this.timeout(60_000);
  let server: FakeOpenAIServer;
  let root: string;
  const at = (file: string) => path.join(root, file);
  const args = (...extra: string[]) => ['--workspace', root, '--request', 'Change the files', '--base-url', server.baseURL, '--timeout-ms', '10000', ...extra];

  before(ensureFreshBuild);
  beforeEach(async () => {
    server = await startFakeOpenAIServer();
  });
  afterEach(async () => {
    await server.close();
    if (root) {
      for (const file of ['locked.ts']) if (fs.existsSync(at(file))) fs.chmodSync(at(file), 0o644);
      await removeWorkspace(root);
    }
  });

  it('--apply refuses files deleted or created meanwhile, naming why, and writes the rest', async () => {
    root = await makeWorkspace({ 'gone.ts': 'gone\n', 'del.ts': 'delete me\n', 'ok.ts': 'ok\n' });
    server.setScript(
      scriptFor([change('c1', 'gone.ts', 'edit'), change('c2', 'del.ts', 'remove', { action: 'delete' }), change('c3', 'new.ts', 'add', { action: 'create' }), change('c4', 'ok.ts', 'edit')], () => {
        fs.rmSync(at('gone.ts'));
        fs.rmSync(at('del.ts'));
        fs.writeFileSync(at('new.ts'), 'made by the user\n');
      }),
    );
    const run = await runCli(args('--apply'));
    const refused = lines(run.stderr, 'refused');
    recordCase(
      { area: 'Workspace', case: 'CLI --apply: planned files deleted / created meanwhile', expected: 'A modify or delete of a deleted file and a create over a new file are refused with the reason; the other change is written.' },
      `exit ${run.code}; ${refused.join(' / ')}; applied ${lines(run.stderr, 'applied').join(', ')}; gone.ts ${fs.existsSync(at('gone.ts')) ? 'RECREATED' : 'still absent'}; new.ts ${JSON.stringify(fs.readFileSync(at('new.ts'), 'utf8'))}`,
      () => {
        assert.equal(run.code, 0, run.stderr);
        assert.equal(refused.length, 3);
        assert.ok(refused.some((line) => /gone\.ts: it was deleted on disk since it was read/.test(line)));
        assert.ok(refused.some((line) => /del\.ts: it was deleted/.test(line)));
        assert.ok(refused.some((line) => /new\.ts: it was created on disk since the plan was made/.test(line)));
        assert.equal(fs.existsSync(at('gone.ts')), false);
        assert.equal(fs.readFileSync(at('new.ts'), 'utf8'), 'made by the user\n');
        assert.equal(fs.readFileSync(at('ok.ts'), 'utf8'), '// proposed for ok.ts\n');
      },
    );
  });

  it('--apply refuses a read-only file with its reason, leaves it byte-identical and writes the rest', async () => {
    root = await makeWorkspace({ 'locked.ts': 'locked\n', 'open.ts': 'open\n' });
    fs.chmodSync(at('locked.ts'), 0o444);
    server.setScript(scriptFor([change('c1', 'locked.ts', 'edit'), change('c2', 'open.ts', 'edit')]));
    const run = await runCli(args('--apply'));
    const locked = fs.readFileSync(at('locked.ts'), 'utf8');
    recordCase(
      { area: 'Workspace', case: 'CLI --apply: read-only file (chmod 444)', expected: 'That file is refused as read-only and keeps its bytes and mode; the other file is written; exit 0.' },
      `exit ${run.code}; ${lines(run.stderr, 'refused').join(' / ')}; locked.ts ${locked === 'locked\n' ? 'unchanged' : 'CHANGED'} (mode ${(fs.statSync(at('locked.ts')).mode & 0o777).toString(8)}); open.ts ${JSON.stringify(fs.readFileSync(at('open.ts'), 'utf8'))}`,
      () => {
        assert.equal(run.code, 0, run.stderr);
        assert.match(run.stderr, /\[refused\] locked\.ts: the file is read-only/);
        assert.equal(locked, 'locked\n');
        assert.equal(fs.statSync(at('locked.ts')).mode & 0o777, 0o444);
        assert.equal(fs.readFileSync(at('open.ts'), 'utf8'), '// proposed for open.ts\n');
      },
    );
  });

  it('leaves binary and oversized files out of the planner’s view and fails a plan naming them clearly', async () => {
    root = await makeWorkspace({ 'logo.png': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 1]), 'blob.txt': Buffer.from([0x61, 0, 0x62, 0x0a]), 'huge.txt': `${'y'.repeat(1024 * 1024 + 10)}\n`, 'small.ts': 'small\n' });
    const before = await snapshot(root);
    server.setScript(scriptFor([change('c1', 'blob.txt', 'edit'), change('c2', 'huge.txt', 'edit'), change('c3', 'small.ts', 'edit')]));
    const run = await runCli(args());
    const planText = JSON.stringify(server.requests.find((request) => request.schemaName === 'plan')?.messages ?? []);
    const everything = JSON.stringify(server.requests.map((request) => request.messages));
    const failed = lines(run.stderr, 'failed');
    recordCase(
      { area: 'Workspace', case: 'CLI: binary and oversized files', expected: 'Binary-named and oversized files are not in the planner’s summary (binary-by-content ones by name only), their bytes are never sent, and a plan naming them fails those files with the reason.' },
      `summary lists ${['logo.png', 'blob.txt', 'huge.txt'].filter((name) => planText.includes(name)).join(', ') || 'none of them'}; ${failed.join(' / ')}; exit ${run.code}; files ${JSON.stringify([...(await snapshot(root))]) === JSON.stringify([...before]) ? 'unchanged' : 'CHANGED'}`,
      () => {
        assert.equal(run.code, 0, run.stderr);
        // Content is only sniffed when a file is read, so a binary file with a text name is listed by name.
        assert.ok(!planText.includes('logo.png') && !planText.includes('huge.txt'));
        assert.ok(!everything.includes('yyyyyyyyyyyyyyyy') && !everything.includes('\\u0000'), 'no binary or oversized content is sent');
        assert.ok(failed.some((line) => /^\[failed\] blob\.txt: .*binary/.test(line)), failed.join('\n'));
        assert.ok(failed.some((line) => /^\[failed\] huge\.txt: .*over the \d+-byte limit/.test(line)), failed.join('\n'));
        assert.match(run.stderr, /\[proposed\] small\.ts/);
      },
    );
  });

  it('names the files it left out of the summary, with the reason, on stderr', async () => {
    root = await makeWorkspace({ 'logo.png': Buffer.from([0x89, 0, 1]), 'huge.ts': 'x'.repeat(1024 * 1024 + 10), '.env': 'TOKEN=1\n', 'small.ts': 'small\n' });
    server.setScript(scriptFor([change('c1', 'small.ts', 'edit')]));
    const run = await runCli(args());
    const skipped = lines(run.stderr, 'skipped');
    recordCase(
      { area: 'Workspace', case: 'CLI says which files it left out of the summary', expected: 'Binary, oversized and secret files left out of what the planner sees are named on stderr with the reason, as the extension logs them.', fixed: 'the CLI prints “[skipped] path: reason” when planning starts' },
      `exit ${run.code}; ${skipped.length} [skipped] lines: ${skipped.join('; ')}`,
      () => {
        assert.equal(run.code, 0, run.stderr);
        assert.ok(skipped.some((line) => /^\[skipped\] logo\.png: .*binary/.test(line)), run.stderr);
        assert.ok(skipped.some((line) => /^\[skipped\] huge\.ts: larger than/.test(line)), run.stderr);
        assert.ok(!skipped.some((line) => line.includes('small.ts')));
      },
    );
  });

  it('exits 2 with one clear line for a --workspace that does not exist', async () => {
    root = await makeWorkspace({});
    const missing = at('no/such/folder');
    const run = await runCli(['--workspace', missing, '--request', 'x', '--base-url', server.baseURL]);
    recordCase(
      { area: 'Workspace', case: 'CLI: --workspace that does not exist', expected: 'Exit 2 (usage) with one line naming the folder; nothing is asked of the model.' },
      `exit ${run.code}; stderr “${run.stderr.trim().split('\n')[0] ?? ''}”; requests ${server.requests.length}`,
      () => {
        assert.equal(run.code, 2);
        assert.match(run.stderr, new RegExp(`--workspace ${missing.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not a folder`));
        assert.equal(server.requests.length, 0);
      },
    );
  });
});
