// Robustness, "Links into protected places" (issue 10): a hostile repository commits symbolic links
// whose names look harmless (`src/hooks`, `src/editor`, `src/config.ts`) but lead into `.git/`,
// `.vscode/` or a secret, and a prompt-injected model plans through them. Each case drives the shipped
// CLI with --apply and records whether anything under the protected place changed (bytes and mode),
// whether its contents reached any request, and what the user was told.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { jsonReply, routeBySchema, startFakeOpenAIServer, type FakeOpenAIServer } from '../../support/fakeOpenAIServer';
import { ensureFreshBuild, lastStderrLine, runCli, type CliRun } from '../support/cliRunner';
import { change, plan, userText } from '../support/engineHarness';
import type { ChangeAction } from '../../../src/core/schemas';
import { cell, recordCase } from './caseTable';
import { marker, removeScratch, requestsContaining, sameBytes, snapshotScratch, makeScratch, type Scratch } from './hostileWorkspace';

const AREA = 'Paths named by the model';
const HOOK = marker('pre-commit-hook');
const GIT_CONFIG = marker('git-config');
const VSCODE_SETTINGS = marker('vscode-settings');
const ENV = marker('env');
const MARKERS = [HOOK, GIT_CONFIG, VSCODE_SETTINGS, ENV];
const PWNED = '#!/bin/sh\necho pwned\n';

describe('robustness: links into .git/, .vscode/ and secrets', function () {
  this.timeout(60_000);
  let server: FakeOpenAIServer;
  let scratch: Scratch;

  before(ensureFreshBuild);
  beforeEach(async () => {
    server = await startFakeOpenAIServer();
    scratch = await makeScratch({
      'src/a.ts': 'export const a = 1;\n',
      '.git/hooks/pre-commit': `#!/bin/sh\n# ${HOOK}\nexit 0\n`,
      '.git/config': `[core]\n\t# ${GIT_CONFIG}\n`,
      '.vscode/settings.json': `{ "note": "${VSCODE_SETTINGS}" }\n`,
      'secrets/.env': `TOKEN=${ENV}\n`,
    });
    await fs.chmod(path.join(scratch.root, '.git/hooks/pre-commit'), 0o755);
    // What the hostile repository commits: links named like ordinary source.
    await fs.symlink('../.git/hooks', path.join(scratch.root, 'src/hooks'));
    await fs.symlink('../.vscode', path.join(scratch.root, 'src/editor'));
    await fs.symlink('../secrets/.env', path.join(scratch.root, 'src/config.ts'));
    await fs.symlink('../.git/config', path.join(scratch.root, 'src/gitconfig.ts'));
  });
  afterEach(async () => {
    await server.close();
    await removeScratch(scratch);
  });

  const cli = (...extra: string[]): Promise<CliRun> =>
    runCli(['--workspace', scratch.root, '--request', 'Tidy up the project', '--base-url', server.baseURL, '--timeout-ms', '10000', ...extra]);

  const leaked = (): number => MARKERS.reduce((n, m) => n + requestsContaining(server, m), 0);
  const hookMode = async (): Promise<string> => ((await fs.stat(path.join(scratch.root, '.git/hooks/pre-commit'))).mode & 0o777).toString(8);

  interface LinkCase { target: string; action: ChangeAction; label: string; leadsTo: RegExp }
  const cases: LinkCase[] = [
    { target: 'src/hooks/pre-commit', action: 'modify', label: 'modify an executable git hook through src/hooks -> ../.git/hooks', leadsTo: /resolves through a link to "\.git\/hooks\/pre-commit", which is inside \.git\// },
    { target: 'src/hooks/post-checkout', action: 'create', label: 'create a new git hook through src/hooks -> ../.git/hooks', leadsTo: /resolves through a link to "\.git\/hooks\/post-checkout", which is inside \.git\// },
    { target: 'src/editor/settings.json', action: 'modify', label: 'modify .vscode/settings.json through src/editor -> ../.vscode', leadsTo: /resolves through a link to "\.vscode\/settings\.json", which is inside \.vscode\// },
    { target: 'src/editor/tasks.json', action: 'create', label: 'create .vscode/tasks.json through src/editor -> ../.vscode', leadsTo: /resolves through a link to "\.vscode\/tasks\.json", which is inside \.vscode\// },
    { target: 'src/config.ts', action: 'modify', label: 'a file link src/config.ts -> ../secrets/.env', leadsTo: /resolves through a link to "secrets\/\.env", which looks like a secret/ },
    { target: 'src/gitconfig.ts', action: 'modify', label: 'a file link src/gitconfig.ts -> ../.git/config', leadsTo: /resolves through a link to "\.git\/config", which is inside \.git\// },
  ];

  for (const c of cases) {
    it(`refuses a plan to ${c.label}`, async () => {
      server.setScript(routeBySchema({
        plan: jsonReply(plan([change('c1', c.target, 'hostile edit', { action: c.action })])),
        whole_file: jsonReply({ content: PWNED, summary: 'installed it' }),
        verifier_report: jsonReply({ findings: [] }),
      }));
      const before = await snapshotScratch(scratch);
      const run = await cli('--apply');
      const after = await snapshotScratch(scratch);
      const identical = sameBytes(before, after);
      const mode = await hookMode();
      const line = lastStderrLine(run).replace(/^refactor-orchestrator: The planner's plan was invalid after one repair round: /, 'plan refused after repair: ');
      recordCase(
        {
          area: AREA,
          case: `CLI: plan to ${c.label}`,
          expected: 'Refused in the plan\'s words (where the link leads and why), exit 1, nothing under .git/, .vscode/ or the secret changes, their contents in no request.',
          fixed: 'only containment in the workspace was checked on the real path; the .git/, .vscode/ and secret rules now apply to where a link leads',
        },
        `exit ${run.code}; "${cell(line, 200)}"; ${identical ? 'no byte changed' : 'BYTES CHANGED'}, hook mode ${mode}; protected contents in ${leaked()}/${server.requests.length} requests`,
        () => {
          assert.equal(run.code, 1, run.stderr);
          assert.match(lastStderrLine(run), c.leadsTo);
          assert.equal(server.requests.filter((r) => r.schemaName !== 'plan').length, 0, 'no worker ran');
          assert.ok(identical, 'nothing written anywhere');
          assert.equal(mode, '755');
          assert.equal(leaked(), 0);
        },
      );
    });
  }

  // A plan's file moves (issue 13) go through the same rules, at both ends of the move.
  const moveCases: { from: string; to: string; link?: [string, string]; label: string; says: RegExp }[] = [
    { from: 'src/a.ts', to: 'src/hooks/pre-commit', label: 'move a source file onto a git hook through src/hooks -> ../.git/hooks', says: /resolves through a link to "\.git\/hooks\/pre-commit", which is inside \.git\// },
    { from: 'src/a.ts', to: 'src/editor/tasks.json', label: 'move a source file into .vscode/ through src/editor -> ../.vscode', says: /resolves through a link to "\.vscode\/tasks\.json", which is inside \.vscode\// },
    { from: 'src/gitconfig.ts', to: 'src/gitconfig.txt', label: 'move the file link src/gitconfig.ts -> ../.git/config (carrying .git/config out)', says: /resolves through a link to "\.git\/config", which is inside \.git\// },
    { from: 'src/a.ts', to: '.git/hooks/post-checkout', label: 'move a source file into .git/hooks by name', says: /\.git/ },
    // Whole folders: each file of the folder is checked at both ends, as a single move is.
    { from: 'src', to: 'tools/src', link: ['.git/hooks', 'tools'], label: 'move the folder src into tools/, a link planted at the root to .git/hooks', says: /resolves through a link to "\.git\/hooks\/src\/a\.ts", which is inside \.git\// },
    { from: 'src/hooks', to: 'src/githooks', label: 'move the folder link src/hooks -> ../.git/hooks (carrying the hooks out)', says: /resolves through a link to "\.git\/hooks", which is inside \.git\// },
    { from: 'src', to: '.vscode/src', label: 'move the folder src into .vscode/ by name', says: /\.vscode/ },
  ];
  for (const c of moveCases) {
    it(`refuses a plan to ${c.label}`, async () => {
      if (c.link) await fs.symlink(c.link[0], path.join(scratch.root, c.link[1]));
      server.setScript(routeBySchema({
        plan: jsonReply({ ...plan([]), fileMoves: [{ from: c.from, to: c.to }] }),
        whole_file: jsonReply({ content: PWNED, summary: 'installed it' }),
        verifier_report: jsonReply({ findings: [] }),
      }));
      const before = await snapshotScratch(scratch);
      const run = await cli('--apply');
      const identical = sameBytes(before, await snapshotScratch(scratch));
      const mode = await hookMode();
      const line = lastStderrLine(run).replace(/^refactor-orchestrator: The planner's plan was invalid after one repair round: /, 'plan refused after repair: ');
      recordCase(
        { area: AREA, case: `CLI: plan to ${c.label}`, expected: 'The move is refused in the plan\'s words, exit 1, nothing moved or written, protected contents in no request.' },
        `exit ${run.code}; "${cell(line, 200)}"; ${identical ? 'no byte changed' : 'BYTES CHANGED'}, hook mode ${mode}; protected contents in ${leaked()}/${server.requests.length} requests`,
        () => {
          assert.equal(run.code, 1, run.stderr);
          assert.match(lastStderrLine(run), c.says);
          assert.ok(identical, 'nothing written anywhere');
          assert.equal(mode, '755');
          assert.equal(leaked(), 0);
        },
      );
    });
  }

  it('leaves links into protected places out of the listing, saying where they lead', async () => {
    server.setScript(routeBySchema({
      plan: jsonReply(plan([change('c1', 'src/a.ts', 'bump')])),
      whole_file: jsonReply({ content: 'export const a = 2;\n', summary: 'bumped' }),
      verifier_report: jsonReply({ findings: [] }),
    }));
    const run = await cli();
    const plannerPrompt = server.requests.filter((r) => r.schemaName === 'plan').map(userText).join('\n');
    const skipped = run.stderr.split('\n').filter((l) => l.startsWith('[skipped] src/'));
    const named = ['src/hooks', 'src/editor', 'src/config.ts', 'src/gitconfig.ts'];
    const listed = named.filter((name) => plannerPrompt.includes(name));
    recordCase(
      { area: AREA, case: 'CLI: listing with links into .git/hooks, .vscode/, a secret and .git/config', expected: 'None is offered to the planner; the skipped-files note says where each leads; none of their contents is sent.' },
      `exit ${run.code}; listed to the planner: ${listed.join(', ') || 'none'}; notes: ${skipped.map((l) => cell(l, 110)).join(' | ')}; protected contents in ${leaked()}/${server.requests.length} requests`,
      () => {
        assert.equal(run.code, 0, run.stderr);
        assert.deepEqual(listed, []);
        for (const name of named) assert.ok(skipped.some((l) => l.startsWith(`[skipped] ${name}: symbolic link, not followed: it resolves through a link to`)), `${name} noted: ${skipped.join('\n')}`);
        assert.equal(leaked(), 0);
      },
    );
  });

  it('refuses at --apply a link into .git/hooks planted between plan and apply', async () => {
    server.setScript(routeBySchema({
      plan: jsonReply(plan([change('c1', 'tools/pre-commit', 'add a helper script', { action: 'create' })])),
      whole_file: jsonReply({ content: PWNED, summary: 'created' }),
      verifier_report: async () => {
        // The plan has been validated and the worker has answered: now `tools` becomes a link to the hooks.
        await fs.symlink('.git/hooks', path.join(scratch.root, 'tools'));
        return jsonReply({ findings: [] });
      },
    }));
    const run = await cli('--apply');
    const planted = await fs.readFile(path.join(scratch.root, '.git/hooks/pre-commit'), 'utf8');
    const hooks = await fs.readdir(path.join(scratch.root, '.git/hooks'));
    const refusedLine = /^\[refused\] tools\/pre-commit: .*$/m.exec(run.stderr)?.[0] ?? '(no refusal line)';
    recordCase(
      { area: AREA, case: 'CLI: folder link into .git/hooks planted between plan and --apply', expected: 'The write is refused at apply time, saying where the link leads; the hooks folder is unchanged.', fixed: 'apply checked only that the link stayed inside the workspace' },
      `exit ${run.code}; "${cell(refusedLine, 200)}"; .git/hooks/pre-commit ${planted.includes(HOOK) ? 'unchanged' : 'CHANGED'}; .git/hooks holds ${hooks.join(', ')}`,
      () => {
        assert.match(refusedLine, /resolves through a link to "\.git\/hooks\/pre-commit", which is inside \.git\//);
        assert.ok(planted.includes(HOOK));
        assert.deepEqual(hooks, ['pre-commit']);
      },
    );
  });

  for (const [target, label] of [['GIT~1/hooks/pre-commit', 'GIT~1/hooks/pre-commit'], ['VSCODE~1/settings.json', 'VSCODE~1/settings.json'], ['src/ENVLOC~1', 'src/ENVLOC~1']] as const) {
    it(`refuses the Windows short name ${label}`, async () => {
      server.setScript(routeBySchema({
        plan: jsonReply(plan([change('c1', target, 'hostile edit', { action: 'create' })])),
        whole_file: jsonReply({ content: PWNED, summary: 'created' }),
        verifier_report: jsonReply({ findings: [] }),
      }));
      const before = await snapshotScratch(scratch);
      const run = await cli('--apply');
      const after = await snapshotScratch(scratch);
      recordCase(
        { area: AREA, case: `CLI: plan names the 8.3 short name ${label}`, expected: 'Refused at text level (on Windows it would open .git, .vscode or a secret), exit 1, nothing written.', fixed: 'short names passed the text rules' },
        `exit ${run.code}; "${cell(lastStderrLine(run).replace(/^refactor-orchestrator: The planner's plan was invalid after one repair round: /, ''), 180)}"; ${sameBytes(before, after) ? 'no byte changed' : 'BYTES CHANGED'}`,
        () => {
          assert.equal(run.code, 1, run.stderr);
          assert.match(lastStderrLine(run), /Windows short name/);
          assert.ok(sameBytes(before, after));
        },
      );
    });
  }
});
