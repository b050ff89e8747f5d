import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createNodeWorkspace } from '../../src/node/nodeWorkspace';
import { PathRejectedError } from '../../src/core/workspace/paths';

/** Writes a tree of files given as { 'relative/path': content }. */
function writeTree(root: string, files: Record<string, string | Buffer>): void {
  for (const [relative, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, relative)), { recursive: true });
    fs.writeFileSync(path.join(root, relative), content);
  }
}

describe('the workspace on disk (CLI)', () => {
  let scratch: string;
  let root: string;
  let outside: string;
  const signal = new AbortController().signal;

  beforeEach(() => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'ro-nodews-'));
    root = path.join(scratch, 'ws');
    outside = path.join(scratch, 'outside');
    writeTree(outside, { 'secret-notes.ts': 'export const leaked = 1;\n' });
    writeTree(root, {
      '.gitignore': 'dist/\n*.log\n!keep.log\n',
      'src/a.ts': 'export const a = 1;\n',
      'src/b.ts': 'export const b = 2;\n',
      'src/debug.log': 'noise',
      'src/keep.log': 'kept by negation',
      'dist/bundle.js': 'built',
      'packages/web/.gitignore': 'generated/\n!important.tmp\n*.tmp\n!trace.log\n',
      'packages/web/trace.log': 'a deeper .gitignore overrides the root one',
      'packages/web/generated/api.ts': 'generated',
      'packages/web/index.ts': 'web',
      'packages/web/scratch.tmp': 'tmp',
      'packages/api/generated/schema.ts': 'not ignored here: the nested rule is local to packages/web',
      'node_modules/lib/index.js': 'dependency',
      '.git/config': '[core]',
      '.vscode/settings.json': '{}',
      'team.code-workspace': '{}',
      '.env': 'API_KEY=hunter2',
      '.env.example': 'API_KEY=',
      'certs/server.pem': '-----BEGIN PRIVATE KEY-----',
      'assets/logo.png': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0]),
      'data/blob.txt': Buffer.from([0x61, 0x00, 0x62]),
      'data/latin1.txt': Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a]),
      'big/huge.ts': 'x'.repeat(5000),
      'bom.ts': '\uFEFFexport const bom = true;\r\n',
    });
    fs.symlinkSync(outside, path.join(root, 'linked-outside'));
    fs.symlinkSync(path.join(root, 'src', 'a.ts'), path.join(root, 'alias.ts'));
  });
  afterEach(() => fs.rmSync(scratch, { recursive: true, force: true }));

  const workspace = (extraExcludes: string[] = []) => createNodeWorkspace(root, { maxFileBytes: 4096, extraExcludes });
  const listedPaths = async (extraExcludes: string[] = []) => (await workspace(extraExcludes).listFiles(signal)).map((f) => f.path);

  it('lists text files with their sizes, sorted', async () => {
    const files = await workspace().listFiles(signal);
    assert.deepEqual(files.find((f) => f.path === 'src/a.ts'), { path: 'src/a.ts', size: 20 });
    assert.deepEqual(files.map((f) => f.path), [...files.map((f) => f.path)].sort());
  });

  it('honours the root .gitignore, including a negation', async () => {
    const paths = await listedPaths();
    assert.ok(!paths.includes('dist/bundle.js'));
    assert.ok(!paths.includes('src/debug.log'));
    assert.ok(paths.includes('src/keep.log'));
  });

  it('honours a nested .gitignore only below its folder, and its negations', async () => {
    const paths = await listedPaths();
    assert.ok(!paths.includes('packages/web/generated/api.ts'));
    assert.ok(!paths.includes('packages/web/scratch.tmp'));
    assert.ok(paths.includes('packages/web/index.ts'));
    assert.ok(paths.includes('packages/api/generated/schema.ts'));
    assert.ok(paths.includes('packages/web/trace.log'), 'the closest .gitignore decides');
  });

  it('applies extraExcludes in gitignore syntax', async () => {
    const paths = await listedPaths(['packages/', '**/b.ts']);
    assert.ok(!paths.some((p) => p.startsWith('packages/')));
    assert.ok(!paths.includes('src/b.ts'));
    assert.ok(paths.includes('src/a.ts'));
  });

  it('never lists .git, node_modules, editor config, secrets, known binaries or oversized files, and says why for the last four', async () => {
    const ws = workspace();
    const paths = (await ws.listFiles(signal)).map((f) => f.path);
    for (const hidden of ['.git/config', 'node_modules/lib/index.js', '.vscode/settings.json', 'team.code-workspace', '.env', 'certs/server.pem', 'assets/logo.png', 'big/huge.ts']) {
      assert.ok(!paths.includes(hidden), hidden);
    }
    assert.ok(paths.includes('.env.example'), 'templates of .env hold no values');
    const reasons = new Map(ws.skipped().map((s) => [s.path, s.reason]));
    assert.match(reasons.get('.env') ?? '', /secret/);
    assert.match(reasons.get('certs/server.pem') ?? '', /secret/);
    assert.match(reasons.get('.vscode') ?? '', /\.vscode/);
    assert.match(reasons.get('assets/logo.png') ?? '', /binary/);
    assert.match(reasons.get('big/huge.ts') ?? '', /larger than 4096 bytes/);
  });

  it('does not follow symbolic links, least of all out of the workspace', async () => {
    const ws = workspace();
    const paths = (await ws.listFiles(signal)).map((f) => f.path);
    assert.ok(!paths.some((p) => p.startsWith('linked-outside')));
    assert.ok(!paths.includes('alias.ts'));
    assert.match(ws.skipped().find((s) => s.path === 'linked-outside')?.reason ?? '', /symbolic link/);
    await assert.rejects(ws.readText('linked-outside/secret-notes.ts'), PathRejectedError);
  });

  it('reads text as UTF-8, keeping the BOM and line endings for textFormat to handle', async () => {
    assert.equal(await workspace().readText('bom.ts'), '\uFEFFexport const bom = true;\r\n');
    assert.equal(await workspace().readText('./src//a.ts'), 'export const a = 1;\n');
  });

  it('returns undefined for a file that does not exist', async () => {
    assert.equal(await workspace().readText('src/missing.ts'), undefined);
    assert.equal(await workspace().readText('src/a.ts/below-a-file.ts'), undefined);
  });

  it('refuses binary, oversized, non-UTF-8 and secret files with a clear error', async () => {
    await assert.rejects(workspace().readText('assets/logo.png'), /assets\/logo\.png is binary; not sent to the model/);
    await assert.rejects(workspace().readText('data/blob.txt'), /data\/blob\.txt is binary/);
    await assert.rejects(workspace().readText('big/huge.ts'), /5000 bytes, over the 4096-byte limit/);
    await assert.rejects(workspace().readText('data/latin1.txt'), /not UTF-8 text/);
    await assert.rejects(workspace().readText('.env'), /secret/);
    await assert.rejects(workspace().readText('../outside/secret-notes.ts'), /leaves the workspace/);
  });

  it('refuses to read an existing file the listing excludes, but lets a new file be planned there', async () => {
    await assert.rejects(workspace().readText('dist/bundle.js'), /excluded/);
    await assert.rejects(workspace().readText('packages/web/generated/api.ts'), /excluded/);
    await assert.rejects(workspace(['src/b.ts']).readText('src/b.ts'), /excluded/);
    await assert.rejects(workspace().readText('node_modules/lib/index.js'), /excluded/);
    assert.equal(await workspace().readText('src/keep.log'), 'kept by negation');
    assert.equal(await workspace().readText('dist/new-file.js'), undefined);
  });

  it('stops listing when cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(workspace().listFiles(controller.signal), /abort/i);
  });
});
