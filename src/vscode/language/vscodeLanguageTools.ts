// The engine's language server in the extension: VS Code's own provider commands, so every language
// with a server (TypeScript built in; Python, Go, Rust, Java… with their extensions) answers where a
// symbol is declared and used and computes renames exactly, over the editor's view of the files
// (unsaved edits included). The engine backs these with the core's TypeScript service: whatever is
// not known here (an empty answer, a server still loading, past the budget) is answered "not ok" or
// left out, never guessed, so the fallback gets its turn.
import * as vscode from 'vscode';
import type { FileEdits, LanguageAnswer, LanguageTools, OffsetEdit, SymbolDeclaration, SymbolReferences } from '../../core/language/languageTools';
import { checkRelativePath, isSecretPath } from '../../core/workspace/paths';
import { confineToFolder, type WorkspacePaths } from '../workspace/workspacePaths';
import { fileEditsFromProvider, type ProviderFileEdit } from './workspaceEditFiles';

/** Files a language server is likely to answer for; opening them (not showing) wakes it and loads their projects. */
const SOURCE_FILES = '**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs,py,go,rs,java,kt,cs,rb,php,swift,c,cc,cpp,h,hpp}';
const MAX_SCANNED_FILES = 5000;
/** Files mentioning a name that are opened: enough for an inferred project to see the importers. */
const MAX_OPENED_FILES = 60;
const SCAN_BATCH = 32;
/** How long an empty symbol answer is asked again while a language server may still be starting. */
const STARTUP_RETRY_MS = 4000;

interface Declaration extends SymbolDeclaration {
  uri: vscode.Uri;
  position: vscode.Position;
}

/** A question past its budget: the engine's fallback answers instead. */
class OverBudgetError extends Error {}

export class VscodeLanguageTools implements LanguageTools {
  readonly label = 'VS Code language servers';
  private sourceFiles: Promise<vscode.Uri[]> | undefined;
  private readonly warmed = new Map<string, Promise<number>>();
  /** A symbol provider has answered something in this run: it is up, its silence is an answer. */
  private serverAnswered = false;

  constructor(
    private readonly paths: WorkspacePaths,
    private readonly budgetMs: number,
  ) {}

  async references(names: readonly string[], signal: AbortSignal): Promise<SymbolReferences[]> {
    const deadline = new Deadline(this.budgetMs, signal);
    const out: SymbolReferences[] = [];
    for (const name of names) {
      try {
        const groups = await this.declarations(name, deadline);
        // One entry per distinct symbol: two unrelated declarations of a name have their own users,
        // and a plan working on one of them need not cover the other's.
        for (const group of groups) {
          const counts = new Map<string, number>();
          const seen = new Set<string>();
          for (const location of group.references) {
            const path = this.ownPath(location.uri);
            const key = `${location.uri.toString()}:${location.range.start.line}:${location.range.start.character}`;
            if (path === undefined || seen.has(key)) continue;
            seen.add(key);
            counts.set(path, (counts.get(path) ?? 0) + 1);
          }
          if (counts.size === 0) continue; // nothing known: the fallback is asked about this name
          out.push({
            name,
            declarations: group.declarations.map(({ path, line, kind }) => ({ path, line, kind })),
            files: [...counts].map(([path, count]) => ({ path, count })).sort((a, b) => b.count - a.count || a.path.localeCompare(b.path)),
          });
        }
      } catch (error) {
        signal.throwIfAborted();
        if (error instanceof OverBudgetError) break; // the rest go to the fallback
        throw error;
      }
    }
    return out;
  }

  async renameSymbol(from: string, to: string, signal: AbortSignal): Promise<LanguageAnswer<FileEdits[]>> {
    const deadline = new Deadline(this.budgetMs, signal);
    try {
      const groups = await this.declarations(from, deadline);
      if (groups.length === 0) return { ok: false, reason: `VS Code's symbol providers found no declaration of ${from}` };
      if (groups.length > 1) {
        const places = groups.map((group) => group.declarations.map((d) => `${d.path}:${d.line}`).join(' + ')).join(', ');
        return { ok: false, reason: `${from} names ${groups.length} different declarations (${places}), and the plan does not say which` };
      }
      const [declaration] = groups[0]?.declarations ?? [];
      if (!declaration) return { ok: false, reason: `VS Code's symbol providers found no declaration of ${from}` };
      let edit: vscode.WorkspaceEdit | undefined;
      try {
        edit = await deadline.wait(vscode.commands.executeCommand<vscode.WorkspaceEdit | undefined>('vscode.executeDocumentRenameProvider', declaration.uri, declaration.position, to));
      } catch (error) {
        if (error instanceof OverBudgetError || signal.aborted) throw error;
        // The provider refuses with a message meant for users ("You cannot rename this element.").
        return { ok: false, reason: `the rename provider refused: ${error instanceof Error ? error.message : String(error)}` };
      }
      if (!edit) return { ok: false, reason: `no rename provider answered for ${declaration.path}` };
      return fileEditsFromProvider(await this.readEdit(edit, deadline), fileOperationCount(edit), 'VS Code rename provider');
    } catch (error) {
      signal.throwIfAborted();
      if (error instanceof OverBudgetError) return { ok: false, reason: error.message };
      throw error;
    }
  }

  renameFile(): Promise<LanguageAnswer<FileEdits[]>> {
    // Rename participants only run when VS Code itself renames a file; there is no provider command
    // that computes their edits without doing it. The core's getEditsForFileRename answers instead.
    return Promise.resolve({ ok: false, reason: 'VS Code has no provider command for file-rename edits' });
  }

  /**
   * The declarations of `name` (or `Container.member`) in the workspace's own files, grouped by symbol:
   * declarations whose references are the same places (overloads, merged declarations, an import of
   * the symbol) are one group; several groups are unrelated symbols of the same name.
   */
  private async declarations(name: string, deadline: Deadline): Promise<{ declarations: Declaration[]; references: vscode.Location[] }[]> {
    const dot = name.lastIndexOf('.');
    const member = dot > 0 ? name.slice(dot + 1) : name;
    const container = dot > 0 ? name.slice(0, dot) : undefined;
    if (!/^[\p{L}\p{N}_$]+$/u.test(member)) return [];
    const mentioned = await this.warmUp(member, deadline);
    let symbols = await this.findSymbols(member, container, deadline);
    // A source file mentions the name, so a server that says nothing may not have started yet (its
    // extension activates when the first file of its language opens, and until then no provider is
    // registered): ask again for a short while. Once a server has answered anything, silence means
    // the name is not a symbol it knows (a word in a comment), and the fallback is asked at once.
    const retryUntil = Date.now() + Math.min(STARTUP_RETRY_MS, deadline.remainingMs());
    for (let pause = 200; symbols.length === 0 && mentioned > 0 && !this.serverAnswered && Date.now() + pause < retryUntil; pause *= 2) {
      await deadline.wait(new Promise((resolve) => setTimeout(resolve, pause)));
      symbols = await this.findSymbols(member, container, deadline);
    }
    const groups = new Map<string, { declarations: Declaration[]; references: vscode.Location[] }>();
    for (const symbol of symbols) {
      const declaration = await this.declarationOf(symbol, member, deadline);
      if (!declaration) continue;
      const references = (await deadline.wait(vscode.commands.executeCommand<vscode.Location[] | undefined>('vscode.executeReferenceProvider', declaration.uri, declaration.position))) ?? [];
      const key =
        references.length > 0
          ? references
              .map((l) => `${l.uri.toString()}:${l.range.start.line}:${l.range.start.character}`)
              .sort()
              .join('|')
          : `${declaration.uri.toString()}:${declaration.position.line}:${declaration.position.character}`;
      const group = groups.get(key);
      if (group) {
        if (!group.declarations.some((d) => d.uri.toString() === declaration.uri.toString() && d.position.isEqual(declaration.position))) group.declarations.push(declaration);
      } else {
        groups.set(key, { declarations: [declaration], references });
      }
    }
    return [...groups.values()];
  }

  private async findSymbols(member: string, container: string | undefined, deadline: Deadline): Promise<vscode.SymbolInformation[]> {
    const found = (await deadline.wait(vscode.commands.executeCommand<vscode.SymbolInformation[] | undefined>('vscode.executeWorkspaceSymbolProvider', member))) ?? [];
    if (found.length > 0) this.serverAnswered = true;
    return found.filter(
      (symbol) =>
        // TypeScript labels functions and methods `name()`; other servers may add a signature.
        (symbol.name === member || (symbol.name.startsWith(`${member}(`) && symbol.name.endsWith(')'))) &&
        (container === undefined || symbol.containerName === container) &&
        symbol.kind !== vscode.SymbolKind.File &&
        symbol.kind !== vscode.SymbolKind.String &&
        this.ownPath(symbol.location.uri) !== undefined,
    );
  }

  /** Where the declared name itself is: a symbol's range may cover the whole declaration, modifiers and body. */
  private async declarationOf(symbol: vscode.SymbolInformation, member: string, deadline: Deadline): Promise<Declaration | undefined> {
    const path = this.ownPath(symbol.location.uri);
    if (path === undefined) return undefined;
    const document = await deadline.wait(vscode.workspace.openTextDocument(symbol.location.uri));
    const text = document.getText();
    const start = document.offsetAt(symbol.location.range.start);
    const end = Math.max(start, document.offsetAt(symbol.location.range.end));
    const pattern = new RegExp(`(?<![\\p{L}\\p{N}_$])${member.replace(/[$]/g, '\\$')}(?![\\p{L}\\p{N}_$])`, 'gu');
    pattern.lastIndex = start;
    const match = pattern.exec(text);
    const offset = match && match.index <= end ? match.index : start;
    const position = document.positionAt(offset);
    return { path, line: position.line + 1, kind: vscode.SymbolKind[symbol.kind]?.toLowerCase() ?? 'symbol', uri: symbol.location.uri, position };
  }

  /**
   * Opens (without showing) the source files that mention `member`, most mentions first: that starts
   * their language's server, and a project without a config (TypeScript's inferred project) then sees
   * the importers too. Returns how many files mention it.
   */
  private warmUp(member: string, deadline: Deadline): Promise<number> {
    let warming = this.warmed.get(member);
    if (!warming) {
      warming = this.openMentioning(member, deadline);
      this.warmed.set(member, warming);
      warming.catch(() => this.warmed.delete(member));
    }
    return deadline.wait(warming);
  }

  private async openMentioning(member: string, deadline: Deadline): Promise<number> {
    this.sourceFiles ??= Promise.resolve(vscode.workspace.findFiles(SOURCE_FILES, '{**/node_modules/**,**/.git/**}', MAX_SCANNED_FILES));
    const files = (await this.sourceFiles).filter((uri) => this.ownPath(uri) !== undefined);
    const word = new RegExp(`(?<![\\p{L}\\p{N}_$])${member.replace(/[$]/g, '\\$')}(?![\\p{L}\\p{N}_$])`, 'gu');
    const mentions: { uri: vscode.Uri; count: number }[] = [];
    const decoder = new TextDecoder('utf-8');
    for (let i = 0; i < files.length; i += SCAN_BATCH) {
      deadline.check();
      await Promise.all(
        files.slice(i, i + SCAN_BATCH).map(async (uri) => {
          const open = vscode.workspace.textDocuments.find((document) => document.uri.toString() === uri.toString());
          const text = open ? open.getText() : await Promise.resolve(vscode.workspace.fs.readFile(uri)).then((bytes) => decoder.decode(bytes), () => '');
          const count = text.match(word)?.length ?? 0;
          if (count > 0) mentions.push({ uri, count });
        }),
      );
    }
    mentions.sort((a, b) => b.count - a.count);
    for (const { uri } of mentions.slice(0, MAX_OPENED_FILES)) {
      deadline.check();
      await Promise.resolve(vscode.workspace.openTextDocument(uri)).catch(() => undefined);
    }
    return mentions.length;
  }

  /** The WorkspaceEdit's text edits as offsets into each document's current text, with each path's verdict. */
  private async readEdit(edit: vscode.WorkspaceEdit, deadline: Deadline): Promise<ProviderFileEdit[]> {
    const out: ProviderFileEdit[] = [];
    for (const [uri, edits] of edit.entries()) {
      const path = this.paths.pathOf(uri);
      const refusal = path === undefined ? undefined : await this.refusal(path);
      const document = await deadline.wait(vscode.workspace.openTextDocument(uri));
      const offsets: OffsetEdit[] = [];
      for (const textEdit of edits) {
        // Snippet edits (placeholders) are not plain text: the whole answer is refused below.
        const newText = 'newText' in textEdit && typeof textEdit.newText === 'string' ? textEdit.newText : undefined;
        if (newText === undefined) return [{ uri: uri.toString(), path, refusal: 'the rename provider answered with a snippet edit', before: '', edits: [] }];
        offsets.push({ start: document.offsetAt(textEdit.range.start), end: document.offsetAt(textEdit.range.end), newText });
      }
      out.push({ uri: uri.toString(), path, ...(refusal ? { refusal } : {}), before: document.getText(), edits: offsets });
    }
    return out;
  }

  /** Why the core's path rules refuse writing `path` (text, secrets, where links lead), or undefined. */
  private async refusal(path: string): Promise<string | undefined> {
    const target = this.paths.resolve(path);
    if (!target) return 'it names no workspace folder';
    const check = checkRelativePath(target.relative);
    if (!check.ok) return check.reason;
    if (isSecretPath(path)) return 'it looks like a secret';
    try {
      await confineToFolder(target);
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    }
    return undefined;
  }

  /** The workspace path of a URI in the workspace's own files (not in node_modules, not refused), or undefined. */
  private ownPath(uri: vscode.Uri): string | undefined {
    const path = this.paths.pathOf(uri);
    if (path === undefined || path.split('/').includes('node_modules')) return undefined;
    const target = this.paths.resolve(path);
    return target && checkRelativePath(target.relative).ok ? path : undefined;
  }
}

/**
 * How many file operations (create, rename, delete) a WorkspaceEdit carries. The API lists only text
 * edits (`entries()`); the operations are visible through the extension host's own accessor, and when
 * that is missing none are counted — the text edits are then all there is to apply anyway.
 */
function fileOperationCount(edit: vscode.WorkspaceEdit): number {
  const all = (edit as unknown as { _allEntries?: () => unknown })._allEntries;
  if (typeof all !== 'function') return 0;
  const entries = all.call(edit);
  if (!Array.isArray(entries)) return 0;
  return entries.filter((entry: unknown) => typeof entry === 'object' && entry !== null && (entry as { _type?: unknown })._type === 1).length;
}

/** One question's time: each provider call waits at most what is left, and the run's cancel stops it. */
class Deadline {
  private readonly end: number;

  constructor(
    private readonly budgetMs: number,
    private readonly signal: AbortSignal,
  ) {
    this.end = Date.now() + budgetMs;
  }

  remainingMs(): number {
    return this.end - Date.now();
  }

  check(): void {
    this.signal.throwIfAborted();
    if (this.remainingMs() <= 0) throw this.overBudget();
  }

  /** Provider commands cannot be cancelled: past the budget the answer is no longer waited for. */
  wait<T>(work: Thenable<T>): Promise<T> {
    this.check();
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => finish(() => reject(this.overBudget())), this.remainingMs());
      const onAbort = (): void => finish(() => reject(this.signal.reason instanceof Error ? this.signal.reason : new Error('cancelled')));
      const finish = (settle: () => void): void => {
        clearTimeout(timer);
        this.signal.removeEventListener('abort', onAbort);
        settle();
      };
      this.signal.addEventListener('abort', onAbort, { once: true });
      work.then(
        (value) => finish(() => resolve(value)),
        (error: unknown) => finish(() => reject(error instanceof Error ? error : new Error(String(error)))),
      );
    });
  }

  private overBudget(): OverBudgetError {
    return new OverBudgetError(`VS Code's language servers did not answer within ${Math.round(this.budgetMs / 1000)} s (a server may still be loading)`);
  }
}
