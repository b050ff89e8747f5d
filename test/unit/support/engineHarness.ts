// Shared set-up for the engine's tests: temp-dir workspaces, the real OpenAI-compatible provider
// pointed at the loopback fake server, and helpers to route fake replies by schema name and file.
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { createOpenAIProvider } from '../../../src/core/llm/openaiProvider';
import { createNodeWorkspace } from '../../../src/node/nodeWorkspace';
import { DEFAULT_ENGINE_SETTINGS, startRefactor, type EngineSettings } from '../../../src/core/engine/orchestrator';
import type { Plan, PlannedChange } from '../../../src/core/schemas';
import type { RefactorSession } from '../../../src/core/engine/session';
import type { FakeOpenAIServer, FakeReply, RecordedRequest } from '../../support/fakeOpenAIServer';

export async function makeWorkspace(files: Record<string, string | Buffer>): Promise<string> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'engine-test-'));
  for (const [relative, content] of Object.entries(files)) {
    const full = path.join(root, relative);
    await fs.mkdir(path.dirname(full), { recursive: true });
    await fs.writeFile(full, content);
  }
  return root;
}

export async function removeWorkspace(root: string): Promise<void> {
  await fs.rm(root, { recursive: true, force: true });
}

/** Every file's bytes (a symbolic link as its target, never followed), to prove a run wrote nothing. */
export async function snapshot(root: string): Promise<Map<string, Buffer>> {
  const result = new Map<string, Buffer>();
  async function walk(dir: string): Promise<void> {
    for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (entry.isSymbolicLink()) result.set(path.relative(root, full), Buffer.from(`symlink -> ${await fs.readlink(full)}`));
      else result.set(path.relative(root, full), await fs.readFile(full));
    }
  }
  await walk(root);
  return result;
}

export function provider(server: FakeOpenAIServer) {
  return createOpenAIProvider({
    baseURL: server.baseURL,
    apiKey: 'test-key',
    models: { planner: 'fake-planner', worker: 'fake-worker', verifier: 'fake-verifier' },
    timeoutMs: 15_000,
    maxRetries: 0,
  });
}

export function runEngine(
  server: FakeOpenAIServer,
  root: string,
  request: string,
  settings: Partial<EngineSettings> = {},
  signal: AbortSignal = new AbortController().signal,
): { session: RefactorSession; done: Promise<void> } {
  return startRefactor({
    request,
    workspace: createNodeWorkspace(root, { maxFileBytes: 1024 * 1024, extraExcludes: [] }),
    provider: provider(server),
    settings: { ...DEFAULT_ENGINE_SETTINGS, ...settings },
    signal,
  });
}

export function json(value: unknown): FakeReply {
  return { content: JSON.stringify(value) };
}

export function change(id: string, filePath: string, description: string, extra: Partial<PlannedChange> = {}): PlannedChange {
  return { id, path: filePath, action: 'modify', description, specialist: 'rename', dependsOn: [], ...extra };
}

/** In the schema's key order, as a strict json_schema reply sends it: summary and renames first. */
export function plan(changes: PlannedChange[], symbolRenames: Plan['symbolRenames'] = []): Plan {
  return { summary: 'Test plan', symbolRenames, fileMoves: [], changes };
}

/** The user message of a request (where the engine puts the request, the file and its content). */
export function userText(request: RecordedRequest): string {
  return request.messages.filter((m) => m.role === 'user').map((m) => m.content).join('\n');
}

/** Which planned file a worker request is about (the engine names it as "File: `path`"). */
export function workerFile(request: RecordedRequest): string | undefined {
  return /^File: `([^`]+)`/m.exec(request.messages.find((m) => m.role === 'user')?.content ?? '')?.[1];
}

export function workerRequests(server: FakeOpenAIServer, filePath?: string): RecordedRequest[] {
  return server.requests.filter((r) => (r.schemaName === 'whole_file' || r.schemaName === 'search_replace') && (filePath === undefined || workerFile(r) === filePath));
}

export function requestsFor(server: FakeOpenAIServer, schemaName: string): RecordedRequest[] {
  return server.requests.filter((r) => r.schemaName === schemaName);
}

export const noFindings: FakeReply = json({ findings: [] });

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
