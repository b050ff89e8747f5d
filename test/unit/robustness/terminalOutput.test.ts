// Robustness, "Model output": a model's text reaches the user's terminal through the CLI's human
// output (plan summary, change descriptions, findings, diffs). Control sequences in it must arrive as
// visible escapes, never as commands to the terminal; --json stays byte-exact data.
import * as assert from 'node:assert/strict';
import { jsonReply, routeBySchema, startFakeOpenAIServer, type FakeOpenAIServer } from '../../support/fakeOpenAIServer';
import { ensureFreshBuild, runCli } from '../support/cliRunner';
import { change, plan } from '../support/engineHarness';
import { recordCase } from './caseTable';
import { makeScratch, removeScratch, type Scratch } from './hostileWorkspace';

// Clear screen, a window-title sequence, a lone carriage return that would overwrite the line, and a
// right-to-left override that would reorder it.
const HOSTILE = 'ok\u001b[2J\u001b]0;pwned\u0007\rhidden\u202Eesrever';
// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u0080-\u009f\u202a-\u202e\u2066-\u2069]|\r(?!\n)/;

describe('robustness: model text printed by the CLI', function () {
  this.timeout(30_000);
  let server: FakeOpenAIServer;
  let scratch: Scratch;

  before(ensureFreshBuild);
  beforeEach(async () => {
    scratch = await makeScratch({ 'src/store.ts': 'export class UserStore {}\n' });
    server = await startFakeOpenAIServer(
      routeBySchema({
        plan: jsonReply({ ...plan([change('c1', 'src/store.ts', `rename ${HOSTILE}`)]), summary: `summary ${HOSTILE}` }),
        whole_file: jsonReply({ content: `export class AccountRepository {} // ${HOSTILE}\n`, summary: 'renamed' }),
        verifier_report: jsonReply({ findings: [{ path: 'src/store.ts', line: 1, severity: 'warning', kind: 'inconsistency', message: `finding ${HOSTILE}`, relatedPaths: [] }] }),
      }),
    );
  });
  afterEach(async () => {
    await server.close();
    await removeScratch(scratch);
  });

  const cli = (extra: string[]) => runCli(['--workspace', scratch.root, '--request', 'Rename UserStore', '--base-url', server.baseURL, ...extra], { OPENAI_API_KEY: 'sk-terminal-test' });

  it('escapes control and bidi characters from model text in the human output', async () => {
    const run = await cli([]);
    const rawIn = [run.stdout, run.stderr].filter((text) => RAW_CONTROL.test(text)).length;
    const shown = (run.stderr.match(/\\u001b\[2J/g) ?? []).length + (run.stdout.match(/\\u001b\[2J/g) ?? []).length;
    recordCase(
      { area: 'Model output', case: 'terminal escapes in plan, diff and findings', expected: 'Human CLI output shows control, CR and bidi characters as \\uXXXX escapes; nothing reaches the terminal raw.', fixed: 'CLI escapes controls in everything it prints (src/core/workspace/displayText.ts)' },
      `exit ${run.code}; raw control characters in ${rawIn} of 2 streams; ESC shown escaped ${shown} times (plan summary, description, diff, finding)`,
      () => {
        assert.equal(run.code, 0);
        assert.equal(rawIn, 0, `raw controls reached the terminal:\n${JSON.stringify(run.stdout + run.stderr)}`);
        assert.ok(run.stderr.includes('summary ok\\u001b[2J\\u001b]0;pwned\\u0007\\u000dhidden\\u202eesrever'), run.stderr);
        assert.ok(run.stdout.includes('finding ok\\u001b[2J'), run.stdout);
        assert.ok(run.stdout.includes('+export class AccountRepository {} // ok\\u001b[2J'), run.stdout);
      },
    );
  });

  it('keeps --json output exact: the diff carries the model text as it was', async () => {
    const run = await cli(['--json']);
    const result = JSON.parse(run.stdout) as { files: { diff: string }[]; findings: { message: string }[] };
    recordCase(
      { area: 'Model output', case: 'terminal escapes with --json', expected: '--json output is data: the model text is kept exactly, JSON-escaped.' },
      `exit ${run.code}; diff holds the text exactly: ${result.files[0]?.diff.includes(HOSTILE)}; finding exactly: ${result.findings[0]?.message === `finding ${HOSTILE}`}`,
      () => {
        assert.equal(run.code, 0);
        assert.ok(result.files[0]?.diff.includes(HOSTILE));
        assert.equal(result.findings[0]?.message, `finding ${HOSTILE}`);
      },
    );
  });
});
