// Runs the one mocha integration suite (test/integration) inside a real VS Code extension host:
// code-server's, here, since desktop VS Code cannot be downloaded on these machines. With
// RO_TEST_HOST=electron it runs the same suite in desktop VS Code instead (runElectron.mjs).
//
// How: code-server gets our extension and a small runner extension (test/host/runner-extension)
// installed, and the suite's entry and a results file in its environment, which reaches the
// extension host. Chromium connects, the extension host starts, the runner runs the suite, and this
// harness prints each outcome from the results file as it appears. Expects `npx tsc -p .` and
// `node esbuild.mjs` to have run (npm test does both). Exits non-zero on any failure; code-server
// and the browser are always stopped; RO_INTEGRATION_TIMEOUT_MS bounds the whole run.
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { provisionTestHost, repoRoot } from './provision.mjs';
import { finish, indent, printNewOutcomes, readResults } from './suiteResults.mjs';

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
  const { copyWorkspace, openWorkbench, startCodeServer } = createRequire(import.meta.url)(launcherFile);
  const timeoutMs = Number(process.env.RO_INTEGRATION_TIMEOUT_MS ?? 15 * 60_000);

  const workspace = copyWorkspace();
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
    fs.rmSync(workspace, { recursive: true, force: true });
    fs.rmSync(scratch, { recursive: true, force: true });
  };
  // Ctrl+C or a CI cancel: leave no code-server or browser behind.
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, () => {
      void cleanUp().finally(() => process.exit(130));
    });
  }

  const started = Date.now();
  try {
    server = await startCodeServer({
      workspace,
      host,
      extraExtensions: [path.join(repoRoot, 'test', 'host', 'runner-extension')],
      env: { RO_TEST_SUITE: suite, RO_TEST_RESULTS: resultsFile, RO_TEST_WORKSPACE: workspace },
    });
    console.log(`  code-server ${host.codeServerVersion} at ${server.url}, workspace ${workspace}`);
    workbench = await openWorkbench(server);
    let printed = 0;
    for (;;) {
      const results = readResults(resultsFile);
      printed = printNewOutcomes(results, printed);
      if (results?.done) return finish('code-server', results);
      if (Date.now() - started > timeoutMs) {
        console.log(`  ✘ the suite did not finish within ${timeoutMs / 1000} s; code-server said:\n${indent(server.output().slice(-3000), 60)}`);
        return finish('code-server', { ...(results ?? { passed: 0, pending: 0, tests: [], failures: [] }), failed: (results?.failed ?? 0) + 1, done: true });
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  } catch (error) {
    console.error(`integration: ${error instanceof Error ? error.message : String(error)}`);
    return finish('code-server', undefined);
  } finally {
    await cleanUp();
  }
}
