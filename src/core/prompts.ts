// Every prompt the engine sends, in one place, so the wording the models see can be read and tuned
// without digging through control flow. Builders return plain ChatMessage arrays; nothing here calls
// a model.
import type { ChatMessage } from './llm/chatProvider';
import type { FileAction, Finding, Plan, PlannedChange, Specialist } from './schemas';

// ---------------------------------------------------------------------------------------------
// Planner

const PLANNER_SYSTEM = `You are the planner of a multi-file refactoring tool. You read a user's request and a summary of
their workspace, and decide which files must change and how. Workers will carry out your plan, one
worker per file, each seeing ONLY its own file, your description for it, and the finished diffs of the
changes it depends on. So every description must be specific enough on its own: name the exact
identifiers, signatures and new names.

Rules:
- One change per file. Never list the same path twice.
- "path" is workspace-relative with forward slashes, exactly as shown in the summary. Never use
  absolute paths, "..", the .git or .vscode folders, or secret files (.env, keys, credentials).
- "action": "modify" an existing file, "create" a file that does not exist yet, "delete" an existing file.
- "specialist": rename | extract | api-migration | types | tests | docs | config | general — the kind of
  work this file needs.
- "dependsOn": ids of changes whose result this change must see first, e.g. a file that imports a
  renamed or extracted symbol depends on the change that defines it. No cycles. Keep it minimal:
  independent files run in parallel.
- "symbolRenames": every identifier the refactor renames (from → to), so leftovers can be found
  automatically. Empty when nothing is renamed.
- "fileMoves": every file the refactor moves or renames (from → to, both workspace-relative). A change
  to the moved file's own content is listed at its current path. To move a whole folder, give the
  folder's paths (from "src/cache" to "src/lib/cache"). Empty when nothing moves.
- Write "summary", "symbolRenames" and "fileMoves" first, then "changes", listing each change after the
  changes it depends on: workers start on each change as soon as it has been written.
- Include every file that must change for the code to stay consistent (callers, tests, docs), and
  nothing else.`;

/** Said to the planner when a language server will do the plan's renames and import updates. */
const LANGUAGE_SERVER_RULES = `
- A language server renames every code reference of the "symbolRenames" exactly, and updates the
  imports that point at a moved file: plan a change for a file only where more than that must change
  there (comments, strings, docs, related names, other edits).`;

export function buildPlannerMessages(request: string, workspaceSummary: string, maxFiles: number, languageServer = false): ChatMessage[] {
  return [
    { role: 'system', content: `${PLANNER_SYSTEM}${languageServer ? LANGUAGE_SERVER_RULES : ''}\n- At most ${maxFiles} changes.` },
    {
      role: 'user',
      content: `Request:\n${request}\n\nWorkspace summary:\n${workspaceSummary}\n\nReply with the plan as JSON.`,
    },
  ];
}

/** The repair round: the planner sees its own plan and what was wrong with it. */
export function buildPlanRepairMessages(previous: ChatMessage[], plan: Plan, problems: readonly string[]): ChatMessage[] {
  return [
    ...previous,
    { role: 'assistant', content: JSON.stringify(plan) },
    {
      role: 'user',
      content: `That plan cannot be used:\n${problems.map((p) => `- ${p}`).join('\n')}\n\nReply with a corrected, complete plan as JSON.`,
    },
  ];
}

// ---------------------------------------------------------------------------------------------
// Workers

const SPECIALIST_PROMPTS: Record<Specialist, string> = {
  rename: `You rename identifiers precisely: every declaration, reference, import, export, type position and
re-export of the old name in this file uses the new name. Rename nothing else. Mentions in comments and
strings that refer to the renamed thing are updated too.`,
  extract: `You extract code into a new function, module or component: move the code without changing its
behaviour, give it the name the plan gives, and update the call sites and imports in this file.`,
  'api-migration': `You migrate code from one API to another: replace every use of the old API in this file with the
new one as described, adapting arguments, return handling, errors and imports; keep behaviour the same.`,
  types: `You change types and type annotations: keep the code type-correct, update every annotation, generic,
interface and signature this change touches, and do not loosen types (no "any").`,
  tests: `You update tests: keep each test's intent, update names, imports, fixtures and expectations to match
the refactored code, and do not delete or weaken assertions.`,
  docs: `You update documentation: keep the document's structure and voice, and make names, examples and
descriptions match the refactored code.`,
  config: `You update configuration files: change only the keys and values this change needs, keep formatting,
comments and key order, and keep the file valid for its format.`,
  general: `You make a focused code change exactly as described, consistent with the rest of the plan, and
leave everything else as it is.`,
};

export type WorkerFormat = 'whole_file' | 'search_replace';

const FORMAT_RULES: Record<WorkerFormat, string> = {
  whole_file: `Reply with JSON {"content": ..., "summary": ...}: "content" is the COMPLETE new file, every line
written out — never elide code with comments like "// ... rest of code unchanged ..." or "...". Keep
the file's formatting, indentation and style; change only what the change requires.`,
  search_replace: `Reply with JSON {"edits": [{"search": ..., "replace": ...}], "summary": ...}. Each "search" is a block
of consecutive lines copied EXACTLY from the current file (same spelling and indentation), long enough
to match in exactly one place; "replace" is what those lines become. List the edits in file order, top
to bottom: they are applied in that order, each to the result of the previous one, and a search that
matches several places is taken at its first match after the previous edit (to change every occurrence
of a block, repeat the same edit once per occurrence). Never elide code in "replace". Use as few, small
edits as you can.`,
};

/**
 * The one system prompt of every worker call of a run, whatever the file, specialist or format: the
 * first bytes of every worker prompt are the same, so a server's prefix cache serves them (OpenAI
 * from 1,024 tokens; vLLM and llama.cpp reuse the prefix's KV) and only the worker's own part is new.
 */
export const WORKER_SYSTEM = `You are a worker in a multi-file refactoring tool. You change ONE file as part of a larger plan
carried out by several workers in parallel; other workers change the other files. Stay consistent with
the plan: use exactly the names it gives, and do not rename or restructure anything it does not ask for.
The request and the whole plan come first; your own part follows it: the kind of work your file needs,
the reply format, your change, the diffs of the changes it depends on, and your file.`;

/** The start of the worker's own part, right after the shared prefix. */
export const WORKER_OWN_PART_HEADING = '## Your part';

/** What a worker learns about a change it depends on. */
export type UpstreamResult =
  | { path: string; description: string; state: 'proposed'; diff: string }
  | { path: string; description: string; state: 'failed'; reason: string };

export interface WorkerPromptInput {
  request: string;
  plan: Plan;
  change: PlannedChange;
  format: WorkerFormat;
  /** The current text (LF, no BOM); null for a file to create. */
  content: string | null;
  upstream: readonly UpstreamResult[];
  /** Set when verification sent the file back: `content` is then the earlier proposal. */
  revision?: { findings: readonly Finding[] };
  /** Set when the language server renamed symbols here first: `content` is then the renamed text. */
  languageServer?: { diff: string; renames: string };
}

/** How the description of a change the language server added ends (its files are listed as one line). */
export const LANGUAGE_SERVER_DONE = '(done by the language server).';

/** Longest description of another change quoted to a worker; the full text is in its own worker. */
const OTHER_CHANGE_CHARS = 300;

/**
 * What every worker call of a run starts with, byte for byte: the request, the plan summary, the
 * renames and the complete plan (the worker's own change included, so no listing depends on who reads
 * it). Nothing here may depend on the worker, its file or its format.
 */
export function workerSharedPrefix(request: string, plan: Plan): string {
  const parts: string[] = [];
  parts.push(`Overall request:\n${request}`);
  parts.push(`Plan summary: ${plan.summary}`);
  if (plan.symbolRenames.length > 0) {
    parts.push(`Renames in this refactor (use the new names):\n${plan.symbolRenames.map((r) => `- ${r.from} → ${r.to}`).join('\n')}`);
  }
  // Files the language server alone changed are one line, not one each: a rename can reach hundreds,
  // and every worker's prompt carries this listing.
  const byServer = plan.changes.filter((c) => c.description.endsWith(LANGUAGE_SERVER_DONE));
  const listed = plan.changes.filter((c) => !c.description.endsWith(LANGUAGE_SERVER_DONE));
  const serverLine = byServer.length === 0 ? [] : [`- ${byServer.length} more file${byServer.length === 1 ? '' : 's'} that the plan's renames and moves reach, changed by the language server`];
  parts.push(`The whole plan, one worker per file:\n${[...listed.map((c) => `- ${c.id} \`${c.path}\` (${c.action}, ${c.specialist}): ${clip(c.description, OTHER_CHANGE_CHARS)}`), ...serverLine].join('\n')}`);
  return `${parts.join('\n\n')}\n\n${WORKER_OWN_PART_HEADING}\n\n`;
}

export function buildWorkerMessages(input: WorkerPromptInput): ChatMessage[] {
  const { request, plan, change, format, content, upstream, revision, languageServer } = input;
  const parts: string[] = [];
  parts.push(SPECIALIST_PROMPTS[change.specialist]);
  parts.push(FORMAT_RULES[format]);
  parts.push(`File: \`${change.path}\`\nChange: ${change.id}\nAction: ${change.action}\nYour change:\n${change.description}`);
  for (const up of upstream) {
    if (up.state === 'proposed') {
      parts.push(up.diff === ''
        ? `Upstream change to \`${up.path}\` (done, no textual change): ${clip(up.description, OTHER_CHANGE_CHARS)}`
        : `Upstream change to \`${up.path}\` (done; your file depends on it):\n\`\`\`diff\n${up.diff}\`\`\``);
    } else {
      parts.push(`Upstream change to \`${up.path}\` FAILED (${up.reason}). It was planned as: ${clip(up.description, OTHER_CHANGE_CHARS)}\nDo your own change as the plan describes, so that it fits once that file is fixed.`);
    }
  }
  if (languageServer) {
    parts.push(`The language server has already done this in every code reference of this file (${languageServer.renames}), applied to the content below:\n\`\`\`diff\n${languageServer.diff}\`\`\`\nKeep those renames. Do only what it cannot: the old names left in comments, strings and docs, related names, and the rest of your change. Do not change import paths unless your change says so.`);
  }
  if (revision) {
    parts.push(`A reviewer checked your earlier version (shown below as the current content) and reported:\n${revision.findings.map(formatFindingForPrompt).join('\n')}\nFix these problems, keep the rest of your change, and return the corrected file.`);
  }
  if (content === null) {
    parts.push(`The file does not exist yet; write its complete content.`);
  } else {
    // No line numbers: search blocks must be copied verbatim and whole files returned verbatim, and
    // numbered lines invite the model to copy the numbers back.
    const label = revision ? 'Current content (your earlier version)' : languageServer ? "Current content (with the language server's rename applied)" : 'Current content';
    parts.push(`${label} of \`${change.path}\`:\n${fence(content)}`);
  }
  return [
    { role: 'system', content: WORKER_SYSTEM },
    { role: 'user', content: workerSharedPrefix(request, plan) + parts.join('\n\n') },
  ];
}

/** The one retry: the worker sees its own reply and why it could not be used. */
export function buildWorkerRetryMessages(previous: ChatMessage[], reply: unknown, problem: string): ChatMessage[] {
  return [
    ...previous,
    { role: 'assistant', content: JSON.stringify(reply) },
    { role: 'user', content: `Your reply could not be applied:\n> ${problem.split('\n').join('\n> ')}\n\nReply again with the complete, corrected JSON.` },
  ];
}

// ---------------------------------------------------------------------------------------------
// Verifier

const VERIFIER_SYSTEM = `You are the verifier of a multi-file refactoring tool. Several workers each changed one file in
parallel according to a plan. You check the result as a whole and report problems; you do not fix them.

Report:
- "inconsistency": files disagree with each other or with the plan — above all when two workers named
  or shaped the same new thing differently (a function called one name where it is defined and another
  where it is used, different signatures, different import paths). Report the disagreement on each side;
  do NOT decide which side is right.
- "missing-change": something that still needs changing, e.g. a caller of a renamed symbol that was not
  updated, in a planned file or in a file the plan did not touch.
- "conflict": changes that contradict each other or break each other.

Each finding: "path" (workspace-relative), "line" (1-based line in the NEW content of that file; 0 for
the whole file), "severity" (error: it will not work; warning: likely wrong; info: worth a look),
"kind", a short "message" saying what is wrong and where the other side is, and "relatedPaths".
Report only real problems; an empty list is a fine answer.`;

export interface VerifierFileInput {
  path: string;
  action: FileAction;
  diff: string;
  /** The new content, numbered, when small enough to include. */
  content?: string;
  status: 'proposed' | 'failed';
  error?: string;
}

export function buildVerifierMessages(request: string, plan: Plan, files: readonly VerifierFileInput[], focusPaths?: readonly string[]): ChatMessage[] {
  const parts: string[] = [];
  parts.push(`Request:\n${request}`);
  parts.push(`Plan (${plan.summary}):\n${plan.changes.map((c) => `- ${c.id} ${c.path} (${c.action}, ${c.specialist}): ${c.description}`).join('\n')}`);
  if (plan.symbolRenames.length > 0) {
    parts.push(`Planned renames:\n${plan.symbolRenames.map((r) => `- ${r.from} → ${r.to}`).join('\n')}`);
  }
  for (const file of files) {
    if (file.status === 'failed') {
      parts.push(`File \`${file.path}\`: the worker FAILED (${file.error ?? 'unknown reason'}); no change proposed.`);
      continue;
    }
    const diff = file.diff === '' ? '(no change)' : `\`\`\`diff\n${file.diff}\`\`\``;
    parts.push(`File \`${file.path}\` (${file.action}) diff:\n${diff}`);
    if (file.content !== undefined) parts.push(`New content of \`${file.path}\` with line numbers:\n${fence(numberLines(file.content))}`);
  }
  if (focusPaths && focusPaths.length > 0) {
    parts.push(`These files were just revised to address earlier findings: ${focusPaths.map((p) => `\`${p}\``).join(', ')}. Check them against the rest; the other files are shown for context.`);
  }
  parts.push('Reply with the findings as JSON.');
  return [
    { role: 'system', content: VERIFIER_SYSTEM },
    { role: 'user', content: parts.join('\n\n') },
  ];
}

// ---------------------------------------------------------------------------------------------

export function formatFindingForPrompt(finding: Finding): string {
  const where = finding.line > 0 ? `line ${finding.line}` : 'whole file';
  return `- ${finding.severity} ${finding.kind} (${where}): ${finding.message}`;
}

export function numberLines(text: string): string {
  const lines = text.endsWith('\n') ? text.slice(0, -1).split('\n') : text.split('\n');
  const width = String(lines.length).length;
  return lines.map((line, i) => `${String(i + 1).padStart(width)}| ${line}`).join('\n');
}

/** A fence longer than any backtick run inside, so file content cannot close it early. */
function fence(text: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const ticks = '`'.repeat(longest + 1);
  return `${ticks}\n${text}${text.endsWith('\n') ? '' : '\n'}${ticks}`;
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
