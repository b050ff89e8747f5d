// The first step of `npm start` and `npm test`, so each works as the very first command in a fresh
// clone: it installs what is missing, then the script named in package.json does its job.
//   - the dependencies: `npm ci` when node_modules is absent or stale against package-lock.json;
//   - the Debian packages the test host needs (Chromium for the end-to-end tests, libkrb5-dev to
//     build code-server, ripgrep for its search), with apt-get when running as root, otherwise one
//     line naming the exact command to run.
// The test host itself (code-server, cached in .vscode-test/) is provisioned by the step that uses
// it (test/host/provision.mjs), once. `npm start` needs no browser, so it does not ask for Chromium.
//
// Plain JavaScript and only Node's standard library: it runs before `npm ci`.
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CODE_SERVER_VERSION } from './provision.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Written after our own `npm ci`: the hash of the lock that node_modules was installed from. */
export const LOCK_HASH_FILE = '.ro-lock-hash';

export function lockHash(lockText) {
  return createHash('sha256').update(lockText).digest('hex');
}

/** The installed package entries of a lockfile (npm's own or the hidden one npm keeps in node_modules). */
function packageEntries(lockText) {
  const packages = JSON.parse(lockText)?.packages;
  if (!packages || typeof packages !== 'object') throw new Error('no "packages" in the lockfile');
  return packages;
}

/**
 * Whether node_modules matches package-lock.json, from what is on disk:
 * - `nodeModules`: whether node_modules exists;
 * - `recordedHash`: the content of node_modules/.ro-lock-hash, if any;
 * - `hiddenLockText`: node_modules/.package-lock.json, which npm writes on every install, if any;
 * - `missingDirect`: direct dependencies whose folder is absent.
 * The recorded hash answers at once after our own install; the hidden lockfile answers after an
 * `npm ci` someone ran by hand (CI does), so that install is not repeated.
 * @returns {{ install: boolean, reason: string }}
 */
export function decideInstall({ nodeModules, lockText, recordedHash, hiddenLockText, missingDirect = [] }) {
  if (!nodeModules) return { install: true, reason: 'node_modules is missing' };
  if (missingDirect.length > 0) return { install: true, reason: `node_modules lacks ${missingDirect.join(', ')}` };
  if (recordedHash !== undefined && recordedHash.trim() === lockHash(lockText)) return { install: false, reason: 'node_modules was installed from this package-lock.json' };
  if (hiddenLockText === undefined) return { install: true, reason: 'node_modules was not installed by npm from this package-lock.json' };
  let wanted;
  let installed;
  try {
    wanted = packageEntries(lockText);
    installed = packageEntries(hiddenLockText);
  } catch (error) {
    return { install: true, reason: `node_modules/.package-lock.json is unreadable (${error instanceof Error ? error.message : String(error)})` };
  }
  for (const [key, entry] of Object.entries(wanted)) {
    // "" is the project itself; optional packages for other platforms are rightly absent.
    if (key === '' || entry?.optional) continue;
    if (!installed[key]) return { install: true, reason: `package-lock.json wants ${key.replace(/^node_modules\//, '')}, which is not installed` };
  }
  for (const [key, entry] of Object.entries(installed)) {
    if (!wanted[key]) return { install: true, reason: `${key.replace(/^node_modules\//, '')} is installed but not in package-lock.json` };
    if (wanted[key].version !== entry?.version) return { install: true, reason: `${key.replace(/^node_modules\//, '')} is ${entry?.version}, package-lock.json wants ${wanted[key].version}` };
  }
  return { install: false, reason: 'node_modules matches package-lock.json' };
}

function readIfExists(file) {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** What decideInstall needs, read from a project folder. */
export function dependencyFacts(projectRoot) {
  const nodeModules = path.join(projectRoot, 'node_modules');
  const manifest = JSON.parse(fs.readFileSync(path.join(projectRoot, 'package.json'), 'utf8'));
  const direct = Object.keys({ ...manifest.dependencies, ...manifest.devDependencies });
  return {
    nodeModules: fs.existsSync(nodeModules),
    lockText: fs.readFileSync(path.join(projectRoot, 'package-lock.json'), 'utf8'),
    recordedHash: readIfExists(path.join(nodeModules, LOCK_HASH_FILE)),
    hiddenLockText: readIfExists(path.join(nodeModules, '.package-lock.json')),
    missingDirect: direct.filter((name) => !fs.existsSync(path.join(nodeModules, name, 'package.json'))),
  };
}

/**
 * The Debian packages `purpose` ('start' or 'test') needs and the machine lacks. Chromium only for the
 * end-to-end tests; the build headers and ripgrep only while code-server is still to be installed.
 * @returns {string[]}
 */
export function missingDebianPackages({ purpose, fileExists, commandExists, hostProvisioned, codeOnPath, chromiumPath }) {
  const missing = [];
  if (purpose === 'test' && !fileExists(chromiumPath)) missing.push('chromium');
  const needsCodeServer = purpose === 'test' || !codeOnPath;
  if (needsCodeServer && !hostProvisioned) {
    // code-server's `kerberos` native module compiles against these headers.
    if (!fileExists('/usr/include/krb5.h') && !fileExists('/usr/include/krb5/krb5.h')) missing.push('libkrb5-dev');
    if (!commandExists('rg')) missing.push('ripgrep');
  }
  return missing;
}

/** The one command that installs `packages`, as the user would type it. */
export function aptCommand(packages, { root: asRoot }) {
  const sudo = asRoot ? '' : 'sudo ';
  return `${sudo}apt-get update && ${sudo}apt-get install -y ${packages.join(' ')}`;
}

function commandExists(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

/** The outer npm's description of itself would become the nested npm's config (see provision.mjs). */
function nestedNpmEnv() {
  const outerNpm = /^(npm_config_(user_agent|local_prefix|prefix|global_prefix|node_gyp|npm_version|nodedir)|npm_lifecycle_.*|npm_package_.*|npm_command|npm_execpath|npm_node_execpath|node|init_cwd)$/i;
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !outerNpm.test(name)));
}

function installDependencies(log) {
  const facts = dependencyFacts(root);
  const decision = decideInstall(facts);
  if (!decision.install) {
    if (facts.recordedHash === undefined) fs.writeFileSync(path.join(root, 'node_modules', LOCK_HASH_FILE), lockHash(facts.lockText));
    return true;
  }
  log(`${decision.reason}: running npm ci`);
  const started = Date.now();
  const result = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit', env: nestedNpmEnv() });
  if (result.status !== 0) {
    log('npm ci failed; fix the errors above, then run this command again.');
    return false;
  }
  fs.writeFileSync(path.join(root, 'node_modules', LOCK_HASH_FILE), lockHash(facts.lockText));
  log(`npm ci done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return true;
}

function installDebianPackages(purpose, log) {
  const chromiumPath = process.env.RO_CHROMIUM || '/usr/bin/chromium';
  const missing = missingDebianPackages({
    purpose,
    fileExists: (file) => fs.existsSync(file),
    commandExists,
    hostProvisioned: fs.existsSync(path.join(root, '.vscode-test', `code-server-${CODE_SERVER_VERSION}`, '.provisioned')),
    codeOnPath: commandExists('code'),
    chromiumPath,
  });
  if (missing.length === 0) return true;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot || !commandExists('apt-get')) {
    log(`npm ${purpose} needs Debian packages this machine lacks; run: ${aptCommand(missing, { root: isRoot })}`);
    return false;
  }
  log(`installing Debian packages: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update', '-qq'], ['install', '-y', '-qq', ...missing]]) {
    if (spawnSync('apt-get', args, { stdio: 'inherit', env }).status !== 0) {
      log(`apt-get ${args[0]} failed; run: ${aptCommand(missing, { root: true })}`);
      return false;
    }
  }
  return true;
}

/** @param {'start' | 'test'} purpose */
export function bootstrap(purpose, log = (message) => console.log(`[npm ${purpose}] ${message}`)) {
  const [major] = process.versions.node.split('.').map(Number);
  if (major < 20) {
    log(`Node ${process.versions.node} is too old: install Node 20 or newer.`);
    return false;
  }
  return installDebianPackages(purpose, log) && installDependencies(log);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const purpose = process.argv[2];
  if (purpose !== 'start' && purpose !== 'test') {
    console.error('usage: node test/host/bootstrap.mjs start|test');
    process.exit(2);
  }
  process.exit(bootstrap(purpose) ? 0 : 1);
}
