import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkRelativePath, isSecretPath, linkRefusal, PathRejectedError, resolveInsideWorkspace } from '../../src/core/workspace/paths';

describe('paths a model may name', () => {
  describe('checkRelativePath', () => {
    const refused: [string, RegExp][] = [
      ['', /empty/],
      ['../x', /leaves the workspace/],
      ['src/../../x', /leaves the workspace/],
      ['/etc/passwd', /absolute/],
      ['C:\\Windows\\x', /absolute/],
      ['\\\\server\\share', /absolute/],
      ['%2e%2e/x', /leaves the workspace/],
      ['a/%252e%252e/%252e%252e/b', /leaves the workspace/],
      ['..%2fx', /leaves the workspace/],
      ['src\\..\\..\\x', /leaves the workspace/],
      ['~/.ssh/config', /home/],
      ['a\u0000b', /control/],
      ['.git/config', /\.git/],
      ['sub/.git/hooks/pre-commit', /\.git/],
      ['.vscode/settings.json', /\.vscode/],
      ['team.code-workspace', /code-workspace/],
      ['.env', /secret/],
      ['config/.env.local', /secret/],
      ['certs/server.pem', /secret/],
      ['id_rsa', /secret/],
      ['.', /workspace itself/],
      ['%2egit/config', /\.git/],
      ['.GIT/config', /\.git/],
      ['.git./config', /\.git/],
      ['.git::$INDEX_ALLOCATION/config', /\.git/],
      ['src/.env.', /secret/],
      ['.../x', /leaves the workspace/],
      ['.. /x', /leaves the workspace/],
      ['~root/.bashrc', /home/],
      ['%5c%5cserver%5cshare', /absolute/],
      ['.vscode./tasks.json', /\.vscode/],
      ['deploy/prod.tfstate', /secret/],
      ['%2e%2e/x%zz', /leaves the workspace/],
      ['a/%2e%2e/%2e%2e/b%', /leaves the workspace/],
      ['src/\u202Egnp.ts', /displayed/],
      ['src/%E2%80%AEgnp.ts', /displayed/],
      ['a\u0085b.ts', /displayed/],
    ];
    for (const [candidate, reason] of refused) {
      it(`refuses ${JSON.stringify(candidate)}`, () => {
        const check = checkRelativePath(candidate);
        assert.equal(check.ok, false);
        if (!check.ok) assert.match(check.reason, reason);
      });
    }

    it('normalizes harmless spellings to one posix path', () => {
      assert.deepEqual(checkRelativePath('./src//a.ts'), { ok: true, path: 'src/a.ts' });
      assert.deepEqual(checkRelativePath('src\\api\\client.ts'), { ok: true, path: 'src/api/client.ts' });
      assert.deepEqual(checkRelativePath('docs/ünïcödé 文件.md'), { ok: true, path: 'docs/ünïcödé 文件.md' });
      assert.deepEqual(checkRelativePath('docs/עברית.md'), { ok: true, path: 'docs/עברית.md' }, 'right-to-left letters are not controls');
    });

    it('quotes a refused name with display controls escaped, so the message cannot be reordered on screen', () => {
      const check = checkRelativePath('src/\u202Egnp.ts');
      assert.equal(check.ok, false);
      if (!check.ok) {
        assert.ok(check.reason.startsWith('"src/\\u202egnp.ts" '), check.reason);
        assert.doesNotMatch(check.reason, /\u202E/);
      }
    });

    it('accepts names that merely contain dots', () => {
      assert.equal(checkRelativePath('a..b/c...ts').ok, true);
      assert.equal(checkRelativePath('.github/workflows/ci.yml').ok, true);
      assert.equal(checkRelativePath('src/..hidden.ts').ok, true);
      assert.equal(checkRelativePath('.gitignore').ok, true);
      assert.equal(checkRelativePath('docs/.vscode-extension-notes.md').ok, true);
    });
  });

  describe('isSecretPath', () => {
    it('knows credential files by name and extension, in any folder and case', () => {
      for (const p of ['.env', '.ENV', '.envrc', 'app/.env.production', 'k/server.KEY', 'a.p12', 'b.pfx', 'keystore.jks', 'home/id_ed25519', 'id_rsa.pub', '.npmrc', '.netrc', '.git-credentials', 'gcp/credentials.json', 'vault.kdbx']) {
        assert.equal(isSecretPath(p), true, p);
      }
    });
    it('knows backup copies of secrets and credential files inside tool folders', () => {
      for (const p of ['k/server.key.bak', 'credentials.json.old', '.env~', 'x.pem.orig', '.docker/config.json', 'home/.kube/config', '.ssh/deploy', '.aws/config', '.gnupg/pubring.kbx']) {
        assert.equal(isSecretPath(p), true, p);
      }
    });
    it('lets source files and env templates through', () => {
      for (const p of ['src/env.ts', 'environment.ts', '.env.example', 'config/.env.sample', 'keyboard.ts', 'src/keys.ts', 'docs/pem-format.md', 'docker/config.json', '.docker/Dockerfile', 'src/main.ts.bak', 'kube/config']) {
        assert.equal(isSecretPath(p), false, p);
      }
    });
  });

  describe('resolveInsideWorkspace', () => {
    let scratch: string;
    let root: string;
    let outside: string;
    before(() => {
      scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'ro-paths-'));
      root = path.join(scratch, 'ws');
      outside = path.join(scratch, 'outside');
      fs.mkdirSync(path.join(root, 'src'), { recursive: true });
      fs.mkdirSync(outside);
      fs.writeFileSync(path.join(outside, 'victim.txt'), 'x');
      fs.symlinkSync(outside, path.join(root, 'escape'));
      fs.symlinkSync(path.join(outside, 'victim.txt'), path.join(root, 'src', 'link.txt'));
      fs.symlinkSync(path.join(outside, 'missing-dir'), path.join(root, 'dangling'));
    });
    after(() => fs.rmSync(scratch, { recursive: true, force: true }));

    it('returns the absolute path for a file inside, existing or not', async () => {
      assert.equal(await resolveInsideWorkspace(root, 'src/new/file.ts'), path.join(fs.realpathSync(root), 'src', 'new', 'file.ts'));
    });
    it('refuses a path through a symlinked folder that leads outside', async () => {
      await assert.rejects(resolveInsideWorkspace(root, 'escape/victim.txt'), PathRejectedError);
      await assert.rejects(resolveInsideWorkspace(root, 'escape/new.txt'), /symbolic link/);
    });
    it('refuses a symlinked file that points outside', async () => {
      await assert.rejects(resolveInsideWorkspace(root, 'src/link.txt'), /symbolic link/);
    });
    it('refuses writing through a dangling link', async () => {
      await assert.rejects(resolveInsideWorkspace(root, 'dangling/x.ts'), /dangling/);
    });
    it('accepts a folder whose name merely starts with two dots', async () => {
      fs.mkdirSync(path.join(root, '..data'), { recursive: true });
      assert.equal(await resolveInsideWorkspace(root, '..data/x.json'), path.join(fs.realpathSync(root), '..data', 'x.json'));
    });
    it('accepts a symlink that stays inside the workspace', async () => {
      fs.symlinkSync(path.join(root, 'src'), path.join(root, 'source'));
      assert.equal(await resolveInsideWorkspace(root, 'source/a.ts'), path.join(fs.realpathSync(root), 'source', 'a.ts'));
    });
    it('applies the text check first', async () => {
      await assert.rejects(resolveInsideWorkspace(root, '../outside/victim.txt'), /leaves the workspace/);
    });

    describe('links into protected places inside the workspace', () => {
      before(() => {
        for (const [file, text] of [['.git/hooks/pre-commit', '#!/bin/sh\n'], ['.git/config', '[core]\n'], ['.vscode/settings.json', '{}\n'], ['secrets/.env', 'TOKEN=x\n'], ['team.code-workspace', '{}\n']]) {
          fs.mkdirSync(path.dirname(path.join(root, file!)), { recursive: true });
          fs.writeFileSync(path.join(root, file!), text!);
        }
        fs.symlinkSync('../.git/hooks', path.join(root, 'src', 'hooks'));
        fs.symlinkSync('../.vscode', path.join(root, 'src', 'editor'));
        fs.symlinkSync('../secrets/.env', path.join(root, 'src', 'config.ts'));
        fs.symlinkSync('../.git/config', path.join(root, 'src', 'gitconfig.ts'));
        fs.symlinkSync('../team.code-workspace', path.join(root, 'src', 'team.json'));
        fs.symlinkSync('..', path.join(root, 'src', 'up'));
      });

      it('refuses an existing file reached through a folder link, naming where it leads', async () => {
        await assert.rejects(resolveInsideWorkspace(root, 'src/hooks/pre-commit'), /^PathRejectedError: Refused path: "src\/hooks\/pre-commit" resolves through a link to "\.git\/hooks\/pre-commit", which is inside \.git\/$/);
        await assert.rejects(resolveInsideWorkspace(root, 'src/editor/settings.json'), /resolves through a link to "\.vscode\/settings\.json", which is inside \.vscode\//);
      });
      it('refuses a new file under a folder link, judged on its ancestor\'s real path plus the rest', async () => {
        await assert.rejects(resolveInsideWorkspace(root, 'src/hooks/post-merge'), /resolves through a link to "\.git\/hooks\/post-merge", which is inside \.git\//);
        await assert.rejects(resolveInsideWorkspace(root, 'src/editor/new/tasks.json'), /"\.vscode\/new\/tasks\.json", which is inside \.vscode\//);
      });
      it('refuses file links to a secret, to .git/config and to a .code-workspace file', async () => {
        await assert.rejects(resolveInsideWorkspace(root, 'src/config.ts'), /resolves through a link to "secrets\/\.env", which looks like a secret/);
        await assert.rejects(resolveInsideWorkspace(root, 'src/gitconfig.ts'), /"\.git\/config", which is inside \.git\//);
        await assert.rejects(resolveInsideWorkspace(root, 'src/team.json'), /which is a \.code-workspace file/);
      });
      it('still allows an ordinary file reached through a link to the workspace root', async () => {
        assert.equal(await resolveInsideWorkspace(root, 'src/up/src/a.ts'), path.join(fs.realpathSync(root), 'src', 'up', 'src', 'a.ts'));
        await assert.rejects(resolveInsideWorkspace(root, 'src/up/secrets/.env'), /looks like a secret/);
      });
      it('linkRefusal says why a listed link is left out, and nothing for a harmless one', async () => {
        assert.equal(await linkRefusal(root, 'src/hooks'), 'resolves through a link to ".git/hooks", which is inside .git/');
        assert.equal(await linkRefusal(root, 'escape'), 'leads out of the workspace through a symbolic link');
        assert.equal(await linkRefusal(root, 'source'), undefined);
      });
    });
  });

  describe('Windows short names', () => {
    it('refuses 8.3 segments such as GIT~1 and VSCODE~1 at text level', () => {
      for (const candidate of ['GIT~1/config', 'git~1/hooks/pre-commit', 'VSCODE~1/settings.json', 'src/ENVLOC~1.LOC', 'a/WORKSP~12.COD', 'GIT~1./config', 'GIT~1::$DATA']) {
        const check = checkRelativePath(candidate);
        assert.equal(check.ok, false, candidate);
        if (!check.ok) assert.match(check.reason, /Windows short name/, candidate);
      }
    });
    it('keeps names with a tilde that are not short names', () => {
      for (const candidate of ['src/a~b.ts', 'docs/x~notes.md', 'src/longer-name~1.ts', 'src/v~1.0.0-notes.md']) assert.equal(checkRelativePath(candidate).ok, true, candidate);
    });
  });
});
