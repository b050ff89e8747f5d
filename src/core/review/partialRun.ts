// A run in which some planned files failed is not the refactoring the user asked for: applying the
// files that did succeed leaves the change half done (a rename with callers still on the old name, a
// signature changed in some callers only). The CLI and the review both say so before applying.
import type { Plan } from '../schemas';
import type { FileChangeState } from '../engine/session';

export interface PartialRun {
  /** How many files the plan changes. */
  planned: number;
  /** Paths of the planned files that failed, in plan order. */
  failed: string[];
  /** What applying the other files would leave, in a few words. */
  consequence: string;
}

/** Undefined when every planned file got a proposal (or none did: then there is nothing to apply). */
export function describePartialRun(plan: Plan | undefined, files: readonly Pick<FileChangeState, 'path' | 'status'>[]): PartialRun | undefined {
  const failed = files.filter((file) => file.status === 'failed').map((file) => file.path);
  if (failed.length === 0 || failed.length === files.length) return undefined;
  return { planned: files.length, failed, consequence: consequenceOf(plan) };
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

/** "2 of 14 planned files failed (a.ts, b.ts): applying the rest leaves the rename … half done". */
export function partialRunSummary(partial: PartialRun, maxPaths = 3): string {
  const shown = partial.failed.slice(0, maxPaths).join(', ');
  const more = partial.failed.length > maxPaths ? `, +${partial.failed.length - maxPaths} more` : '';
  return `${partial.failed.length} of ${partial.planned} planned files failed (${shown}${more}): ${partial.consequence}`;
}
