// The chat and agent entry points in a real extension host: the language-model tool invoked through
// `vscode.lm.invokeTool` as an agent would, and the @refactor participant's handler with a recording
// response stream (the test host's chat view needs a signed-in chat provider to send a message, so the
// handler is driven directly; it is the same function the participant registers). Neither writes a
// file: both leave a review for the user to decide on.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { diskText, flow, makeFixture, modelScript, setUpFakeModelAndSettings } from './support/flowHarness';

const TOOL = 'refactorOrchestrator_refactorAcrossFiles';

function toolText(result: vscode.LanguageModelToolResult): string {
  return result.content.map((part) => (part instanceof vscode.LanguageModelTextPart ? part.value : '')).join('');
}

/** A ChatResponseStream that records what the handler streams, in order. */
class RecordingStream {
  readonly parts: { kind: string; text: string }[] = [];
  markdown(value: string | vscode.MarkdownString): void {
    this.parts.push({ kind: 'markdown', text: typeof value === 'string' ? value : value.value });
  }
  progress(value: string): void {
    this.parts.push({ kind: 'progress', text: value });
  }
  button(command: vscode.Command): void {
    this.parts.push({ kind: 'button', text: command.command });
  }
  anchor(): void {}
  reference(): void {}
  filetree(): void {}
  push(): void {}
  text(kind?: string): string {
    return this.parts.filter((part) => kind === undefined || part.kind === kind).map((part) => part.text).join('\n');
  }
}

function chatRequest(prompt: string): vscode.ChatRequest {
  return { prompt, command: undefined, references: [], toolReferences: [], toolInvocationToken: undefined, model: undefined } as unknown as vscode.ChatRequest;
}

describe('Chat and agent entry points', function () {
  this.timeout(60_000);
  setUpFakeModelAndSettings();

  it('the tool is registered for agents with its input schema', () => {
    const tool = vscode.lm.tools.find((candidate) => candidate.name === TOOL);
    assert.ok(tool, 'the tool should be listed in vscode.lm.tools');
    assert.deepEqual((tool.inputSchema as { required?: string[] }).required, ['request']);
  });

  it('an agent invoking the tool gets what was proposed, and nothing is written', async () => {
    const at = await makeFixture({ 'store.ts': 'export class UserStore {}\n', 'use.ts': "import { UserStore } from './store';\nnew UserStore();\n" });
    flow.server.setScript(modelScript([
      { path: at('store.ts'), action: 'modify', proposed: 'export class AccountRepository {}\n' },
      { path: at('use.ts'), action: 'modify', proposed: "import { AccountRepository } from './store';\nnew AccountRepository();\n" },
    ]));
    const result = await vscode.lm.invokeTool(TOOL, { input: { request: `Rename UserStore to AccountRepository in ${at('')}`, scope: [at('')] }, toolInvocationToken: undefined });
    const text = toolText(result);
    assert.match(text, /Proposed changes to 2 files/);
    assert.ok(text.includes(at('store.ts')) && text.includes(at('use.ts')), text);
    assert.match(text, /Nothing has been written yet: the user reviews each file/);
    assert.equal(await diskText(at('store.ts')), 'export class UserStore {}\n', 'the tool writes nothing');
    const review = flow.api.controller.currentReview;
    assert.ok(review, 'the review is open for the user');
    assert.deepEqual(review.session.files.map((file) => file.status), ['proposed', 'proposed']);
  });

  it('the tool refuses invalid input and a scope outside the workspace without running anything', async () => {
    const short = toolText(await vscode.lm.invokeTool(TOOL, { input: { request: 'x' }, toolInvocationToken: undefined }));
    const escape = toolText(await vscode.lm.invokeTool(TOOL, { input: { request: 'Rename everything', scope: ['../outside', 'src'] }, toolInvocationToken: undefined }));
    assert.match(short, /^Invalid input: request: /);
    assert.match(escape, /^Refused scope path: "\.\.\/outside" leaves the workspace/);
    assert.equal(flow.server.requests.length, 0, 'no model was asked');
  });

  it('@refactor streams the plan and each file, links to the review, and a follow-up carries the earlier request', async () => {
    const at = await makeFixture({ 'price.ts': 'export const formatPrice = (n: number) => `$${n}`;\n' });
    flow.server.setScript(modelScript([{ path: at('price.ts'), action: 'modify', description: 'Add a **currency** parameter', proposed: 'export const formatPrice = (n: number, currency = "$") => `${currency}${n}`;\n' }]));
    const token = new vscode.CancellationTokenSource().token;
    const stream = new RecordingStream();
    const first = await flow.api.chatHandler(chatRequest(`Add a currency parameter to formatPrice in ${at('')}`), { history: [] }, stream as unknown as vscode.ChatResponseStream, token);
    assert.match(stream.text('markdown'), /\*\*Plan:\*\* Test plan/);
    assert.match(stream.text('markdown'), /Add a \\\*\\\*currency\\\*\\\* parameter/, 'model text is escaped, not rendered as markup');
    assert.ok(stream.text('progress').includes(`Proposed ${at('price.ts')}`), stream.text());
    assert.match(stream.text('markdown'), /Proposed changes to 1 file: .*Nothing has been written yet/s);
    assert.equal(stream.text('button'), 'refactorOrchestrator.reopenReview');
    const remembered = (first as vscode.ChatResult | undefined)?.metadata as { request?: string } | undefined;
    assert.equal(remembered?.request, `Add a currency parameter to formatPrice in ${at('')}`);
    assert.equal(await diskText(at('price.ts')), 'export const formatPrice = (n: number) => `$${n}`;\n');

    // The follow-up: VS Code hands the earlier turns back as history.
    flow.server.requests.length = 0;
    // Its constructor is private in the API's types; VS Code itself builds these for the handler.
    const ResponseTurn = vscode.ChatResponseTurn as unknown as new (response: [], result: vscode.ChatResult, participant: string) => vscode.ChatResponseTurn;
    const response = new ResponseTurn([], first ?? {}, 'refactorOrchestrator.refactor');
    await flow.api.chatHandler(chatRequest('also update the tests'), { history: [response] }, new RecordingStream() as unknown as vscode.ChatResponseStream, token);
    const plannerPrompt = JSON.stringify(flow.server.requests.find((request) => request.schemaName === 'plan')?.messages ?? []);
    assert.ok(plannerPrompt.includes('Add a currency parameter to formatPrice') && plannerPrompt.includes('Follow-up to that refactoring: also update the tests'), 'the planner sees both requests');
  });

  it('@refactor with an empty message explains itself and runs nothing', async () => {
    const stream = new RecordingStream();
    await flow.api.chatHandler(chatRequest('  '), { history: [] }, stream as unknown as vscode.ChatResponseStream, new vscode.CancellationTokenSource().token);
    assert.match(stream.text('markdown'), /Describe the refactoring/);
    assert.equal(flow.server.requests.length, 0);
  });
});
