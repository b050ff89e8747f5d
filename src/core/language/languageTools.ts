// What the engine asks of a language server: where a symbol is declared and used, the exact edits of a
// rename, and the import updates of a file move. The core answers with the TypeScript language service
// (CLI, benchmarks, evaluation); the extension answers with VS Code's providers, which cover every
// language that has a server. Answers are plain data about the files as they are on disk: what the
// engine makes of them (a plan finding, proposals the user reviews) is decided in the engine.

/** A text edit as offsets into the file's text as the language server read it. */
export interface OffsetEdit {
  start: number;
  end: number;
  newText: string;
}

/** One file's edits, with the text they apply to: a proposal's original, so a stale file shows. */
export interface FileEdits {
  /** Workspace-relative, forward slashes. */
  path: string;
  before: string;
  edits: OffsetEdit[];
}

export interface SymbolDeclaration {
  path: string;
  /** 1-based. */
  line: number;
  /** "class", "function", "interface"… as the server names it. */
  kind: string;
}

export interface SymbolReferences {
  name: string;
  declarations: SymbolDeclaration[];
  /** Every file that mentions the symbol (declaring files included), most references first. */
  files: { path: string; count: number }[];
}

/**
 * The tree as earlier moves of the same refactor leave it: workspace-relative path → text, null where a
 * file moved away. Paths it does not name are as on disk.
 */
export type TreeOverlay = Readonly<Record<string, string | null>>;

export type LanguageAnswer<T> = { ok: true; value: T; source: string } | { ok: false; reason: string };

export interface LanguageTools {
  /** Who answers, for the log and the review: "TypeScript 5.9.3 language service", "VS Code language servers". */
  readonly label: string;
  /** The declarations and references of each name that the workspace declares; unknown names are left out. */
  references(names: readonly string[], signal: AbortSignal): Promise<SymbolReferences[]>;
  /**
   * Every edit of renaming `from` (a name, or `Container.member`) to `to`, across the workspace. Not ok,
   * with a reason a user can read, when the symbol is not found, is declared in more than one unrelated
   * place, or the server cannot rename it.
   */
  renameSymbol(from: string, to: string, signal: AbortSignal): Promise<LanguageAnswer<FileEdits[]>>;
  /**
   * The import updates of moving the file or folder `from` to `to` (both workspace-relative), the moved
   * file's own included. Asked of the tree as `tree` leaves it (earlier moves, so that imports between
   * two moved files point from the one's new place to the other's): the answer names files by their
   * path in that tree, and each `before` is that tree's text. A server that cannot be asked of such a
   * tree answers not ok.
   */
  renameFile(from: string, to: string, signal: AbortSignal, tree: TreeOverlay): Promise<LanguageAnswer<FileEdits[]>>;
}

/** Applies offset edits (in any order, none overlapping) to `text`. Throws on overlap or out of range. */
export function applyOffsetEdits(text: string, edits: readonly OffsetEdit[]): string {
  const sorted = [...edits].sort((a, b) => a.start - b.start || a.end - b.end);
  let out = '';
  let at = 0;
  for (const edit of sorted) {
    if (edit.start < at || edit.end < edit.start || edit.end > text.length) throw new Error(`overlapping or out-of-range edit at offset ${edit.start}`);
    out += text.slice(at, edit.start) + edit.newText;
    at = edit.end;
  }
  return out + text.slice(at);
}

/** Merges several answers' edits per file (e.g. two renames); identical edits count once. */
export function mergeFileEdits(lists: readonly FileEdits[][]): FileEdits[] {
  const byPath = new Map<string, FileEdits>();
  for (const list of lists) {
    for (const file of list) {
      const known = byPath.get(file.path);
      if (!known) {
        byPath.set(file.path, { path: file.path, before: file.before, edits: [...file.edits] });
        continue;
      }
      if (known.before !== file.before) throw new Error(`${file.path} changed between two language-server answers`);
      for (const edit of file.edits) {
        if (!known.edits.some((e) => e.start === edit.start && e.end === edit.end && e.newText === edit.newText)) known.edits.push(edit);
      }
    }
  }
  return [...byPath.values()];
}
