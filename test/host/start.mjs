// `npm start`: the extension in a real VS Code on a copy of the sample workspace, for trying it by hand.
// Desktop VS Code when `code` is on the PATH; otherwise code-server (the same cached host the tests
// use) on 127.0.0.1, with the URL printed. Stays in the foreground until Ctrl+C.
//
// Model: RO_BASE_URL (+ RO_MODEL) and OPENAI_API_KEY from the environment are passed to the
// extension (an empty one counts as unset); without them, the offline demo model (renames only) is
// started and used. test/host/bootstrap.mjs runs first (see package.json) and installs what is missing.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { provisionTestHost } from './provision.mjs';
import { extensionEnv, modelSettings, wantsDemoModel } from './startSettings.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(import.meta.url);

function runOrExit(what, command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`npm start: ${what} failed; fix the errors above and run it again.`);
    process.exit(1);
  }
}

/**
 * The offline demo model (test/host/demoModel.ts): a loopback OpenAI-compatible server that really
 * performs identifier renames on `workspace`, so `npm start` works with no key and no model server.
 */
async function startDemoModel(workspace) {
  const { startDemoModel: start } = require(path.join(root, 'out', 'test', 'host', 'demoModel.js'));
  const server = await start(workspace);
  return { baseURL: server.baseURL, model: 'offline-demo', stop: () => server.close() };
}

function onPath(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

function waitForCtrlC() {
  return new Promise((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
}

console.log('[npm start] building the extension and compiling the demo model (tsc: up to a minute on a fresh clone)');
runOrExit('the build', process.execPath, ['esbuild.mjs']);
// The launcher is TypeScript shared with the tests; tsc emits even when some other file has type
// errors, so only a missing output is fatal.
spawnSync(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', '.'], { cwd: root, stdio: 'ignore' });
const launcher = path.join(root, 'out', 'test', 'host', 'codeServer.js');
if (!fs.existsSync(launcher)) {
  console.error('npm start: compiling test/host failed; run `npx tsc -p .` to see why.');
  process.exit(1);
}
const { copyWorkspace, startCodeServer } = require(launcher);

// A copy, so accepting a refactoring never edits the checked-in fixture.
const workspace = copyWorkspace();
const endpoint = wantsDemoModel(process.env) ? await startDemoModel(workspace) : undefined;
const settings = modelSettings(process.env, endpoint);
const env = extensionEnv(process.env, endpoint);

let stop;
if (onPath('code')) {
  // A profile of its own: the endpoint settings are machine-scoped (user settings only), and the
  // user's own settings stay untouched.
  const userDataDir = path.join(root, '.vscode-test', 'start-user-data');
  fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  const settingsFile = path.join(userDataDir, 'User', 'settings.json');
  const existing = fs.existsSync(settingsFile) ? JSON.parse(fs.readFileSync(settingsFile, 'utf8')) : {};
  fs.writeFileSync(settingsFile, JSON.stringify({ ...existing, ...settings }, null, 2));
  const code = spawn('code', ['--wait', '--new-window', `--user-data-dir=${userDataDir}`, `--extensionDevelopmentPath=${root}`, workspace], {
    stdio: 'inherit',
    env: { ...process.env, ...env },
  });
  console.log(`\nVS Code opened on ${workspace}. Close its window or press Ctrl+C here to stop.`);
  await Promise.race([waitForCtrlC(), new Promise((resolve) => code.once('exit', resolve))]);
  stop = async () => {
    if (code.exitCode === null) code.kill();
  };
} else {
  // No browser here: the user opens the printed URL in their own.
  const host = provisionTestHost({ browser: false });
  const port = process.env.PORT ? Number(process.env.PORT) : undefined;
  const server = await startCodeServer({ workspace, host, userSettings: settings, env, ...(port ? { port } : {}) });
  console.log(`\nRefactor Orchestrator in code-server: ${server.folderUrl}`);
  console.log(`Workspace (a copy of test/fixtures/sample-workspace): ${workspace}`);
  console.log(
    endpoint
      ? `Model: the offline demo model at ${endpoint.baseURL}; it performs renames only, e.g. "rename \`UserStore\` to \`AccountRepository\` everywhere". Set RO_BASE_URL/RO_MODEL/OPENAI_API_KEY for a real model.`
      : `Model settings: ${JSON.stringify(settings)}`,
  );
  console.log('Press F1 and run "Refactor Orchestrator: Refactor Across Files…".');
  console.log('Press Ctrl+C to stop.');
  await waitForCtrlC();
  stop = () => server.stop();
}
console.log('\nstopping…');
await stop();
await endpoint?.stop?.();
fs.rmSync(workspace, { recursive: true, force: true });
process.exit(0);
