import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

// `npm start` and `npm test` first run test/host/bootstrap.mjs, which must work in a fresh clone
// (plain JavaScript, before `npm ci`); `npm start` reads its model from test/host/startSettings.mjs.
// Both are ES modules: Node 20.19+ loads them with require().
const repoRoot = path.resolve(__dirname, '../../..');
const bootstrapScript = path.join(repoRoot, 'test/host/bootstrap.mjs');

interface InstallFacts {
  nodeModules: boolean;
  lockText: string;
  recordedHash?: string | undefined;
  hiddenLockText?: string | undefined;
  missingDirect?: string[];
}
interface PackageFacts {
  purpose: 'start' | 'test';
  fileExists: (file: string) => boolean;
  commandExists: (command: string) => boolean;
  hostProvisioned: boolean;
  codeOnPath: boolean;
  chromiumPath: string;
}
interface BootstrapModule {
  LOCK_HASH_FILE: string;
  lockHash(lockText: string): string;
  decideInstall(facts: InstallFacts): { install: boolean; reason: string };
  dependencyFacts(projectRoot: string): InstallFacts;
  missingDebianPackages(facts: PackageFacts): string[];
  aptCommand(packages: string[], options: { root: boolean }): string;
}
type Env = Record<string, string | undefined>;
interface StartSettingsModule {
  envValue(env: Env, name: string): string | undefined;
  wantsDemoModel(env: Env): boolean;
  modelSettings(env: Env, demo: { baseURL: string; model: string } | undefined): Record<string, string>;
  extensionEnv(env: Env, demo: { baseURL: string; model: string } | undefined): Record<string, string>;
}
// The scripts are plain JavaScript that runs before `npm ci`; loaded exactly as they ship.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const bootstrap = require(bootstrapScript) as BootstrapModule;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const startSettings = require(path.join(repoRoot, 'test/host/startSettings.mjs')) as StartSettingsModule;

const lock = (packages: Record<string, { version: string; optional?: boolean }>): string =>
  JSON.stringify({ name: 'p', lockfileVersion: 3, packages: { '': { name: 'p' }, ...packages } });
const hidden = (packages: Record<string, { version: string }>): string => JSON.stringify({ name: 'p', lockfileVersion: 3, packages });

describe('bootstrap: whether node_modules must be (re)installed', () => {
  const lockText = lock({
    'node_modules/zod': { version: '4.6.7' },
    'node_modules/@esbuild/darwin-arm64': { version: '0.28.2', optional: true },
    'node_modules/@esbuild/linux-x64': { version: '0.28.2', optional: true },
  });

  it('installs when node_modules is missing', () => {
    const decision = bootstrap.decideInstall({ nodeModules: false, lockText });
    assert.deepEqual(decision, { install: true, reason: 'node_modules is missing' });
  });

  it('trusts the hash of the lock recorded by its own install, and only that lock', () => {
    assert.equal(bootstrap.decideInstall({ nodeModules: true, lockText, recordedHash: `${bootstrap.lockHash(lockText)}\n` }).install, false);
    const changed = lock({ 'node_modules/zod': { version: '4.7.0' } });
    const decision = bootstrap.decideInstall({ nodeModules: true, lockText: changed, recordedHash: bootstrap.lockHash(lockText) });
    assert.equal(decision.install, true);
  });

  it('accepts an install npm made from this lock (hidden lockfile), other platforms\' optional packages absent', () => {
    const installed = hidden({ 'node_modules/zod': { version: '4.6.7' }, 'node_modules/@esbuild/linux-x64': { version: '0.28.2' } });
    assert.deepEqual(bootstrap.decideInstall({ nodeModules: true, lockText, hiddenLockText: installed }), { install: false, reason: 'node_modules matches package-lock.json' });
  });

  it('reinstalls, naming the package, when the install and the lock disagree', () => {
    const older = bootstrap.decideInstall({ nodeModules: true, lockText, hiddenLockText: hidden({ 'node_modules/zod': { version: '3.25.0' } }) });
    assert.deepEqual(older, { install: true, reason: 'zod is 3.25.0, package-lock.json wants 4.6.7' });
    const lacking = bootstrap.decideInstall({ nodeModules: true, lockText, hiddenLockText: hidden({}) });
    assert.deepEqual(lacking, { install: true, reason: 'package-lock.json wants zod, which is not installed' });
    const extra = bootstrap.decideInstall({ nodeModules: true, lockText, hiddenLockText: hidden({ 'node_modules/zod': { version: '4.6.7' }, 'node_modules/left-pad': { version: '1.3.0' } }) });
    assert.deepEqual(extra, { install: true, reason: 'left-pad is installed but not in package-lock.json' });
  });

  it('reinstalls when nothing says where node_modules came from, or a direct dependency is gone', () => {
    assert.equal(bootstrap.decideInstall({ nodeModules: true, lockText }).install, true);
    const gone = bootstrap.decideInstall({ nodeModules: true, lockText, recordedHash: bootstrap.lockHash(lockText), missingDirect: ['esbuild'] });
    assert.deepEqual(gone, { install: true, reason: 'node_modules lacks esbuild' });
    assert.equal(bootstrap.decideInstall({ nodeModules: true, lockText, hiddenLockText: '{"truncated' }).install, true);
  });

  it('reads the facts from a project folder: missing direct dependencies and the recorded hash', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ro-bootstrap-facts-'));
    try {
      fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ dependencies: { zod: '^4' }, devDependencies: { esbuild: '^0.28' } }));
      fs.writeFileSync(path.join(dir, 'package-lock.json'), lockText);
      fs.mkdirSync(path.join(dir, 'node_modules', 'zod'), { recursive: true });
      fs.writeFileSync(path.join(dir, 'node_modules', 'zod', 'package.json'), '{}');
      fs.writeFileSync(path.join(dir, 'node_modules', bootstrap.LOCK_HASH_FILE), bootstrap.lockHash(lockText));
      const facts = bootstrap.dependencyFacts(dir);
      assert.deepEqual(facts.missingDirect, ['esbuild']);
      assert.equal(facts.recordedHash, bootstrap.lockHash(lockText));
      assert.equal(facts.hiddenLockText, undefined);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('bootstrap: the Debian packages each command needs', () => {
  const nothing = { fileExists: () => false, commandExists: () => false, chromiumPath: '/usr/bin/chromium' };

  it('npm start needs no browser; code-server\'s build needs only what it lacks, and only before it is installed', () => {
    assert.deepEqual(bootstrap.missingDebianPackages({ ...nothing, purpose: 'start', hostProvisioned: true, codeOnPath: false }), []);
    assert.deepEqual(bootstrap.missingDebianPackages({ ...nothing, purpose: 'start', hostProvisioned: false, codeOnPath: false }), ['libkrb5-dev', 'ripgrep']);
    // Desktop VS Code on the PATH: no code-server at all.
    assert.deepEqual(bootstrap.missingDebianPackages({ ...nothing, purpose: 'start', hostProvisioned: false, codeOnPath: true }), []);
  });

  it('npm test needs Chromium for the end-to-end tests, wherever RO_CHROMIUM points', () => {
    assert.deepEqual(bootstrap.missingDebianPackages({ ...nothing, purpose: 'test', hostProvisioned: true, codeOnPath: true }), ['chromium']);
    const present = (file: string) => file === '/opt/chromium' || file === '/usr/include/krb5.h';
    assert.deepEqual(bootstrap.missingDebianPackages({ ...nothing, fileExists: present, commandExists: (c) => c === 'rg', purpose: 'test', hostProvisioned: false, codeOnPath: false, chromiumPath: '/opt/chromium' }), []);
  });

  it('names the exact command, with sudo unless already root', () => {
    assert.equal(bootstrap.aptCommand(['chromium', 'libkrb5-dev'], { root: false }), 'sudo apt-get update && sudo apt-get install -y chromium libkrb5-dev');
    assert.equal(bootstrap.aptCommand(['chromium'], { root: true }), 'apt-get update && apt-get install -y chromium');
  });
});

describe('bootstrap as npm start runs it, in a project without node_modules', function () {
  this.timeout(30_000);

  it('runs npm ci once, records the lock, and does not run it again', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ro-bootstrap-run-'));
    try {
      fs.mkdirSync(path.join(dir, 'test', 'host'), { recursive: true });
      for (const file of ['bootstrap.mjs', 'provision.mjs']) fs.copyFileSync(path.join(repoRoot, 'test/host', file), path.join(dir, 'test/host', file));
      fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'p', dependencies: {} }));
      fs.writeFileSync(path.join(dir, 'package-lock.json'), lock({}));
      // Stand-ins on the PATH: `npm` records its arguments and creates node_modules as `npm ci` would;
      // `code` makes this a desktop-VS Code machine, so no Debian package is needed.
      const bin = path.join(dir, 'bin');
      fs.mkdirSync(bin);
      fs.writeFileSync(path.join(bin, 'npm'), '#!/bin/sh\necho "$@" >> npm-calls.txt\nmkdir -p node_modules\n', { mode: 0o755 });
      fs.writeFileSync(path.join(bin, 'code'), '#!/bin/sh\n', { mode: 0o755 });
      const run = () => spawnSync(process.execPath, [path.join(dir, 'test/host/bootstrap.mjs'), 'start'], { cwd: dir, encoding: 'utf8', env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}` } });

      const first = run();
      assert.equal(first.status, 0, first.stderr);
      assert.match(first.stdout, /node_modules is missing: running npm ci/);
      assert.equal(fs.readFileSync(path.join(dir, 'npm-calls.txt'), 'utf8'), 'ci --no-audit --no-fund\n');
      assert.equal(fs.readFileSync(path.join(dir, 'node_modules', bootstrap.LOCK_HASH_FILE), 'utf8'), bootstrap.lockHash(lock({})));

      const second = run();
      assert.equal(second.status, 0, second.stderr);
      assert.equal(fs.readFileSync(path.join(dir, 'npm-calls.txt'), 'utf8'), 'ci --no-audit --no-fund\n', 'a second npm ci ran');

      fs.writeFileSync(path.join(dir, 'package-lock.json'), lock({ 'node_modules/zod': { version: '4.6.7' } }));
      const third = run();
      assert.match(third.stdout, /running npm ci/);
      assert.equal(fs.readFileSync(path.join(dir, 'npm-calls.txt'), 'utf8').split('\n').filter(Boolean).length, 2);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('npm start: the model from the environment', () => {
  const demo = { baseURL: 'http://127.0.0.1:5555/v1', model: 'offline-demo' };

  it('counts an empty or blank RO_BASE_URL / RO_MODEL / OPENAI_API_KEY as unset', () => {
    assert.equal(startSettings.envValue({ RO_BASE_URL: '' }, 'RO_BASE_URL'), undefined);
    assert.equal(startSettings.envValue({ RO_BASE_URL: '  ' }, 'RO_BASE_URL'), undefined);
    assert.equal(startSettings.wantsDemoModel({ RO_BASE_URL: '', OPENAI_API_KEY: '' }), true);
    assert.deepEqual(startSettings.modelSettings({ RO_BASE_URL: '', RO_MODEL: '' }, demo), {
      'refactorOrchestrator.provider': 'openai-compatible',
      'refactorOrchestrator.baseUrl': demo.baseURL,
      'refactorOrchestrator.model': 'offline-demo',
    });
    assert.deepEqual(startSettings.extensionEnv({ OPENAI_API_KEY: '' }, demo), { OPENAI_API_KEY: 'demo' });
  });

  it('uses the environment\'s endpoint and model when they are set', () => {
    const env = { RO_BASE_URL: 'http://127.0.0.1:11434/v1', RO_MODEL: 'qwen2.5-coder', OPENAI_API_KEY: 'k' };
    assert.equal(startSettings.wantsDemoModel(env), false);
    assert.deepEqual(startSettings.modelSettings(env, undefined), {
      'refactorOrchestrator.provider': 'openai-compatible',
      'refactorOrchestrator.baseUrl': 'http://127.0.0.1:11434/v1',
      'refactorOrchestrator.model': 'qwen2.5-coder',
    });
    assert.deepEqual(startSettings.extensionEnv(env, undefined), {});
    // A key alone means OpenAI itself: no endpoint setting, the extension's default model.
    assert.equal(startSettings.wantsDemoModel({ OPENAI_API_KEY: 'k', RO_BASE_URL: '' }), false);
    assert.deepEqual(startSettings.modelSettings({ OPENAI_API_KEY: 'k', RO_BASE_URL: '' }, undefined), {});
  });
});
