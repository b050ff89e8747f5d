// The plan's file moves as files of the run: one per moved file, at its new path, `movedFrom` its old
// one. A planned change to the moved file's content (listed at its current path) becomes that move, so
// its worker edits the file and the review shows one card; a move with no such change is done without a
// model, with the language server's import updates applied to the moved file itself when there are any.
import type { FileMove, Plan, PlannedChange } from '../schemas';
import { newFileState, type FileChangeState, type RefactorSession } from './session';

/** Turns each of the plan's moves into a file of the run, announced like the planner's own changes. */
export function joinMoves(session: RefactorSession, plan: Plan): void {
  if (plan.fileMoves.length === 0) return;
  const ids = new Set(plan.changes.map((change) => change.id));
  let n = 0;
  for (const move of plan.fileMoves) {
    let file = session.files.find((f) => f.path === move.from && f.movedFrom === undefined);
    if (!file) {
      do n++;
      while (ids.has(`m${n}`));
      ids.add(`m${n}`);
      const change: PlannedChange = { id: `m${n}`, path: move.from, action: 'modify', description: `Move ${move.from} to ${move.to}.`, specialist: 'general', dependsOn: [] };
      plan.changes.push(change);
      file = { ...newFileState(change), moveOnly: true };
      session.files.push(file);
    }
    moveFile(file, move);
  }
  session.emit({ type: 'plan', plan });
  for (const file of session.files) if (file.movedFrom !== undefined) session.emit({ type: 'file', file });
}

function moveFile(file: FileChangeState, move: FileMove): void {
  file.action = 'move';
  file.movedFrom = move.from;
  file.path = move.to;
}

/** Moves that together carry a whole folder elsewhere, each file to the same place under the new folder. */
export interface FolderMove extends FileMove {
  files: FileMove[];
}

/**
 * Splits a plan's moves into whole folders and single files, so the language server is asked once per
 * folder rather than once per file (each asked after the ones before it, on the tree they leave). A
 * folder counts only when every listed file in it moves, by the same translation, and at least two do:
 * asked about a folder, TypeScript moves every file under it.
 */
export function groupFolderMoves(moves: readonly FileMove[], listed: ReadonlySet<string>): { folders: FolderMove[]; files: FileMove[] } {
  const candidates = new Map<string, FolderMove>();
  for (const move of moves) {
    const from = move.from.split('/');
    const to = move.to.split('/');
    // Each common tail (the file name, then the folders above it) names a candidate folder pair.
    for (let tail = 1; tail < from.length && tail < to.length && from[from.length - tail] === to[to.length - tail]; tail++) {
      const pair = { from: from.slice(0, from.length - tail).join('/'), to: to.slice(0, to.length - tail).join('/') };
      const key = `${pair.from}\n${pair.to}`;
      const found = candidates.get(key) ?? { ...pair, files: [] };
      found.files.push(move);
      candidates.set(key, found);
    }
  }
  const whole = [...candidates.values()]
    .filter((folder) => {
      if (folder.files.length < 2) return false;
      const moving = new Set(folder.files.map((move) => move.from));
      return [...listed].every((path) => !path.startsWith(`${folder.from}/`) || moving.has(path));
    })
    // The largest folder first: a parent moved with all its subfolders is one question, not several.
    .sort((a, b) => b.files.length - a.files.length || a.from.length - b.from.length);
  const taken = new Set<FileMove>();
  const folders: FolderMove[] = [];
  for (const folder of whole) {
    if (folder.files.some((move) => taken.has(move))) continue;
    folder.files.forEach((move) => taken.add(move));
    folders.push(folder);
  }
  return { folders, files: moves.filter((move) => !taken.has(move)) };
}
