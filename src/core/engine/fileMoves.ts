// The plan's file moves as files of the run: one per moved file, at its new path, `movedFrom` its old
// one. A planned change to the moved file's content (listed at its current path) becomes that move, so
// its worker edits the file and the review shows one card; a move with no such change is done without a
// model, with the language server's import updates applied to the moved file itself when there are any.
import type { FileMove, Plan, PlannedChange } from '../schemas';
import { newFileState, type FileChangeState, type RefactorSession } from './session';

export class PlannedMoves {
  /** Changes the engine added for a move with no content change of its own: no model runs for them. */
  private readonly moveOnly = new Set<string>();

  isMoveOnly(id: string): boolean {
    return this.moveOnly.has(id);
  }

  /** Turns each move into a file of the run, announced like the planner's own changes. */
  join(session: RefactorSession, plan: Plan): void {
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
        file = newFileState(change);
        session.files.push(file);
        this.moveOnly.add(change.id);
      }
      moveFile(file, move);
    }
    session.emit({ type: 'plan', plan });
    for (const file of session.files) if (file.movedFrom !== undefined) session.emit({ type: 'file', file });
  }
}

function moveFile(file: FileChangeState, move: FileMove): void {
  file.action = 'move';
  file.movedFrom = move.from;
  file.path = move.to;
}
