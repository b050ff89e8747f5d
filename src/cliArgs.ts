// Command-line arguments of the headless CLI, parsed strictly: an unknown flag or a bad number is a
// usage error (exit 2) rather than something silently ignored in a script.
import { parseArgs } from 'node:util';
import type { ModelRole } from './core/llm/chatProvider';

/** Used for every role unless --model or a role flag says otherwise: cheap, fast, and good at JSON. */
export const DEFAULT_MODEL = 'gpt-4o-mini';
export const DEFAULT_TIMEOUT_MS = 120_000;

export interface CliOptions {
  workspace: string;
  request: string;
  baseURL?: string;
  models: Record<ModelRole, string>;
  concurrency?: number;
  maxFiles?: number;
  rateLimitDeadlineMs?: number;
  timeoutMs: number;
  /** Budget of one compile check; past it the check stops with an info finding. */
  checkBudgetMs?: number;
  /** Files outside the plan that the checks find broken: add them (auto) or only report them (off). */
  extendPlan: 'auto' | 'off';
  /** Let the TypeScript language service list references for the planner and do the plan's renames. */
  languageServer: boolean;
  apply: boolean;
  /** Write the proposals as one unified diff to this file instead of writing the files. */
  patch?: string;
  /** With --apply: write the proposed files even though other planned files failed. */
  allowPartial: boolean;
  json: boolean;
}

export type CliParse = { kind: 'help' } | { kind: 'run'; options: CliOptions } | { kind: 'usage-error'; message: string };

export const CLI_HELP = `Usage: refactor-orchestrator --workspace DIR --request TEXT [options]

Plans a multi-file refactoring with a model, has one worker per file propose the change, checks the
result for consistency, and prints the diffs and findings. Nothing is written unless --apply is given.

Options:
  --workspace DIR          folder to refactor (required)
  --request TEXT           what to change, e.g. "rename UserStore to AccountRepository" (required)
  --base-url URL           OpenAI-compatible server, e.g. http://127.0.0.1:11434/v1 (default: OpenAI)
  --model NAME             model for every role (default: ${DEFAULT_MODEL})
  --planner-model NAME     model for the planner (default: --model)
  --worker-model NAME      model for the per-file workers (default: --model)
  --verifier-model NAME    model for the verifier (default: --model)
  --concurrency N          worker calls at once (default: 4)
  --max-files N            most files a plan may change (default: 50)
  --timeout-ms N           per model request (default: ${DEFAULT_TIMEOUT_MS})
  --check-budget-ms N      time budget of one compile check of the proposals (default: 20000); past
                           it the check stops and says so in one info finding
  --extend-plan auto|off   when the compile check finds a file outside the plan that the changes
                           break: add a change for it (auto) or only report it (off, the default)
  --no-language-server     let the models do every change: no references for the planner from the
                           TypeScript language service, and no exact renames by it (it is on by
                           default; a rename it cannot locate falls back to the models anyway)
  --rate-limit-deadline S  seconds a run keeps re-queueing calls the server rate-limits (429) before
                           their files fail (default: 600)
  --apply                  write the proposed changes; a file that changed on disk since it was read
                           is refused (left as it is) and reported; a run in which planned files
                           failed is not applied (exit 1) unless --allow-partial is given
  --allow-partial          with --apply: write the files that succeeded even though others failed,
                           leaving the refactoring half done
  --patch FILE             write the proposed changes as one unified diff to FILE (for git apply or
                           patch -p1) and leave the workspace's files as they are; not with --apply
  --json                   print one JSON object on stdout:
                           { plan, files: [{ path, action, status, diff, error?, findings,
                             performedBy?: language-server|model|both, addedBecause? }], findings,
                             compileCheck: { state, verdict, newErrors, files }, languageServer:
                             [{ level, message }], references, usage, timings }
  --help                   show this help

The API key comes from OPENAI_API_KEY; with --base-url and no key, a placeholder is sent (local
servers usually need none). Progress goes to stderr.

Exit status:
  0    the run completed; files that failed (or were refused by --apply) are listed, and the run
       still counts as completed as long as at least one change was proposed
  1    the run failed: no usable plan, every change failed, or the server could not be used; or
       --apply met failed files without --allow-partial and wrote nothing (one line on stderr says why)
  2    usage error (unknown flag, missing --workspace/--request, bad number, no API key)
  130  interrupted (Ctrl+C); nothing was written`;

export function parseCliArgs(argv: readonly string[]): CliParse {
  let values: ReturnType<typeof parse>['values'];
  try {
    values = parse(argv).values;
  } catch (error) {
    return { kind: 'usage-error', message: error instanceof Error ? error.message : String(error) };
  }
  if (values.help) return { kind: 'help' };

  const workspace = values.workspace;
  const request = values.request?.trim();
  if (!workspace) return { kind: 'usage-error', message: 'missing --workspace DIR' };
  if (!request) return { kind: 'usage-error', message: 'missing --request TEXT' };
  if (values.patch !== undefined && values.apply) return { kind: 'usage-error', message: '--patch and --apply exclude each other: the patch is the change, not written' };
  if (values.patch !== undefined && values.patch.trim() === '') return { kind: 'usage-error', message: '--patch needs a file name' };

  const numbers: { concurrency?: number; maxFiles?: number; timeoutMs?: number; checkBudgetMs?: number; rateLimitDeadline?: number } = {};
  for (const [flag, key, raw] of [
    ['--concurrency', 'concurrency', values.concurrency],
    ['--max-files', 'maxFiles', values['max-files']],
    ['--timeout-ms', 'timeoutMs', values['timeout-ms']],
    ['--check-budget-ms', 'checkBudgetMs', values['check-budget-ms']],
    ['--rate-limit-deadline', 'rateLimitDeadline', values['rate-limit-deadline']],
  ] as const) {
    if (raw === undefined) continue;
    const value = positiveInteger(raw);
    if (value === undefined) return { kind: 'usage-error', message: `${flag} needs a positive whole number, got "${raw}"` };
    numbers[key] = value;
  }

  const extendPlan = values['extend-plan'] ?? 'off';
  if (extendPlan !== 'auto' && extendPlan !== 'off') return { kind: 'usage-error', message: `--extend-plan needs auto or off, got "${extendPlan}"` };

  const model = values.model ?? DEFAULT_MODEL;
  const options: CliOptions = {
    workspace,
    request,
    models: {
      planner: values['planner-model'] ?? model,
      worker: values['worker-model'] ?? model,
      verifier: values['verifier-model'] ?? model,
    },
    timeoutMs: numbers.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    extendPlan,
    languageServer: !(values['no-language-server'] ?? false),
    apply: values.apply ?? false,
    allowPartial: values['allow-partial'] ?? false,
    json: values.json ?? false,
  };
  if (options.allowPartial && !options.apply) return { kind: 'usage-error', message: '--allow-partial only applies with --apply' };
  if (values['base-url']) options.baseURL = values['base-url'];
  if (values.patch !== undefined) options.patch = values.patch;
  if (numbers.concurrency !== undefined) options.concurrency = numbers.concurrency;
  if (numbers.maxFiles !== undefined) options.maxFiles = numbers.maxFiles;
  if (numbers.checkBudgetMs !== undefined) options.checkBudgetMs = numbers.checkBudgetMs;
  if (numbers.rateLimitDeadline !== undefined) options.rateLimitDeadlineMs = numbers.rateLimitDeadline * 1000;
  return { kind: 'run', options };
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      workspace: { type: 'string' },
      request: { type: 'string' },
      'base-url': { type: 'string' },
      model: { type: 'string' },
      'planner-model': { type: 'string' },
      'worker-model': { type: 'string' },
      'verifier-model': { type: 'string' },
      concurrency: { type: 'string' },
      'max-files': { type: 'string' },
      'timeout-ms': { type: 'string' },
      'check-budget-ms': { type: 'string' },
      'extend-plan': { type: 'string' },
      'rate-limit-deadline': { type: 'string' },
      'no-language-server': { type: 'boolean' },
      apply: { type: 'boolean' },
      patch: { type: 'string' },
      'allow-partial': { type: 'boolean' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

function positiveInteger(raw: string): number | undefined {
  if (!/^\d+$/.test(raw.trim())) return undefined;
  const value = Number(raw);
  return Number.isSafeInteger(value) && value > 0 ? value : undefined;
}
