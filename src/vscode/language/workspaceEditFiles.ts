// A rename provider's WorkspaceEdit, already read into plain data (a workspace path per URI, the
// document's text, offsets), checked and turned into the core's FileEdits. Kept free of `vscode` so the
// rules are unit-tested: an edit the review could not show faithfully is refused as a whole, because a
// rename applied in half the places is worse than the models doing it.
import { applyOffsetEdits, type FileEdits, type LanguageAnswer, type OffsetEdit } from '../../core/language/languageTools';

export interface ProviderFileEdit {
  /** The URI as the provider named it, for messages. */
  uri: string;
  /** Workspace path (folder prefix in a multi-root window), or undefined when the URI is in no folder. */
  path: string | undefined;
  /** Why the path may not be written (the core's path rules), when it may not. */
  refusal?: string;
  /** The document's text the offsets refer to. */
  before: string;
  edits: OffsetEdit[];
}

/**
 * `fileOperations`: how many create/rename/delete-file operations the WorkspaceEdit carries; the review
 * has no proposal kind for them, so an edit with any is refused rather than applied without them.
 */
export function fileEditsFromProvider(files: readonly ProviderFileEdit[], fileOperations: number, source: string): LanguageAnswer<FileEdits[]> {
  if (fileOperations > 0) return { ok: false, reason: `the rename also creates, renames or deletes ${fileOperations} file${fileOperations === 1 ? '' : 's'}, which the review cannot show` };
  const byPath = new Map<string, FileEdits>();
  for (const file of files) {
    if (file.path === undefined) return { ok: false, reason: `the rename would change ${file.uri}, which is outside the workspace folders` };
    if (file.refusal) return { ok: false, reason: `the rename would change ${file.path}, which is not written: ${file.refusal}` };
    if (file.path.split('/').includes('node_modules')) return { ok: false, reason: `the rename would change ${file.path}, an installed package rather than the workspace's own code` };
    // A provider may list one document twice (two entries for the same URI): one file, all its edits.
    const known = byPath.get(file.path);
    if (known && known.before !== file.before) return { ok: false, reason: `${file.path} changed while the rename was computed` };
    const entry = known ?? { path: file.path, before: file.before, edits: [] };
    for (const edit of file.edits) {
      if (edit.start === edit.end && edit.newText === '') continue;
      if (file.before.slice(edit.start, edit.end) === edit.newText) continue; // no-op, e.g. an alias kept as it was
      if (!entry.edits.some((e) => e.start === edit.start && e.end === edit.end && e.newText === edit.newText)) entry.edits.push({ ...edit });
    }
    byPath.set(file.path, entry);
  }
  const out: FileEdits[] = [];
  for (const file of byPath.values()) {
    if (file.edits.length === 0) continue;
    try {
      applyOffsetEdits(file.before, file.edits);
    } catch (error) {
      return { ok: false, reason: `the rename's edits of ${file.path} do not fit the file (${error instanceof Error ? error.message : String(error)})` };
    }
    file.edits.sort((a, b) => a.start - b.start);
    out.push(file);
  }
  // Empty means "unknown" (the server may still be loading), so the caller's fallback gets its turn.
  if (out.length === 0) return { ok: false, reason: 'the rename provider returned no edits' };
  return { ok: true, value: out.sort((a, b) => a.path.localeCompare(b.path)), source };
}
