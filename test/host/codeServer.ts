// Starts a real VS Code (code-server) on loopback with our extension installed unpacked, and a
// browser client for it: the remote extension host starts only once a client connects. Shared by
// the integration harness, the end-to-end driver and `npm start`.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { provisionTestHost, repoRoot, type TestHost } from './provision';

export interface CodeServerOptions {
  /** A folder, a `.code-workspace` file (multi-root), or undefined for a window with no folder open. */
  workspace: string | undefined;
  /** Unpacked extension folders (each with a package.json) to install besides ours. */
  extraExtensions?: string[];
  /** Install this packaged .vsix with code-server's own --install-extension instead of staging dist/. */
  vsix?: string;
  env?: Record<string, string>;
  userSettings?: Record<string, unknown>;
  port?: number;
  /** Where code-server and Chromium are; provisioned (a no-op once cached) when not given. */
  host?: TestHost;
  /**
   * Keep workspace trust on (give its settings in userSettings), for a window in Restricted Mode.
   * Otherwise trust is off, so every other window runs as a trusted one without asking.
   */
  restricted?: boolean;
}

export interface RunningCodeServer {
  url: string;
  /** The workbench URL with the workspace (folder, .code-workspace or none) open. */
  folderUrl: string;
  userDataDir: string;
  host: TestHost;
  output(): string;
  stop(): Promise<void>;
}

export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Copies the files the packaged extension ships (see .vscodeignore) into an extensions folder. */
export function stageOurExtension(extensionsDir: string): string {
  const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { publisher: string; name: string; version: string };
  const target = path.join(extensionsDir, `${manifest.publisher}.${manifest.name}-${manifest.version}`);
  fs.mkdirSync(target, { recursive: true });
  for (const entry of ['package.json', 'README.md', 'dist', 'media']) {
    const source = path.join(repoRoot, entry);
    if (fs.existsSync(source)) fs.cpSync(source, path.join(target, entry), { recursive: true, filter: (p) => !p.endsWith('.vsix') });
  }
  return target;
}

/** Installs a .vsix the way a user would, so what is tested is what users install. */
function installVsix(host: TestHost, vsix: string, extensionsDir: string, userDataDir: string): void {
  const result = spawnSync(host.nodeBinary, [host.codeServerEntry, '--extensions-dir', extensionsDir, '--user-data-dir', userDataDir, '--install-extension', vsix], { encoding: 'utf8', timeout: 120_000 });
  if (result.status !== 0) throw new Error(`code-server --install-extension ${vsix} failed (${result.status ?? result.signal}): ${(result.stderr || result.stdout).slice(-2000)}`);
}

function get(url: string): Promise<number> {
  return new Promise((resolve) => {
    const request = http.get(url, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on('error', () => resolve(0));
    request.setTimeout(2000, () => request.destroy());
  });
}

export async function startCodeServer(options: CodeServerOptions): Promise<RunningCodeServer> {
  const host = options.host ?? provisionTestHost();
  const port = options.port ?? (await freePort());
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'ro-code-server-'));
  const userDataDir = path.join(scratch, 'user-data');
  const extensionsDir = path.join(scratch, 'extensions');
  fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  fs.mkdirSync(extensionsDir, { recursive: true });
  // A restricted window gets its trust settings from the caller (see suiteVariants.mjs).
  const trust = options.restricted ? {} : { 'security.workspace.trust.enabled': false };
  // These hosts run offline: the JSON schemas VS Code would download for tsconfig.json and
  // package.json could only fail, as a problem on those files that has nothing to do with them.
  const offline = { 'json.schemaDownload.enable': false };
  const settings = JSON.stringify({ 'workbench.startupEditor': 'none', ...trust, 'telemetry.telemetryLevel': 'off', 'extensions.autoUpdate': false, 'chat.disableAIFeatures': true, 'workbench.secondarySideBar.defaultVisibility': 'hidden', 'workbench.tips.enabled': false, ...offline, ...options.userSettings }, null, 2);
  // The workbench is a remote window: machine-scoped settings (our endpoint and models) are read
  // from the Machine settings there, the rest from User settings.
  fs.writeFileSync(path.join(userDataDir, 'User', 'settings.json'), settings);
  fs.mkdirSync(path.join(userDataDir, 'Machine'), { recursive: true });
  fs.writeFileSync(path.join(userDataDir, 'Machine', 'settings.json'), settings);
  if (options.vsix) installVsix(host, options.vsix, extensionsDir, userDataDir);
  else stageOurExtension(extensionsDir);
  for (const extra of options.extraExtensions ?? []) {
    const manifest = JSON.parse(fs.readFileSync(path.join(extra, 'package.json'), 'utf8')) as { publisher: string; name: string; version: string };
    fs.cpSync(extra, path.join(extensionsDir, `${manifest.publisher}.${manifest.name}-${manifest.version}`), { recursive: true });
  }

  let output = '';
  const child: ChildProcess = spawn(
    host.nodeBinary,
    [host.codeServerEntry, '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir, '--disable-telemetry', '--disable-update-check', ...(options.restricted ? [] : ['--disable-workspace-trust']), '--disable-getting-started-override', ...(options.workspace ? [options.workspace] : [])],
    { env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  );
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  // code-server runs in its own process group (so stop() ends its extension host too); if this
  // process dies without calling stop(), the group must not outlive it.
  const killOnExit = (): void => {
    if (child.exitCode === null && child.pid !== undefined) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
  };
  process.once('exit', killOnExit);

  const url = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    process.removeListener('exit', killOnExit);
    if (child.exitCode === null && child.pid !== undefined) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        /* already gone */
      }
      await new Promise((resolve) => setTimeout(resolve, 300));
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
    fs.rmSync(scratch, { recursive: true, force: true, maxRetries: 3 });
  };

  const deadline = Date.now() + 60_000;
  while ((await get(`${url}/healthz`)) !== 200) {
    if (child.exitCode !== null) throw new Error(`code-server exited with ${child.exitCode}:\n${output.slice(-2000)}`);
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`code-server did not start within 60 s:\n${output.slice(-2000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return { url, folderUrl: workbenchUrl(url, options.workspace), userDataDir, host, output: () => output, stop };
}

/** `?folder=` opens a folder, `?workspace=` a .code-workspace, `?ew=true` an empty window (no folder). */
function workbenchUrl(url: string, workspace: string | undefined): string {
  if (workspace === undefined) return `${url}/?ew=true`;
  const kind = workspace.endsWith('.code-workspace') ? 'workspace' : 'folder';
  return `${url}/?${kind}=${encodeURIComponent(workspace)}`;
}

export interface Workbench {
  browser: Browser;
  page: Page;
}

/**
 * Opens the workbench in Debian's Chromium (never a downloaded browser) and waits for it to render.
 * This connection is also what starts the remote extension host.
 */
export async function openWorkbench(server: RunningCodeServer): Promise<Workbench> {
  const browser = await chromium.launch({ executablePath: server.host.chromiumPath, headless: true, args: CHROMIUM_ARGS });
  try {
    // Clipboard permissions: in a browser workbench, vscode.env.clipboard is the page's clipboard.
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, permissions: ['clipboard-read', 'clipboard-write'] });
    const page = await context.newPage();
    await page.goto(server.folderUrl);
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    return { browser, page };
  } catch (error) {
    await browser.close().catch(() => undefined);
    throw error;
  }
}

/** A temp copy of a fixture workspace, so tests may change files freely. */
export function copyWorkspace(fixture = path.join(repoRoot, 'test', 'fixtures', 'sample-workspace')): string {
  const target = fs.mkdtempSync(path.join(os.tmpdir(), 'ro-workspace-'));
  fs.cpSync(fixture, target, { recursive: true });
  return target;
}
