import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { acceptedPatch, checkPatchTarget, type PatchChange } from '../../src/core/review/acceptedPatch';
import { PathRejectedError } from '../../src/core/workspace/paths';
import { applyAcceptedHunks, computeHunks } from '../../src/core/review/reviewHunks';

// "Save as patch" and the CLI's --patch: the accepted part of a review as one unified diff. The proof
// that it is right is git itself: the patch applies cleanly to the original files and leaves exactly
// the accepted texts.

/** A git repository holding `files`; returns its folder. */
function repoWith(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ro-patch-'));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: 'pipe' });
  git('init', '-q');
  git('-c', 'user.email=t@example.com', '-c', 'user.name=t', 'add', '-A');
  git('-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-q', '-m', 'originals', '--allow-empty');
  return dir;
}

/** `git apply` of `patch` in `dir`: the --check verdict first, then the files it leaves. */
function gitApply(dir: string, patch: string): void {
  const file = path.join(dir, '..', `${path.basename(dir)}.patch`);
  fs.writeFileSync(file, patch);
  try {
    execFileSync('git', ['apply', '--check', file], { cwd: dir, stdio: 'pipe' });
    execFileSync('git', ['apply', file], { cwd: dir, stdio: 'pipe' });
  } finally {
    fs.rmSync(file, { force: true });
  }
}

const lines = (count: number, prefix = 'line') => Array.from({ length: count }, (_, i) => `${prefix} ${i + 1}\n`).join('');

describe('acceptedPatch: the accepted files and hunks as one unified diff', () => {
  let dir: string;
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('applies with git apply and leaves exactly the accepted texts: some hunks, a create, a delete, CRLF, no final newline', () => {
    const original = lines(40);
    // Two hunks far apart; only the second is accepted.
    const proposed = original.replace('line 3\n', 'line three\n').replace('line 35\n', 'line thirty-five\n');
    assert.equal(computeHunks(original, proposed).length, 2);
    const crlf = 'one\r\ntwo\r\nthree\r\n';
    const noFinalNewline = 'alpha\nbeta';
    const files = { 'src/partial.ts': original, 'src/crlf.txt': crlf, 'docs/old.md': '# old\n', 'tail.txt': noFinalNewline };
    dir = repoWith(files);
    const changes: PatchChange[] = [
      { path: 'src/partial.ts', original, proposed, acceptedHunks: new Set([1]) },
      { path: 'src/crlf.txt', original: crlf, proposed: 'one\r\n2\r\nthree\r\n' },
      { path: 'src/new/helper.ts', original: null, proposed: 'export const x = 1;\n' },
      { path: 'docs/old.md', original: '# old\n', proposed: null },
      { path: 'tail.txt', original: noFinalNewline, proposed: 'alpha\nBETA' },
    ];
    const patch = acceptedPatch(changes);
    assert.match(patch, /^--- a\/src\/partial\.ts\n\+\+\+ b\/src\/partial\.ts$/m);
    assert.match(patch, /^--- \/dev\/null\n\+\+\+ b\/src\/new\/helper\.ts$/m);
    assert.match(patch, /^--- a\/docs\/old\.md\n\+\+\+ \/dev\/null$/m);
    assert.doesNotMatch(patch, /line three/, 'the rejected hunk is not in the patch');

    gitApply(dir, patch);
    const read = (name: string) => fs.readFileSync(path.join(dir, name), 'utf8');
    assert.equal(read('src/partial.ts'), applyAcceptedHunks(original, proposed, new Set([1])));
    assert.equal(read('src/crlf.txt'), 'one\r\n2\r\nthree\r\n');
    assert.equal(read('src/new/helper.ts'), 'export const x = 1;\n');
    assert.equal(fs.existsSync(path.join(dir, 'docs/old.md')), false);
    assert.equal(read('tail.txt'), 'alpha\nBETA');
  });

  it('is empty when nothing accepted changes a file', () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ro-patch-'));
    const original = lines(10);
    assert.equal(acceptedPatch([{ path: 'a.ts', original, proposed: original.replace('line 2', 'two'), acceptedHunks: new Set() }]), '');
    assert.equal(acceptedPatch([]), '');
  });

  it('refuses a path the path rules refuse rather than producing a patch that names it', () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ro-patch-'));
    for (const bad of ['../outside.ts', '.git/hooks/pre-commit', '/etc/passwd', '.env']) {
      assert.throws(() => acceptedPatch([{ path: bad, original: null, proposed: 'x\n' }]), PathRejectedError, bad);
    }
  });
});

describe('checkPatchTarget: where a patch may be written', () => {
  const root = path.join(os.tmpdir(), 'ro-ws');

  it('allows a patch file in the workspace or outside it', () => {
    assert.deepEqual(checkPatchTarget(root, path.join(root, 'changes.patch')), { ok: true, path: path.join(root, 'changes.patch') });
    assert.equal(checkPatchTarget(root, path.join(os.tmpdir(), 'elsewhere', 'x.patch')).ok, true);
  });

  it('refuses .git, .vscode, secrets, the workspace itself and a file the patch changes', () => {
    for (const target of [path.join(root, '.git', 'x.patch'), path.join(root, '.vscode', 'x.patch'), path.join(root, '.env'), root, path.join(root, 'src', 'a.ts')]) {
      const check = checkPatchTarget(root, target, ['src/a.ts']);
      assert.equal(check.ok, false, target);
    }
    const elsewhereGit = checkPatchTarget(root, path.join(os.tmpdir(), 'other-repo', '.git', 'hooks', 'pre-commit'));
    assert.equal(elsewhereGit.ok, false);
    assert.match(elsewhereGit.ok ? '' : elsewhereGit.reason, /\.git folder/);
  });
});
