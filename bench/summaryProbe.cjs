// Benchmark 4, one workspace size, in a process of its own so the peak memory it reports belongs to
// this summary alone: createNodeWorkspace + buildWorkspaceSummary, exactly what the planner's input
// costs. Prints one JSON line.
const path = require('node:path');
const root = path.resolve(__dirname, '..');
const { createNodeWorkspace } = require(path.join(root, 'out/src/node/nodeWorkspace.js'));
const { buildWorkspaceSummary } = require(path.join(root, 'out/src/core/plan/workspaceSummary.js'));

(async () => {
  const [dir, request] = process.argv.slice(2);
  const rssBeforeMB = Math.round(process.memoryUsage().rss / (1 << 20));
  const started = performance.now();
  const workspace = createNodeWorkspace(dir, { maxFileBytes: 256 * 1024, extraExcludes: [] });
  // Count what the summary's own listing returns, rather than listing a second time.
  let listed = 0;
  const counted = {
    label: workspace.label,
    readText: (p) => workspace.readText(p),
    listFiles: async (signal) => {
      const files = await workspace.listFiles(signal);
      listed = files.length;
      return files;
    },
  };
  const summary = await buildWorkspaceSummary(counted, request, { tokenBudget: 12000 }, new AbortController().signal);
  const ms = performance.now() - started;
  const peakMB = Math.round(process.resourceUsage().maxRSS / 1024);
  process.stdout.write(`${JSON.stringify({ ms: Math.round(ms), peakMB, rssBeforeMB, listed, summaryKB: Math.round(summary.length / 1024) })}\n`);
})().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
