// Step 3: one verifier call looks at every proposed diff together and reports where the workers
// disagree with each other or the plan. It reports; it never edits. Its findings are untrusted model
// output like everything else: a finding must name a planned file (or, for a missing change, a real
// workspace file), and its line is clamped into the content it points at.
import type { ChatProvider } from '../llm/chatProvider';
import { requestStructured } from '../llm/structuredOutput';
import { checkRelativePath } from '../workspace/paths';
import { buildVerifierMessages, type VerifierFileInput } from '../prompts';
import { VerifierReportSchema, type Finding, type Plan } from '../schemas';
import type { FileChangeState } from '../engine/session';
import type { WorkspaceAccess } from '../workspace/workspace';
import { countLines } from '../edit/textLines';
import { diffStat } from '../edit/unifiedDiff';

/** New content is shown to the verifier (numbered, for line references) only for files this small… */
const CONTENT_MAX_LINES = 400;
/** …and only while the total stays under this many characters. */
const CONTENT_BUDGET_CHARS = 60_000;
/**
 * Diffs are shown whole while their total stays under this. A diff that does not fit is named with
 * its size instead: one enormous proposal must not overflow the verifier's context and so cost every
 * other file its check.
 */
const DIFF_BUDGET_CHARS = 200_000;

export interface VerifyInput {
  request: string;
  plan: Plan;
  files: readonly FileChangeState[];
  workspace: WorkspaceAccess;
  provider: ChatProvider;
  signal: AbortSignal;
  /** After a revision: the files to re-check (all diffs are still shown for context). */
  focusPaths?: readonly string[];
  onDelta?: (text: string) => void;
}

export interface VerifyResult {
  findings: Finding[];
  /** Findings dropped because they pointed outside the plan and the workspace, for the log. */
  dropped: string[];
}

export async function verifyConsistency(input: VerifyInput): Promise<VerifyResult> {
  const shown = input.files.filter((file) => file.status === 'proposed' || file.status === 'failed');
  let budget = CONTENT_BUDGET_CHARS;
  let diffBudget = DIFF_BUDGET_CHARS;
  const inputs: VerifierFileInput[] = shown.map((file) => {
    if (file.status === 'failed') return { path: file.path, action: file.action, diff: '', status: 'failed', error: file.error ?? 'failed' };
    const fits = file.diff.length <= diffBudget;
    if (fits) diffBudget -= file.diff.length;
    const entry: VerifierFileInput = { path: file.path, action: file.action, diff: fits ? file.diff : tooLargeToShow(file.diff), status: 'proposed' };
    const content = file.proposed;
    if (content !== null && file.diff !== '' && countLines(content) <= CONTENT_MAX_LINES && content.length <= budget) {
      budget -= content.length;
      entry.content = content.replace(/\r\n/g, '\n').replace(/^\uFEFF/, '');
    }
    return entry;
  });
  const report = await requestStructured({
    provider: input.provider,
    role: 'verifier',
    schema: VerifierReportSchema,
    schemaName: 'verifier_report',
    messages: buildVerifierMessages(input.request, input.plan, inputs, input.focusPaths),
    signal: input.signal,
    ...(input.onDelta ? { onDelta: input.onDelta } : {}),
  });
  return validateFindings(report.findings, input.files, input.workspace);
}

function tooLargeToShow(diff: string): string {
  const { added, removed } = diffStat(diff);
  return `(a diff of ${diff.length} characters, +${added} -${removed} lines, is too large to show here; check the other files against it by its description)\n`;
}

/** Keeps findings that point somewhere real, with paths normalised and lines clamped. */
export async function validateFindings(raw: readonly Finding[], files: readonly FileChangeState[], workspace: WorkspaceAccess): Promise<VerifyResult> {
  const byPath = new Map(files.map((file) => [file.path, file]));
  const findings: Finding[] = [];
  const dropped: string[] = [];
  const seen = new Set<string>();

  for (const finding of raw) {
    const path = normalisePath(finding.path, byPath);
    let maxLine: number | undefined;
    const planned = path === undefined ? undefined : byPath.get(path);
    if (planned) {
      maxLine = countLines(planned.proposed ?? planned.original ?? '');
    } else if (path !== undefined && finding.kind === 'missing-change') {
      const text = await readIfPresent(workspace, path);
      if (text !== undefined) maxLine = countLines(text);
    }
    if (path === undefined || maxLine === undefined) {
      dropped.push(`${finding.path}: ${finding.message}`);
      continue;
    }
    const line = Math.min(Math.max(0, Math.floor(finding.line)), maxLine);
    const key = `${path}\0${line}\0${finding.kind}\0${finding.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const relatedPaths = finding.relatedPaths.map((p) => normalisePath(p, byPath) ?? '').filter((p) => p !== '' && p !== path);
    // Files outside the plan are never edited behind the user's back; say so where they will read it.
    const message = planned ? finding.message.trim() : `${finding.message.trim()} (this file is not in the plan, so it was not changed automatically)`;
    findings.push({ path, line, severity: finding.severity, kind: finding.kind, message, relatedPaths, source: 'model' });
  }
  return { findings, dropped };
}

/**
 * Models write paths as they saw them in diffs (`a/src/x.ts`, `./src/x.ts`); map those back to the
 * planned path. Anything else must pass the same path check as a plan.
 */
function normalisePath(candidate: string, planned: ReadonlyMap<string, FileChangeState>): string | undefined {
  const trimmed = candidate.trim().replace(/^`|`$/g, '');
  if (planned.has(trimmed)) return trimmed;
  for (const prefix of ['./', 'a/', 'b/']) {
    if (trimmed.startsWith(prefix) && planned.has(trimmed.slice(prefix.length))) return trimmed.slice(prefix.length);
  }
  const checked = checkRelativePath(trimmed.replace(/^\.\//, ''));
  return checked.ok ? checked.path : undefined;
}

async function readIfPresent(workspace: WorkspaceAccess, path: string): Promise<string | undefined> {
  try {
    return await workspace.readText(path);
  } catch {
    return undefined;
  }
}
