// The integration suite's entry, in the shape @vscode/test-electron expects (`run()` resolves or
// rejects), also called by the code-server runner extension. When RO_TEST_RESULTS is set, each test's
// outcome is written there as it happens, since the extension host's console is not the harness's.
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

interface TestOutcome {
  title: string;
  state: 'passed' | 'failed' | 'pending';
  durationMs?: number;
  error?: string;
}

export async function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', timeout: 60_000, color: false, reporter: 'spec' });
  const only = process.env.RO_TEST_GREP;
  if (only) mocha.grep(only);
  const testsRoot = __dirname;
  for (const file of fs.readdirSync(testsRoot).filter((f) => f.endsWith('.test.js')).sort()) {
    mocha.addFile(path.join(testsRoot, file));
  }

  const resultsFile = process.env.RO_TEST_RESULTS;
  const outcomes: TestOutcome[] = [];
  const record = (done: boolean): void => {
    if (!resultsFile) return;
    const count = (state: TestOutcome['state']): number => outcomes.filter((o) => o.state === state).length;
    fs.writeFileSync(resultsFile, JSON.stringify({ passed: count('passed'), failed: count('failed'), pending: count('pending'), done, tests: outcomes }));
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
