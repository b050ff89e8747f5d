// Shared by the "Model output" robustness cases: a small workspace, a fake model that behaves well
// unless a case overrides one role, and one CLI run (`--apply --json`) whose outcome is described
// from what actually happened: exit code, the stderr error line, per-file status and error, how many
// requests each role got, and which files' bytes changed on disk.
import { routeBySchema, startFakeOpenAIServer, type FakeOpenAIServer, type FakeReply, type RecordedRequest, type SchemaRoute } from '../../support/fakeOpenAIServer';
import { ensureFreshBuild, runCli, type CliRun } from '../support/cliRunner';
import { cell } from './caseTable';
import { change, json, makeWorkspace, noFindings, plan, removeWorkspace, requestsFor, snapshot, workerFile } from '../support/engineHarness';

export const AREA = 'Model output';
/** The `fixed` note of every case a runaway reply used to get through. */
export const RUNAWAY_FIX = 'replies are stopped at 4 MB (was: read to the end, however long, then asked again)';

export const storeTs = 'export class UserStore {}\n';
export const appTs = "import { UserStore } from './store';\nexport const s = new UserStore();\n";
export const renamed = (text: string): string => text.replace(/UserStore/g, 'AccountRepository');

/** Long enough (≥ 400 lines, the default threshold) that its worker must answer with search/replace edits. */
export const bigTs = [
  'export class UserStore {}',
  '// marker',
  ...Array.from({ length: 420 }, (_, i) => `export const v${i} = ${i};`),
  '// marker',
  '',
].join('\n');

export const baseFiles = { 'src/store.ts': storeTs, 'src/app.ts': appTs, 'src/big.ts': bigTs };

/**
 * Registers, in the calling describe, a fresh fake server and a workspace of `baseFiles` per test (and
 * the CLI bundle built once); the returned object holds the current ones.
 */
export function useServerAndWorkspace(): { server: FakeOpenAIServer; root: string } {
  const current = {} as { server: FakeOpenAIServer; root: string };
  before(ensureFreshBuild);
  beforeEach(async () => {
    current.server = await startFakeOpenAIServer();
    current.root = await makeWorkspace(baseFiles);
  });
  afterEach(async () => {
    await current.server.close();
    await removeWorkspace(current.root);
  });
  return current;
}

/** store.ts first, then app.ts, which depends on it: the usual two-file rename. */
export const renamePlan = plan(
  [change('c1', 'src/store.ts', 'Rename class UserStore to AccountRepository.'), change('c2', 'src/app.ts', 'Use AccountRepository.', { dependsOn: ['c1'] })],
  [{ from: 'UserStore', to: 'AccountRepository' }],
);
export const bigPlan = plan([change('c1', 'src/store.ts', 'Rename class UserStore.'), change('c2', 'src/big.ts', 'Rename class UserStore.')]);

/** A worker that does the rename on whatever file it is asked about. */
export function goodWorker(request: RecordedRequest): FakeReply {
  const file = workerFile(request) ?? '';
  const original = (baseFiles as Record<string, string>)[file] ?? '';
  if (request.schemaName === 'search_replace') {
    return json({ edits: [{ search: 'export class UserStore {}', replace: 'export class AccountRepository {}' }], summary: 'renamed' });
  }
  return json({ content: renamed(original), summary: 'renamed' });
}

/** Good replies for every role, except where `routes` says otherwise. */
export function script(routes: Record<string, SchemaRoute> = {}) {
  return routeBySchema({ plan: json(renamePlan), whole_file: goodWorker, search_replace: goodWorker, verifier_report: noFindings, ...routes });
}

/** Answers the worker of `file` with `hostile` (a reply, a queue, or a function), everyone else well. */
export function hostileWorkerFor(file: string, hostile: FakeReply | FakeReply[]): (request: RecordedRequest) => FakeReply {
  let next = 0;
  return (request) => {
    if (workerFile(request) !== file) return goodWorker(request);
    if (!Array.isArray(hostile)) return hostile;
    return hostile[Math.min(next++, hostile.length - 1)] ?? hostile[0] ?? {};
  };
}

/**
 * Cases where one file fails alone by design pass this, so the files that succeeded are still written
 * and the case can check that the failure stayed confined; without it, --apply refuses a partial run.
 */
export const ALLOW_PARTIAL = '--allow-partial';

interface CliFile { path: string; status: string; error?: string; diff: string }
interface CliJson { files: CliFile[]; applied?: string[]; refused?: { path: string; reason: string }[]; error?: string }

export interface Outcome {
  run: CliRun;
  result: CliJson | undefined;
  /** Lines of stderr that report the run's failure (`refactor-orchestrator: …`). */
  errorLines: string[];
  hasStackTrace: boolean;
  /** Files whose bytes differ after the run, and how many files were compared. */
  changed: string[];
  compared: number;
  after: Map<string, Buffer>;
  requests: (schemaName: string) => number;
  workerRequestsFor: (file: string) => number;
}

/** Runs the shipped CLI with --apply --json against `root`, comparing every file's bytes before and after. */
export async function runApply(server: FakeOpenAIServer, root: string, extraArgs: string[] = []): Promise<Outcome> {
  const before = await snapshot(root);
  // These cases are about what a worker model writes: the language server would do this rename without one.
  const args = ['--workspace', root, '--request', 'Rename UserStore to AccountRepository', '--base-url', server.baseURL, '--timeout-ms', '20000', '--apply', '--json', '--no-language-server', ...extraArgs];
  const run = await runCli(args);
  const after = await snapshot(root);
  const paths = new Set([...before.keys(), ...after.keys()]);
  const changed = [...paths].filter((p) => !(before.get(p)?.equals(after.get(p) ?? Buffer.alloc(0)) && after.has(p))).sort();
  let result: CliJson | undefined;
  try {
    result = JSON.parse(run.stdout) as CliJson;
  } catch {
    result = undefined;
  }
  return {
    run,
    result,
    errorLines: run.stderr.split('\n').filter((line) => line.startsWith('refactor-orchestrator: ')),
    hasStackTrace: /\n\s+at \S/.test(run.stderr),
    changed,
    compared: paths.size,
    after,
    requests: (schemaName) => requestsFor(server, schemaName).length,
    workerRequestsFor: (file) => server.requests.filter((r) => (r.schemaName === 'whole_file' || r.schemaName === 'search_replace') && workerFile(r) === file).length,
  };
}

export function fileOf(outcome: Outcome, path: string): CliFile | undefined {
  return outcome.result?.files.find((file) => file.path === path);
}

/** "2 files byte-identical" or "changed: a, b" — what the disk says, for the ledger. */
export function diskSummary(outcome: Outcome): string {
  return outcome.changed.length === 0 ? `all ${outcome.compared} files byte-identical` : `bytes changed: ${outcome.changed.join(', ')} (of ${outcome.compared})`;
}

/** The ledger line of a run that must fail as a whole. */
export function describeFailedRun(outcome: Outcome, stage = 'plan'): string {
  const line = outcome.errorLines[0] ?? `(no error line; stderr ends "${outcome.run.stderr.trim().split('\n').pop() ?? ''}")`;
  // Counts first: a long error line is what the table cell may clip.
  return `exit ${String(outcome.run.code)}; ${outcome.requests(stage)} ${stage} request(s); ${diskSummary(outcome)}; stderr: "${line}"`;
}

/** The ledger line of a run where one file is meant to fail alone: its reason first, then the disk. */
export function describeFileFailure(outcome: Outcome, path: string): string {
  const file = fileOf(outcome, path);
  const written = (outcome.result?.applied ?? []).join(', ') || 'nothing';
  return `exit ${String(outcome.run.code)}; ${path} ${file?.status ?? 'missing'} after ${outcome.workerRequestsFor(path)} worker request(s): "${cell(file?.error ?? '', 120)}"; written: ${written}; ${diskSummary(outcome)}`;
}
