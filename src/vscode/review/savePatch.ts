// "Save as patch…" in the review panel: the accepted files and hunks as one unified diff, written where
// the user picks, and nothing else written. The patch is built by the core (acceptedPatch) from the same
// accepted hunks Apply would write; the target goes through the core's path rules, so a patch cannot
// land in .git/, .vscode/, on a secret's name, or over a file it changes.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { acceptedPatch, checkPatchTarget } from '../../core/review/acceptedPatch';
import type { ReviewSession } from './reviewSession';
import type { WorkspacePaths } from '../workspace/workspacePaths';

export type SavePatchOutcome = { kind: 'saved'; uri: vscode.Uri; files: number } | { kind: 'nothing' } | { kind: 'cancelled' } | { kind: 'refused'; reason: string };

/** Asks where to save, like showSaveDialog; injectable so tests can answer without a dialog. */
export type PickPatchTarget = (defaultUri: vscode.Uri | undefined) => Thenable<vscode.Uri | undefined>;

export const showPatchSaveDialog: PickPatchTarget = (defaultUri) =>
  vscode.window.showSaveDialog({ ...(defaultUri ? { defaultUri } : {}), filters: { Patch: ['patch', 'diff'] }, saveLabel: 'Save Patch', title: 'Save the accepted changes as a patch' });

export async function saveAcceptedAsPatch(review: ReviewSession, paths: WorkspacePaths, pick: PickPatchTarget = showPatchSaveDialog): Promise<SavePatchOutcome> {
  const accepted = review.acceptedFiles();
  const patch = acceptedPatch(accepted.map(({ file, acceptedHunks }) => ({ path: file.path, original: file.original, proposed: file.proposed, acceptedHunks, ...(file.movedFrom !== undefined ? { movedFrom: file.movedFrom } : {}) })));
  if (patch === '') return { kind: 'nothing' };
  const firstFolder = paths.folders[0]?.uri;
  const target = await pick(firstFolder ? vscode.Uri.joinPath(firstFolder, 'refactor.patch') : undefined);
  if (!target) return { kind: 'cancelled' };

  // The path rules apply inside the folder the target is in; outside every folder, only .git is out.
  const folder = paths.folders.find((candidate) => candidate.uri.scheme === target.scheme && isWithin(candidate.uri.fsPath, target.fsPath));
  const changed = accepted.flatMap(({ file }) => (file.movedFrom !== undefined ? [file.path, file.movedFrom] : [file.path])).map((p) => paths.resolve(p)).filter((t) => t !== undefined && t.folder === folder).map((t) => t!.relative);
  const check = checkPatchTarget(folder?.uri.fsPath ?? path.dirname(target.fsPath), target.fsPath, changed);
  if (!check.ok) return { kind: 'refused', reason: check.reason };
  await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(patch));
  return { kind: 'saved', uri: target, files: accepted.length };
}

function isWithin(root: string, candidate: string): boolean {
  const relative = path.relative(root, candidate);
  return relative === '' || (!relative.startsWith(`..${path.sep}`) && relative !== '..' && !path.isAbsolute(relative));
}
