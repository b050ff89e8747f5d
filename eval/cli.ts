// `npm run eval -- --base-url URL --model NAME [--tasks a,b] [--replay] [--no-language-server]`: scores a model on the
// evaluation set. Prints a table (task, pass or fail and why, the project's own tests, files, tokens,
// wall time) and writes eval/results.json. --replay serves the replay model (derived from the
// reference solutions) on a loopback port instead of calling a real endpoint. Exit 0 when every task
// passed, 1 otherwise, 2 on a usage error.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { baseURLProblem } from '../src/core/llm/openaiProvider';
import { startFakeOpenAIServer, type FakeOpenAIServer } from '../test/support/fakeOpenAIServer';
import { replayScript } from './replayModel';
import { formatTable, runTask, type TaskResult } from './runEval';
import { REPO_ROOT, loadTasks } from './taskSet';

const USAGE = `Usage: npm run eval -- --base-url URL --model NAME [--tasks id,id] [--timeout-ms N] [--out FILE] [--no-language-server]
       npm run eval -- --replay [--tasks id,id] [--no-language-server]

Runs the evaluation tasks (eval/tasks/) through the refactoring engine against an OpenAI-compatible
endpoint and checks each result (type-check, the project's own tests where they run offline, the
task's conditions, no unrelated file changed).
The API key comes from OPENAI_API_KEY (a placeholder is sent when it is unset).
--replay answers with the replay model derived from the reference solutions, on a loopback server.
--no-language-server lets the models do every change, as the CLI's flag of that name: no references
for the planner and no renames by the TypeScript language service (the compile check still runs).`;

async function main(argv: string[]): Promise<number> {
  let values;
  try {
    values = parseArgs({
      args: argv,
      strict: true,
      options: {
        'base-url': { type: 'string' },
        model: { type: 'string' },
        tasks: { type: 'string' },
        'timeout-ms': { type: 'string' },
        out: { type: 'string' },
        replay: { type: 'boolean' },
        'no-language-server': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (error) {
    return usage(error instanceof Error ? error.message : String(error));
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (!values.replay && (!values['base-url'] || !values.model)) return usage('--base-url and --model are required (or --replay)');
  const urlProblem = values['base-url'] ? baseURLProblem(values['base-url']) : undefined;
  if (urlProblem) return usage(`--base-url: ${urlProblem}`);
  const timeoutMs = values['timeout-ms'] === undefined ? 300_000 : Number(values['timeout-ms']);
  if (!Number.isSafeInteger(timeoutMs) || timeoutMs <= 0) return usage(`--timeout-ms needs a positive whole number, got "${values['timeout-ms'] ?? ''}"`);

  let tasks;
  try {
    tasks = loadTasks(values.tasks ? values.tasks.split(',').map((id) => id.trim()).filter((id) => id !== '') : undefined);
  } catch (error) {
    return usage(error instanceof Error ? error.message : String(error));
  }

  let server: FakeOpenAIServer | undefined;
  const controller = new AbortController();
  process.on('SIGINT', () => controller.abort());
  try {
    if (values.replay) server = await startFakeOpenAIServer(replayScript(tasks));
    const endpoint = {
      baseURL: server?.baseURL ?? values['base-url'] ?? '',
      model: values.model ?? 'replay',
      apiKey: process.env.OPENAI_API_KEY?.trim() || 'not-needed',
      timeoutMs,
    };
    const results: TaskResult[] = [];
    for (const task of tasks) {
      if (controller.signal.aborted) break;
      process.stderr.write(`[eval] ${task.id}…\n`);
      const result = await runTask(task, endpoint, controller.signal, { languageServer: !(values['no-language-server'] ?? false) });
      process.stderr.write(`[eval] ${task.id}: ${result.passed ? 'pass' : `FAIL: ${result.why}`}\n`);
      results.push(result);
    }
    process.stdout.write(`${formatTable(results)}\n`);
    const out = path.resolve(values.out ?? path.join(REPO_ROOT, 'eval', 'results.json'));
    fs.writeFileSync(out, `${JSON.stringify({ model: endpoint.model, baseURL: values.replay ? 'replay' : endpoint.baseURL, languageServer: !(values['no-language-server'] ?? false), finishedAt: new Date().toISOString(), results }, null, 2)}\n`);
    process.stderr.write(`[eval] wrote ${path.relative(process.cwd(), out) || out}\n`);
    return results.length === tasks.length && results.every((result) => result.passed) ? 0 : 1;
  } finally {
    await server?.close();
  }
}

function usage(message: string): number {
  process.stderr.write(`eval: ${message}\n\n${USAGE}\n`);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`eval: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
