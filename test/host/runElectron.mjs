// The integration suite in desktop VS Code through @vscode/test-electron, for machines that can
// download VS Code (a developer laptop, public CI): `RO_TEST_HOST=electron npm test`, or
// `RO_TEST_HOST=electron node test/host/runIntegration.mjs`. The same suite and entry
// (out/test/integration/index.js) as the code-server harness; only the host differs.
// These machines cannot download VS Code, so here it fails at the download, by design.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { repoRoot } from './provision.mjs';
import { finish, readResults } from './suiteResults.mjs';

const fixture = path.join(repoRoot, 'test', 'fixtures', 'sample-workspace');
// The tests may change files: a fresh copy each run.
const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'ro-workspace-'));
fs.cpSync(fixture, workspace, { recursive: true });
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'ro-results-'));
const resultsFile = path.join(scratch, 'results.json');

try {
  await runTests({
    // Desktop VS Code loads the extension from the repository itself (package.json + dist/).
    extensionDevelopmentPath: repoRoot,
    extensionTestsPath: path.join(repoRoot, 'out', 'test', 'integration', 'index.js'),
    extensionTestsEnv: { RO_TEST_RESULTS: resultsFile, RO_TEST_WORKSPACE: workspace },
    launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust'],
  }).catch((error) => {
    // A failing suite rejects too; its outcomes are in the results file.
    console.error(`integration (VS Code): ${error instanceof Error ? error.message : String(error)}`);
  });
  // Each test was already printed by mocha's spec reporter through VS Code's output.
  process.exitCode = finish('VS Code via @vscode/test-electron', readResults(resultsFile));
} finally {
  fs.rmSync(workspace, { recursive: true, force: true });
  fs.rmSync(scratch, { recursive: true, force: true });
}
