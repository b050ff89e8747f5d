// A run in which some planned files failed is not the refactoring the user asked for: applying the
// files that did succeed leaves the change half done (a rename with callers still on the old name, a
// signature changed in some callers only). The CLI and the review both say so before applying, with
// the compile check's verdict when there is one: it checked the proposals against the failed files'
// old text, so it is what the project would be after applying the rest.
import type { Plan } from '../schemas';
import type { CompileCheckSummary, FileChangeState } from '../engine/session';

export interface PartialRun {
  /** How many files the plan changes. */
  planned: number;
  /** Paths of the planned files that failed, in plan order. */
  failed: string[];
  /** What applying the other files would leave, in a few words. */
  consequence: string;
  /** The compile check's verdict on the proposals, when it ran ("2 new errors in 1 file"). */
  compileVerdict?: string;
}

/** Undefined when every planned file got a proposal (or none did: then there is nothing to apply). */
export function describePartialRun(
  plan: Plan | undefined,
  files: readonly Pick<FileChangeState, 'path' | 'status'>[],
  compileCheck?: Pick<CompileCheckSummary, 'verdict'>,
): PartialRun | undefined {
  const failed = files.filter((file) => file.status === 'failed').map((file) => file.path);
  if (failed.length === 0 || failed.length === files.length) return undefined;
  return { planned: files.length, failed, consequence: consequenceOf(plan), ...(compileCheck ? { compileVerdict: compileCheck.verdict } : {}) };
}

function consequenceOf(plan: Plan | undefined): string {
  const renames = plan?.symbolRenames ?? [];
  const first = renames[0];
  if (first !== undefined) {
    const more = renames.length > 1 ? ` (and ${renames.length - 1} more)` : '';
    return `applying the rest leaves the rename of ${first.from} to ${first.to}${more} half done`;
  }
  return 'applying the rest leaves the change half done: the failed files keep their old code';
}

/**
 * "2 of 14 planned files failed (a.ts, b.ts): applying the rest leaves the rename … half done
 * (compile check: 9 new errors in 4 files)".
 */
export function partialRunSummary(partial: PartialRun, maxPaths = 3): string {
  const shown = partial.failed.slice(0, maxPaths).join(', ');
  const more = partial.failed.length > maxPaths ? `, +${partial.failed.length - maxPaths} more` : '';
  const verdict = partial.compileVerdict !== undefined ? ` (compile check: ${partial.compileVerdict})` : '';
  return `${partial.failed.length} of ${partial.planned} planned files failed (${shown}${more}): ${partial.consequence}${verdict}`;
}
