// The integration suite's entry in the shape @vscode/test-electron expects (`run()` resolves, or
// rejects when a test failed), also called by the code-server runner extension
// (test/host/runner-extension). The extension host's console is not the harness's, so when
// RO_TEST_RESULTS names a file, every outcome is written there as it happens:
// { passed, failed, pending, done, failures: [{ title, error }], tests: [...] }.
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

interface TestOutcome {
  title: string;
  state: 'passed' | 'failed' | 'pending';
  durationMs?: number;
  error?: string;
}

function testFilesUnder(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) return testFilesUnder(full);
      return entry.isFile() && entry.name.endsWith('.test.js') ? [full] : [];
    })
    .sort();
}

/**
 * The test files for this window (RO_TEST_VARIANT, set by the harness): the folder window runs every
 * test outside variants/; a multi-root or no-folder window runs only variants/<name>.test.js.
 */
function suiteFiles(): string[] {
  const variant = process.env.RO_TEST_VARIANT ?? 'folder';
  const variants = path.join(__dirname, 'variants');
  if (variant !== 'folder') return [path.join(variants, `${variant}.test.js`)];
  return testFilesUnder(__dirname).filter((file) => !file.startsWith(`${variants}${path.sep}`));
}

/** Replaces the file in one step, so the harness polling it never reads half a write. */
function writeAtomically(file: string, text: string): void {
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, text);
  fs.renameSync(temporary, file);
}

export async function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', timeout: 60_000, color: false, reporter: 'spec' });
  const only = process.env.RO_TEST_GREP;
  if (only) mocha.grep(only);
  for (const file of suiteFiles()) mocha.addFile(file);

  const resultsFile = process.env.RO_TEST_RESULTS;
  const outcomes: TestOutcome[] = [];
  const record = (done: boolean): void => {
    if (!resultsFile) return;
    const count = (state: TestOutcome['state']): number => outcomes.filter((o) => o.state === state).length;
    const failures = outcomes.filter((o) => o.state === 'failed').map(({ title, error }) => ({ title, error: error ?? '' }));
    writeAtomically(resultsFile, JSON.stringify({ passed: count('passed'), failed: count('failed'), pending: count('pending'), done, failures, tests: outcomes }));
  };

  await new Promise<void>((resolve, reject) => {
    const runner = mocha.run((failures) => {
      record(true);
      if (failures > 0) reject(new Error(`${failures} integration test(s) failed`));
      else resolve();
    });
    runner.on('pass', (test) => {
      outcomes.push({ title: test.fullTitle(), state: 'passed', durationMs: test.duration ?? 0 });
      record(false);
    });
    // Also hook failures ("before all" hook…), which mocha reports here with the hook as the test.
    runner.on('fail', (test, error: Error) => {
      outcomes.push({ title: test.fullTitle(), state: 'failed', error: error.stack ?? error.message });
      record(false);
    });
    runner.on('pending', (test) => {
      outcomes.push({ title: test.fullTitle(), state: 'pending' });
      record(false);
    });
  });
}
