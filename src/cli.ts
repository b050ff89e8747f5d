// The headless CLI: the same core as the extension, over the file system and an OpenAI-compatible
// server. Results go to stdout (diffs and findings, or one JSON object with --json), progress to
// stderr. Nothing is written unless --apply is given, and then only inside the workspace, never over
// a file that changed since it was read; --patch writes one unified diff instead, and no file.
import { stat, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { acceptedPatch, checkPatchTarget } from './core/review/acceptedPatch';
import { applyChangesToDisk, type DiskChange } from './node/applyToDisk';
import { CLI_HELP, parseCliArgs, type CliOptions } from './cliArgs';
import { baseURLProblem, createOpenAIProvider } from './core/llm/openaiProvider';
import { createNodeWorkspace } from './node/nodeWorkspace';
import { DEFAULT_ENGINE_SETTINGS, startRefactor } from './core/engine/orchestrator';
import type { Finding } from './core/schemas';
import type { FileChangeState, RefactorSession, SessionEvent } from './core/engine/session';
import { synthesizeChange } from './core/review/synthesis';
import { forTerminal } from './core/workspace/displayText';
import { diffStat } from './core/edit/unifiedDiff';
import { describePartialRun, partialRunSummary } from './core/review/partialRun';

const NAME = 'refactor-orchestrator';
/** Files larger than this are left out of what the planner sees and what the workers may edit. */
const MAX_FILE_BYTES = 1024 * 1024;

const EXIT_OK = 0;
const EXIT_FAILED = 1;
const EXIT_USAGE = 2;
const EXIT_INTERRUPTED = 130;

async function main(argv: readonly string[]): Promise<number> {
  const parsed = parseCliArgs(argv);
  if (parsed.kind === 'help') {
    process.stdout.write(`${CLI_HELP}\n`);
    return EXIT_OK;
  }
  if (parsed.kind === 'usage-error') return usageError(parsed.message);
  const options = parsed.options;

  const root = path.resolve(options.workspace);
  const isDirectory = await stat(root).then((s) => s.isDirectory(), () => false);
  if (!isDirectory) return usageError(`--workspace ${options.workspace} is not a folder`);
  // Checked before any model call, so a bad target costs nothing.
  const patchTarget = options.patch === undefined ? undefined : checkPatchTarget(root, options.patch);
  if (patchTarget && !patchTarget.ok) return usageError(`--patch: ${patchTarget.reason}`);

  // A broken base URL is a usage error, caught before any request, rather than a misleading network failure.
  const urlProblem = options.baseURL === undefined ? undefined : baseURLProblem(options.baseURL);
  if (urlProblem) return usageError(`--base-url: ${urlProblem}`);

  const envKey = process.env.OPENAI_API_KEY?.trim();
  if (!envKey && !options.baseURL) return usageError('set OPENAI_API_KEY, or pass --base-url for a local server that needs no key');
  // Local servers (Ollama, LM Studio…) accept any key, but the client insists on having one.
  const apiKey = envKey || 'not-needed';

  const provider = createOpenAIProvider({
    ...(options.baseURL ? { baseURL: options.baseURL } : {}),
    apiKey,
    models: options.models,
    timeoutMs: options.timeoutMs,
    maxRetries: 2,
  });
  const workspace = createNodeWorkspace(root, { maxFileBytes: MAX_FILE_BYTES, extraExcludes: [] });

  const controller = new AbortController();
  let interrupts = 0;
  const onInterrupt = (): void => {
    interrupts++;
    if (interrupts > 1) process.exit(EXIT_INTERRUPTED); // a second Ctrl+C: stop waiting for in-flight calls
    progress('interrupted; cancelling (nothing will be written)…');
    controller.abort();
  };
  process.on('SIGINT', onInterrupt);

  try {
    const { session, done } = startRefactor({
      request: options.request,
      workspace,
      provider,
      settings: {
        ...DEFAULT_ENGINE_SETTINGS,
        ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
        ...(options.maxFiles !== undefined ? { maxFiles: options.maxFiles } : {}),
        ...(options.checkBudgetMs !== undefined ? { compileCheckBudgetMs: options.checkBudgetMs } : {}),
        extendPlan: options.extendPlan,
        ...(options.rateLimitDeadlineMs !== undefined ? { rateLimitDeadlineMs: options.rateLimitDeadlineMs } : {}),
        languageServer: options.languageServer,
      },
      signal: controller.signal,
      checkRoot: root,
    });
    session.onEvent((event) => {
      // The listing is done when planning starts: say what the planner will not see, and why.
      if (event.type === 'stage' && event.stage === 'planning') {
        for (const skipped of workspace.skipped()) progress(`[skipped] ${skipped.path}: ${skipped.reason}`);
      }
      reportProgress(event);
    });
    await done;

    if (session.stage === 'cancelled') {
      progress('cancelled; nothing was written');
      return EXIT_INTERRUPTED;
    }
    if (session.stage === 'failed') {
      process.stderr.write(`${NAME}: ${forTerminal(session.error ?? 'the run failed')}\n`);
      if (options.json) process.stdout.write(`${JSON.stringify(jsonResult(session))}\n`);
      return EXIT_FAILED;
    }

    // Writing the files that succeeded while others failed would leave the refactoring half done.
    const partial = describePartialRun(session.plan, session.files, session.compileCheck);
    if (options.apply && partial && !options.allowPartial) {
      if (options.json) process.stdout.write(`${JSON.stringify(jsonResult(session))}\n`);
      const rest = partial.planned - partial.failed.length;
      process.stderr.write(`${NAME}: ${forTerminal(partialRunSummary(partial))}; nothing written (pass --allow-partial to write the other ${rest} anyway)\n`);
      return EXIT_FAILED;
    }
    if (options.apply && partial) progress(`[warn] ${partialRunSummary(partial)}; writing the other ${partial.planned - partial.failed.length} (--allow-partial)`);

    const applied = options.apply ? await applyProposals(root, session) : undefined;
    const patch = patchTarget?.ok ? await writePatch(root, patchTarget.path, session) : undefined;
    if (controller.signal.aborted) return EXIT_INTERRUPTED;
    if (options.json) process.stdout.write(`${JSON.stringify(jsonResult(session, applied, patch))}\n`);
    else printHuman(session);
    summarise(session, options, applied, patch);
    return patch && 'error' in patch ? EXIT_FAILED : EXIT_OK;
  } finally {
    process.off('SIGINT', onInterrupt);
  }
}

type ApplyOutcome = Awaited<ReturnType<typeof applyChangesToDisk>>;

async function applyProposals(root: string, session: RefactorSession): Promise<ApplyOutcome> {
  const changes: DiskChange[] = session.files
    .filter((file) => file.status === 'proposed' && (file.diff !== '' || file.action === 'delete' || file.action === 'move'))
    .map((file) => ({ path: file.path, action: file.action, original: file.original, proposed: file.proposed, ...(file.movedFrom !== undefined ? { movedFrom: file.movedFrom } : {}) }));
  const outcome = await applyChangesToDisk(root, changes);
  for (const written of outcome.applied) progress(`[applied] ${written}`);
  for (const refused of outcome.refused) progress(`[refused] ${refused.path}: ${refused.reason}`);
  return outcome;
}

type PatchOutcome = { file: string; files: number } | { file: string; error: string };

/** The proposals --apply would write, as one patch file; the workspace is left as it is. */
async function writePatch(root: string, target: string, session: RefactorSession): Promise<PatchOutcome> {
  const proposals = session.files.filter((file) => file.status === 'proposed' && (file.diff !== '' || file.action === 'delete'));
  // A move's source counts too: a patch written over it would destroy the file the move carries.
  const check = checkPatchTarget(root, target, proposals.flatMap((file) => (file.movedFrom !== undefined ? [file.path, file.movedFrom] : [file.path])));
  if (!check.ok) return fail(check.reason);
  try {
    await writeFile(check.path, acceptedPatch(proposals.map((file) => ({ path: file.path, original: file.original, proposed: file.proposed, ...(file.movedFrom !== undefined ? { movedFrom: file.movedFrom } : {}) }))));
  } catch (error) {
    return fail(`could not write the patch to ${check.path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  progress(`[patch] ${proposals.length} file(s) written as one patch to ${check.path}`);
  return { file: check.path, files: proposals.length };

  function fail(reason: string): PatchOutcome {
    process.stderr.write(`${NAME}: ${forTerminal(reason)}\n`);
    return { file: target, error: reason };
  }
}

function reportProgress(event: SessionEvent): void {
  switch (event.type) {
    case 'stage':
      progress(`[${event.stage}]`);
      break;
    case 'plan':
      progress(`[plan] ${event.plan.changes.length} change(s): ${event.plan.summary}`);
      for (const change of event.plan.changes) progress(`  ${change.id} ${change.action} ${change.path}${change.dependsOn.length ? ` (after ${change.dependsOn.join(', ')})` : ''}`);
      break;
    case 'file':
      reportFile(event.file);
      break;
    case 'log':
      // Errors end the run and are printed once, as the last line; info is too chatty for stderr.
      if (event.level === 'warn') progress(`[warn] ${event.message}`);
      break;
    case 'language-server': {
      // Fallbacks are warnings and already printed from the log; the renames it did are news too.
      const last = event.notes[event.notes.length - 1];
      if (last?.level === 'info') progress(`[language server] ${last.message}`);
      break;
    }
    case 'findings':
    case 'usage':
      break;
  }
}

function reportFile(file: FileChangeState): void {
  if (file.status === 'proposed') {
    const { added, removed } = diffStat(file.diff);
    const by = file.performedBy === 'language-server' ? ' by the language server' : file.performedBy === 'both' ? ' by the language server and a model' : '';
    progress(`[proposed] ${file.path} (+${added} -${removed})${by}${file.revisions > 0 ? ` revision ${file.revisions}` : ''}`);
  } else if (file.status === 'failed') {
    progress(`[failed] ${file.path}: ${file.error ?? 'unknown reason'}`);
  }
}

function printHuman(session: RefactorSession): void {
  for (const file of session.files) {
    if (file.status === 'proposed' && file.diff !== '') process.stdout.write(forTerminal(file.diff.endsWith('\n') ? file.diff : `${file.diff}\n`));
  }
  for (const finding of session.findings) process.stdout.write(`${forTerminal(formatFinding(finding))}\n`);
  if (session.compileCheck) process.stdout.write(`${forTerminal(`compile check: ${session.compileCheck.verdict}${session.compileCheck.typescript ? ` [${session.compileCheck.typescript}]` : ''}`)}\n`);
  for (const file of session.files) {
    if (file.addedBecause) process.stdout.write(`${forTerminal(`added to the plan: ${file.path}: ${file.addedBecause}`)}\n`);
  }
}

function formatFinding(finding: Finding): string {
  return `${finding.path}:${finding.line}: ${finding.severity} ${finding.kind}: ${finding.message}`;
}

function summarise(session: RefactorSession, options: CliOptions, applied: ApplyOutcome | undefined, patch: PatchOutcome | undefined): void {
  const count = (status: FileChangeState['status']) => session.files.filter((f) => f.status === status).length;
  const tokens = Object.values(session.usage).reduce((sum, u) => sum + u.promptTokens + u.completionTokens, 0);
  const cached = Object.values(session.usage).reduce((sum, u) => sum + u.cachedPromptTokens, 0);
  const parts = [`${count('proposed')} proposed`, `${count('failed')} failed`, `${session.findings.length} finding(s)`, `${tokens} tokens (${cached} prompt tokens cached)`];
  if (session.compileCheck) parts.push(`compile check: ${session.compileCheck.verdict}`);
  if (applied) parts.push(`${applied.applied.length} written`, `${applied.refused.length} refused`);
  else if (patch && 'files' in patch) parts.push(`patch written to ${patch.file}, no file changed`);
  else if (!options.apply) parts.push('nothing written (use --apply to write)');
  // The closing synthesis, usable as a commit message (stderr: stdout stays a patch to pipe).
  if (!options.json) for (const line of synthesizeChange(session).message.trimEnd().split('\n')) progress(`[synthesis] ${line}`);
  progress(`[summary] ${parts.join(', ')}`);
}

function jsonResult(session: RefactorSession, applied?: ApplyOutcome, patch?: PatchOutcome) {
  return {
    plan: session.plan ?? null,
    files: session.files.map((file) => ({
      id: file.id,
      path: file.path,
      action: file.action,
      status: file.status,
      diff: file.diff,
      ...(file.error !== undefined ? { error: file.error } : {}),
      findings: file.findings,
      revisions: file.revisions,
      ...(file.addedBecause !== undefined ? { addedBecause: file.addedBecause } : {}),
      ...(file.performedBy !== undefined ? { performedBy: file.performedBy } : {}),
      ...(file.movedFrom !== undefined ? { movedFrom: file.movedFrom } : {}),
    })),
    languageServer: session.languageServerNotes,
    references: session.references,
    findings: session.findings,
    synthesis: synthesizeChange(session),
    compileCheck: session.compileCheck ?? null,
    usage: session.usage,
    timings: session.timings,
    ...(session.error !== undefined ? { error: session.error } : {}),
    ...(applied ? { applied: applied.applied, refused: applied.refused } : {}),
    ...(patch ? { patch } : {}),
  };
}

// Human output carries model text (plan summary, descriptions, findings, diffs): printed with its
// control characters escaped, so a reply cannot recolour, rewrite or hide what the user reads. --json
// output is data and stays exact.
function progress(line: string): void {
  process.stderr.write(`${forTerminal(line)}\n`);
}

function usageError(message: string): number {
  process.stderr.write(`${NAME}: ${message}\nRun with --help for usage.\n`);
  return EXIT_USAGE;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // Anything unexpected still ends in one line, not a stack trace.
    process.stderr.write(`${NAME}: ${forTerminal(error instanceof Error ? error.message : String(error))}\n`);
    process.exitCode = EXIT_FAILED;
  },
);
