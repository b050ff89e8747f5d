// Writes exactly what the user accepted, as ONE WorkspaceEdit so a single Undo reverts every file.
// Before the edit is built, each file's current text (the editor's if open, else the disk's) is
// compared with what the worker read: a file that changed since is marked stale and left alone, so a
// proposal never overwrites the user's own edits. Every path is confined to its workspace folder by
// real path, not only by text.
//
// Save policy: applied files are saved, so the disk holds what the review showed (as the CLI's --apply
// does). The edit goes in with `isRefactoring: true`, which makes VS Code save it when
// `files.refactoring.autoSave` is on (the default) — but VS Code only does that for edits touching more
// than one file, so a one-file apply is saved here, under the same setting. With the setting off,
// applied files stay unsaved. Either way one Undo (Edit › Undo in any of the files) reverts every file
// of the apply in the editor: created files go away, deleted ones come back; the reverted buffers are
// then unsaved until the user saves them.
import * as fs from 'node:fs/promises';
import * as vscode from 'vscode';
import { applyAcceptedHunks } from '../../core/review/reviewHunks';
import type { FileChangeState } from '../../core/engine/session';
import type { ReviewSession } from './reviewSession';
import { readCurrentText } from '../workspace/vscodeWorkspace';
import { confineToFolder, type WorkspacePaths, type WorkspacePathTarget } from '../workspace/workspacePaths';

export interface ApplyOutcome {
  /** Change ids written. */
  applied: string[];
  /** Change ids left alone because the file changed since it was read. */
  stale: string[];
  /** Change ids refused, with the reason (path outside the workspace, edit refused…). */
  refused: { id: string; reason: string }[];
  /** Whether the applied files were saved (see the save policy above). */
  saved: boolean;
  /** One line for the user. */
  message: string;
  /** Nothing was written because planned files failed and the user had not confirmed applying the rest. */
  partialRefused?: boolean;
}

interface PlannedWrite {
  file: FileChangeState;
  uri: vscode.Uri;
  acceptedHunks: ReadonlySet<number>;
  /** New text for a create or modify; undefined for a delete. */
  text: string | undefined;
  /** For a move: the file as it is now (`uri` is where it goes). */
  source?: vscode.Uri;
}

/** How a stale file changed, so the message says what the user will find there. */
type StaleKind = 'changed' | 'deleted' | 'appeared';

export async function applyAcceptedChanges(review: ReviewSession, paths: WorkspacePaths): Promise<ApplyOutcome> {
  const outcome: ApplyOutcome = { applied: [], stale: [], refused: [], saved: false, message: '' };
  const writes: PlannedWrite[] = [];
  const staleKinds = new Map<string, StaleKind>();

  for (const { file, acceptedHunks } of review.acceptedFiles()) {
    if (file.action === 'move') {
      const move = await plannedMove(file, acceptedHunks, paths);
      if ('reason' in move) outcome.refused.push({ id: file.id, reason: move.reason });
      else if ('stale' in move) {
        outcome.stale.push(file.id);
        staleKinds.set(file.id, move.stale);
        review.markStale(file.id);
      } else writes.push(move);
      continue;
    }
    const target = paths.resolve(file.path);
    const safe = target ? await confine(target) : 'it is not inside a workspace folder';
    if (!target || safe !== undefined) {
      outcome.refused.push({ id: file.id, reason: `${file.path}: ${safe ?? 'not inside a workspace folder'}` });
      continue;
    }
    const current = await readCurrentText(target.uri);
    const expected = file.action === 'create' ? undefined : (file.original ?? undefined);
    if (current !== expected) {
      outcome.stale.push(file.id);
      staleKinds.set(file.id, current === undefined ? 'deleted' : expected === undefined ? 'appeared' : 'changed');
      review.markStale(file.id);
      continue;
    }
    const readOnly = current === undefined ? undefined : await whyReadOnly(target.uri);
    if (readOnly) {
      outcome.refused.push({ id: file.id, reason: `${file.path}: ${readOnly}` });
      continue;
    }
    const text =
      file.action === 'delete' ? undefined : file.action === 'create' ? (file.proposed ?? '') : applyAcceptedHunks(file.original ?? '', file.proposed ?? '', acceptedHunks);
    writes.push({ file, uri: target.uri, acceptedHunks, text });
  }

  if (writes.length > 0) {
    const edit = new vscode.WorkspaceEdit();
    for (const write of writes) await addToEdit(edit, write);
    const ok = await vscode.workspace.applyEdit(edit, { isRefactoring: true });
    if (ok) {
      for (const write of writes) {
        outcome.applied.push(write.file.id);
        review.markApplied(write.file.id, write.acceptedHunks);
      }
      outcome.saved = await saveApplied(writes);
    } else {
      for (const write of writes) outcome.refused.push({ id: write.file.id, reason: `${write.file.path}: VS Code did not apply the edit` });
    }
  }

  outcome.message = describeOutcome(review, outcome, staleKinds);
  return outcome;
}

/** Saves what the edit left unsaved, unless the user turned refactoring auto-save off. */
async function saveApplied(writes: readonly PlannedWrite[]): Promise<boolean> {
  if (vscode.workspace.getConfiguration('files').get<boolean>('refactoring.autoSave') === false) return false;
  const targets = new Set(writes.filter((write) => write.file.action !== 'delete').map((write) => write.uri.toString()));
  const unsaved = vscode.workspace.textDocuments.filter((document) => document.isDirty && targets.has(document.uri.toString()));
  const results = await Promise.all(unsaved.map((document) => document.save()));
  return results.every(Boolean);
}

/**
 * Why an existing file must not be written, or undefined. Checked before the edit is built because a
 * WorkspaceEdit would change the buffer first and only fail (or, as root, succeed) when saving: either
 * a half-applied refactoring or a file the user locked being overwritten. The permission bits count,
 * not access(): a user who marked a file read-only meant it for every tool, as the CLI's --apply holds.
 */
async function whyReadOnly(uri: vscode.Uri): Promise<string | undefined> {
  const because = 'it is read-only on disk; make it writable and apply again';
  try {
    const stat = await vscode.workspace.fs.stat(uri);
    if (stat.permissions !== undefined && (stat.permissions & vscode.FilePermission.Readonly) !== 0) return because;
    if (uri.scheme === 'file' && ((await fs.stat(uri.fsPath)).mode & 0o222) === 0) return because;
  } catch {
    // Gone or unreadable: the stale check and the edit itself report that.
  }
  return undefined;
}

/** Undefined when writing to `target` is safe, else why not. */
async function confine(target: WorkspacePathTarget): Promise<string | undefined> {
  try {
    await confineToFolder(target);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/**
 * A move is a rename of the file in the same WorkspaceEdit (so one Undo moves it back, and language
 * extensions that take part in renames see it), then its new text. Its source must still be what was
 * read, and nothing may be at its destination.
 */
async function plannedMove(file: FileChangeState, acceptedHunks: ReadonlySet<number>, paths: WorkspacePaths): Promise<PlannedWrite | { reason: string } | { stale: StaleKind }> {
  const source = file.movedFrom !== undefined ? paths.resolve(file.movedFrom) : undefined;
  const target = paths.resolve(file.path);
  if (!source || !target) return { reason: `${file.movedFrom ?? '?'} → ${file.path}: not inside a workspace folder` };
  const unsafe = (await confine(source)) ?? (await confine(target));
  if (unsafe !== undefined) return { reason: `${file.movedFrom} → ${file.path}: ${unsafe}` };
  const current = await readCurrentText(source.uri);
  if (current !== (file.original ?? undefined)) return { stale: current === undefined ? 'deleted' : 'changed' };
  if ((await readCurrentText(target.uri)) !== undefined) return { stale: 'appeared' };
  const readOnly = await whyReadOnly(source.uri);
  if (readOnly) return { reason: `${file.movedFrom}: ${readOnly}` };
  return { file, uri: target.uri, source: source.uri, acceptedHunks, text: applyAcceptedHunks(file.original ?? '', file.proposed ?? '', acceptedHunks) };
}

async function addToEdit(edit: vscode.WorkspaceEdit, write: PlannedWrite): Promise<void> {
  const label = `Refactor Orchestrator: ${write.file.path}`;
  const metadata: vscode.WorkspaceEditEntryMetadata = { label, needsConfirmation: false };
  if (write.file.action === 'move' && write.source) {
    edit.renameFile(write.source, write.uri, { overwrite: false, ignoreIfExists: false }, metadata);
    const original = write.file.original ?? '';
    if (write.text !== undefined && write.text !== original) {
      // The document cannot be opened at its new path before the edit runs: the range comes from the text read.
      const lines = original.split(/\r\n|\r|\n/);
      edit.replace(write.uri, new vscode.Range(0, 0, lines.length - 1, lines[lines.length - 1]?.length ?? 0), write.text, metadata);
    }
  } else if (write.file.action === 'delete') {
    edit.deleteFile(write.uri, { ignoreIfNotExists: false }, metadata);
  } else if (write.file.action === 'create') {
    edit.createFile(write.uri, { overwrite: false, ignoreIfExists: false, contents: new TextEncoder().encode(write.text ?? '') }, metadata);
  } else {
    const document = await vscode.workspace.openTextDocument(write.uri);
    const whole = document.validateRange(new vscode.Range(0, 0, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER));
    edit.replace(write.uri, whole, write.text ?? '', metadata);
  }
}

function describeOutcome(review: ReviewSession, outcome: ApplyOutcome, staleKinds: ReadonlyMap<string, StaleKind>): string {
  const name = (id: string): string => review.session.file(id)?.path ?? id;
  const parts: string[] = [];
  if (outcome.applied.length > 0) {
    const count = outcome.applied.length;
    const files = `${count} ${count === 1 ? 'file' : 'files'}`;
    parts.push(`${outcome.saved ? `Applied and saved ${files}` : `Applied ${files} (not saved)`}; one Undo reverts ${count === 1 ? 'it' : 'them all'}.`);
  }
  const stale = (kind: StaleKind): string => outcome.stale.filter((id) => staleKinds.get(id) === kind).map(name).join(', ');
  if (stale('changed')) parts.push(`Not applied, changed since they were read: ${stale('changed')}. Re-run them from the review.`);
  if (stale('deleted')) parts.push(`Not applied, deleted since it was read: ${stale('deleted')}.`);
  if (stale('appeared')) parts.push(`Not created, a file appeared since the plan: ${stale('appeared')}. Re-run to change it instead.`);
  if (outcome.refused.length > 0) parts.push(`Refused: ${outcome.refused.map((r) => r.reason).join('; ')}.`);
  if (parts.length === 0) parts.push('Nothing to apply: accept a file or some hunks first.');
  return parts.join(' ');
}
