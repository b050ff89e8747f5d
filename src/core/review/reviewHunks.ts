// The unit of partial acceptance in the review panel: a diff hunk. `computeHunks` splits a proposal
// into hunks (context 3, like `git diff`); `applyAcceptedHunks` rebuilds a file from the original with
// only the accepted hunks taken from the proposal. Rebuilding works on the hunks' line ranges over the
// original and proposed texts, never on the display lines, so line endings (CRLF stays CRLF), a BOM and
// a missing final newline come through byte for byte.
import { structuredPatch } from 'diff';

export interface ReviewHunk {
  /** 0-based index within the file's hunks; stable for one (original, proposed) pair. */
  id: number;
  /** 1-based first line of the hunk in the original (an empty original starts at 1 with 0 lines). */
  oldStart: number;
  oldLines: number;
  /** 1-based first line of the hunk in the proposal. */
  newStart: number;
  newLines: number;
  /**
   * Display lines: ' ' context, '-' removed, '+' added, each without its line ending; a line starting
   * with '\' marks a missing newline at the end of the file.
   */
  lines: string[];
}

const CONTEXT_LINES = 3;

export function computeHunks(original: string, proposed: string): ReviewHunk[] {
  if (original === proposed) return [];
  const patch = structuredPatch('original', 'proposed', original, proposed, undefined, undefined, { context: CONTEXT_LINES });
  return patch.hunks.map((hunk, id) => ({
    id,
    oldStart: hunk.oldStart,
    oldLines: hunk.oldLines,
    newStart: hunk.newStart,
    newLines: hunk.newLines,
    // The patch strips '\n' but leaves the '\r' of CRLF lines; the reader should not see it.
    lines: hunk.lines.map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line)),
  }));
}

/**
 * The original with the accepted hunks replaced by their proposed lines. Accepting every hunk yields
 * `proposed` exactly; accepting none yields `original` exactly.
 */
export function applyAcceptedHunks(original: string, proposed: string, acceptedHunkIds: ReadonlySet<number>): string {
  const hunks = computeHunks(original, proposed);
  const oldLines = splitKeepingEndings(original);
  const newLines = splitKeepingEndings(proposed);
  const out: string[] = [];
  let nextOld = 0; // 0-based index of the first original line not yet copied
  for (const hunk of hunks) {
    const oldFrom = hunk.oldStart - 1;
    out.push(...oldLines.slice(nextOld, oldFrom));
    if (acceptedHunkIds.has(hunk.id)) {
      const newFrom = hunk.newStart - 1;
      out.push(...newLines.slice(newFrom, newFrom + hunk.newLines));
    } else {
      out.push(...oldLines.slice(oldFrom, oldFrom + hunk.oldLines));
    }
    nextOld = oldFrom + hunk.oldLines;
  }
  out.push(...oldLines.slice(nextOld));
  return out.join('');
}

/** Lines with their endings attached, split the way the `diff` package tokenizes (on '\n', so '\r\n' stays whole). */
function splitKeepingEndings(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

/**
 * Where a 1-based line of the proposal ends up once only the accepted hunks are applied (findings are
 * reported against the proposal). A line inside a rejected hunk maps to where that hunk starts; 0
 * (the whole file) stays 0.
 */
export function mapProposedLine(hunks: readonly ReviewHunk[], acceptedHunkIds: ReadonlySet<number>, line: number): number {
  if (line <= 0) return line;
  let offset = 0; // applied line − proposed line, for lines after the hunks seen so far
  for (const hunk of hunks) {
    if (line < hunk.newStart) break;
    const accepted = acceptedHunkIds.has(hunk.id);
    if (line < hunk.newStart + hunk.newLines) return accepted ? line + offset : Math.max(1, hunk.newStart + offset);
    if (!accepted) offset += hunk.oldLines - hunk.newLines;
  }
  return Math.max(1, line + offset);
}
