// Deterministic checks that need no model: cheap, exact, and they catch what a verifier model can
// miss. Above all a renamed identifier that is still used somewhere — in a file a worker changed, or
// in a file the plan never touched (reported, never added to the plan behind the user's back).
import type { FileChangeState } from '../engine/session';
import type { Finding, Plan } from '../schemas';
import type { WorkspaceAccess } from '../workspace/workspace';

export interface ConsistencyCheckLimits {
  /** Untouched workspace files scanned at most (the listing is already filtered for ignores). */
  maxFilesScanned: number;
  /** Files larger than this are not scanned. */
  maxFileBytes: number;
  /** Occurrences reported per file; the rest are summarised in one finding. */
  maxFindingsPerFile: number;
}

export const DEFAULT_CHECK_LIMITS: ConsistencyCheckLimits = { maxFilesScanned: 5000, maxFileBytes: 512 * 1024, maxFindingsPerFile: 10 };

export async function runConsistencyChecks(
  plan: Plan,
  files: readonly FileChangeState[],
  workspace: WorkspaceAccess,
  signal: AbortSignal,
  limits: ConsistencyCheckLimits = DEFAULT_CHECK_LIMITS,
): Promise<Finding[]> {
  return [...duplicatePathFindings(files), ...(await renameLeftoverFindings(plan, files, workspace, signal, limits))];
}

/** Two plan items changing one path would overwrite each other. Plan validation refuses this too. */
export function duplicatePathFindings(files: readonly FileChangeState[]): Finding[] {
  const byPath = new Map<string, FileChangeState[]>();
  for (const file of files) byPath.set(file.path, [...(byPath.get(file.path) ?? []), file]);
  return [...byPath.entries()]
    .filter(([, changes]) => changes.length > 1)
    .map(([path, changes]) => ({
      path,
      line: 0,
      severity: 'error' as const,
      kind: 'conflict' as const,
      message: `${changes.length} planned changes (${changes.map((c) => c.id).join(', ')}) edit this same file; only one can be applied`,
      relatedPaths: [],
      source: 'check' as const,
    }));
}

export async function renameLeftoverFindings(
  plan: Plan,
  files: readonly FileChangeState[],
  workspace: WorkspaceAccess,
  signal: AbortSignal,
  limits: ConsistencyCheckLimits = DEFAULT_CHECK_LIMITS,
): Promise<Finding[]> {
  const renames = plan.symbolRenames.filter((rename) => rename.from !== rename.to);
  if (renames.length === 0) return [];
  const patterns = renames.map((rename) => ({ ...rename, pattern: identifierPattern(rename.from) }));
  const findings: Finding[] = [];

  // Planned files: look in what the worker proposed.
  for (const file of files) {
    if (file.proposed === null || file.status !== 'proposed') continue;
    for (const { from, to, pattern } of patterns) {
      const lines = matchingLines(file.proposed, pattern);
      findings.push(...capped(lines, limits, (line) => ({
        path: file.path,
        line,
        severity: 'warning' as const,
        kind: 'inconsistency' as const,
        message: `"${from}" is still used here, but the plan renames it to "${to}"`,
        relatedPaths: [],
        source: 'check' as const,
      }), file.path, from));
    }
  }

  // Files the plan does not touch: read them as they are now.
  // A moved file's old path is the plan's too: its text is looked at under the new one.
  const planned = new Set(files.flatMap((file) => (file.movedFrom !== undefined ? [file.path, file.movedFrom] : [file.path])));
  const listing = await workspace.listFiles(signal);
  const candidates = listing.filter((entry) => !planned.has(entry.path) && entry.size <= limits.maxFileBytes).slice(0, limits.maxFilesScanned);
  for (const entry of candidates) {
    signal.throwIfAborted();
    let text: string | undefined;
    try {
      text = await workspace.readText(entry.path);
    } catch {
      continue; // binary or unreadable: nothing a rename could have left behind that we can show
    }
    if (text === undefined) continue;
    for (const { from, to, pattern } of patterns) {
      if (!text.includes(from)) continue;
      const lines = matchingLines(text, pattern);
      findings.push(...capped(lines, limits, (line) => ({
        path: entry.path,
        line,
        severity: 'warning' as const,
        kind: 'missing-change' as const,
        message: `"${from}" is still used here, but the plan renames it to "${to}" and does not change this file (not added automatically: edit it or include it in a new request)`,
        relatedPaths: [],
        source: 'check' as const,
      }), entry.path, from));
    }
  }
  return findings;
}

/** Matches `name` as a whole identifier: `$` and `_` count as identifier characters (JS, PHP, shell). */
export function identifierPattern(name: string): RegExp {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(?<![\\p{L}\\p{N}_$])${escaped}(?![\\p{L}\\p{N}_$])`, 'u');
}

/** 1-based numbers of the lines where `pattern` occurs outside module paths. */
export function matchingLines(text: string, pattern: RegExp): number[] {
  const lines: number[] = [];
  text.split(/\r?\n/).forEach((line, index) => {
    if (pattern.test(withoutModulePaths(line))) lines.push(index + 1);
  });
  return lines;
}

/**
 * Blanks the quoted path of `from '…'`, `import '…'`, `import('…')` and `require('…')`: renaming
 * `isPlainObject` does not rename the file `./utils/isPlainObject`, so the name in that path is not a
 * leftover use (the evaluation set's first rename on a real project was flagged in every importer).
 */
function withoutModulePaths(line: string): string {
  return line.replace(/\b(from|import|require)(\s*\(?\s*)(['"`])[^'"`]*\3/g, '$1$2$3$3');
}

function capped(lines: number[], limits: ConsistencyCheckLimits, make: (line: number) => Finding, path: string, from: string): Finding[] {
  const shown = lines.slice(0, limits.maxFindingsPerFile).map(make);
  const rest = lines.length - shown.length;
  if (rest > 0 && shown[0]) {
    shown.push({ ...shown[0], line: 0, severity: 'info', message: `${rest} more uses of "${from}" in ${path} are not listed` });
  }
  return shown;
}
