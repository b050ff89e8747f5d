// "Save as patch": the accepted files and hunks as one unified diff, to take the change away (review it
// in a pull request, `git apply` it elsewhere) instead of writing the files. The patch is computed on
// the exact texts (unlike the review's display diffs, which drop `\r` and a BOM), so it applies to the
// files as they are on disk, CRLF included. Each file's header names it `a/<path>` and `b/<path>`
// (`/dev/null` for a create or a delete), as `git apply` and `patch -p1` expect.
//
// Where the patch may be written is decided by the same path rules as every other write: inside the
// workspace, not into .git/, .vscode/, a secret's name and so on; outside it, never into a `.git`
// folder, where a file could become a hook or a config.
import { createTwoFilesPatch, FILE_HEADERS_ONLY } from 'diff';
import * as path from 'node:path';
import { checkRelativePath, PathRejectedError, quotePath, type PathCheck } from '../workspace/paths';
import { applyAcceptedHunks } from './reviewHunks';
import { moveDiff } from '../edit/unifiedDiff';

export interface PatchChange {
  /** Workspace-relative, POSIX separators. */
  path: string;
  /** Null for a create. */
  original: string | null;
  /** Null for a delete. */
  proposed: string | null;
  /** For a modification, the accepted hunk ids; undefined means the whole proposal. */
  acceptedHunks?: ReadonlySet<number>;
  /** For a move: the path the file moves from (`path` is where it goes). */
  movedFrom?: string;
}

/** The text the accepted part of a change leaves the file with (null: the file is deleted). */
function acceptedText(change: PatchChange): string | null {
  if (change.original === null || change.proposed === null || change.acceptedHunks === undefined) return change.proposed;
  return applyAcceptedHunks(change.original, change.proposed, change.acceptedHunks);
}

/**
 * One unified diff of every change's accepted part, files in the order given; empty when nothing
 * changes. A path that the path rules refuse throws PathRejectedError: such a change never reaches a
 * review, and a patch naming it must not be produced either.
 */
export function acceptedPatch(changes: readonly PatchChange[]): string {
  const parts: string[] = [];
  // git reads a patch with a rename header as a git diff throughout: every file then needs its own
  // `diff --git` line, or its ---/+++ lines would be read as part of the move before it.
  const gitHeaders = changes.some((change) => change.movedFrom !== undefined);
  for (const change of changes) {
    const checked = checkRelativePath(change.path);
    if (!checked.ok) throw new PathRejectedError(`Refused path: ${checked.reason}`);
    const before = change.original;
    const after = acceptedText(change);
    if (change.movedFrom !== undefined && before !== null && after !== null) {
      const from = checkRelativePath(change.movedFrom);
      if (!from.ok) throw new PathRejectedError(`Refused path: ${from.reason}`);
      parts.push(moveDiff(from.path, checked.path, before, after));
      continue;
    }
    if (before === after || (before === null && after === null)) continue;
    const oldName = before === null ? '/dev/null' : `a/${checked.path}`;
    const newName = after === null ? '/dev/null' : `b/${checked.path}`;
    const header = !gitHeaders ? '' : `diff --git a/${checked.path} b/${checked.path}\n${before === null ? 'new file mode 100644\n' : after === null ? 'deleted file mode 100644\n' : ''}`;
    parts.push(header + createTwoFilesPatch(oldName, newName, before ?? '', after ?? '', undefined, undefined, { context: 3, headerOptions: FILE_HEADERS_ONLY }));
  }
  return parts.join('');
}

/**
 * Whether a patch may be written at `target` (absolute), given the workspace root (absolute). Inside
 * the workspace the target must pass the path rules and must not be one of the files the patch changes
 * (the patch would replace what it applies to); outside, it must not be inside a `.git` folder.
 */
export function checkPatchTarget(workspaceRoot: string, target: string, changedPaths: readonly string[] = []): PathCheck {
  const absolute = path.resolve(target);
  const relative = path.relative(path.resolve(workspaceRoot), absolute);
  const inside = relative === '' || (!relative.startsWith(`..${path.sep}`) && relative !== '..' && !path.isAbsolute(relative));
  if (inside) {
    const checked = checkRelativePath(relative.split(path.sep).join('/'));
    if (!checked.ok) return { ok: false, reason: `cannot write the patch there: ${checked.reason}` };
    if (changedPaths.includes(checked.path)) return { ok: false, reason: `cannot write the patch over ${quotePath(checked.path)}, a file it changes` };
    return { ok: true, path: absolute };
  }
  if (absolute.split(path.sep).some((segment) => segment.toLowerCase() === '.git')) {
    return { ok: false, reason: `cannot write the patch into a .git folder (${quotePath(absolute)})` };
  }
  return { ok: true, path: absolute };
}
