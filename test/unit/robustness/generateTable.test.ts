import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { CaseRow } from './caseTable';

// docs/robustness.md is generated from the rows the cases record; the table must count what the rows
// say and keep model text as text (a row's observed text is often an error quoting model output).
const repoRoot = path.resolve(__dirname, '../../../..');
const generator = path.join(repoRoot, 'test/robustness/generateTable.mjs');

function generate(rows: CaseRow[], partial = false): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ro-robustness-table-'));
  try {
    const rowsFile = path.join(dir, 'rows.jsonl');
    const outFile = path.join(dir, 'robustness.md');
    fs.writeFileSync(rowsFile, rows.map((row) => JSON.stringify(row)).join('\n'));
    execFileSync(process.execPath, [generator, rowsFile, outFile, ...(partial ? ['--partial'] : [])], { stdio: 'pipe' });
    return fs.readFileSync(outFile, 'utf8');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const row = (over: Partial<CaseRow>): CaseRow => ({
  area: 'Network',
  case: 'a case',
  expected: 'it holds',
  observed: 'it held',
  outcome: 'held',
  suite: 'unit',
  ...over,
});

describe('the robustness table generator', () => {
  it('counts cases by outcome, overall and per area, and lists areas in the issue order', () => {
    const md = generate([
      row({ area: 'Webview', case: 'w1' }),
      row({ area: 'Model output', case: 'm1', outcome: 'failed', observed: 'x — assertion failed: y' }),
      row({ area: 'Model output', case: 'm2', fixed: 'decode escapes one by one' }),
      row({ area: 'Model output', case: 'm3', outcome: 'open' }),
    ]);
    assert.match(md, /\*\*4 cases: 2 held, 1 failed, 1 open\.\*\* 1 of them exposed a bug when first run, closed by 1 distinct fix /);
    assert.match(md, /## Model output\n\n3 cases, 1 held, 1 failed, 1 open\./);
    assert.ok(md.indexOf('## Model output') < md.indexOf('## Webview'), 'areas follow the issue order');
    assert.match(md, /## Secrets\n\n\*No case recorded in this run\.\*/);
    assert.match(md, /\| m2 \| it holds \| it held \| ✅ held<br>🔧 decode escapes one by one \| CLI \/ core \|/);
    assert.match(md, /\| m1 \|.*\| ❌ failed \|/);
  });

  it('escapes pipes and angle brackets so a quoted reply cannot break the table or become HTML', () => {
    const md = generate([row({ case: 'html', observed: 'refused "<img src=x onerror=alert(1)>" | and more', suite: 'integration' })]);
    assert.ok(md.includes('refused "&lt;img src=x onerror=alert(1)&gt;" \\| and more'));
    assert.ok(!md.includes('<img'));
    assert.match(md, /\| extension host \|$/m);
  });

  it('names where each case ran', () => {
    const md = generate([row({ case: 'u' }), row({ case: 'i', suite: 'integration' }), row({ case: 'e', suite: 'e2e' })]);
    assert.match(md, /\| u \|.*\| CLI \/ core \|$/m);
    assert.match(md, /\| i \|.*\| extension host \|$/m);
    assert.match(md, /\| e \|.*\| workbench \(E2E\) \|$/m);
  });

  it('writes ports, temp folders and fixture names as placeholders, so reruns change only real results', () => {
    const tmp = path.join(os.tmpdir(), 'engine-test-AbC123');
    const md = generate([row({ observed: `could not reach http://127.0.0.1:40931/v1; ${tmp}/no/such is not a folder; it-review-12374-22/a.ts refused; log “2026-11-23 13:06:12.273 [warning] Open a folder”` })]);
    assert.ok(md.includes('could not reach http://127.0.0.1:&lt;port&gt;/v1; &lt;tmp&gt;/no/such is not a folder; &lt;fixture&gt;/a.ts refused; log “[warning] Open a folder”'), md);
  });

  it('says when the run behind the table skipped suites', () => {
    assert.match(generate([row({})], true), /Partial run: some suites were skipped\./);
    assert.doesNotMatch(generate([row({})]), /Partial run/);
  });
});
