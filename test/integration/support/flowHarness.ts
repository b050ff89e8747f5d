// What every integration test of the refactoring flow shares: the extension's API, the loopback fake
// model and its script, fixture folders inside the open workspace, and the panel driven by raw webview
// messages. The robustness cases and the multi-root / no-folder suites use it too, so each scenario
// states only its own setup and assertions.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { RefactorOrchestratorApi } from '../../../src/extension';
import type { ReviewSession } from '../../../src/vscode/review/reviewSession';
import { startFakeOpenAIServer, type FakeOpenAIServer, type FakeReply, type RecordedRequest } from '../../support/fakeOpenAIServer';

export const EXTENSION_ID = 'refactor-orchestrator.refactor-orchestrator';
const SETTINGS = ['provider', 'baseUrl', 'model', 'revisionRounds', 'concurrency', 'timeoutMs', 'extraExcludes', 'maxFileBytes'] as const;

export interface PlannedFile {
  path: string;
  action: 'modify' | 'create' | 'delete';
  /** What the worker replies (ignored for deletes). */
  proposed?: string;
  /** Shown as the change's description (defaults to "Change <path>"). */
  description?: string;
}

export interface Finding {
  path: string;
  line: number;
  severity: 'error' | 'warning' | 'info';
  kind: 'inconsistency' | 'missing-change' | 'conflict';
  message: string;
  relatedPaths: string[];
}

/** The state the hooks set up; a live object, so tests read it after `before` has run. */
export const flow: { api: RefactorOrchestratorApi; root: vscode.Uri; server: FakeOpenAIServer } = {} as never;
let fixtureCount = 0;

export function json(value: unknown, extra: FakeReply = {}): FakeReply {
  return { content: JSON.stringify(value), ...extra };
}

export function workerFile(request: RecordedRequest): string | undefined {
  // The last user message that names a file: through vscode.lm the system prompt arrives as a user message too.
  for (const message of [...request.messages].reverse()) {
    const found = message.role === 'user' ? /^File: `([^`]+)`/m.exec(message.content)?.[1] : undefined;
    if (found) return found;
  }
  return undefined;
}

export function planOf(files: PlannedFile[]) {
  return {
    summary: 'Test plan',
    changes: files.map((file, index) => ({ id: `c${index + 1}`, path: file.path, action: file.action, description: file.description ?? `Change ${file.path}`, specialist: 'general', dependsOn: [] })),
    symbolRenames: [],
  };
}

/** A script that plans `files`, lets each worker propose its content, and reports `findings`. */
export function modelScript(files: PlannedFile[], findings: Finding[] = [], workerDelayMs = 0) {
  return (request: RecordedRequest): FakeReply => {
    if (request.schemaName === 'plan') return json(planOf(files));
    if (request.schemaName === 'whole_file' || request.schemaName === 'search_replace') {
      const file = files.find((candidate) => candidate.path === workerFile(request));
      return json({ content: file?.proposed ?? '', summary: 'changed' }, { delayMs: workerDelayMs });
    }
    if (request.schemaName === 'verifier_report') return json({ findings });
    return { status: 400, body: { error: { message: `unexpected request ${request.schemaName ?? ''}` } } };
  };
}

/** A fresh folder in the (first) workspace folder with these files; returns workspace-relative paths by name. */
export async function makeFixture(files: Record<string, string | Uint8Array>, base: vscode.Uri = flow.root, prefix = ''): Promise<(name: string) => string> {
  const folder = `it-review-${process.pid}-${++fixtureCount}`;
  for (const [name, content] of Object.entries(files)) {
    const bytes = typeof content === 'string' ? new TextEncoder().encode(content) : content;
    await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(base, folder, ...name.split('/')), bytes);
  }
  return (name) => `${prefix}${folder}/${name}`;
}

export function uriOf(path: string, base: vscode.Uri = flow.root): vscode.Uri {
  return vscode.Uri.joinPath(base, ...path.split('/'));
}

export async function diskText(path: string, base: vscode.Uri = flow.root): Promise<string | undefined> {
  try {
    return new TextDecoder().decode(await vscode.workspace.fs.readFile(uriOf(path, base)));
  } catch {
    return undefined;
  }
}

export function lines(count: number, prefix: string): string {
  return Array.from({ length: count }, (_, i) => `${prefix} ${i + 1}`).join('\n') + '\n';
}

export async function run(request: string): Promise<ReviewSession> {
  const review = await vscode.commands.executeCommand<ReviewSession | undefined>('refactorOrchestrator.refactorAcrossFiles', { request });
  assert.ok(review, 'the command should return the review');
  return review;
}

export function idOf(review: ReviewSession, path: string): string {
  const file = review.session.files.find((candidate) => candidate.path === path);
  assert.ok(file, `${path} should be in the plan`);
  return file.id;
}

/** Drives the panel exactly as the webview would: raw messages, validated on arrival. */
export async function send(message: unknown): Promise<void> {
  const panel = flow.api.controller.reviewPanel;
  assert.ok(panel, 'the review panel should be open');
  await panel.receive(message);
}

/** Polls a condition the extension reaches asynchronously; gives up after `attempts` polls, not a time budget. */
export async function waitFor(what: string, condition: () => boolean | Promise<boolean>, attempts = 200): Promise<void> {
  for (let i = 0; i < attempts; i++) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.fail(`gave up waiting for ${what}`);
}

/** The "Refactor Orchestrator" log channel's text as written so far (a LogOutputChannel writes a file). */
export async function logText(): Promise<string> {
  const dir = flow.api.logUri;
  const entries = await vscode.workspace.fs.readDirectory(dir).then(
    (found) => found,
    () => [] as [string, vscode.FileType][],
  );
  let text = '';
  for (const [name] of entries.filter(([name]) => name.endsWith('.log'))) text += new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(dir, name)));
  return text;
}

/** Hooks for the calling suite only (call inside its describe, so other suites are unaffected). */
export function setUpFakeModelAndSettings(options: { requireFolder?: boolean } = {}): void {
  before(async function () {
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (!folder && options.requireFolder !== false) this.skip();
    if (folder) flow.root = folder.uri;
    const extension = vscode.extensions.getExtension<RefactorOrchestratorApi>(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} should be installed`);
    flow.api = await extension.activate();
    flow.server = await startFakeOpenAIServer();
    const config = vscode.workspace.getConfiguration('refactorOrchestrator');
    await config.update('provider', 'openai-compatible', vscode.ConfigurationTarget.Global);
    await config.update('baseUrl', flow.server.baseURL, vscode.ConfigurationTarget.Global);
    await config.update('model', 'fake-model', vscode.ConfigurationTarget.Global);
    await config.update('revisionRounds', 0, vscode.ConfigurationTarget.Global);
    await config.update('concurrency', 2, vscode.ConfigurationTarget.Global);
    await config.update('timeoutMs', 20_000, vscode.ConfigurationTarget.Global);
  });

  after(async () => {
    const config = vscode.workspace.getConfiguration('refactorOrchestrator');
    for (const key of SETTINGS) await config.update(key, undefined, vscode.ConfigurationTarget.Global);
    await flow.server?.close();
  });

  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    if (flow.server) flow.server.requests.length = 0;
  });
}
