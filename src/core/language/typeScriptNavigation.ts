// The TypeScript language service as a language server for the engine (the core's LanguageTools):
// declarations by name (`getNavigateToItems`), references (`findReferences`), exact renames
// (`findRenameLocations`) and the import updates of a file move (`getEditsForFileRename`). Synchronous,
// so it runs on the compile check's worker thread, over the same projects and parsed files.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as TS from 'typescript';
import type { TypeScriptModule } from '../verify/compileCheck/loadTypeScript';
import { isScriptPath } from '../verify/compileCheck/proposedTree';
import { normalize, type OverlayService, type Project, type ProjectSet } from '../verify/compileCheck/tsProjects';
import type { FileEdits, LanguageAnswer, SymbolReferences, TreeOverlay } from './languageTools';

interface Declaration {
  /**
   * Every project whose program has the declaration: the tsconfig's, and the inferred project of the
   * files its `include` leaves out (tests that import the source), each seeing its own references.
   */
  projects: Project[];
  /** Absolute. */
  file: string;
  /** Offset of the declared name. */
  position: number;
  line: number;
  kind: string;
}

/** Most workspace files handed to the projects (an inferred project takes them all as roots). */
const MAX_FILES = 20_000;

export class TypeScriptNavigation {
  constructor(
    private readonly ts: TypeScriptModule,
    private readonly root: string,
    private readonly projects: ProjectSet,
  ) {}

  references(names: readonly string[], paths: readonly string[]): SymbolReferences[] {
    this.load(paths);
    const out: SymbolReferences[] = [];
    for (const name of names) {
      // One entry per distinct symbol: declarations whose references meet are one symbol (overloads,
      // merged declarations); unrelated declarations of the same name have their own users.
      const groups: { declarations: Declaration[]; keys: Set<string>; counts: Map<string, number> }[] = [];
      for (const declaration of this.declarations(name)) {
        const referenced = declaration.projects.flatMap((project) => project.baseline.ls.findReferences(declaration.file, declaration.position) ?? []);
        const found = referenced.flatMap((symbol) => symbol.references).map((reference) => ({ file: reference.fileName, key: `${normalize(reference.fileName)}:${reference.textSpan.start}` }));
        let group = groups.find((g) => found.some((reference) => g.keys.has(reference.key)));
        if (!group) {
          group = { declarations: [], keys: new Set(), counts: new Map() };
          groups.push(group);
        }
        group.declarations.push(declaration);
        for (const reference of found) {
          const relative = this.relative(reference.file);
          if (relative === undefined || group.keys.has(reference.key)) continue;
          group.keys.add(reference.key);
          group.counts.set(relative, (group.counts.get(relative) ?? 0) + 1);
        }
      }
      for (const group of groups) {
        out.push({
          name,
          declarations: group.declarations.map((d) => ({ path: this.relative(d.file) ?? d.file, line: d.line, kind: d.kind })),
          files: [...group.counts].map(([file, count]) => ({ path: file, count })).sort((a, b) => b.count - a.count || a.path.localeCompare(b.path)),
        });
      }
    }
    return out;
  }

  renameSymbol(from: string, to: string, paths: readonly string[]): LanguageAnswer<FileEdits[]> {
    if (!isIdentifier(this.ts, to)) return { ok: false, reason: `"${to}" is not a valid identifier` };
    this.load(paths);
    const declarations = this.declarations(from);
    if (declarations.length === 0) return { ok: false, reason: `no declaration of ${from} was found in the workspace's TypeScript or JavaScript files` };
    // Declarations of one symbol (overloads, a class merged with an interface) rename the same places;
    // unrelated symbols of the same name rename different ones, and the plan does not say which.
    const bySymbol = new Map<string, { declaration: Declaration; locations: readonly TS.RenameLocation[] }>();
    for (const declaration of declarations) {
      const places = new Map<string, TS.RenameLocation>();
      for (const project of declaration.projects) {
        const ls = project.baseline.ls;
        const info = ls.getRenameInfo(declaration.file, declaration.position, { allowRenameOfImportPath: false });
        if (!info.canRename) return { ok: false, reason: `TypeScript cannot rename ${from}: ${info.localizedErrorMessage}` };
        // Another project sees the same declaration file, so the places it shares with the first are the same spans.
        for (const location of ls.findRenameLocations(declaration.file, declaration.position, false, false, { providePrefixAndSuffixTextForRename: false }) ?? []) {
          places.set(`${normalize(location.fileName)}:${location.textSpan.start}`, location);
        }
      }
      if (places.size === 0) return { ok: false, reason: `TypeScript found nothing to rename for ${from}` };
      const key = [...places.keys()].sort().join('|');
      if (!bySymbol.has(key)) bySymbol.set(key, { declaration, locations: [...places.values()] });
    }
    if (bySymbol.size > 1) {
      const places = [...bySymbol.values()].map(({ declaration: d }) => `${this.relative(d.file) ?? d.file}:${d.line}`).join(', ');
      return { ok: false, reason: `${from} names ${bySymbol.size} different declarations (${places}), and the plan does not say which` };
    }
    const [only] = [...bySymbol.values()];
    if (!only) return { ok: false, reason: `no declaration of ${from} was found` };
    const byFile = new Map<string, FileEdits>();
    for (const location of only.locations) {
      const relative = this.relative(location.fileName);
      if (relative === undefined) return { ok: false, reason: `renaming ${from} would change ${normalize(location.fileName)}, outside the workspace's own files` };
      let entry = byFile.get(relative);
      if (!entry) {
        entry = { path: relative, before: only.declaration.projects[0]?.baseline.readFile(normalize(location.fileName)) ?? '', edits: [] };
        byFile.set(relative, entry);
      }
      const newText = `${location.prefixText ?? ''}${to}${location.suffixText ?? ''}`;
      entry.edits.push({ start: location.textSpan.start, end: location.textSpan.start + location.textSpan.length, newText });
    }
    return { ok: true, value: [...byFile.values()], source: this.label() };
  }

  renameFile(from: string, to: string, paths: readonly string[], tree: TreeOverlay = {}): LanguageAnswer<FileEdits[]> {
    const oldFile = this.absolute(from);
    // Earlier moves of the same refactor are staged in memory: moved files at their new paths, importers
    // already rewritten, so an import between two moved files is made to point new place to new place.
    const staged = Object.keys(tree).length > 0;
    const service = (project: Project): OverlayService => (staged ? project.staged : project.baseline);
    const movedAway = new Set(Object.keys(tree).filter((file) => tree[file] === null));
    const exists = (file: string): boolean => (file in tree ? tree[file] !== null : this.ts.sys.fileExists(this.absolute(file)));
    // A folder is asked about as a whole (TypeScript maps every path under it); its project is that of
    // the first script in it.
    const isFolder = !exists(from) && this.ts.sys.directoryExists(oldFile);
    const owner = isFolder ? paths.find((file) => file.startsWith(`${from}/`) && isScriptPath(file) && !movedAway.has(file)) : from;
    if (owner === undefined || !exists(owner)) return { ok: false, reason: `${from} does not exist${isFolder ? ' as a folder with scripts' : ''}` };
    if (isFolder) {
      // TypeScript maps every path under the folder; a file the workspace does not list (ignored,
      // secret, too big) is not moved, so imports of it must not follow the folder.
      const listed = new Set(paths);
      const behind = filesUnder(oldFile).map((file) => this.relative(file) ?? file).filter((file) => !listed.has(file));
      if (behind.length > 0) return { ok: false, reason: `${from} also holds ${behind.slice(0, 3).join(', ')}${behind.length > 3 ? ` and ${behind.length - 3} more` : ''}, which the refactor does not list (ignored, secret or too big) and leaves where it is` };
      // Nor may files an earlier move brought into the folder follow it: they are not part of this move.
      const arrived = Object.keys(tree).filter((file) => file.startsWith(`${from}/`) && tree[file] !== null && !this.ts.sys.fileExists(this.absolute(file)));
      if (arrived.length > 0) return { ok: false, reason: `an earlier move brings ${arrived.slice(0, 3).join(', ')}${arrived.length > 3 ? ` and ${arrived.length - 3} more` : ''} into ${from}` };
    }
    this.load(paths);
    const probe = this.absolute(owner);
    const first = this.projects.ownerOf(probe, false);
    // Importers may live in another project: tests outside the tsconfig's `include` form an inferred
    // project whose program reaches the moved file through their imports. Each file takes the edits of
    // the first project that has any for it (the moved file's own are the same in every project). The
    // file is where it was on disk, so the baseline programs (built already) say which projects have it.
    const projects = [first, ...this.projects.all().filter((project) => project !== first && project.baseline.ls.getProgram()?.getSourceFile(probe) !== undefined)];
    if (staged) this.stage(tree, projects);
    const byFile = new Map<string, FileEdits>();
    for (const project of projects) {
      for (const change of service(project).ls.getEditsForFileRename(oldFile, this.absolute(to), {}, { allowTextChangesInNewFiles: true })) {
        const relative = this.relative(change.fileName);
        if (relative === undefined || change.textChanges.length === 0 || byFile.has(relative)) continue;
        byFile.set(relative, {
          path: relative,
          before: service(project).readFile(normalize(change.fileName)) ?? '',
          edits: change.textChanges.map((c) => ({ start: c.span.start, end: c.span.start + c.span.length, newText: c.newText })),
        });
      }
    }
    return { ok: true, value: [...byFile.values()], source: this.label() };
  }

  /**
   * Puts the tree of earlier moves into the staged service of each project asked. The files moves
   * created join the roots of each project a moved-away file was a root of (their old paths are gone).
   */
  private stage(tree: TreeOverlay, projects: readonly Project[]): void {
    const overlay = new Map<string, string | null>();
    for (const [file, text] of Object.entries(tree)) overlay.set(this.absolute(file), text);
    const arrived = [...overlay].filter(([file, text]) => text !== null && !this.ts.sys.fileExists(file)).map(([file]) => file);
    const left = [...overlay].filter(([, text]) => text === null).map(([file]) => file);
    for (const project of projects) {
      const roots = left.some((file) => project.rootNames.has(file)) ? arrived.filter(isScriptPath) : [];
      project.staged.setOverlay(overlay, roots);
    }
  }

  private label(): string {
    return `TypeScript ${this.ts.version} language service`;
  }

  /** Every workspace script joins its project, so an inferred project sees them all. */
  private load(paths: readonly string[]): void {
    for (const file of paths.filter(isScriptPath).slice(0, MAX_FILES)) this.projects.ownerOf(this.absolute(file), false);
  }

  /** Where `name` (or `Container.member`) is declared, in the workspace's own files. */
  private declarations(name: string): Declaration[] {
    const dot = name.lastIndexOf('.');
    const member = dot > 0 ? name.slice(dot + 1) : name;
    const container = dot > 0 ? name.slice(0, dot) : undefined;
    const found: Declaration[] = [];
    const seen = new Map<string, Declaration>();
    for (const project of this.projects.all()) {
      const ls = project.baseline.ls;
      for (const item of ls.getNavigateToItems(member, 200, undefined, true)) {
        if (item.name !== member || item.kind === this.ts.ScriptElementKind.alias || (container !== undefined && item.containerName !== container)) continue;
        const file = normalize(item.fileName);
        if (this.relative(file) === undefined) continue;
        const text = project.baseline.readFile(file);
        if (text === undefined) continue;
        const position = nameOffset(text, member, item.textSpan.start, item.textSpan.start + item.textSpan.length);
        const key = `${file}:${position}`;
        const known = seen.get(key);
        if (known) {
          if (!known.projects.includes(project)) known.projects.push(project);
          continue;
        }
        const declaration = { projects: [project], file, position, line: lineOf(text, position), kind: item.kind };
        seen.set(key, declaration);
        found.push(declaration);
      }
    }
    return found;
  }

  private absolute(relative: string): string {
    return normalize(path.resolve(this.root, relative));
  }

  /** Workspace-relative, or undefined for files outside it or in node_modules. */
  private relative(file: string): string | undefined {
    const normalized = normalize(file);
    if (!normalized.startsWith(`${this.root}/`) || normalized.includes('/node_modules/')) return undefined;
    return normalized.slice(this.root.length + 1);
  }
}

/** Every entry under a folder that is not itself a folder (files, links), absolute. */
function filesUnder(folder: string): string[] {
  const found: string[] = [];
  for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
    const full = `${folder}/${entry.name}`;
    if (entry.isDirectory()) found.push(...filesUnder(full));
    else found.push(full);
  }
  return found;
}

/** The declared name's offset inside its declaration's span (the span starts at modifiers or keywords). */
function nameOffset(text: string, name: string, start: number, end: number): number {
  const pattern = new RegExp(`(?<![\\w$])${name.replace(/[$]/g, '\\$')}(?![\\w$])`, 'g');
  pattern.lastIndex = start;
  const match = pattern.exec(text);
  return match && match.index < end ? match.index : start;
}

/** One identifier token and nothing else (a reserved word scans as its keyword and is refused). */
function isIdentifier(ts: TypeScriptModule, text: string): boolean {
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, true, ts.LanguageVariant.Standard, text);
  // The token must be the whole text: the scanner skips leading comments and whitespace.
  return scanner.scan() === ts.SyntaxKind.Identifier && scanner.getTokenText() === text && scanner.scan() === ts.SyntaxKind.EndOfFileToken;
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}
