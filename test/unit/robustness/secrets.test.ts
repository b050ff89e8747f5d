// Robustness, "Secrets": credential files planted in the workspace, each holding a unique marker and
// the word the request searches for (so the summary's content search would pick them if it could
// see them), and an API key that servers and network faults try to echo back. Driven through the CLI.
import * as assert from 'node:assert/strict';
import { jsonReply, routeBySchema, startFakeOpenAIServer, type FakeOpenAIServer, type FakeReply } from '../../support/fakeOpenAIServer';
import { ensureFreshBuild, lastStderrLine, runCli, type CliRun } from '../support/cliRunner';
import { change, plan, userText } from '../support/engineHarness';
import { cell, recordCase } from './caseTable';
import { assertUnchanged, makeScratch, marker, removeScratch, requestsContaining, sameBytes, snapshotScratch, type Scratch } from './hostileWorkspace';

const AREA = 'Secrets';
const FIXED_NAMES = 'backup copies of secrets, .docker/config.json, .kube/config and .ssh/ .aws/ .gnupg/ contents were listed and readable; now refused';
/** Secret files, and whether this suite found them unprotected (fixed in paths.ts). */
const SECRETS: { path: string; fixed?: boolean; content: (m: string) => string }[] = [
  { path: '.env', content: (m) => `API_TOKEN=${m}\n` },
  { path: '.env.local', content: (m) => `API_TOKEN=${m}\n` },
  { path: 'config/.env.production', content: (m) => `DB_PASSWORD=${m}\n` },
  { path: 'certs/server.pem', content: (m) => `-----BEGIN CERTIFICATE-----\n${m}\n-----END CERTIFICATE-----\n` },
  { path: 'certs/server.key', content: (m) => `-----BEGIN PRIVATE KEY-----\n${m}\n-----END PRIVATE KEY-----\n` },
  { path: 'certs/server.key.bak', fixed: true, content: (m) => `-----BEGIN PRIVATE KEY-----\n${m}\n-----END PRIVATE KEY-----\n` },
  { path: 'id_rsa', content: (m) => `-----BEGIN OPENSSH PRIVATE KEY-----\n${m}\n` },
  { path: 'deploy/id_ed25519', content: (m) => `-----BEGIN OPENSSH PRIVATE KEY-----\n${m}\n` },
  { path: '.ssh/deploy_key', fixed: true, content: (m) => `-----BEGIN OPENSSH PRIVATE KEY-----\n${m}\n` },
  { path: '.npmrc', content: (m) => `//registry.npmjs.org/:_authToken=${m}\n` },
  { path: 'credentials.json', content: (m) => `{"client_secret": "${m}"}\n` },
  { path: 'gcp/credentials.json.old', fixed: true, content: (m) => `{"client_secret": "${m}"}\n` },
  { path: '.docker/config.json', fixed: true, content: (m) => `{"auths": {"registry.example": {"auth": "${m}"}}}\n` },
  { path: '.kube/config', fixed: true, content: (m) => `users:\n- name: admin\n  user:\n    token: ${m}\n` },
  { path: '.netrc', content: (m) => `machine example.com login me password ${m}\n` },
  { path: '.pgpass', content: (m) => `localhost:5432:db:me:${m}\n` },
  { path: '.aws/credentials', content: (m) => `[default]\naws_secret_access_key = ${m}\n` },
  { path: '.aws/config', fixed: true, content: (m) => `[default]\nsso_session = ${m}\n` },
  { path: 'secrets.yaml', content: (m) => `token: ${m}\n` },
  { path: '.git-credentials', content: (m) => `https://me:${m}@example.com\n` },
  { path: '.env~', fixed: true, content: (m) => `API_TOKEN=${m}\n` },
];
// Every secret also names the identifier the request is about, so only the secret check keeps it out.
const BAIT = '\n// UserStore\n';
const STORE = 'export class UserStore {}\n';

describe('robustness: secrets', function () {
  this.timeout(60_000);
  let server: FakeOpenAIServer;
  let scratch: Scratch;
  const markers = new Map<string, string>();

  before(ensureFreshBuild);
  beforeEach(async () => {
    server = await startFakeOpenAIServer();
    const files: Record<string, string> = { 'src/store.ts': STORE };
    for (const secret of SECRETS) {
      const m = marker(secret.path);
      markers.set(secret.path, m);
      files[secret.path] = secret.content(m) + BAIT;
    }
    scratch = await makeScratch(files);
  });
  afterEach(async () => {
    await server.close();
    await removeScratch(scratch);
  });

  const cli = (...extra: string[]): Promise<CliRun> =>
    runCli(['--workspace', scratch.root, '--request', 'Rename `UserStore` to AccountRepository', '--base-url', server.baseURL, '--timeout-ms', '10000', ...extra]);

  it('never sends a secret file or its name to any model', async () => {
    server.setScript(routeBySchema({
      plan: jsonReply(plan([change('c1', 'src/store.ts', 'rename')], [{ from: 'UserStore', to: 'AccountRepository' }])),
      whole_file: jsonReply({ content: 'export class AccountRepository {}\n', summary: 'renamed' }),
      // An error finding sends the file back for a revision, so a second worker request is seen too.
      verifier_report: [
        jsonReply({ findings: [{ path: 'src/store.ts', line: 1, severity: 'error', kind: 'inconsistency', message: 'check the export', relatedPaths: [] }] }),
        jsonReply({ findings: [] }),
      ],
    }));
    const run = await cli();
    assert.equal(run.code, 0, run.stderr);
    const roles = [...new Set(server.requests.map((r) => r.schemaName))].sort().join(', ');
    const plannerPrompt = server.requests.filter((r) => r.schemaName === 'plan').map(userText).join('\n');
    assert.match(plannerPrompt, /src\/store\.ts \(/, 'the listing format this case looks for');
    for (const secret of SECRETS) {
      const m = markers.get(secret.path)!;
      const inRequests = requestsContaining(server, m);
      const listed = plannerPrompt.includes(`${secret.path} (`);
      const inOutput = (run.stdout + run.stderr).includes(m);
      recordCase(
        { area: AREA, case: `${secret.path} in the workspace`, expected: 'Its contents are in no request (planner, worker, verifier) and its name is not in the listing.', ...(secret.fixed ? { fixed: FIXED_NAMES } : {}) },
        `marker in ${inRequests}/${server.requests.length} requests (${roles}); ${listed ? 'LISTED' : 'not listed'} to the planner; ${inOutput ? 'IN' : 'not in'} CLI output`,
        () => {
          assert.equal(inRequests, 0);
          assert.equal(listed, false);
          assert.equal(inOutput, false);
        },
      );
    }
  });

  it('refuses a plan that names secret files, for modify and create', async () => {
    const named = SECRETS.map((s, i) => change(`c${i}`, s.path, 'edit it'));
    named.push(change('n1', 'config/.env.staging', 'create it', { action: 'create' }));
    server.setScript(routeBySchema({
      plan: jsonReply(plan(named)),
      whole_file: jsonReply({ content: 'overwritten\n', summary: 'x' }),
      verifier_report: jsonReply({ findings: [] }),
    }));
    const before = await snapshotScratch(scratch);
    const run = await cli('--apply');
    const after = await snapshotScratch(scratch);
    const line = lastStderrLine(run);
    const identical = sameBytes(before, after);
    const leaked = [...markers.values()].reduce((n, m) => n + requestsContaining(server, m), 0);
    for (const [index, planned] of named.entries()) {
      const problem = new RegExp(`Change ${planned.id}: path "${planned.path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}" looks like a secret file`);
      const seen = problem.exec(line)?.[0];
      const secret = SECRETS[index];
      recordCase(
        { area: AREA, case: `Plan ${planned.action === 'create' ? 'creates' : 'modifies'} ${planned.path}`, expected: 'The plan is refused naming the file as a secret; exit 1; nothing written; no secret sent.', ...(secret?.fixed ? { fixed: FIXED_NAMES } : {}) },
        `exit ${run.code}; ${seen ? `"${seen}"` : 'NOT NAMED in the refusal'}; ${identical ? 'no byte changed' : 'BYTES CHANGED'}; secrets in ${leaked}/${server.requests.length} requests`,
        () => {
          assert.equal(run.code, 1, run.stderr);
          assert.ok(seen, line);
          assertUnchanged(before, after);
          assert.equal(leaked, 0);
        },
      );
    }
  });

  describe('the API key', () => {
    const KEY = 'ro-distinctive-key-Zq8vW3xK9pLm';
    const echo = (status: number, message: string, headers: Record<string, string> = {}): FakeReply =>
      ({ status, headers: { 'x-should-retry': 'false', ...headers }, body: { error: { message, type: 'invalid_request_error', param: null, code: null } } });

    const keyCases: { label: string; script: () => Parameters<FakeOpenAIServer['setScript']>[0]; url?: () => string }[] = [
      { label: '401 whose body echoes the key', script: () => () => echo(401, `Incorrect API key provided: ${KEY}. You can find your API key at …`) },
      { label: '400 whose message quotes the key', script: () => () => echo(400, `Invalid header 'Authorization: Bearer ${KEY}'`) },
      { label: '500 whose message quotes the key', script: () => () => echo(500, `upstream said: api_key=${KEY} is not valid`) },
      {
        label: 'a worker gets a 400 quoting the key',
        script: () => routeBySchema({
          plan: jsonReply(plan([change('c1', 'src/store.ts', 'rename')])),
          whole_file: echo(400, `bad request from key ${KEY}`),
          verifier_report: jsonReply({ findings: [] }),
        }),
      },
      { label: 'a connection dropped mid-reply', script: () => () => ({ content: `{"summary": "${'x'.repeat(200)}`, dropConnection: true, dropAfterChars: 40 }) },
      { label: 'nothing listening on the port', script: () => () => ({}), url: () => 'http://127.0.0.1:9/v1' },
    ];

    for (const [label, url] of [
      ['the key as the password in --base-url', (port: string) => `http://me:${KEY}@127.0.0.1:${port}/v1`],
      ['the key in the query string of --base-url', (port: string) => `http://127.0.0.1:${port}/v1?api-key=${KEY}`],
    ] as const) {
      it(`refuses up front, without echoing it: ${label}`, async () => {
        const port = new URL(server.baseURL).port;
        const run = await runCli(['--workspace', scratch.root, '--request', 'Rename UserStore', '--base-url', url(port), '--timeout-ms', '10000'], { OPENAI_API_KEY: 'sk-unrelated-key-000' });
        const shown = (run.stdout + run.stderr).includes(KEY);
        const line = run.stderr.split('\n')[0] ?? '';
        recordCase(
          {
            area: AREA, case: `API key: ${label}`, expected: 'A usage error (exit 2) that names the problem without the key, before any request.',
            fixed: 'was reported as an unreachable server or a missing model; now a usage error naming the cause',
          },
          `exit ${run.code}; ${server.requests.length} requests; key ${shown ? 'SHOWN' : 'absent'}; "${cell(line, 170)}"`,
          () => {
            assert.equal(run.code, 2, run.stderr);
            assert.equal(server.requests.length, 0);
            assert.equal(shown, false);
            assert.match(line, /credentials|query string/);
          },
        );
      });
    }

    for (const c of keyCases) {
      it(`never shows the key: ${c.label}`, async () => {
        server.setScript(c.script());
        const url = c.url?.() ?? server.baseURL;
        const run = await runCli(['--workspace', scratch.root, '--request', 'Rename UserStore', '--base-url', url, '--timeout-ms', '10000', '--json'], { OPENAI_API_KEY: KEY });
        const sent = server.requests.some((r) => r.headers['authorization'] === `Bearer ${KEY}`);
        const shown = (run.stdout + run.stderr).includes(KEY);
        const jsonError = (JSON.parse(run.stdout || '{}') as { error?: string }).error ?? '(no error field)';
        recordCase(
          { area: AREA, case: `API key: ${c.label}`, expected: 'The run fails with one line that does not contain the key, on stderr and in --json.' },
          `exit ${run.code}; key ${shown ? 'SHOWN' : 'absent'} in stdout/stderr${c.url ? '' : ` (server got it: ${sent ? 'yes' : 'no'})`}; --json error: "${cell(jsonError, 150)}"`,
          () => {
            assert.equal(run.code, 1, run.stderr);
            assert.equal(shown, false);
            if (!c.url) assert.ok(sent, 'the key was really in use');
            assert.match(lastStderrLine(run), /^refactor-orchestrator: \S/);
          },
        );
      });
    }
  });
});
