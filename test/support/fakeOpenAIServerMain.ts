// Starts the fake OpenAI-compatible server from the command line, for E2E runs and `npm start` demos:
//
//   node out/test/support/fakeOpenAIServerMain.js <script-module> [--port N] [--reject-json-schema]
//
// The script module exports `script` (or a default export) of type ReplyScript. The first line printed
// on stdout is the base URL, so a parent process can read it; the server stops on SIGINT/SIGTERM.
import * as path from 'node:path';
import { startFakeOpenAIServer, type ReplyScript } from './fakeOpenAIServer';

async function main(argv: string[]): Promise<number> {
  let modulePath: string | undefined;
  let port = 0;
  let rejectJsonSchema = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--port') {
      port = Number(argv[++i]);
      if (!Number.isInteger(port) || port < 0 || port > 65535) return usage('--port needs a number between 0 and 65535');
    } else if (arg === '--reject-json-schema') {
      rejectJsonSchema = true;
    } else if (arg !== undefined && !arg.startsWith('--') && modulePath === undefined) {
      modulePath = arg;
    } else {
      return usage(`unexpected argument ${arg ?? ''}`);
    }
  }
  if (modulePath === undefined) return usage('missing the script module path');

  const loaded: unknown = await import(path.resolve(modulePath));
  const script = pickScript(loaded);
  if (!script) return usage(`${modulePath} exports no "script" (or default) function`);

  const server = await startFakeOpenAIServer(script, { rejectJsonSchema, port });
  process.stdout.write(`${server.baseURL}\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  await server.close();
  return 0;
}

function pickScript(loaded: unknown): ReplyScript | undefined {
  if (typeof loaded !== 'object' || loaded === null) return undefined;
  const candidates = loaded as { script?: unknown; default?: unknown };
  if (typeof candidates.script === 'function') return candidates.script as ReplyScript;
  if (typeof candidates.default === 'function') return candidates.default as ReplyScript;
  // CommonJS interop: `export default` compiled to exports.default, then wrapped again by import().
  const inner = candidates.default;
  if (typeof inner === 'object' && inner !== null) return pickScript(inner);
  return undefined;
}

function usage(problem: string): number {
  process.stderr.write(`fakeOpenAIServerMain: ${problem}\nusage: fakeOpenAIServerMain <script-module> [--port N] [--reject-json-schema]\n`);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`fakeOpenAIServerMain: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
