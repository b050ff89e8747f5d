import * as assert from 'node:assert/strict';
import type { Finding } from '../../src/core/schemas';
import type { FileChangeState } from '../../src/core/engine/session';
import { validateFindings, verifyConsistency } from '../../src/core/verify/verifier';
import type { WorkspaceAccess } from '../../src/core/workspace/workspace';
import { startFakeOpenAIServer, type FakeOpenAIServer, type RecordedRequest } from '../support/fakeOpenAIServer';
import { change, json, plan, provider, userText } from './support/engineHarness';

const workspace: WorkspaceAccess = {
  label: 'memory',
  listFiles: async () => [{ path: 'src/other.ts', size: 20 }],
  readText: async (path) => (path === 'src/other.ts' ? 'one\ntwo\n' : undefined),
};

function file(path: string, proposed: string, diff = `--- a/${path}\n+++ b/${path}\n@@ -1 +1 @@\n-old\n+new\n`): FileChangeState {
  return { id: path, path, action: 'modify', description: '', specialist: 'rename', dependsOn: [], status: 'proposed', original: 'old\n', proposed, diff, revisions: 0, findings: [], timings: {} };
}

function finding(path: string, line: number, extra: Partial<Finding> = {}): Finding {
  return { path, line, severity: 'error', kind: 'inconsistency', message: 'problem', relatedPaths: [], ...extra };
}

describe('verifier', function () {
  this.timeout(20_000);

  describe('validateFindings', () => {
    const files = [file('src/a.ts', 'l1\nl2\nl3\n')];

    it('maps diff-style paths back to planned files and clamps lines to the proposed content', async () => {
      const { findings } = await validateFindings([finding('a/src/a.ts', 99), finding('./src/a.ts', -0)], files, workspace);
      assert.deepEqual(findings.map((f) => [f.path, f.line, f.source]), [['src/a.ts', 3, 'model'], ['src/a.ts', 0, 'model']]);
    });

    it('drops findings about files that are neither planned nor in the workspace, and unsafe paths', async () => {
      const { findings, dropped } = await validateFindings([finding('src/nowhere.ts', 1), finding('../etc/passwd', 1, { kind: 'missing-change' })], files, workspace);
      assert.deepEqual(findings, []);
      assert.equal(dropped.length, 2);
    });

    it('keeps a missing-change finding for an unplanned workspace file and says it was not changed', async () => {
      const { findings } = await validateFindings([finding('src/other.ts', 7, { kind: 'missing-change' })], files, workspace);
      assert.equal(findings[0]?.line, 2);
      assert.match(findings[0]?.message ?? '', /not in the plan/);
    });

    it('drops an unplanned file for kinds other than missing-change', async () => {
      const { findings } = await validateFindings([finding('src/other.ts', 1, { kind: 'conflict' })], files, workspace);
      assert.deepEqual(findings, []);
    });
  });

  describe('verifyConsistency', () => {
    let server: FakeOpenAIServer;
    beforeEach(async () => { server = await startFakeOpenAIServer(); });
    afterEach(async () => { await server.close(); });

    it('sends the request, the plan and every diff with numbered new content, and asks to flag disagreements', async () => {
      server.setScript(() => json({ findings: [finding('src/b.ts', 2, { relatedPaths: ['b/src/a.ts'] })] }));
      const files = [file('src/a.ts', 'export function fetchUser() {}\n'), file('src/b.ts', 'import { getUser } from "./a";\ngetUser();\n')];
      const result = await verifyConsistency({
        request: 'rename getUser to fetchUser',
        plan: plan([change('c1', 'src/a.ts', 'rename'), change('c2', 'src/b.ts', 'rename')]),
        files,
        workspace,
        provider: provider(server),
        signal: new AbortController().signal,
      });
      const request = server.requests[0] as RecordedRequest;
      assert.equal(request.schemaName, 'verifier_report');
      const prompt = userText(request);
      assert.match(prompt, /rename getUser to fetchUser/);
      assert.match(prompt, /\+new/);
      assert.match(prompt, /1\| import \{ getUser \}/);
      assert.match(request.messages[0]?.content ?? '', /do NOT decide which side is right/);
      assert.deepEqual(result.findings.map((f) => [f.path, f.line, f.relatedPaths]), [['src/b.ts', 2, ['src/a.ts']]]);
    });
    it('names an enormous diff by its size instead of sending it, and still shows the others', async () => {
      server.setScript(() => json({ findings: [] }));
      const huge = file('src/a.ts', 'x\n'.repeat(150_000), `--- a/src/a.ts\n+++ b/src/a.ts\n@@ -1 +1,150000 @@\n-old\n${'+x\n'.repeat(150_000)}`);
      const files = [huge, file('src/b.ts', 'import { getUser } from "./a";\ngetUser();\n')];
      await verifyConsistency({
        request: 'rename', plan: plan([change('c1', 'src/a.ts', 'rename'), change('c2', 'src/b.ts', 'rename')]), files, workspace, provider: provider(server), signal: new AbortController().signal,
      });
      const prompt = userText(server.requests[0] as RecordedRequest);
      assert.ok(prompt.length < 50_000, `${prompt.length} characters sent`);
      assert.match(prompt, /a diff of \d+ characters, \+150000 -\d+ lines, is too large to show here/);
      assert.match(prompt, /1\| import \{ getUser \}/);
    });
  });
});
