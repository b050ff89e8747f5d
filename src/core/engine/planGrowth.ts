// The iterative variant of orchestrator-workers: when the checks find that the proposal breaks a file
// the plan did not touch (a compile error, or a renamed identifier still used there), the plan grows
// by one change for that file. Its description is derived from the errors, it depends on the planned
// changes the errors trace to (so its worker sees their diffs), and it goes through the same checks.
// Whether that happens on its own, after the user's click, or not at all is `extendPlan`.
import { checkRelativePath, isSecretPath } from '../workspace/paths';
import type { Finding, PlannedChange } from '../schemas';
import { UNPLANNED_REFERENCE } from '../verify/referenceCoverage';
import { newFileState, type FileChangeState, type PlanSuggestion, type RefactorSession } from './session';
import type { WorkspaceAccess } from '../workspace/workspace';

export type ExtendPlan = 'ask' | 'auto' | 'off';

/** Most errors quoted in one added change's description. */
const MAX_QUOTED = 12;

/** Files outside the plan that the latest findings say the proposal breaks, one suggestion each. */
export function growthCandidates(session: RefactorSession): PlanSuggestion[] {
  const planned = new Set(session.files.map((file) => file.path));
  const byPath = new Map<string, Finding[]>();
  for (const finding of session.findings) {
    if (finding.source !== 'check' || planned.has(finding.path)) continue;
    const breaks = (finding.kind === 'compile-error' && finding.severity === 'error') || finding.kind === 'missing-change';
    if (!breaks) continue;
    const safe = checkRelativePath(finding.path);
    if (!safe.ok || isSecretPath(finding.path)) continue;
    byPath.set(finding.path, [...(byPath.get(finding.path) ?? []), finding]);
  }
  return [...byPath].map(([path, findings], index) => ({ id: `s${index + 1}`, path, reason: reasonFor(findings), findings }));
}

/**
 * Growth candidates the models may see: the compiler reads the whole project, excluded and ignored
 * files included, but only files in the workspace listing (excludes, .gitignore and secrets already
 * applied) may join the plan. Their errors stay reported either way.
 */
export async function visibleCandidates(session: RefactorSession, workspace: WorkspaceAccess, signal: AbortSignal): Promise<PlanSuggestion[]> {
  const candidates = growthCandidates(session);
  if (candidates.length === 0) return [];
  const listed = new Set((await workspace.listFiles(signal)).map((entry) => entry.path));
  return candidates.filter((candidate) => listed.has(candidate.path));
}

/** extendPlan ask: the broken files outside the plan become suggestions the review offers to add. */
export async function offerSuggestions(session: RefactorSession, mode: ExtendPlan, workspace: WorkspaceAccess, signal: AbortSignal): Promise<void> {
  const next = mode === 'ask' ? await visibleCandidates(session, workspace, signal) : [];
  if (next.length > 0 || session.suggestions.length > 0) session.setSuggestions(next);
}

function reasonFor(findings: readonly Finding[]): string {
  const compile = findings.filter((f) => f.kind === 'compile-error');
  const references = findings.filter((f) => f.code === UNPLANNED_REFERENCE);
  const leftovers = findings.length - compile.length - references.length;
  const parts = [];
  if (compile.length > 0) parts.push(`the proposed changes cause ${compile.length} new compile error${compile.length === 1 ? '' : 's'} here`);
  if (leftovers > 0) parts.push(`${leftovers} use${leftovers === 1 ? '' : 's'} of a renamed identifier remain here`);
  for (const reference of references) parts.push(`the language server says it ${reference.message.replace(/, but the plan does not change this file$/, '')}`);
  // The compiler's error says most about what to fix; a reference count says least.
  const first = compile[0] ?? findings.find((f) => f.code !== UNPLANNED_REFERENCE);
  return `${parts.join('; ')}${first ? ` (line ${first.line}: ${first.message})` : ''}`;
}

/**
 * Adds a change for `suggestion` to the session's plan and files, announced like the planner's own.
 * Returns undefined when the plan is already at `maxFiles`.
 */
export function addSuggestedChange(session: RefactorSession, suggestion: PlanSuggestion, maxFiles: number): FileChangeState | undefined {
  const plan = session.plan;
  if (!plan || session.files.length >= maxFiles || session.files.some((file) => file.path === suggestion.path)) return undefined;
  const causes = new Set(suggestion.findings.flatMap((finding) => finding.relatedPaths));
  const upstream = session.files.filter((file) => file.status === 'proposed' && file.diff !== '' && (causes.size === 0 || causes.has(file.path)));
  const ids = new Set(session.files.map((file) => file.id));
  let n = 1;
  while (ids.has(`x${n}`)) n++;
  const change: PlannedChange = {
    id: `x${n}`,
    path: suggestion.path,
    action: 'modify',
    description: describeFix(suggestion),
    specialist: 'general',
    dependsOn: upstream.slice(0, 10).map((file) => file.id),
  };
  plan.changes.push(change);
  const file: FileChangeState = { ...newFileState(change), addedBecause: suggestion.reason };
  session.files.push(file);
  session.setSuggestions(session.suggestions.filter((s) => s.path !== suggestion.path));
  session.emit({ type: 'plan', plan });
  session.emit({ type: 'file', file });
  session.log('info', `Added ${suggestion.path} to the plan: ${suggestion.reason}`);
  return file;
}

function describeFix(suggestion: PlanSuggestion): string {
  const quoted = suggestion.findings.slice(0, MAX_QUOTED).map((f) => `- line ${f.line}: ${f.message}`);
  const more = suggestion.findings.length - quoted.length;
  const text = [
    'This file was not in the plan, but the other changes of this refactor break it. Update it to match those changes (see the diffs it depends on) so that these problems go away, and change nothing else:',
    ...quoted,
    ...(more > 0 ? [`- and ${more} more like these`] : []),
  ].join('\n');
  // The plan's own limit on a description (PlannedChangeSchema).
  return text.length > 4000 ? `${text.slice(0, 3999)}…` : text;
}
