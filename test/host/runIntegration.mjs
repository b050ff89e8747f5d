// Runs the one mocha integration suite (test/integration) inside a real VS Code extension host:
// code-server's, here, since desktop VS Code cannot be downloaded on these machines. With
// RO_TEST_HOST=electron it runs the same suite in desktop VS Code instead (runElectron.mjs).
//
// How: code-server gets our extension and a small runner extension (test/host/runner-extension)
// installed, and the suite's entry and a results file in its environment, which reaches the
// extension host. Chromium connects, the extension host starts, the runner runs the suite, and this
// harness prints each outcome from the results file as it appears. It does so once per window kind
// (suiteVariants.mjs: a folder, two folders, no folder) and prints the combined totals. Expects `npx tsc -p .` and
// `node esbuild.mjs` to have run (npm test does both). Exits non-zero on any failure; code-server
// and the browser are always stopped; RO_INTEGRATION_TIMEOUT_MS bounds the whole run.
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { provisionTestHost, repoRoot } from './provision.mjs';
import { finish, indent, printNewOutcomes, readResults } from './suiteResults.mjs';
import { mergeResults, RESTRICTED_MODE_SETTINGS, suiteVariants } from './suiteVariants.mjs';

if (process.env.RO_TEST_HOST === 'electron') {
  await import('./runElectron.mjs');
} else {
  process.exitCode = await runInCodeServer();
}

async function runInCodeServer() {
  const suite = path.join(repoRoot, 'out', 'test', 'integration', 'index.js');
  const launcherFile = path.join(repoRoot, 'out', 'test', 'host', 'codeServer.js');
  for (const [file, how] of [[suite, 'npx tsc -p .'], [launcherFile, 'npx tsc -p .'], [path.join(repoRoot, 'dist', 'extension.js'), 'node esbuild.mjs']]) {
    if (!fs.existsSync(file)) {
      console.error(`integration: ${path.relative(repoRoot, file)} is missing; run \`${how}\` first (npm test does).`);
      return 1;
    }
  }
  const host = provisionTestHost();
  // The launcher is TypeScript shared with the E2E driver and `npm start`; this loads its build.
  const launcher = createRequire(import.meta.url)(launcherFile);
  const deadline = Date.now() + Number(process.env.RO_INTEGRATION_TIMEOUT_MS ?? 15 * 60_000);

  let total;
  for (const variant of suiteVariants()) {
    const started = Date.now();
    const results = await runVariant(variant, { suite, host, launcher, deadline });
    console.log(`  (${variant.name}: ${((Date.now() - started) / 1000).toFixed(1)} s)`);
    total = mergeResults(total, variant.name, results);
  }
  return finish('code-server', total);
}

/** One launch of code-server with the variant's window; returns the suite's results (undefined if none). */
async function runVariant(variant, { suite, host, launcher, deadline }) {
  const prepared = variant.prepare();
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'ro-results-'));
  const resultsFile = path.join(scratch, 'results.json');
  let server;
  let workbench;
  let cleaned = false;
  const cleanUp = async () => {
    if (cleaned) return;
    cleaned = true;
    await workbench?.browser.close().catch(() => undefined);
    await server?.stop();
    prepared.cleanUp();
    fs.rmSync(scratch, { recursive: true, force: true });
  };
  // Ctrl+C or a CI cancel: leave no code-server or browser behind.
  const onSignal = () => void cleanUp().finally(() => process.exit(130));
  for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, onSignal);

  try {
    server = await launcher.startCodeServer({
      workspace: prepared.workspace,
      ...(prepared.restricted ? { restricted: true, userSettings: RESTRICTED_MODE_SETTINGS } : {}),
      host,
      extraExtensions: [path.join(repoRoot, 'test', 'host', 'runner-extension'), path.join(repoRoot, 'test', 'host', 'lm-provider-extension')],
      env: { RO_TEST_SUITE: suite, RO_TEST_RESULTS: resultsFile, RO_TEST_WORKSPACE: prepared.testWorkspace, RO_TEST_VARIANT: variant.name },
    });
    console.log(`  code-server ${host.codeServerVersion} at ${server.url}, ${variant.name}: ${prepared.workspace ?? '(no folder open)'}`);
    workbench = await launcher.openWorkbench(server);
    let printed = 0;
    for (;;) {
      const results = readResults(resultsFile);
      printed = printNewOutcomes(results, printed);
      if (results?.done) return results;
      if (Date.now() > deadline) {
        console.log(`  ✘ the suite did not finish in time; code-server said:\n${indent(server.output().slice(-3000), 60)}`);
        return { ...(results ?? { passed: 0, pending: 0, tests: [], failures: [] }), failed: (results?.failed ?? 0) + 1, done: true };
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  } catch (error) {
    console.error(`integration (${variant.name}): ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  } finally {
    for (const signal of ['SIGINT', 'SIGTERM']) process.off(signal, onSignal);
    await cleanUp();
  }
}
