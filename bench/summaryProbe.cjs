// One workspace size in its own process, so the peak memory reported is this summary's alone.
const path = require('node:path');
const root = path.resolve(__dirname, '..');
const { createNodeWorkspace } = require(path.join(root, 'out/src/core/nodeWorkspace.js'));
const { buildWorkspaceSummary } = require(path.join(root, 'out/src/core/workspaceSummary.js'));

(async () => {
  const [dir, request] = process.argv.slice(2);
  const workspace = createNodeWorkspace(dir, { maxFileBytes: 256 * 1024, extraExcludes: [] });
  const started = performance.now();
  const listed = (await workspace.listFiles(new AbortController().signal)).length;
  const summary = await buildWorkspaceSummary(workspace, request, { tokenBudget: 12000 }, new AbortController().signal);
  const ms = Math.round(performance.now() - started);
  const peakMB = Math.round(process.resourceUsage().maxRSS / 1024);
  process.stdout.write(JSON.stringify({ ms, peakMB, listed, summaryKB: Math.round(summary.length / 1024) }));
})();
