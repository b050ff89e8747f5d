// Typed access to the test host for the TypeScript side (launcher, E2E driver, `npm start`). The one
// implementation is test/host/provision.mjs, which runs before anything is compiled; this runs it
// (a no-op once the host is cached) and reads the paths it recorded.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Compiled to out/test/host/, three levels below the repository. */
export const repoRoot = path.resolve(__dirname, '../../..');
const provisionScript = path.join(repoRoot, 'test', 'host', 'provision.mjs');
const manifestPath = path.join(repoRoot, '.vscode-test', 'test-host.json');

export interface TestHost {
  codeServerVersion: string;
  /** Node 24, which code-server requires. */
  nodeBinary: string;
  codeServerEntry: string;
  chromiumPath: string;
}

/** Installs the test host if needed (minutes, once) and returns where it is. */
export function provisionTestHost(): TestHost {
  const result = spawnSync(process.execPath, [provisionScript], { stdio: 'inherit' });
  if (result.status !== 0) throw new Error('provisioning the test host failed; see the messages above');
  return readTestHost();
}

function readTestHost(): TestHost {
  const host = JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as TestHost;
  for (const file of [host.nodeBinary, host.codeServerEntry, host.chromiumPath]) {
    if (!fs.existsSync(file)) throw new Error(`${file} is missing; run \`node test/host/provision.mjs\``);
  }
  return host;
}
