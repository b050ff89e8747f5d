// Runs a vendored project's own tests on a task's result, with vitest (the runner all three projects
// use), installed here as a pinned dev dependency so the run works offline after `npm ci`. Each
// project's entry says what its own vitest config would (aliases, globals) and which test files
// cannot run here, and why: a test that cannot run is reported as "not run: <reason>", never as passed.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT } from './taskSet';

interface ProjectTests {
  /** Test files, as vitest globs relative to the project. */
  include: string[];
  /** Test files left out, each with the reason it cannot run here. */
  notRun?: Record<string, string>;
  /** Module aliases of the project's own vitest config, target relative to the project. */
  alias?: Record<string, string>;
  globals?: boolean;
}

export const PROJECT_TESTS: Record<string, ProjectTests> = {
  // redux's vitest.config.mts maps `redux` and `@internal/*` to src/ and turns on globals.
  redux: { include: ['test/**/*.spec.ts'], alias: { '@internal': 'src', redux: 'src/index.ts' }, globals: true },
  superstruct: {
    include: ['test/**/*.test.ts'],
    notRun: { 'test/index.test.ts': 'it runs the fixture modules under test/validation/ (hundreds of files, not vendored) and imports lodash (not installed)' },
  },
  neverthrow: { include: ['tests/**/*.test.ts'] },
};

export interface TestsOutcome {
  state: 'passed' | 'failed' | 'not run';
  /** "81 tests in 9 files", "2 of 81 failed, first: …", or why they were not run. */
  detail: string;
  /** For the table: "81 tests, 9 files", "+1 file not run". */
  short: string;
}

const TIMEOUT_MS = 120_000;

export function runProjectTests(project: string, root: string): TestsOutcome {
  const spec = PROJECT_TESTS[project];
  if (!spec) return { state: 'not run', detail: `no test settings for ${project} in eval/projectTests.ts`, short: 'no test settings' };
  let vitest: string;
  try {
    vitest = path.join(path.dirname(require.resolve('vitest/package.json', { paths: [REPO_ROOT] })), 'vitest.mjs');
  } catch {
    return { state: 'not run', detail: 'vitest is not installed (npm ci installs it as a dev dependency)', short: 'vitest not installed' };
  }
  const notRun = Object.keys(spec.notRun ?? {});
  const skipped = notRun.length > 0 ? `; not run: ${notRun.map((file) => `${file} (${spec.notRun?.[file] ?? ''})`).join(', ')}` : '';
  const skippedShort = notRun.length > 0 ? `, +${notRun.length} file${notRun.length > 1 ? 's' : ''} not run` : '';
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'ro-eval-vitest-'));
  try {
    const report = path.join(scratch, 'report.json');
    const settings = { root, include: spec.include, exclude: notRun, alias: spec.alias ?? {}, globals: spec.globals === true };
    const run = spawnSync(process.execPath, [vitest, 'run', '--config', path.join(REPO_ROOT, 'eval', 'vitest.config.mjs'), '--reporter=json', `--outputFile=${report}`], {
      cwd: root,
      env: { ...process.env, RO_EVAL_TESTS: JSON.stringify(settings), NO_COLOR: '1', CI: '1' },
      encoding: 'utf8',
      timeout: TIMEOUT_MS,
    });
    if (run.error) return { state: 'failed', detail: `vitest did not finish: ${run.error.message}${skipped}`, short: 'did not finish' };
    if (!fs.existsSync(report)) return { state: 'failed', detail: `vitest exited ${String(run.status)} without a report: ${lastLine(run.stderr || run.stdout)}${skipped}`, short: 'no report' };
    const outcome = summarize(JSON.parse(fs.readFileSync(report, 'utf8')) as VitestReport, run.status, root);
    return { state: outcome.state, detail: outcome.detail + skipped, short: outcome.short + skippedShort };
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

interface VitestReport {
  numTotalTests: number;
  numFailedTests: number;
  testResults: { name: string; status: string; message?: string; assertionResults: { fullName: string; status: string; failureMessages?: string[] }[] }[];
}

function summarize(report: VitestReport, status: number | null, root: string): TestsOutcome & { short: string } {
  const files = report.testResults.length;
  const failedTest = report.testResults.flatMap((file) => file.assertionResults.filter((test) => test.status === 'failed').map((test) => `${test.fullName}: ${firstLine(test.failureMessages?.[0] ?? '')}`))[0];
  // A file that does not load (a renamed export still imported) has no failed test, only a message.
  const failedFile = report.testResults.find((file) => file.status === 'failed' && file.assertionResults.every((test) => test.status !== 'failed'));
  if (report.numFailedTests === 0 && !failedFile && status === 0) return { state: 'passed', detail: `${report.numTotalTests} tests in ${files} files`, short: `${report.numTotalTests} tests, ${files} files` };
  const first = failedTest ?? (failedFile ? `${path.relative(root, failedFile.name).split(path.sep).join('/')} does not load: ${firstLine(failedFile.message ?? '')}` : `vitest exited ${String(status)}`);
  return { state: 'failed', detail: `${report.numFailedTests} of ${report.numTotalTests} failed${failedFile ? ' (a file did not load)' : ''}, first: ${first}`, short: `${report.numFailedTests} of ${report.numTotalTests} failed` };
}

function firstLine(text: string): string {
  return (text.split('\n').find((line) => line.trim() !== '') ?? '').trim().slice(0, 200);
}

function lastLine(text: string): string {
  return (text.trim().split('\n').pop() ?? '').trim().slice(0, 200);
}
