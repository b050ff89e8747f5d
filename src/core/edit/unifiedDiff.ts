// The unified diff shown for each proposed change (review panel, CLI output, verifier input).
// Diffs are computed on the model-facing text (LF, no BOM) so that a CRLF file does not show a `\r`
// on every line; the line endings themselves are preserved in the proposed content, not in the diff.
import { createTwoFilesPatch, FILE_HEADERS_ONLY } from 'diff';
import { toModelText } from './textFormat';

/**
 * Git-style diff with `a/` and `b/` paths, `/dev/null` for a created (original null) or deleted
 * (proposed null) file. Empty string when nothing changes.
 */
export function unifiedDiff(path: string, original: string | null, proposed: string | null): string {
  const before = original === null ? '' : toModelText(original);
  const after = proposed === null ? '' : toModelText(proposed);
  if (original !== null && proposed !== null && before === after) return '';
  const oldName = original === null ? '/dev/null' : `a/${path}`;
  const newName = proposed === null ? '/dev/null' : `b/${path}`;
  return createTwoFilesPatch(oldName, newName, before, after, undefined, undefined, { context: 3, headerOptions: FILE_HEADERS_ONLY });
}

/** Added and removed line counts of a unified diff, for progress lines. */
export function diffStat(diff: string): { added: number; removed: number } {
  let added = 0;
  let removed = 0;
  for (const line of diff.split('\n')) {
    if (line.startsWith('+++') || line.startsWith('---')) continue;
    if (line.startsWith('+')) added++;
    else if (line.startsWith('-')) removed++;
  }
  return { added, removed };
}

/**
 * A move as git writes it: the rename header, then the content's changes (none for a plain move). `git
 * apply` takes it as a rename, and the review shows what the move changes inside the file.
 */
export function moveDiff(from: string, to: string, original: string, proposed: string): string {
  const header = `diff --git a/${from} b/${to}\nrename from ${from}\nrename to ${to}\n`;
  const before = toModelText(original);
  const after = toModelText(proposed);
  if (before === after) return header;
  return header + createTwoFilesPatch(`a/${from}`, `b/${to}`, before, after, undefined, undefined, { context: 3, headerOptions: FILE_HEADERS_ONLY });
}
