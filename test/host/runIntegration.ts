// Runs the one mocha integration suite inside a real VS Code extension host: code-server here, or
// desktop VS Code through @vscode/test-electron with RO_TEST_HOST=electron (where it can be
// downloaded). Prints each test and the totals; exits non-zero on any failure.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { copyWorkspace, openWorkbench, startCodeServer } from './codeServer';
import { provisionTestHost, repoRoot } from './provision';

const SUITE = path.join(repoRoot, 'out', 'test', 'integration', 'index.js');
const RUNNER_EXTENSION = path.join(repoRoot, 'test', 'host', 'runner-extension');
const OVERALL_TIMEOUT_MS = Number(process.env.RO_INTEGRATION_TIMEOUT_MS ?? 15 * 60_000);

interface SuiteResults {
  passed: number;
  failed: number;
  pending: number;
  done: boolean;
  crashed?: string;
  tests: { title: string; state: string; durationMs?: number; error?: string }[];
}

async function runInElectron(): Promise<number> {
  const { runTests } = await import('@vscode/test-electron');
  const workspace = copyWorkspace();
  const resultsFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ro-results-')), 'results.json');
  try {
    const code = await runTests({
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: SUITE,
      extensionTestsEnv: { RO_TEST_RESULTS: resultsFile, RO_TEST_WORKSPACE: workspace },
      launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust'],
    }).then(
      () => 0,
      () => 1,
    );
    const results = readResults(resultsFile);
    writeSummary(results?.passed ?? 0, results?.failed ?? 1, results?.pending ?? 0);
    return code;
  } finally {
    fs.rmSync(workspace, { recursive: true, force: true });
  }
}

async function runInCodeServer(): Promise<number> {
  provisionTestHost();
  const workspace = copyWorkspace();
  const resultsFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ro-results-')), 'results.json');
  const server = await startCodeServer({
    workspace,
    extraExtensions: [RUNNER_EXTENSION],
    env: { RO_TEST_SUITE: SUITE, RO_TEST_RESULTS: resultsFile, RO_TEST_WORKSPACE: workspace },
  });
  let workbench: Awaited<ReturnType<typeof openWorkbench>> | undefined;
  const started = Date.now();
  try {
    workbench = await openWorkbench(server.folderUrl);
    let printed = 0;
    for (;;) {
      const results = readResults(resultsFile);
      for (const test of results?.tests.slice(printed) ?? []) {
        const mark = test.state === 'passed' ? '✔' : test.state === 'failed' ? '✘' : '-';
        console.log(`  ${mark} ${test.title}${test.durationMs !== undefined ? ` (${test.durationMs} ms)` : ''}`);
        if (test.error) console.log(indent(test.error));
        printed++;
      }
      if (results?.done) {
        if (results.crashed) console.log(`  ✘ the suite crashed:\n${indent(results.crashed)}`);
        console.log(`\n  integration (code-server): ${results.passed} passing, ${results.failed} failing, ${results.pending} pending`);
        writeSummary(results.passed, results.failed + (results.crashed ? 1 : 0), results.pending);
        return results.failed > 0 || results.crashed || results.passed === 0 ? 1 : 0;
      }
      if (Date.now() - started > OVERALL_TIMEOUT_MS) {
        console.log(`  ✘ the suite did not finish within ${OVERALL_TIMEOUT_MS / 1000} s; code-server said:\n${indent(server.output().slice(-3000))}`);
        return 1;
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  } finally {
    await workbench?.browser.close().catch(() => undefined);
    await server.stop();
    fs.rmSync(workspace, { recursive: true, force: true });
    fs.rmSync(path.dirname(resultsFile), { recursive: true, force: true });
  }
}

/** Counts for test/runAll.mjs's closing line. */
function writeSummary(passed: number, failed: number, pending: number): void {
  const file = process.env.RO_SUMMARY_JSON;
  if (file) fs.writeFileSync(file, JSON.stringify({ passed, failed, pending }));
}

function readResults(file: string): SuiteResults | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as SuiteResults;
  } catch {
    return undefined;
  }
}

function indent(text: string): string {
  return text
    .split('\n')
    .slice(0, 30)
    .map((line) => `      ${line}`)
    .join('\n');
}

const host = process.env.RO_TEST_HOST === 'electron' ? runInElectron : runInCodeServer;
host().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`integration: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
