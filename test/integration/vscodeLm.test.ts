// The `vscode-lm` provider against a real VS Code language model: a test-only extension
// (test/host/lm-provider-extension) registers a chat model through
// `vscode.lm.registerLanguageModelChatProvider` that forwards to the loopback server. A whole refactor
// runs through `vscode.lm.selectChatModels` and `sendRequest` with prompted JSON (the API takes no
// response format), into a review; nothing is written.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { diskText, flow, json, makeFixture, modelScript, planOf, run, setUpFakeModelAndSettings, workerFile } from './support/flowHarness';

describe('vscode-lm provider with a real VS Code language model', function () {
  this.timeout(60_000);
  setUpFakeModelAndSettings();

  before(async () => {
    await vscode.commands.executeCommand('roTestLm.setEndpoint', flow.server.baseURL);
    const config = vscode.workspace.getConfiguration('refactorOrchestrator');
    await config.update('provider', 'vscode-lm', vscode.ConfigurationTarget.Global);
    await config.update('model', 'ro-loopback', vscode.ConfigurationTarget.Global);
  });
  after(async () => {
    await vscode.commands.executeCommand('roTestLm.setEndpoint', undefined);
  });

  it('VS Code lists the loopback model', async () => {
    const models = await vscode.lm.selectChatModels({ family: 'ro-loopback' });
    assert.deepEqual(models.map((model) => `${model.vendor}/${model.id}`), ['ro-loopback/ro-loopback-model']);
  });

  it('runs a whole refactor through vscode.lm into a review, asking for JSON in the prompt', async () => {
    const at = await makeFixture({ 'store.ts': 'export class UserStore {}\n', 'use.ts': "import { UserStore } from './store';\nnew UserStore();\n" });
    flow.server.setScript(modelScript([
      { path: at('store.ts'), action: 'modify', proposed: 'export class AccountRepository {}\n' },
      { path: at('use.ts'), action: 'modify', proposed: "import { AccountRepository } from './store';\nnew AccountRepository();\n" },
    ]));
    const review = await run(`Rename UserStore to AccountRepository in ${at('')}`);
    assert.equal(review.session.stage, 'done', review.session.error);
    assert.deepEqual(review.session.files.map((file) => [file.path, file.status]), [[at('store.ts'), 'proposed'], [at('use.ts'), 'proposed']]);
    assert.equal(review.session.files[0]?.proposed, 'export class AccountRepository {}\n');
    const roles = flow.server.requests.map((request) => request.schemaName);
    assert.deepEqual([...new Set(roles)].sort(), ['plan', 'verifier_report', 'whole_file']);
    assert.ok(flow.server.requests.every((request) => request.responseFormat === undefined && request.model === 'ro-loopback-model'), 'prompted JSON through the VS Code model');
    assert.equal(await diskText(at('store.ts')), 'export class UserStore {}\n');
  });

  it('starts workers while the plan still streams through vscode.lm', async () => {
    const names = ['s1.txt', 's2.txt', 's3.txt', 's4.txt'];
    const at = await makeFixture(Object.fromEntries(names.map((name) => [name, `${name}\n`])));
    flow.server.setScript((request) => {
      // The plan arrives slowly, as a long plan does; each worker answers at once.
      if (request.schemaName === 'plan') {
        // In the order the planner is asked for: summary and renames before the changes.
        const { summary, changes } = planOf(names.map((name) => ({ path: at(name), action: 'modify' as const })));
        return json({ summary, symbolRenames: [], changes }, { tokensPerSecond: 200 });
      }
      if (request.schemaName === 'whole_file') return json({ content: `changed ${workerFile(request) ?? ''}\n`, summary: 'changed' });
      return json({ findings: [] });
    });
    const review = await run(`Change the files in ${at('')}`);
    assert.equal(review.session.stage, 'done', review.session.error);
    assert.equal(review.session.files.filter((file) => file.status === 'proposed').length, names.length);
    const planEnd = flow.server.requests.filter((request) => request.schemaName === 'plan').at(-1)?.answeredAt ?? 0;
    const firstWorker = flow.server.requests.find((request) => request.schemaName === 'whole_file');
    assert.ok(firstWorker && firstWorker.receivedAt < planEnd, `the first worker call came ${firstWorker ? planEnd - firstWorker.receivedAt : '?'} ms before the plan's last byte`);
  });
});
