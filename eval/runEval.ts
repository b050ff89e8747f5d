// Runs evaluation tasks through the same engine as the CLI (planner, workers, verifier, the same
// settings, the compile check and language server on the copy's folder as the CLI's \`checkRoot\`,
// --apply's write to disk) on a fresh copy of the task's project, then checks the result.
// A run in which planned files failed is not applied, as the CLI's --apply would refuse it.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { applyChangesToDisk } from '../src/node/applyToDisk';
import { createOpenAIProvider } from '../src/core/llm/openaiProvider';
import { createNodeWorkspace } from '../src/node/nodeWorkspace';
import { DEFAULT_ENGINE_SETTINGS, startRefactor } from '../src/core/engine/orchestrator';
import { describePartialRun, partialRunSummary } from '../src/core/review/partialRun';
import { checkResult } from './checkResult';
import type { TestsOutcome } from './projectTests';
import { REPO_ROOT, readTree, writeTree, type LoadedTask } from './taskSet';

export interface EvalEndpoint {
  baseURL: string;
  model: string;
  apiKey: string;
  timeoutMs: number;
}

export interface TaskResult {
  task: string;
  project: string;
  kind: string;
  passed: boolean;
  /** Why it failed; empty when it passed. */
  why: string;
  /** Planned files, files with a proposal, and files the reference solution changes. */
  files: { planned: number; proposed: number; reference: number };
  /** Who made the proposals: the language server alone, a model, or a model on the server's result. */
  performedBy: { languageServer: number; model: number; both: number };
  tokens: { prompt: number; completion: number };
  wallMs: number;
  /** What the verifier and the deterministic checks reported, as "path:line kind: message". */
  findings: string[];
  /** The project's own tests on the result: passed, failed, or not run (with the reason in testsDetail). */
  tests: TestsOutcome['state'];
  testsDetail: string;
  testsShort: string;
  /** Whether the result equals the reference solution byte for byte (informative; the checker decides). */
  matchesReference: boolean;
}

export interface EvalOptions {
  /** Off: the models do every change, as the CLI's --no-language-server. */
  languageServer: boolean;
}

export async function runTask(task: LoadedTask, endpoint: EvalEndpoint, signal: AbortSignal, options: EvalOptions = { languageServer: true }): Promise<TaskResult> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `ro-eval-${task.id}-`));
  try {
    writeTree(root, task.before);
    // A checkout has its dependencies installed; the copy gets this repository's @types (redux's
    // tsconfig names "node"), so the engine's compile check sees what the checker (typeRoots) sees.
    // readTree skips the symlink, and the workspace never lists node_modules.
    fs.mkdirSync(path.join(root, 'node_modules'));
    fs.symlinkSync(path.join(REPO_ROOT, 'node_modules', '@types'), path.join(root, 'node_modules', '@types'), 'dir');
    const provider = createOpenAIProvider({
      baseURL: endpoint.baseURL,
      apiKey: endpoint.apiKey,
      models: { planner: endpoint.model, worker: endpoint.model, verifier: endpoint.model },
      timeoutMs: endpoint.timeoutMs,
      maxRetries: 2,
    });
    const workspace = createNodeWorkspace(root, { maxFileBytes: 1024 * 1024, extraExcludes: [] });
    const started = Date.now();
    const settings = { ...DEFAULT_ENGINE_SETTINGS, languageServer: options.languageServer };
    const { session, done } = startRefactor({ request: task.request, workspace, provider, settings, signal, checkRoot: root });
    await done;
    const wallMs = Date.now() - started;
    const usage = Object.values(session.usage);
    const base = {
      task: task.id,
      project: task.project,
      kind: task.kind,
      files: { planned: session.files.length, proposed: session.files.filter((file) => file.status === 'proposed').length, reference: task.reference.modified.length + task.reference.created.length + task.reference.deleted.length },
      performedBy: {
        languageServer: session.files.filter((file) => file.performedBy === 'language-server').length,
        model: session.files.filter((file) => file.performedBy === 'model').length,
        both: session.files.filter((file) => file.performedBy === 'both').length,
      },
      tokens: { prompt: usage.reduce((sum, u) => sum + u.promptTokens, 0), completion: usage.reduce((sum, u) => sum + u.completionTokens, 0) },
      wallMs,
      findings: session.findings.map((finding) => `${finding.path}:${finding.line} ${finding.kind}: ${finding.message}`),
    };
    const notApplied = { tests: 'not run' as const, testsDetail: 'the result was not applied', testsShort: 'result not applied', matchesReference: false };
    if (session.stage !== 'done') return { ...base, ...notApplied, passed: false, why: `run ${session.stage}: ${session.error ?? 'no reason given'}` };
    const partial = describePartialRun(session.plan, session.files, session.compileCheck);
    if (partial) return { ...base, ...notApplied, passed: false, why: `not applied: ${partialRunSummary(partial)}; first: ${firstFailure(session.files)}` };

    const changes = session.files
      .filter((file) => file.status === 'proposed' && (file.diff !== '' || file.action === 'delete' || file.action === 'move'))
      .map((file) => ({ path: file.path, action: file.action, original: file.original, proposed: file.proposed, ...(file.movedFrom !== undefined ? { movedFrom: file.movedFrom } : {}) }));
    const applied = await applyChangesToDisk(root, changes);
    if (applied.refused.length > 0) return { ...base, ...notApplied, passed: false, why: `refused on apply: ${applied.refused.map((r) => `${r.path}: ${r.reason}`).join('; ')}` };

    const result = readTree(root);
    const check = checkResult(task, root, result);
    return { ...base, passed: check.passed, why: check.problems.join('; '), tests: check.tests.state, testsDetail: check.tests.detail, testsShort: check.tests.short, matchesReference: sameTree(result, task) };
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

function firstFailure(files: readonly { path: string; status: string; error?: string }[]): string {
  const failed = files.find((file) => file.status === 'failed');
  return failed ? `${failed.path}: ${failed.error ?? 'unknown reason'}` : '';
}

function sameTree(result: Map<string, string>, task: LoadedTask): boolean {
  const expected = new Map(task.before);
  for (const file of task.reference.deleted) expected.delete(file);
  for (const [file, text] of task.after) expected.set(file, text);
  if (expected.size !== result.size) return false;
  for (const [file, text] of expected) if (result.get(file) !== text) return false;
  return true;
}

/** The table printed after a run: one row per task, then the totals. */
export function formatTable(results: readonly TaskResult[]): string {
  const rows = results.map((r) => [
    r.task,
    r.passed ? 'pass' : `FAIL: ${r.why.length > 140 ? `${r.why.slice(0, 139)}…` : r.why}`,
    `${r.tests} (${r.testsShort})`,
    `${r.files.proposed}/${r.files.planned} (ref ${r.files.reference})`,
    (r.tokens.prompt + r.tokens.completion).toLocaleString('en-US'),
    `${(r.wallMs / 1000).toFixed(1)} s`,
  ]);
  const passed = results.filter((r) => r.passed).length;
  const tokens = results.reduce((sum, r) => sum + r.tokens.prompt + r.tokens.completion, 0);
  const wall = results.reduce((sum, r) => sum + r.wallMs, 0);
  const testsPassed = results.filter((r) => r.tests === 'passed').length;
  rows.push([`${results.length} tasks`, `${passed} passed`, `${testsPassed} passed`, '', tokens.toLocaleString('en-US'), `${(wall / 1000).toFixed(1)} s`]);
  const header = ['task', 'result', 'tests', 'files proposed/planned', 'tokens', 'wall time'];
  const lines = [header, header.map(() => '---'), ...rows].map((cells) => `| ${cells.join(' | ')} |`);
  return lines.join('\n');
}
