// The compiled project, as the benchmarks use it: `npx tsc -p .` emits src/ and test/support/ into out/
// (the bench stays plain ESM so tsconfig need not include it), and esbuild bundles the webview into dist/.
import { createRequire } from 'node:module';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

function load(relative) {
  const file = path.join(repoRoot, 'out', relative);
  if (!fs.existsSync(file)) throw new Error(`${path.relative(repoRoot, file)} is missing: run \`npx tsc -p .\` first (npm run bench does).`);
  return require(file);
}

export const { startRefactor, DEFAULT_ENGINE_SETTINGS } = load('src/core/engine/orchestrator.js');
export const { runWorker } = load('src/core/edit/worker.js');
export const { createOpenAIProvider } = load('src/core/llm/openaiProvider.js');
export const { meterUsage } = load('src/core/llm/usageMeter.js');
export const { createNodeWorkspace } = load('src/node/nodeWorkspace.js');
export const { unifiedDiff } = load('src/core/edit/unifiedDiff.js');
export const { computeHunks } = load('src/core/review/reviewHunks.js');
export const { startFakeOpenAIServer, jsonReply } = load('test/support/fakeOpenAIServer.js');
export const loadPlaywright = () => require('playwright-core');
