// The integration suite in desktop VS Code through @vscode/test-electron, for machines that can
// download VS Code (a developer laptop, public CI): `RO_TEST_HOST=electron npm test`, or
// `RO_TEST_HOST=electron node test/host/runIntegration.mjs`. The same suite and entry
// (out/test/integration/index.js) and the same window kinds (suiteVariants.mjs: a folder, two
// folders, no folder) as the code-server harness; only the host differs.
// These machines cannot download VS Code, so here it fails at the download, by design.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { repoRoot } from './provision.mjs';
import { finish, readResults } from './suiteResults.mjs';
import { mergeResults, RESTRICTED_MODE_SETTINGS, suiteVariants } from './suiteVariants.mjs';

/** Trust off, except for the restricted window: its own user-data folder holds the trust settings. */
function trustArgs(prepared, scratch) {
  if (!prepared.restricted) return ['--disable-workspace-trust'];
  const userDataDir = path.join(scratch, 'user-data');
  fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  fs.writeFileSync(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify(RESTRICTED_MODE_SETTINGS));
  return ['--user-data-dir', userDataDir];
}

let total;
for (const variant of suiteVariants()) {
  const prepared = variant.prepare();
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'ro-results-'));
  const resultsFile = path.join(scratch, 'results.json');
  try {
    await runTests({
      // Desktop VS Code loads the extension from the repository itself (package.json + dist/).
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: path.join(repoRoot, 'out', 'test', 'integration', 'index.js'),
      extensionTestsEnv: { RO_TEST_RESULTS: resultsFile, RO_TEST_WORKSPACE: prepared.testWorkspace, RO_TEST_VARIANT: variant.name },
      // No workspace argument opens an empty window, as the no-folder variant wants.
      launchArgs: [...(prepared.workspace ? [prepared.workspace] : []), '--disable-extensions', ...trustArgs(prepared, scratch)],
    }).catch((error) => {
      // A failing suite rejects too; its outcomes are in the results file.
      console.error(`integration (VS Code, ${variant.name}): ${error instanceof Error ? error.message : String(error)}`);
    });
    // Each test was already printed by mocha's spec reporter through VS Code's output.
    total = mergeResults(total, variant.name, readResults(resultsFile));
  } finally {
    prepared.cleanUp();
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}
process.exitCode = finish('VS Code via @vscode/test-electron', total);
