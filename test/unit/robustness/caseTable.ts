// The robustness suite's ledger: every case states what it expects and reports what it observed, and
// `docs/robustness.md` is generated from these rows (test/robustness/generateTable.mjs), so the
// document can only say what a run actually saw. Rows are appended as JSON lines to the file named by
// RO_ROBUSTNESS_OUT; without it (a plain `mocha` run) cases are still asserted, just not recorded.
// Dependency-free (node: modules only) because the integration suite loads it inside the extension host.
import * as fs from 'node:fs';

export type CaseOutcome = 'held' | 'failed' | 'open';

export interface CaseRow {
  area: string;
  case: string;
  expected: string;
  observed: string;
  outcome: CaseOutcome;
  /** Where the case runs: a unit test (CLI or core), the VS Code extension host, or the workbench driven end to end. */
  suite: 'unit' | 'integration' | 'e2e';
  /** Set on cases that found a bug which was then fixed; names the fix. */
  fixed?: string;
}

function write(row: CaseRow): void {
  const file = process.env['RO_ROBUSTNESS_OUT'];
  if (!file) return;
  fs.appendFileSync(file, `${JSON.stringify(row)}\n`);
}

/** One line, short enough for a table cell; pipes would split the Markdown cell. */
export function cell(text: string, max = 240): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length <= max ? line : `${line.slice(0, max - 1)}…`;
}

export interface CaseSpec {
  area: string;
  case: string;
  expected: string;
  suite?: 'unit' | 'integration' | 'e2e';
  fixed?: string;
}

/**
 * Records a case: `observed` is what happened (error text, exit code, bytes compared…), `check` holds
 * the assertions. The row says "held" when the assertions pass and "failed" (with the assertion's
 * message appended) when they do not; the assertion error is rethrown so mocha fails the test too.
 */
export function recordCase(spec: CaseSpec, observed: string, check: () => void): void {
  try {
    check();
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    write({ ...base(spec), observed: cell(`${observed} — assertion failed: ${why}`, 600), outcome: 'failed' });
    throw error;
  }
  write({ ...base(spec), observed: cell(observed, 500), outcome: 'held' });
}

/**
 * A case that exposed a bug in a file this suite may not change yet: recorded as "open" with what was
 * seen when it was found, and the test is registered pending (it.skip) until the fix lands.
 */
export function openCase(spec: CaseSpec, seen: string, title: string, body: () => Promise<void>): void {
  write({ ...base(spec), observed: cell(`OPEN BUG — ${seen}`, 400), outcome: 'open' });
  it.skip(title, body);
}

function base(spec: CaseSpec): Omit<CaseRow, 'observed' | 'outcome'> {
  return { area: spec.area, case: spec.case, expected: spec.expected, suite: spec.suite ?? 'unit', ...(spec.fixed ? { fixed: spec.fixed } : {}) };
}
