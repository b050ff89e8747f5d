import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

// CI runs the benchmarks only in smoke mode (tiny sizes, fast model). This checks that every benchmark
// still runs end to end and reports finite figures; whether they meet their goals is for `npm run bench`.
const repoRoot = path.resolve(__dirname, '../../..');
const chromiumAvailable = fs.existsSync(process.env['RO_CHROMIUM'] ?? '/usr/bin/chromium');

/** The fields of bench/results.json this test reads. */
interface BenchResults {
  smoke: boolean;
  overhead: { files: number; wallMs: number; idealMs: number; ratio: number; ratioNominal: number };
  firstDiff: { msAfterPlan: number; workerCallAloneMs: number; multiple: number };
  patterns: {
    files: number;
    workersMs: Record<'ours' | 'topologicalBatches' | 'sequential', number>;
    lowerBoundMs: { ms: number };
    simulatedMs: Record<'fifo' | 'criticalPathWithKnownTimes', number>;
    batchesOverOurs: number;
    sequentialOverOurs: number;
  };
  workspaceScale: { files: number; ms: number; peakMB: number; listed: number }[];
  tokenEconomy: { searchReplaceTokens: number; wholeFileTokens: number; ratio: number };
  compileCheck: { files: number; checkMs: number; baselineMs: number; peakMB: number; checkedFiles: number; newErrors: number }[];
  diffAtSize: { unifiedDiffMs: number; computeHunksMs: number; hunks: number; changedLines: number; cardMs?: number; firstBatchMs?: number; allLinesMs?: number; renderError?: string };
  rateLimitStorm: { files: number; adaptive: { filesLost: number; rateLimited: number; wallMs: number }; fixed: { filesLost: number; rateLimited: number; wallMs: number } };
  promptPrefix: { workerPrompts: number; sharedPrefixRatio: { before: number; after: number }; billedUncachedWorkerTokens: { before: number; after: number; ratio: number } };
  languageServerRename: Record<string, { filesWithReferences: number; models: RenameRun; languageServer: RenameRun }>;
  planStreaming: { files: number; wallRatio: number; overIdeal: number; firstDiffShareOfPlanCall: number; streaming: { wallMs: number; idealMs: number; firstDiffMs: number }; whole: { wallMs: number } };
}

interface RenameRun {
  proposed: number;
  failed: string[];
  workerCalls: number;
  workerTokens: number;
  totalTokens: number;
  wallMs: number;
  oldNameInCode: number;
  typeCheck: { newErrors: number };
}

function runSmoke(): Promise<BenchResults> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [path.join(repoRoot, 'bench', 'run.mjs'), '--smoke', '--json-only'], { cwd: repoRoot, timeout: 200_000, maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`bench --smoke failed: ${stderr || error.message}`));
      else resolve(JSON.parse(stdout) as BenchResults);
    });
  });
}

function assertFigure(value: unknown, label: string): void {
  assert.equal(typeof value, 'number', `${label} is not a number`);
  assert.ok(Number.isFinite(value as number) && (value as number) >= 0, `${label} = ${String(value)}`);
}

describe('benchmark smoke run (bench/run.mjs --smoke)', function () {
  this.timeout(230_000);
  let results: BenchResults;

  before(async () => {
    results = await runSmoke();
  });

  it('runs in smoke mode', () => {
    assert.equal(results.smoke, true);
  });

  it('measures the compile check on a generated strict project: a correct change raises nothing', () => {
    assert.equal(results.compileCheck.length, 1);
    const [run] = results.compileCheck;
    for (const key of ['checkMs', 'baselineMs', 'peakMB'] as const) assertFigure(run?.[key], `compileCheck.${key}`);
    assert.equal(run?.newErrors, 0);
    assert.ok((run?.checkedFiles ?? 0) >= 10, `checked ${run?.checkedFiles} files`);
  });

  it('runs one rename by model workers and by the language server, on the generated project and superstruct', () => {
    assert.deepEqual(Object.keys(results.languageServerRename).sort(), ['generated', 'superstruct']);
    for (const [name, scenario] of Object.entries(results.languageServerRename)) {
      for (const mode of ['models', 'languageServer'] as const) {
        for (const key of ['workerTokens', 'totalTokens', 'wallMs'] as const) assertFigure(scenario[mode][key], `${name}.${mode}.${key}`);
        assert.deepEqual(scenario[mode].failed, [], `${name}.${mode}`);
      }
      // The plan leaves files out: the models' rename leaves references, the language server's none.
      assert.ok(scenario.models.oldNameInCode > 0, `${name}: the models' run left no reference`);
      assert.equal(scenario.languageServer.oldNameInCode, 0, name);
      assert.equal(scenario.languageServer.typeCheck.newErrors, 0, name);
      assert.equal(scenario.languageServer.proposed, scenario.filesWithReferences, name);
      assert.ok(scenario.languageServer.workerTokens < scenario.models.workerTokens, name);
    }
  });

  it('measures the engine against the ideal critical path, and the time to the first diff', () => {
    assert.ok(results.overhead.files > 0);
    for (const key of ['wallMs', 'idealMs', 'ratio', 'ratioNominal'] as const) assertFigure(results.overhead[key], `overhead.${key}`);
    for (const key of ['msAfterPlan', 'workerCallAloneMs', 'multiple'] as const) assertFigure(results.firstDiff[key], `firstDiff.${key}`);
  });

  it('runs the engine, sequential workers and topological batches on the same plan', () => {
    assert.ok(results.patterns.files > 0);
    for (const key of ['ours', 'topologicalBatches', 'sequential'] as const) assertFigure(results.patterns.workersMs[key], `patterns.workersMs.${key}`);
    assertFigure(results.patterns.lowerBoundMs.ms, 'patterns.lowerBoundMs.ms');
    assertFigure(results.patterns.simulatedMs.fifo, 'patterns.simulatedMs.fifo');
    assertFigure(results.patterns.batchesOverOurs, 'patterns.batchesOverOurs');
    assertFigure(results.patterns.sequentialOverOurs, 'patterns.sequentialOverOurs');
  });

  it('builds the workspace summary of a generated tree in a child process', () => {
    assert.ok(results.workspaceScale.length > 0);
    for (const size of results.workspaceScale) {
      assertFigure(size.ms, 'workspaceScale.ms');
      assertFigure(size.peakMB, 'workspaceScale.peakMB');
      assert.ok(size.listed >= size.files, `the summary listed ${size.listed} of ${size.files} generated files`);
    }
  });

  it('counts fewer completion tokens for search/replace edits than for a whole-file rewrite', () => {
    assertFigure(results.tokenEconomy.searchReplaceTokens, 'tokenEconomy.searchReplaceTokens');
    assertFigure(results.tokenEconomy.wholeFileTokens, 'tokenEconomy.wholeFileTokens');
    assert.ok(results.tokenEconomy.searchReplaceTokens < results.tokenEconomy.wholeFileTokens);
  });

  it('runs a 429 storm with the adaptive cap and with a fixed one; the adaptive run loses no file', () => {
    assert.ok(results.rateLimitStorm.files > 0);
    for (const mode of ['adaptive', 'fixed'] as const) {
      for (const key of ['filesLost', 'rateLimited', 'wallMs'] as const) assertFigure(results.rateLimitStorm[mode][key], `rateLimitStorm.${mode}.${key}`);
    }
    assert.equal(results.rateLimitStorm.adaptive.filesLost, 0);
  });

  it('measures the shared prompt prefix and the billed uncached tokens, before and after', () => {
    assert.ok(results.promptPrefix.workerPrompts > 0);
    assertFigure(results.promptPrefix.sharedPrefixRatio.before, 'promptPrefix.sharedPrefixRatio.before');
    assertFigure(results.promptPrefix.sharedPrefixRatio.after, 'promptPrefix.sharedPrefixRatio.after');
    assert.ok(results.promptPrefix.sharedPrefixRatio.after > results.promptPrefix.sharedPrefixRatio.before);
    for (const key of ['before', 'after', 'ratio'] as const) assertFigure(results.promptPrefix.billedUncachedWorkerTokens[key], `promptPrefix.billedUncachedWorkerTokens.${key}`);
  });

  it('runs the engine with and without plan streaming, against the streaming ideal', () => {
    assert.ok(results.planStreaming.files > 0);
    for (const key of ['wallRatio', 'overIdeal', 'firstDiffShareOfPlanCall'] as const) assertFigure(results.planStreaming[key], `planStreaming.${key}`);
    for (const key of ['wallMs', 'idealMs', 'firstDiffMs'] as const) assertFigure(results.planStreaming.streaming[key], `planStreaming.streaming.${key}`);
    assertFigure(results.planStreaming.whole.wallMs, 'planStreaming.whole.wallMs');
  });

  it('computes the review of a big change and renders it in the webview', () => {
    assertFigure(results.diffAtSize.unifiedDiffMs, 'diffAtSize.unifiedDiffMs');
    assertFigure(results.diffAtSize.computeHunksMs, 'diffAtSize.computeHunksMs');
    assert.equal(results.diffAtSize.hunks, results.diffAtSize.changedLines, 'changed lines far apart should give one hunk each');
    if (!chromiumAvailable) {
      assert.match(results.diffAtSize.renderError ?? '', /Chromium/);
      return;
    }
    assert.equal(results.diffAtSize.renderError, undefined);
    assertFigure(results.diffAtSize.cardMs, 'diffAtSize.cardMs');
    assertFigure(results.diffAtSize.firstBatchMs, 'diffAtSize.firstBatchMs');
    assertFigure(results.diffAtSize.allLinesMs, 'diffAtSize.allLinesMs');
  });
});
