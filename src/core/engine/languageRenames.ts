// The rename specialist that is not a model. When the plan renames a symbol the language server can
// locate, the rename is computed exactly (every reference, no tokens) and becomes proposals like any
// worker's: one per file, reviewable per hunk, applied in the same single edit. Files it touches that
// the plan left out join the plan, marked as added by the rename. A model still runs on a renamed file
// where it adds something — the old name left in comments, strings or related names, or a planned
// change that is more than the rename — and then starts from the renamed text. Where the server
// cannot answer, the models do the rename as before, and the log and the review say why.
import { applyOffsetEdits, mergeFileEdits, type FileEdits, type LanguageTools } from '../language/languageTools';
import { unifiedDiff } from '../edit/unifiedDiff';
import { LANGUAGE_SERVER_DONE } from '../prompts';
import type { FileMove, PlannedChange, SymbolRename } from '../schemas';
import { newFileState, type FileChangeState, type LanguageServerNote, type RefactorSession } from './session';
import { groupFolderMoves } from './fileMoves';
import { checkRelativePath, isSecretPath } from '../workspace/paths';
import type { WorkspaceAccess } from '../workspace/workspace';

/** A name any language server may insert as is: letters, digits, `_` and `$`, not starting with a digit. */
const PLAIN_IDENTIFIER = /^[\p{L}_$][\p{L}\p{N}_$]*$/u;
/** What a rename may name: an identifier, or `Container.member`. */
const PLAIN_NAME = /^[\p{L}_$][\p{L}\p{N}_$]*(\.[\p{L}_$][\p{L}\p{N}_$]*)?$/u;

export interface RenamedFile {
  path: string;
  /** The text the language server read: the proposal's original. */
  before: string;
  after: string;
  diff: string;
  /** The renames that changed this file, and how many places. */
  renames: SymbolRename[];
  /** The moves whose import updates changed this file. */
  moves: FileMove[];
  places: number;
}

export class LanguageServerRenames {
  private started: Promise<void> | undefined;
  private files = new Map<string, RenamedFile>();
  /** Paths (as they are now) the server was asked about but gave no usable answer for: a move it could not compute, edits that conflict. */
  private unanswered = new Set<string>();
  /** What the current computation is for; a different plan (a repair, a reordered reply) starts over. */
  private key: string | undefined;
  private generation = 0;
  private source = '';
  /** What the current computation was started with, and the workspace listing once it has read it. */
  private computing: { renames: SymbolRename[]; moves: FileMove[] } | undefined;
  private listed: ReadonlySet<string> | undefined;

  constructor(
    private readonly tools: LanguageTools,
    private readonly session: RefactorSession,
    private readonly signal: AbortSignal,
    /** The workspace listing: only files the planner may see may change (no ignored, secret or huge file). */
    private readonly workspace: WorkspaceAccess,
    /** For a re-run of one file: what the server did is said in the log, not again in the review's notes (its warnings still are). */
    private readonly quiet = false,
  ) {}

  /** Starts once, as soon as the plan names its renames and moves (they stream before its changes). */
  start(renames: readonly SymbolRename[], moves: readonly FileMove[] = []): void {
    const wanted = renames.filter((rename) => rename.from !== rename.to);
    // Streamed moves are raw model output: only confined paths reach the server (validation names the rest).
    const confined = moves.flatMap((move) => {
      const from = checkRelativePath(move.from);
      const to = checkRelativePath(move.to);
      return from.ok && to.ok && !isSecretPath(from.path) && !isSecretPath(to.path) ? [{ from: from.path, to: to.path }] : [];
    });
    const key = JSON.stringify([wanted, confined]);
    if (key === this.key) return;
    // The validated plan lists a streamed folder move file by file: the same moves, computed already.
    if (this.computing && JSON.stringify(wanted) === JSON.stringify(this.computing.renames) && this.listed && sameMoves(expandFolders(this.computing.moves, this.listed), confined)) {
      this.key = key;
      return;
    }
    if (this.key !== undefined) this.session.log('info', 'The plan renames or moves otherwise than the plan as it streamed (or before its repair); the language server computes them again.');
    this.key = key;
    this.computing = { renames: wanted, moves: confined };
    this.files = new Map();
    this.unanswered = new Set();
    const generation = ++this.generation;
    this.started = this.run(wanted, confined, generation);
  }

  /** Settles when the renames are computed (or given up); never rejects. */
  get ready(): Promise<void> {
    // If the computation started over while waiting, wait for the one that is current.
    const settle = async (): Promise<void> => {
      for (let current = this.started; current !== undefined; ) {
        await current;
        if (current === this.started) return;
        current = this.started;
      }
    };
    return settle();
  }

  renamed(path: string): RenamedFile | undefined {
    return this.files.get(path);
  }

  /** False for a path the server was asked about and gave no usable answer for (see the notes). */
  answered(path: string): boolean {
    return !this.unanswered.has(path);
  }

  /**
   * Whether a model must still work on a renamed file: the plan asks more of it than the rename, or a
   * renamed name still appears in some form (comments, strings, `userStore` for `UserStore`).
   */
  needsModel(change: PlannedChange, file: RenamedFile, renames: readonly SymbolRename[]): boolean {
    if (change.action !== 'modify') return true;
    if (change.specialist !== 'rename') return true;
    return renames.some((rename) => mentions(file.after, rename.from));
  }

  /**
   * Adds a change for every renamed file the plan does not have, marked as added by the rename. Files
   * the plan creates or deletes keep the plan's action (the rename is dropped there, with a note).
   */
  joinPlan(): FileChangeState[] {
    const plan = this.session.plan;
    if (!plan) return [];
    const added: FileChangeState[] = [];
    const ids = new Set(plan.changes.map((change) => change.id));
    let n = 0;
    for (const file of this.files.values()) {
      const planned = plan.changes.find((change) => change.path === file.path);
      if (planned) {
        if (planned.action !== 'modify') {
          this.files.delete(file.path);
          this.session.log('info', `${file.path}: the plan ${planned.action}s this file, so the language server's rename is not applied there.`);
        }
        continue;
      }
      do n++;
      while (ids.has(`r${n}`));
      ids.add(`r${n}`);
      const what = describeLanguageServerWork(file);
      const change: PlannedChange = { id: `r${n}`, path: file.path, action: 'modify', description: `${what[0]?.toUpperCase() ?? ''}${what.slice(1)} ${LANGUAGE_SERVER_DONE}`, specialist: 'rename', dependsOn: [] };
      plan.changes.push(change);
      const state: FileChangeState = { ...newFileState(change), addedBecause: `the language server's ${what.replace(/^rename /, 'rename of ')} changes it (${file.places} place${file.places === 1 ? '' : 's'})` };
      this.session.files.push(state);
      added.push(state);
    }
    if (added.length > 0) {
      this.session.log('info', `The language server's rename reaches ${added.length} file(s) the plan left out; they join the plan: ${added.map((f) => f.path).join(', ')}.`);
      this.session.emit({ type: 'plan', plan });
      for (const file of added) this.session.emit({ type: 'file', file });
    }
    return added;
  }

  /**
   * What the computation found is said once it is done, and only if it is still the current one: a
   * computation superseded by a repaired or expanded plan (a folder move listed file by file) has nothing to say.
   */
  private async run(renames: SymbolRename[], moves: FileMove[], generation: number): Promise<void> {
    const notes: LanguageServerNote[] = [];
    try {
      await this.compute(renames, moves, generation, notes);
    } catch (error) {
      // `ready` never rejects: the workers that wait on it go on without the server's work.
      if (generation === this.generation) this.files = new Map();
      notes.push({ level: 'warn', message: `The language server's work could not be finished (${error instanceof Error ? error.message : String(error)}); model workers do it.` });
    } finally {
      if (generation === this.generation && !this.signal.aborted) {
        // A re-run's warnings are news (the review shows them); what it did is said in the log only.
        for (const note of notes) {
          if (this.quiet && note.level === 'info') this.session.log(note.level, note.message);
          else this.session.addLanguageServerNote(note);
        }
      }
    }
  }

  private async compute(renames: SymbolRename[], moves: FileMove[], generation: number, notes: LanguageServerNote[]): Promise<void> {
    if (renames.length === 0 && moves.length === 0) return;
    const answers: FileEdits[][] = [];
    const touched = new Map<string, SymbolRename[]>();
    const movedBy = new Map<string, FileMove[]>();
    for (const rename of renames) {
      // The new name is model output and a server inserts it as given, at every reference: only a plain
      // identifier may go to one (a model worker handles anything else, in the files the plan names).
      if (!PLAIN_IDENTIFIER.test(rename.to) || !PLAIN_NAME.test(rename.from)) {
        notes.push({ level: 'warn', message: `The language server was not asked to rename ${JSON.stringify(rename.from)} → ${JSON.stringify(rename.to)}: not a plain identifier; model workers do it.` });
        continue;
      }
      let answer;
      try {
        answer = await this.tools.renameSymbol(rename.from, rename.to, this.signal);
      } catch (error) {
        if (this.signal.aborted) return;
        answer = { ok: false as const, reason: error instanceof Error ? error.message : String(error) };
      }
      if (!answer.ok) {
        notes.push({ level: 'warn', message: `The language server could not rename ${rename.from} → ${rename.to} (${answer.reason}); model workers do it.` });
        continue;
      }
      this.source = answer.source;
      answers.push(answer.value);
      for (const file of answer.value) touched.set(file.path, [...(touched.get(file.path) ?? []), rename]);
      const places = answer.value.reduce((sum, file) => sum + file.edits.length, 0);
      notes.push({ level: 'info', message: `Renamed ${rename.from} → ${rename.to} with the ${answer.source}: ${places} place${places === 1 ? '' : 's'} in ${answer.value.length} file${answer.value.length === 1 ? '' : 's'}, no model tokens.` });
    }
    // The renames all read the same files, so their edits merge by offset. The moves come after them,
    // one at a time, each asked of the tree the answers before it leave.
    let merged: FileEdits[];
    try {
      merged = mergeFileEdits(answers);
    } catch (error) {
      notes.push({ level: 'warn', message: `The language server's renames could not be combined (${error instanceof Error ? error.message : String(error)}); model workers do them.` });
      return;
    }
    /** By path on disk: the text the server first read, the text after every answer so far, and how many places changed. */
    const tree = new Map<string, { before: string; text: string; places: number }>();
    /** Files whose edits conflict: none of the server's edits is applied there, from any answer. */
    const conflicted = new Set<string>();
    /** Said once this computation is known to be the current one (a superseded one must not mark the next one's files). */
    const unanswered = new Set<string>();
    const conflict = (path: string, error: unknown): void => {
      conflicted.add(path);
      unanswered.add(path);
      notes.push({
        level: 'warn',
        message: `${path}: the language server's edits conflict (${error instanceof Error ? error.message : String(error)}), so none is applied there; a planned change still runs, and the compile check shows what points at an old path or name.`,
      });
    };
    for (const file of merged) {
      try {
        tree.set(file.path, { before: file.before, text: applyOffsetEdits(file.before, file.edits), places: file.edits.length });
      } catch (error) {
        conflict(file.path, error);
      }
    }
    /** Moved so far: path on disk → new path, and back. */
    const movedTo = new Map<string, string>();
    const movedFrom = new Map<string, string>();
    const listed = new Set((await this.workspace.listFiles(this.signal)).map((entry) => entry.path));
    if (generation === this.generation) this.listed = listed;
    // A streamed plan may still name a folder; the files it moves are the listed ones in it.
    const grouped = groupFolderMoves(expandFolders(moves, listed), listed);
    const questions = [...grouped.folders.map((folder) => ({ ...folder, folder: true })), ...grouped.files.map((move) => ({ ...move, files: [move], folder: false }))];
    for (let index = 0; index < questions.length; index++) {
      const move = questions[index];
      if (!move) continue;
      const files = move.files;
      const what = move.folder ? `the folder ${move.from} → ${move.to} (${files.length} files)` : `${move.from} → ${move.to}`;
      const staged: Record<string, string | null> = {};
      for (const [path, file] of tree) staged[movedTo.get(path) ?? path] = file.text;
      for (const [path, to] of movedTo) {
        staged[path] = null;
        // A moved file no answer changed is staged as on disk, as TypeScript reads it (no byte-order mark).
        staged[to] ??= tree.get(path)?.text ?? (await this.workspace.readText(path).then((text) => text?.replace(/^\uFEFF/, '') ?? null, () => null));
      }
      let answer;
      try {
        answer = await this.tools.renameFile(move.from, move.to, this.signal, staged);
      } catch (error) {
        if (this.signal.aborted) return;
        answer = { ok: false as const, reason: error instanceof Error ? error.message : String(error) };
      }
      if (!answer.ok && move.folder) {
        // Asked file by file instead, each after the ones before it.
        notes.push({ level: 'info', message: `The language server was asked about the files of ${what} one by one: ${answer.reason}.` });
        questions.push(...files.map((file) => ({ ...file, files: [file], folder: false })));
        continue;
      }
      if (!answer.ok) {
        notes.push({ level: 'warn', message: `The language server could not update the imports of ${what} (${answer.reason}); the move is proposed as it is, and the compile check shows what still points at the old path.` });
        for (const file of files) {
          unanswered.add(file.from);
          // Still moved: later moves are asked of a tree where it is at its new place.
          movedTo.set(file.from, file.to);
          movedFrom.set(file.to, file.from);
        }
        continue;
      }
      this.source = answer.source;
      const moved = new Set(files.map((file) => file.from));
      let importers = 0;
      let movedEdited = 0;
      for (const file of answer.value) {
        const path = movedFrom.get(file.path) ?? file.path;
        if (conflicted.has(path)) continue;
        const known = tree.get(path);
        try {
          // The server read the tree this computation staged; anything else is a file changed meanwhile.
          if (known && known.text !== file.before) throw new Error('the file changed between two of its answers');
          tree.set(path, { before: known?.before ?? file.before, text: applyOffsetEdits(file.before, file.edits), places: (known?.places ?? 0) + file.edits.length });
        } catch (error) {
          tree.delete(path);
          conflict(path, error);
          continue;
        }
        movedBy.set(path, [...(movedBy.get(path) ?? []), { from: move.from, to: move.to }]);
        if (moved.has(path)) movedEdited++;
        else importers++;
      }
      for (const file of files) {
        movedTo.set(file.from, file.to);
        movedFrom.set(file.to, file.from);
      }
      const movedPart = movedEdited === 0 ? '' : files.length === 1 ? ' and the moved file' : ` and ${movedEdited} of the moved files`;
      notes.push({ level: 'info', message: `Moved ${what}: the ${answer.source} updates the imports in ${importers} file${importers === 1 ? '' : 's'}${movedPart}, no model tokens.` });
    }
    // A newer plan started over meanwhile: this computation's results are for a plan that is gone.
    if (generation !== this.generation) return;
    for (const path of unanswered) this.unanswered.add(path);
    const leftAlone: string[] = [];
    for (const [path, file] of tree) {
      // A server knows files the planner may not change (gitignored output, secrets, files too big to
      // list): they are left as they are, said once, and the compile check shows what that leaves.
      const checked = checkRelativePath(path);
      if (!checked.ok || isSecretPath(path) || !listed.has(path)) {
        leftAlone.push(path);
        continue;
      }
      // TypeScript reads files without their byte-order mark; the proposal keeps the file's own bytes.
      const onDisk = await this.workspace.readText(path).catch(() => undefined);
      const bom = onDisk !== undefined && onDisk === `\uFEFF${file.before}` ? '\uFEFF' : '';
      const before = bom + file.before;
      const after = bom + file.text;
      if (after === before) continue;
      this.files.set(path, { path, before, after, diff: unifiedDiff(path, before, after), renames: touched.get(path) ?? [], moves: movedBy.get(path) ?? [], places: file.places });
    }
    if (leftAlone.length > 0) {
      const shown = leftAlone.slice(0, 5).join(', ') + (leftAlone.length > 5 ? `, +${leftAlone.length - 5} more` : '');
      notes.push({ level: 'warn', message: `The language server's edits also reach ${shown}, outside what this workspace lets a refactor change (ignored, excluded or secret); left as they are.` });
    }
  }

  /** Who computed the renames, e.g. "TypeScript language service". */
  get label(): string {
    return this.source || this.tools.label;
  }
}

/** Each move of a folder as the moves of the listed files in it (a folder moved into itself moves nothing). */
function expandFolders(moves: readonly FileMove[], listed: ReadonlySet<string>): FileMove[] {
  return moves.flatMap((move) => {
    const inside = [...listed].filter((file) => file.startsWith(`${move.from}/`)).sort();
    if (inside.length === 0) return [move];
    if (move.to.startsWith(`${move.from}/`)) return [];
    return inside.map((file) => ({ from: file, to: `${move.to}${file.slice(move.from.length)}` }));
  });
}

function sameMoves(a: readonly FileMove[], b: readonly FileMove[]): boolean {
  const key = (moves: readonly FileMove[]): string => JSON.stringify(moves.map((m) => [m.from, m.to]).sort());
  return key(a) === key(b);
}

/** "rename UserStore → AccountRepository; imports of src/a.ts → src/lib/a.ts", for a file the server changed. */
export function describeLanguageServerWork(file: Pick<RenamedFile, 'renames' | 'moves'>): string {
  const parts: string[] = [];
  if (file.renames.length > 0) parts.push(`rename ${file.renames.map((r) => `${r.from} → ${r.to}`).join(', ')}`);
  if (file.moves.length > 0) parts.push(`import updates for the move of ${file.moves.map((m) => `${m.from} → ${m.to}`).join(', ')}`);
  return parts.join('; ');
}

/** The old name in any of its usual spellings, as a whole word: `UserStore`, `userStore`, `USER_STORE`, `user-store`. */
export function mentions(text: string, name: string): boolean {
  const base = name.slice(name.lastIndexOf('.') + 1);
  const words = base.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/[_-]+/g, ' ').trim().split(/\s+/);
  const variants = new Set([base, base[0]?.toLowerCase() + base.slice(1), base[0]?.toUpperCase() + base.slice(1)]);
  if (words.length > 1) {
    variants.add(words.map((w) => w.toUpperCase()).join('_'));
    variants.add(words.map((w) => w.toLowerCase()).join('_'));
    variants.add(words.map((w) => w.toLowerCase()).join('-'));
  }
  // Module paths (`from './userStore'`) name files, not the symbol: a model must not rename them.
  const code = text.replace(/\b(from|import|require)\s*\(?\s*(['"])[^'"\n]*\2/g, '');
  return [...variants].some((variant) => new RegExp(`(?<![\\w$])${escapeRegExp(variant)}(?![\\w$])`).test(code));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
