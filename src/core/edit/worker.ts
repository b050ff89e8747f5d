// Step 2, for one file: a worker model produces the new content of a planned change. Small files and
// new files come back whole; large files come back as search/replace edits (cheaper, and a model is
// less likely to drop code it never had to repeat). A reply that cannot be used — search text that
// does not match, elided or truncated code — gets ONE retry with the problem quoted; after that the
// file fails on its own and the rest of the run carries on.
import type { ChatMessage, ChatProvider } from '../llm/chatProvider';
import { describeModelError } from '../llm/modelErrors';
import { requestStructured } from '../llm/structuredOutput';
import { findElision, wholeFileProblem } from './elisionDetection';
import { buildWorkerMessages, buildWorkerRetryMessages, type UpstreamResult, type WorkerFormat } from '../prompts';
import { SearchReplaceReplySchema, WholeFileReplySchema, type Finding, type Plan, type PlannedChange } from '../schemas';
import { applySearchReplace, type SearchReplaceErrorKind } from './searchReplace';
import { fromModelText, restoreTextFormat, toModelText, type TextFormat } from './textFormat';
import { unifiedDiff } from './unifiedDiff';
import type { WorkspaceAccess } from '../workspace/workspace';
import { countLines } from './textLines';

export interface WorkerInput {
  request: string;
  plan: Plan;
  change: PlannedChange;
  workspace: WorkspaceAccess;
  provider: ChatProvider;
  signal: AbortSignal;
  /** Files with at least this many lines get search/replace edits instead of a whole-file reply. */
  searchReplaceMinLines: number;
  upstream: readonly UpstreamResult[];
  /**
   * A revision after verification: the worker edits its earlier proposal with the findings quoted.
   * `original` is the content read the first time, so the diff stays relative to what is on disk.
   */
  revision?: { original: string | null; previous: string; findings: readonly Finding[] };
  /**
   * The language server already renamed symbols in this file: the worker starts from `renamed` (and
   * sees the rename's diff), and its proposal stays relative to `original`, the text on disk.
   */
  languageServer?: { original: string; renamed: string; diff: string; renames: string };
  onDelta?: (text: string) => void;
}

export type WorkerResult =
  | { ok: true; original: string | null; proposed: string | null; diff: string; summary: string; retried: boolean; /** Why a first reply's edits failed before the retry succeeded. */ editErrors?: SearchReplaceErrorKind[] }
  | { ok: false; original: string | null; error: string; /** Why the search/replace edits of both replies failed, when they did. */ editErrors?: SearchReplaceErrorKind[] };

const NEW_FILE_FORMAT: TextFormat = { eol: '\n', bom: false };

export async function runWorker(input: WorkerInput): Promise<WorkerResult> {
  const { change } = input;
  const read = input.revision
    ? { ok: true as const, text: input.revision.original }
    : input.languageServer
      ? { ok: true as const, text: input.languageServer.original }
      : await readOriginal(input);
  if (!read.ok) return { ok: false, original: null, error: read.error };
  const original = read.text;

  if (change.action === 'delete') {
    // Deleting needs no model: the plan already said so, and the review shows the whole file going.
    return { ok: true, original, proposed: null, diff: unifiedDiff(change.path, original, null), summary: 'deleted', retried: false };
  }

  const base = input.revision ? input.revision.previous : (input.languageServer?.renamed ?? original);
  const baseText = base === null ? null : toModelText(base);
  const format: WorkerFormat = baseText === null || countLines(baseText) < input.searchReplaceMinLines ? 'whole_file' : 'search_replace';
  const messages = buildWorkerMessages({
    request: input.request,
    plan: input.plan,
    change,
    format,
    content: baseText,
    upstream: input.upstream,
    ...(input.revision ? { revision: { findings: input.revision.findings } } : {}),
    ...(input.languageServer && !input.revision ? { languageServer: { diff: input.languageServer.diff, renames: input.languageServer.renames } } : {}),
  });

  let outcome: Attempt;
  try {
    outcome = await attempt(input, format, messages, baseText);
    if (!outcome.ok) {
      input.signal.throwIfAborted();
      const firstErrors = outcome.editErrors ?? [];
      outcome = await attempt(input, format, buildWorkerRetryMessages(messages, outcome.reply, outcome.problem), baseText);
      // Every refused edit of both replies is counted, so the log says how often models miss.
      const editErrors = [...firstErrors, ...(outcome.ok ? [] : (outcome.editErrors ?? []))];
      if (!outcome.ok) return { ok: false, original, error: `after one retry: ${outcome.problem}`, ...(editErrors.length > 0 ? { editErrors } : {}) };
      return { ...finish(change.path, original, outcome, true), ...(editErrors.length > 0 ? { editErrors } : {}) } as WorkerResult;
    }
  } catch (error) {
    // Cancellation is not this file's failure: let the orchestrator mark the run cancelled.
    if (input.signal.aborted) throw error;
    return { ok: false, original, error: describeModelError(error) };
  }
  return finish(change.path, original, outcome, false);
}

type Attempt = { ok: true; text: string; summary: string } | { ok: false; reply: unknown; problem: string; editErrors?: SearchReplaceErrorKind[] };

async function attempt(input: WorkerInput, format: WorkerFormat, messages: ChatMessage[], baseText: string | null): Promise<Attempt> {
  const common = { provider: input.provider, role: 'worker' as const, messages, signal: input.signal, ...(input.onDelta ? { onDelta: input.onDelta } : {}) };
  if (format === 'whole_file') {
    // Most of a rewrite is the file as it is, so it is the prediction: the reply is JSON, so the file
    // arrives escaped, after the schema's first key.
    const prediction = baseText === null ? undefined : `{"content":${JSON.stringify(baseText)},"summary":"`;
    const reply = await requestStructured({ ...common, schema: WholeFileReplySchema, schemaName: 'whole_file', ...(prediction !== undefined ? { prediction } : {}) });
    const text = keepFinalNewline(baseText, toModelText(reply.content));
    const problem = wholeFileProblem(baseText, text, input.change.description);
    return problem === undefined ? { ok: true, text, summary: reply.summary } : { ok: false, reply, problem };
  }

  const reply = await requestStructured({ ...common, schema: SearchReplaceReplySchema, schemaName: 'search_replace' });
  const current = baseText ?? '';
  const edits = reply.edits.map((edit) => ({ search: toModelText(edit.search), replace: toModelText(edit.replace) }));
  for (const [index, edit] of edits.entries()) {
    const marker = findElision(edit.replace, `${current}\n${edit.search}`);
    if (marker !== undefined) {
      return { ok: false, reply, problem: `edit ${index + 1} elides code with "${marker}"; write out every line of the replacement` };
    }
  }
  const applied = applySearchReplace(current, edits);
  if (!applied.ok) return { ok: false, reply, problem: applied.errors.join('\n'), editErrors: applied.kinds };
  return { ok: true, text: applied.content, summary: reply.summary };
}

function finish(path: string, original: string | null, outcome: { text: string; summary: string }, retried: boolean): WorkerResult {
  const proposed = original === null ? fromModelText(outcome.text, NEW_FILE_FORMAT) : restoreTextFormat(outcome.text, original);
  return { ok: true, original, proposed, diff: unifiedDiff(path, original, proposed), summary: outcome.summary, retried };
}

async function readOriginal(input: WorkerInput): Promise<{ ok: true; text: string | null } | { ok: false; error: string }> {
  const { change } = input;
  let text: string | undefined;
  try {
    text = await input.workspace.readText(change.path);
  } catch (error) {
    return { ok: false, error: `cannot read the file: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (change.action === 'create') {
    return text === undefined ? { ok: true, text: null } : { ok: false, error: 'the plan creates this file but it already exists' };
  }
  return text === undefined ? { ok: false, error: 'the file no longer exists' } : { ok: true, text };
}

/** Models often drop the final newline of a file; restoring it keeps the diff to the real change. */
function keepFinalNewline(baseText: string | null, text: string): string {
  if (baseText !== null && baseText.endsWith('\n') && text !== '' && !text.endsWith('\n')) return `${text}\n`;
  return text;
}
