// `npm test`: every suite, in order of cost: build, unit tests (plain Node), integration tests in a
// real VS Code extension host, end-to-end tests driving the real workbench in Chromium. Ends with one
// `N passed, N failed` line (what CI reads) and a non-zero exit on any failure.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const mochaBin = path.join(root, 'node_modules', 'mocha', 'bin', 'mocha.js');
const totals = { passed: 0, failed: 0, skipped: 0 };
const timings = [];

function step(name, fn) {
  const started = Date.now();
  console.log(`\n=== ${name}`);
  const ok = fn();
  const seconds = (Date.now() - started) / 1000;
  timings.push(`${name}: ${seconds.toFixed(1)} s`);
  return ok;
}

function run(command, args, env = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  return result.status === 0;
}

/** Runs mocha with a JSON side report, so the counts come from mocha itself rather than parsed text. */
function mocha(name, config, extraArgs = []) {
  const report = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ro-mocha-')), 'report.json');
  const ok = run(process.execPath, [mochaBin, '--config', config, '--reporter', path.join(root, 'test', 'host', 'countingSpecReporter.cjs'), ...extraArgs], { RO_MOCHA_JSON: report });
  return countFrom(name, report, ok);
}

/** Counts a step that is one check rather than a suite. */
function count(ok) {
  totals[ok ? 'passed' : 'failed']++;
  return ok;
}

function countFrom(name, reportFile, ok) {
  let counts;
  try {
    counts = JSON.parse(fs.readFileSync(reportFile, 'utf8'));
  } catch {
    counts = undefined;
  }
  if (!counts) {
    console.log(`${name}: no results were reported`);
    totals.failed++;
    return false;
  }
  totals.passed += counts.passed;
  totals.failed += counts.failed;
  totals.skipped += counts.pending ?? 0;
  if (!ok && counts.failed === 0) totals.failed++; // the run died outside any test
  return ok && counts.failed === 0;
}

// The robustness cases append what they observed here (see test/unit/robustness/caseTable.ts); the
// suites run as child processes and inherit the variable, the extension host included.
const resultsDir = path.join(root, 'test-results');
const robustnessRows = path.join(resultsDir, 'robustness.jsonl');
fs.mkdirSync(resultsDir, { recursive: true });
fs.rmSync(robustnessRows, { force: true });
process.env.RO_ROBUSTNESS_OUT = robustnessRows;

let ok = true;
ok = step('build', () => run(process.execPath, ['esbuild.mjs'])) && ok;
ok = step('compile tests', () => run(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', '.'])) && ok;
if (!ok) {
  console.log('\n0 passed, 1 failed');
  process.exit(1);
}
ok = step('unit tests', () => mocha('unit', 'test/.mocharc.unit.json')) && ok;
// The linter is one check: clean, or the run fails (eslint.config.mjs holds the rules and the layers).
ok = step('lint', () => count(run(process.execPath, [path.join(root, 'node_modules', 'eslint', 'bin', 'eslint.js'), '--max-warnings', '0', '.']))) && ok;

const wantIntegration = process.env.RO_SKIP_INTEGRATION !== '1';
const wantE2E = process.env.RO_SKIP_E2E !== '1' && process.env.RO_TEST_HOST !== 'electron';
// The electron host provisions itself (test-electron downloads VS Code); code-server is ours to set up.
const needsCodeServer = (wantIntegration && process.env.RO_TEST_HOST !== 'electron') || wantE2E;
let hostReady = true;
if (needsCodeServer) {
  hostReady = step('provision test host', () => run(process.execPath, ['test/host/provision.mjs']));
  if (!hostReady) {
    // Both suites need it; running them would only provision again and fail again, slower.
    console.log('\nThe test host could not be provisioned: the integration and end-to-end suites are counted as failed.');
    totals.failed += (wantIntegration ? 1 : 0) + (wantE2E ? 1 : 0);
    ok = false;
  }
}
if (wantIntegration && hostReady) {
  ok =
    step(`integration tests (${process.env.RO_TEST_HOST === 'electron' ? 'VS Code via test-electron' : 'code-server'})`, () => {
      const report = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ro-integration-')), 'report.json');
      const passed = run(process.execPath, ['test/host/runIntegration.mjs'], { RO_SUMMARY_JSON: report });
      return countFrom('integration', report, passed);
    }) && ok;
}
if (wantE2E && hostReady) {
  ok = step('end-to-end tests (Playwright in code-server)', () => mocha('e2e', 'test/.mocharc.e2e.json')) && ok;
}

// Only a run of every suite may rewrite the committed table; a narrowed run writes its own beside it.
const fullRun = wantIntegration && wantE2E && hostReady && !process.env.RO_TEST_GREP;
const robustnessDoc = fullRun ? path.join(root, 'docs', 'robustness.md') : path.join(resultsDir, 'robustness.md');
run(process.execPath, ['test/robustness/generateTable.mjs', robustnessRows, robustnessDoc, ...(fullRun ? [] : ['--partial'])]);

console.log(`\n${timings.join('\n')}`);
console.log(`\n${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ''}`);
process.exit(ok && totals.failed === 0 ? 0 : 1);
