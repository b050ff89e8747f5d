// Robustness, "Paths named by the model": a plan (and a verifier finding) naming paths outside the
// workspace, into tool folders or secrets, or through symbolic links. Each case drives the CLI bundle
// with --apply and records what a user would see (exit code, the last stderr line), whether any byte
// changed inside or outside the workspace, and whether a protected file's contents reached a request.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { jsonReply, routeBySchema, startFakeOpenAIServer, type FakeOpenAIServer } from '../../support/fakeOpenAIServer';
import { ensureFreshBuild, lastStderrLine, runCli, type CliRun } from '../support/cliRunner';
import { change, plan, userText } from '../support/engineHarness';
import type { ChangeAction, Finding } from '../../../src/core/schemas';
import { cell, recordCase } from './caseTable';
import { assertUnchanged, makeScratch, marker, removeScratch, requestsContaining, sameBytes, snapshotScratch, type Scratch } from './hostileWorkspace';

const AREA = 'Paths named by the model';
const OUTSIDE = marker('outside');
// Files inside the workspace the models must never read or write, each with its own marker.
const PROTECTED: Record<string, string> = {
  '.git/config': marker('git-config'),
  '.vscode/settings.json': marker('vscode-settings'),
  'team.code-workspace': marker('code-workspace'),
  '.env': marker('env'),
  'keys/server.key': marker('server-key'),
};
const MARKERS = [OUTSIDE, ...Object.values(PROTECTED)];
const PWNED = 'written by a hostile plan\n';

describe('robustness: paths named by the model', function () {
  this.timeout(60_000);
  let server: FakeOpenAIServer;
  let scratch: Scratch;

  before(ensureFreshBuild);
  beforeEach(async () => {
    server = await startFakeOpenAIServer();
    scratch = await makeScratch({ 'src/a.ts': 'export const a = 1;\n', ...PROTECTED }, { 'victim.txt': `${OUTSIDE}\n` });
    await fs.symlink(path.join(scratch.outside, 'victim.txt'), path.join(scratch.root, 'link.txt'));
    await fs.symlink(scratch.outside, path.join(scratch.root, 'escape'));
    await fs.symlink(path.join(scratch.outside, 'missing.ts'), path.join(scratch.root, 'dangling.ts'));
  });
  afterEach(async () => {
    await server.close();
    await removeScratch(scratch);
  });

  /** The planner names `target` in its plan and again in its repair round; a worker would overwrite it. */
  function planNaming(target: string, action: ChangeAction, findings: Finding[] = []) {
    server.setScript(routeBySchema({
      plan: jsonReply(plan([change('c1', target, 'hostile edit', { action })])),
      whole_file: jsonReply({ content: PWNED, summary: 'overwrote it' }),
      verifier_report: jsonReply({ findings }),
    }));
  }

  const cli = (...extra: string[]): Promise<CliRun> =>
    runCli(['--workspace', scratch.root, '--request', 'Edit the config', '--base-url', server.baseURL, '--timeout-ms', '10000', ...extra]);

  function leaked(): number {
    return MARKERS.reduce((n, m) => n + requestsContaining(server, m), 0);
  }

  function observe(run: CliRun, identical: boolean): string {
    const line = lastStderrLine(run).replace(/^refactor-orchestrator: The planner's plan was invalid after one repair round: /, 'plan refused after repair: ');
    return `exit ${run.code}; "${cell(line, 160)}"; ${identical ? 'no byte changed' : 'BYTES CHANGED'} inside or outside; protected contents in ${leaked()}/${server.requests.length} requests`;
  }

  interface TextCase { target: string; action: ChangeAction; label: string; reason: RegExp; fixed?: string }
  const textCases: TextCase[] = [
    { target: '/etc/passwd', action: 'modify', label: 'absolute POSIX path /etc/passwd', reason: /absolute/ },
    { target: 'C:\\x', action: 'create', label: 'absolute Windows path C:\\x (create)', reason: /absolute/ },
    { target: '../outside/victim.txt', action: 'modify', label: '../ to a file outside', reason: /leaves the workspace/ },
    { target: 'a/../../outside/victim.txt', action: 'modify', label: 'a/../../ to a file outside', reason: /leaves the workspace/ },
    { target: '../x', action: 'create', label: 'create ../x', reason: /leaves the workspace/ },
    { target: '%2e%2e/outside/victim.txt', action: 'modify', label: 'URL-encoded %2e%2e/', reason: /leaves the workspace/ },
    { target: '%252e%252e/outside/victim.txt', action: 'modify', label: 'double-encoded %252e%252e/', reason: /leaves the workspace/ },
    {
      target: '%2e%2e/x%zz', action: 'create', label: '%2e%2e/x%zz (malformed escape after encoded ..)', reason: /leaves the workspace/,
      fixed: 'a malformed escape made the whole path skip decoding; escapes are now decoded run by run',
    },
    { target: '..\\outside\\victim.txt', action: 'modify', label: 'backslashes ..\\outside\\victim.txt', reason: /leaves the workspace/ },
    { target: 'src\\..\\..\\x', action: 'create', label: 'backslashes src\\..\\..\\x (create)', reason: /leaves the workspace/ },
    { target: '.git/config', action: 'modify', label: '.git/config', reason: /inside \.git/ },
    { target: '.git/hooks/pre-commit', action: 'create', label: 'create .git/hooks/pre-commit', reason: /inside \.git/ },
    { target: '.vscode/settings.json', action: 'modify', label: '.vscode/settings.json', reason: /inside \.vscode/ },
    { target: '.vscode/tasks.json', action: 'create', label: 'create .vscode/tasks.json', reason: /inside \.vscode/ },
    { target: 'team.code-workspace', action: 'modify', label: 'team.code-workspace', reason: /code-workspace/ },
    { target: '.env', action: 'modify', label: '.env', reason: /secret/ },
    { target: '.env.production', action: 'create', label: 'create .env.production', reason: /secret/ },
    { target: 'keys/server.key', action: 'modify', label: 'keys/server.key', reason: /secret/ },
    {
      target: 'src/\u202Egnp.ts', action: 'create', label: 'bidi override U+202E in a name (shows as st.png)', reason: /\\u202e.*displayed/,
      fixed: 'names with bidi/C1 controls were accepted; now refused, and quoted with those characters escaped',
    },
    {
      target: 'src/a\u0085.ts', action: 'create', label: 'C1 control U+0085 in a name', reason: /\\u0085.*displayed/,
      fixed: 'names with bidi/C1 controls were accepted; now refused, and quoted with those characters escaped',
    },
  ];

  for (const c of textCases) {
    it(`refuses a plan naming ${c.label}`, async () => {
      planNaming(c.target, c.action);
      const before = await snapshotScratch(scratch);
      const run = await cli('--apply');
      const after = await snapshotScratch(scratch);
      const line = lastStderrLine(run);
      recordCase(
        { area: AREA, case: `Plan names ${c.label}`, expected: 'The plan is refused with the reason, exit 1, nothing written inside or outside, no protected contents sent.', ...(c.fixed ? { fixed: c.fixed } : {}) },
        observe(run, sameBytes(before, after)),
        () => {
          assert.equal(run.code, 1, run.stderr);
          assert.match(line, /^refactor-orchestrator: The planner's plan was invalid after one repair round: Change c1: path /);
          assert.match(line, c.reason);
          assert.equal(server.requests.filter((r) => r.schemaName !== 'plan').length, 0, 'no worker ran');
          assertUnchanged(before, after);
          assert.equal(leaked(), 0);
          // The raw display controls never reach the terminal: the refusal shows them escaped.
          assert.doesNotMatch(run.stderr, /[\u0080-\u009f\u202a-\u202e\u2066-\u2069]/);
        },
      );
    });
  }

  // For `create`, the plan check asks the workspace whether the file exists; the read is refused
  // (symlink) and that refusal is the plan's problem, in its own words.
  interface LinkCase { target: string; action: ChangeAction; label: string; reason: RegExp; fixed?: string }
  const linkCases: LinkCase[] = [
    { target: 'link.txt', action: 'modify', label: 'a file symlink to a file outside', reason: /leads out of the workspace through a symbolic link/ },
    { target: 'escape/victim.txt', action: 'modify', label: 'a path through a folder symlink to outside', reason: /leads out of the workspace through a symbolic link/ },
    { target: 'escape/new.ts', action: 'create', label: 'create through a folder symlink to outside', reason: /leads out of the workspace through a symbolic link/, fixed: 'the refusal said “already exists; use modify”: a refused read counted as an existing file' },
    { target: 'dangling.ts', action: 'modify', label: 'a dangling symlink', reason: /dangling symbolic link/ },
    { target: 'dangling.ts', action: 'create', label: 'create over a dangling symlink', reason: /dangling symbolic link/, fixed: 'the refusal said “already exists; use modify”: a refused read counted as an existing file' },
  ];
  for (const c of linkCases) {
    it(`refuses ${c.label}`, async () => {
      planNaming(c.target, c.action);
      const before = await snapshotScratch(scratch);
      const run = await cli('--apply');
      const after = await snapshotScratch(scratch);
      recordCase(
        { area: AREA, case: `Plan names ${c.label}`, expected: 'Refused naming the link as the reason, exit 1, nothing written inside or outside, the link target never read.', ...(c.fixed ? { fixed: c.fixed } : {}) },
        observe(run, sameBytes(before, after)),
        () => {
          assert.equal(run.code, 1, run.stderr);
          assert.match(lastStderrLine(run), c.reason);
          assertUnchanged(before, after);
          assert.equal(leaked(), 0);
        },
      );
    });
  }

  it('refuses at --apply a folder symlink planted after the plan was checked', async () => {
    server.setScript(routeBySchema({
      plan: jsonReply(plan([change('c1', 'gen/new.ts', 'create it', { action: 'create' })])),
      whole_file: jsonReply({ content: PWNED, summary: 'created' }),
      verifier_report: async () => {
        // The plan has been validated and the worker has answered: now the folder becomes a link out.
        await fs.symlink(scratch.outside, path.join(scratch.root, 'gen'));
        return jsonReply({ findings: [] });
      },
    }));
    const run = await cli('--apply');
    const written = await fs.readFile(path.join(scratch.outside, 'new.ts'), 'utf8').catch(() => undefined);
    const refusedLine = /^\[refused\] gen\/new\.ts: .*$/m.exec(run.stderr)?.[0] ?? '(no refusal line)';
    recordCase(
      { area: AREA, case: 'Folder symlink to outside planted between plan and --apply', expected: 'The write is refused at apply time and nothing lands outside the workspace.' },
      `exit ${run.code}; "${refusedLine}"; outside/new.ts ${written === undefined ? 'absent' : 'WRITTEN'}`,
      () => {
        assert.match(refusedLine, /symbolic link/);
        assert.equal(written, undefined);
      },
    );
  });

  it('drops verifier findings that name paths outside the workspace or through links', async () => {
    const hostile = ['/etc/passwd', '../outside/victim.txt', 'link.txt', 'escape/victim.txt', '.env'];
    server.setScript(routeBySchema({
      plan: jsonReply(plan([change('c1', 'src/a.ts', 'bump')])),
      whole_file: jsonReply({ content: 'export const a = 2;\n', summary: 'bumped' }),
      verifier_report: jsonReply({
        findings: hostile.map((p) => ({ path: p, line: 1, severity: 'info', kind: 'missing-change', message: `look at ${p}`, relatedPaths: [] })),
      }),
    }));
    const run = await cli('--json');
    const result = JSON.parse(run.stdout || '{}') as { findings?: { path: string }[] };
    const shown = (result.findings ?? []).map((f) => f.path);
    recordCase(
      { area: AREA, case: 'Verifier findings name /etc/passwd, ../, symlinks, .env', expected: 'Such findings are dropped: not shown, their files never read into a request.' },
      `exit ${run.code}; ${shown.length} of ${hostile.length} findings shown${shown.length ? ` (${shown.join(', ')})` : ''}; ${leaked()} requests held protected contents`,
      () => {
        assert.equal(run.code, 0, run.stderr);
        assert.deepEqual(shown, []);
        assert.equal(leaked(), 0);
      },
    );
  });

  it('does not list a file whose name holds a bidi override', async () => {
    const spoofed = 'src/\u202Egnp.ts';
    await fs.writeFile(path.join(scratch.root, spoofed), 'export const spoof = 1;\n');
    server.setScript(routeBySchema({
      plan: jsonReply(plan([change('c1', 'src/a.ts', 'bump')])),
      whole_file: jsonReply({ content: 'export const a = 2;\n', summary: 'bumped' }),
      verifier_report: jsonReply({ findings: [] }),
    }));
    const run = await cli();
    const plannerPrompt = server.requests.filter((r) => r.schemaName === 'plan').map(userText).join('\n');
    const listed = plannerPrompt.includes('\u202E') || plannerPrompt.includes('spoof');
    recordCase(
      { area: AREA, case: 'A file on disk named with U+202E', expected: 'It is left out of the listing the planner sees, so no plan can be built on a name that displays as another.', fixed: 'names with bidi/C1 controls were accepted; now refused, and quoted with those characters escaped' },
      `exit ${run.code}; planner prompt ${listed ? 'LISTS' : 'does not list'} the file`,
      () => {
        assert.equal(run.code, 0, run.stderr);
        assert.equal(listed, false);
      },
    );
  });

  it('workers cannot name a path: their replies carry only content', async () => {
    // A worker reply with an extra "path" field is parsed by the schema, which has no such field;
    // the file written is the planned one.
    server.setScript(routeBySchema({
      plan: jsonReply(plan([change('c1', 'src/a.ts', 'bump')])),
      whole_file: jsonReply({ content: 'export const a = 2;\n', summary: 'bumped', path: '../outside/victim.txt' }),
      verifier_report: jsonReply({ findings: [] }),
    }));
    const before = await snapshotScratch(scratch);
    const run = await cli('--apply');
    const after = await snapshotScratch(scratch);
    const changed = [...after].filter(([file, bytes]) => !before.get(file)?.equals(bytes)).map(([file]) => file);
    recordCase(
      { area: AREA, case: 'Worker reply adds "path": "../outside/victim.txt"', expected: 'The extra field is ignored; only the planned file is written.' },
      `exit ${run.code}; files changed: ${changed.join(', ') || 'none'}`,
      () => {
        assert.equal(run.code, 0, run.stderr);
        assert.deepEqual(changed, [path.join('ws', 'src', 'a.ts')]);
      },
    );
  });
});
