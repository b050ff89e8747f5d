import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { applyChangesToDisk } from '../../src/node/applyToDisk';

describe('applying proposals to disk (the CLI --apply)', () => {
  let root: string;
  const read = (p: string): string => fs.readFileSync(path.join(root, p), 'utf8');
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'ro-apply-'));
    fs.mkdirSync(path.join(root, 'src'));
    fs.writeFileSync(path.join(root, 'src/a.ts'), 'a1\n');
    fs.writeFileSync(path.join(root, 'src/b.ts'), 'b1\n');
    fs.writeFileSync(path.join(root, 'src/old.ts'), 'old\n');
  });
  afterEach(() => {
    for (const f of ['src/a.ts', 'src/b.ts']) if (fs.existsSync(path.join(root, f))) fs.chmodSync(path.join(root, f), 0o644);
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('writes modifications, creates (with parent folders) and deletes', async () => {
    const outcome = await applyChangesToDisk(root, [
      { path: 'src/a.ts', action: 'modify', original: 'a1\n', proposed: 'a2\n' },
      { path: 'src/deep/new/c.ts', action: 'create', original: null, proposed: 'c\n' },
      { path: 'src/old.ts', action: 'delete', original: 'old\n', proposed: null },
    ]);
    assert.deepEqual(outcome, { applied: ['src/a.ts', 'src/deep/new/c.ts', 'src/old.ts'], refused: [] });
    assert.equal(read('src/a.ts'), 'a2\n');
    assert.equal(read('src/deep/new/c.ts'), 'c\n');
    assert.equal(fs.existsSync(path.join(root, 'src/old.ts')), false);
    assert.deepEqual(fs.readdirSync(path.join(root, 'src')).filter((f) => f.endsWith('.tmp')), [], 'no temp files left');
  });

  it('moves a file (new path written, then the source removed, its mode kept) with the edits of its importers', async () => {
    fs.chmodSync(path.join(root, 'src/old.ts'), 0o640);
    const outcome = await applyChangesToDisk(root, [
      { path: 'lib/moved.ts', movedFrom: 'src/old.ts', action: 'move', original: 'old\n', proposed: 'old, moved\n' },
      { path: 'src/a.ts', action: 'modify', original: 'a1\n', proposed: 'a2\n' },
    ]);
    assert.deepEqual(outcome, { applied: ['lib/moved.ts', 'src/a.ts'], refused: [] });
    assert.equal(fs.existsSync(path.join(root, 'src/old.ts')), false);
    assert.equal(read('lib/moved.ts'), 'old, moved\n');
    assert.equal((fs.statSync(path.join(root, 'lib/moved.ts')).mode & 0o777).toString(8), '640');
  });

  it('a folder moved file by file is gone once empty; a folder that keeps a file stays', async () => {
    fs.mkdirSync(path.join(root, 'src/util/deep'), { recursive: true });
    fs.writeFileSync(path.join(root, 'src/util/x.ts'), 'x\n');
    fs.writeFileSync(path.join(root, 'src/util/deep/y.ts'), 'y\n');
    const outcome = await applyChangesToDisk(root, [
      { path: 'lib/util/x.ts', movedFrom: 'src/util/x.ts', action: 'move', original: 'x\n', proposed: 'x\n' },
      { path: 'lib/util/deep/y.ts', movedFrom: 'src/util/deep/y.ts', action: 'move', original: 'y\n', proposed: 'y\n' },
    ]);
    assert.deepEqual(outcome.refused, []);
    assert.equal(fs.existsSync(path.join(root, 'src/util')), false);
    assert.deepEqual(fs.readdirSync(path.join(root, 'src')).sort(), ['a.ts', 'b.ts', 'old.ts']);
    assert.equal(read('lib/util/deep/y.ts'), 'y\n');
  });

  it('writes nothing when a move cannot be made: its importers were rewritten for the new path', async () => {
    fs.writeFileSync(path.join(root, 'src/old.ts'), 'edited meanwhile\n');
    const outcome = await applyChangesToDisk(root, [
      { path: 'lib/moved.ts', movedFrom: 'src/old.ts', action: 'move', original: 'old\n', proposed: 'old\n' },
      { path: 'src/a.ts', action: 'modify', original: 'a1\n', proposed: "import './../lib/moved';\n" },
    ]);
    assert.deepEqual(outcome.applied, []);
    assert.match(outcome.refused[0]?.reason ?? '', /src\/old\.ts changed on disk since it was read/);
    assert.match(outcome.refused[1]?.reason ?? '', /not written: the move of src\/old\.ts to lib\/moved\.ts was refused/);
    assert.equal(read('src/a.ts'), 'a1\n');
    assert.equal(fs.existsSync(path.join(root, 'lib')), false);
  });

  it('refuses a file changed on disk since it was read, leaves it byte-identical, applies the rest', async () => {
    fs.writeFileSync(path.join(root, 'src/a.ts'), 'edited by the user\n');
    const outcome = await applyChangesToDisk(root, [
      { path: 'src/a.ts', action: 'modify', original: 'a1\n', proposed: 'a2\n' },
      { path: 'src/b.ts', action: 'modify', original: 'b1\n', proposed: 'b2\n' },
    ]);
    assert.deepEqual(outcome.applied, ['src/b.ts']);
    assert.equal(outcome.refused[0]?.path, 'src/a.ts');
    assert.match(outcome.refused[0]?.reason ?? '', /changed on disk since it was read/);
    assert.equal(read('src/a.ts'), 'edited by the user\n');
  });

  it('refuses a create whose file appeared meanwhile and a modify whose file was deleted', async () => {
    fs.writeFileSync(path.join(root, 'src/new.ts'), 'someone else\n');
    fs.rmSync(path.join(root, 'src/b.ts'));
    const outcome = await applyChangesToDisk(root, [
      { path: 'src/new.ts', action: 'create', original: null, proposed: 'mine\n' },
      { path: 'src/b.ts', action: 'modify', original: 'b1\n', proposed: 'b2\n' },
    ]);
    assert.deepEqual(outcome.applied, []);
    assert.equal(read('src/new.ts'), 'someone else\n');
    assert.equal(fs.existsSync(path.join(root, 'src/b.ts')), false);
  });

  it('refuses a read-only file with a clear reason instead of crashing', async () => {
    fs.chmodSync(path.join(root, 'src/a.ts'), 0o444);
    const outcome = await applyChangesToDisk(root, [{ path: 'src/a.ts', action: 'modify', original: 'a1\n', proposed: 'a2\n' }]);
    assert.deepEqual(outcome.applied, []);
    assert.match(outcome.refused[0]?.reason ?? '', /read-only/);
    assert.equal(read('src/a.ts'), 'a1\n');
  });

  it('keeps the file mode, group-writable and executable bits included', async () => {
    fs.chmodSync(path.join(root, 'src/a.ts'), 0o775);
    const outcome = await applyChangesToDisk(root, [{ path: 'src/a.ts', action: 'modify', original: 'a1\n', proposed: 'a2\n' }]);
    assert.deepEqual(outcome.applied, ['src/a.ts']);
    assert.equal(fs.statSync(path.join(root, 'src/a.ts')).mode & 0o777, 0o775);
  });

  it('refuses to delete a read-only file', async () => {
    fs.chmodSync(path.join(root, 'src/a.ts'), 0o444);
    const outcome = await applyChangesToDisk(root, [{ path: 'src/a.ts', action: 'delete', original: 'a1\n', proposed: null }]);
    assert.deepEqual(outcome.applied, []);
    assert.match(outcome.refused[0]?.reason ?? '', /read-only/);
    assert.equal(read('src/a.ts'), 'a1\n');
  });

  it('compares exact bytes: a line-ending change on disk makes the file stale', async () => {
    fs.writeFileSync(path.join(root, 'src/a.ts'), 'a1\r\n');
    const outcome = await applyChangesToDisk(root, [{ path: 'src/a.ts', action: 'modify', original: 'a1\n', proposed: 'a2\n' }]);
    assert.match(outcome.refused[0]?.reason ?? '', /stale/);
    assert.equal(read('src/a.ts'), 'a1\r\n');
  });

  it('refuses to delete a file that changed since it was read', async () => {
    fs.writeFileSync(path.join(root, 'src/old.ts'), 'old, but edited\n');
    const outcome = await applyChangesToDisk(root, [{ path: 'src/old.ts', action: 'delete', original: 'old\n', proposed: null }]);
    assert.deepEqual(outcome.applied, []);
    assert.match(outcome.refused[0]?.reason ?? '', /changed on disk/);
    assert.equal(read('src/old.ts'), 'old, but edited\n');
  });

  it('refuses paths a model must not name, and still applies the rest', async () => {
    const outcome = await applyChangesToDisk(root, [
      { path: '../escape.ts', action: 'create', original: null, proposed: 'x' },
      { path: '.git/hooks/pre-commit', action: 'create', original: null, proposed: 'x' },
      { path: 'src/b.ts', action: 'modify', original: 'b1\n', proposed: 'b2\n' },
    ]);
    assert.deepEqual(outcome.applied, ['src/b.ts']);
    assert.deepEqual(outcome.refused.map((r) => r.path), ['../escape.ts', '.git/hooks/pre-commit']);
    assert.match(outcome.refused[0]!.reason, /leaves the workspace/);
    assert.equal(fs.existsSync(path.join(root, '..', 'escape.ts')), false);
    assert.equal(fs.existsSync(path.join(root, '.git')), false);
  });

  it('refuses to replace a symbolic link, even one that stays inside', async () => {
    fs.symlinkSync(path.join(root, 'src/b.ts'), path.join(root, 'src/alias.ts'));
    const outcome = await applyChangesToDisk(root, [{ path: 'src/alias.ts', action: 'modify', original: 'b1\n', proposed: 'b2\n' }]);
    assert.match(outcome.refused[0]?.reason ?? '', /symbolic link/);
    assert.equal(fs.lstatSync(path.join(root, 'src/alias.ts')).isSymbolicLink(), true);
    assert.equal(read('src/b.ts'), 'b1\n');
  });

  it('never writes through a symlink planted to lead outside', async () => {
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'ro-outside-'));
    fs.symlinkSync(outside, path.join(root, 'gen'));
    const outcome = await applyChangesToDisk(root, [{ path: 'gen/x.ts', action: 'create', original: null, proposed: 'pwned' }]);
    assert.deepEqual(outcome.applied, []);
    assert.deepEqual(fs.readdirSync(outside), []);
    fs.rmSync(outside, { recursive: true, force: true });
  });
});
