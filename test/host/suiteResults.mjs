// The results file the integration suite writes from inside the extension host
// (test/integration/index.ts), read by the harnesses that run it, and the counts they hand to
// test/runAll.mjs for its closing line.
import * as fs from 'node:fs';

/**
 * @typedef {{ title: string, state: 'passed' | 'failed' | 'pending', durationMs?: number, error?: string }} TestOutcome
 * @typedef {{ passed: number, failed: number, pending: number, done: boolean, crashed?: string, failures: { title: string, error: string }[], tests: TestOutcome[] }} SuiteResults
 */

/** @returns {SuiteResults | undefined} undefined until the suite has written something */
export function readResults(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

export function indent(text, lines = 30) {
  return text
    .split('\n')
    .slice(0, lines)
    .map((line) => `      ${line}`)
    .join('\n');
}

/** Prints the outcomes not printed yet; returns how many are printed now. */
export function printNewOutcomes(results, alreadyPrinted) {
  const tests = results?.tests ?? [];
  for (const test of tests.slice(alreadyPrinted)) {
    const mark = test.state === 'passed' ? '✔' : test.state === 'failed' ? '✘' : '-';
    console.log(`  ${mark} ${test.title}${test.durationMs !== undefined ? ` (${test.durationMs} ms)` : ''}`);
    if (test.error) console.log(indent(test.error));
  }
  return Math.max(alreadyPrinted, tests.length);
}

/** The totals line, and the counts for runAll.mjs (RO_SUMMARY_JSON). Returns the exit code. */
export function finish(hostName, results) {
  if (!results) {
    console.log(`\n  integration (${hostName}): the suite reported nothing`);
    writeSummary({ passed: 0, failed: 1, pending: 0 });
    return 1;
  }
  if (results.crashed) console.log(`  ✘ the suite crashed:\n${indent(results.crashed)}`);
  const failed = results.failed + (results.crashed ? 1 : 0);
  console.log(`\n  integration (${hostName}): ${results.passed} passing, ${failed} failing, ${results.pending} pending`);
  // A suite that ran no test is a broken harness, not a success.
  const broken = results.passed + failed === 0;
  writeSummary({ passed: results.passed, failed: failed + (broken ? 1 : 0), pending: results.pending });
  return failed > 0 || broken ? 1 : 0;
}

function writeSummary(counts) {
  const file = process.env.RO_SUMMARY_JSON;
  if (file) fs.writeFileSync(file, JSON.stringify(counts));
}
