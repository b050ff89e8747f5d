import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as path from 'node:path';

// CI runs the benchmarks only in smoke mode: tiny sizes, fast model. This checks that every benchmark
// still produces a finite figure; whether the figures meet their goals is for `npm run bench`.
const repoRoot = path.resolve(__dirname, '../../..');

/** The fields of bench/results.json this test reads. */
interface BenchResults {
  overhead: { ratio: number; wallMs: number; idealMs: number };
  firstDiff: { multiple: number };
  patterns: { workersMs: Record<'ours' | 'topologicalBatches' | 'sequential' | 'idealLowerBound', number> };
  workspaceScale: { ms: number; peakMB: number }[];
  tokenEconomy: { searchReplaceTokens: number; wholeFileTokens: number };
  diffAtSize: { unifiedDiffMs: number; computeHunksMs: number };
}

function runSmoke(): Promise<BenchResults> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [path.join(repoRoot, 'bench', 'run.mjs'), '--smoke', '--json-only'], { cwd: repoRoot, timeout: 120_000, maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`bench --smoke failed: ${stderr || error.message}`));
      else resolve(JSON.parse(stdout) as BenchResults);
    });
  });
}

function assertFinite(value: unknown, label: string): void {
  assert.equal(typeof value, 'number', `${label} is not a number`);
  assert.ok(Number.isFinite(value as number) && (value as number) >= 0, `${label} = ${String(value)}`);
}

describe('benchmark smoke run', function () {
  this.timeout(150_000);
  let results: BenchResults;

  before(async () => {
    results = await runSmoke();
  });

  it('measures overhead against the ideal critical path and time to first diff', () => {
    assertFinite(results.overhead.ratio, 'overhead.ratio');
    assert.ok(results.overhead.wallMs >= results.overhead.idealMs * 0.5, 'wall time cannot be far below the ideal');
    assertFinite(results.firstDiff.multiple, 'firstDiff.multiple');
  });

  it('compares ours with sequential and batched workers on the same server', () => {
    for (const key of ['ours', 'topologicalBatches', 'sequential', 'idealLowerBound'] as const) assertFinite(results.patterns.workersMs[key], `patterns.workersMs.${key}`);
    assert.ok(results.patterns.workersMs.sequential > results.patterns.workersMs.ours, 'sequential workers should take longer than ours');
  });

  it('measures the workspace summary, token economy and diff at size', () => {
    assert.ok(results.workspaceScale.length > 0);
    for (const size of results.workspaceScale) {
      assertFinite(size.ms, 'workspaceScale.ms');
      assertFinite(size.peakMB, 'workspaceScale.peakMB');
    }
    assert.ok(results.tokenEconomy.searchReplaceTokens < results.tokenEconomy.wholeFileTokens, 'search/replace should cost fewer tokens than a rewrite');
    assertFinite(results.diffAtSize.unifiedDiffMs, 'diffAtSize.unifiedDiffMs');
    assertFinite(results.diffAtSize.computeHunksMs, 'diffAtSize.computeHunksMs');
  });
});
