// The TypeScript projects a check needs, each as language services over one shared document registry:
// `baseline` sees the tree as read, `proposal` sees the proposed text from memory (an overlay) and
// everything else from disk, `staged` does the same for the language server's questions about moves.
// Files nobody changed are parsed once and shared by all.
// Which project owns a file: the nearest tsconfig.json/jsconfig.json (inside the workspace) whose
// files or references cover it; otherwise an inferred project with default options.
import * as path from 'node:path';
import type * as TS from 'typescript';
import type { TypeScriptModule } from './loadTypeScript';

/** Absolute path → proposed text; null means the file is absent (deleted, or not yet created). */
export type Overlay = ReadonlyMap<string, string | null>;

export class OverlayService {
  readonly ls: TS.LanguageService;
  private overlay = new Map<string, { text: string | null; version: string }>();
  private readonly extraRoots = new Set<string>();
  private projectVersion = 0;
  private counter = 0;

  constructor(private readonly ts: TypeScriptModule, private readonly project: Project, registry: TS.DocumentRegistry, private readonly tag: string) {
    const sys = ts.sys;
    const host: TS.LanguageServiceHost = {
      getCompilationSettings: () => project.options,
      getScriptFileNames: () => [...project.rootNames, ...this.extraRoots].filter((file) => this.fileExists(file)),
      getScriptVersion: (file) => this.overlay.get(file)?.version ?? '0',
      getScriptSnapshot: (file) => {
        const text = this.readFile(file);
        return text === undefined ? undefined : ts.ScriptSnapshot.fromString(text);
      },
      getProjectVersion: () => String(this.projectVersion),
      getCurrentDirectory: () => project.dir,
      getDefaultLibFileName: (options) => ts.getDefaultLibFilePath(options),
      fileExists: (file) => this.fileExists(file),
      readFile: (file) => this.readFile(file),
      readDirectory: (dir, extensions, exclude, include, depth) => sys.readDirectory(dir, extensions, exclude, include, depth),
      directoryExists: (dir) => this.directoryExists(dir),
      getDirectories: (dir) => sys.getDirectories(dir),
      realpath: sys.realpath ? (file) => (this.overlay.has(file) ? file : (sys.realpath?.(file) ?? file)) : undefined,
      useCaseSensitiveFileNames: () => sys.useCaseSensitiveFileNames,
    };
    this.ls = ts.createLanguageService(host, registry);
  }

  fileExists(file: string): boolean {
    const entry = this.overlay.get(file);
    return entry ? entry.text !== null : this.ts.sys.fileExists(file);
  }

  /**
   * A folder that only proposed files create exists too: module resolution skips probing files in a
   * folder it is told does not exist, so an import of a file moved into a new folder would not resolve.
   */
  directoryExists(dir: string): boolean {
    if (this.ts.sys.directoryExists(dir)) return true;
    const prefix = dir.endsWith('/') ? dir : `${dir}/`;
    for (const [file, entry] of this.overlay) if (entry.text !== null && file.startsWith(prefix)) return true;
    return false;
  }

  readFile(file: string): string | undefined {
    const entry = this.overlay.get(file);
    if (entry) return entry.text ?? undefined;
    return this.ts.sys.readFile(file);
  }

  /** Replaces the overlay; only entries whose text changed get a new version. */
  setOverlay(next: Overlay, roots: Iterable<string> = []): void {
    let changed = false;
    for (const [file, entry] of this.overlay) {
      if (!next.has(file)) {
        this.overlay.delete(file);
        changed = true;
      } else if (next.get(file) !== entry.text) {
        this.overlay.set(file, { text: next.get(file) ?? null, version: `${this.tag}${++this.counter}` });
        changed = true;
      }
    }
    for (const [file, text] of next) {
      if (this.overlay.has(file)) continue;
      this.overlay.set(file, { text, version: `${this.tag}${++this.counter}` });
      changed = true;
    }
    const rootList = [...roots].filter((file) => !this.project.rootNames.has(file));
    if (rootList.length !== this.extraRoots.size || rootList.some((file) => !this.extraRoots.has(file))) {
      this.extraRoots.clear();
      for (const file of rootList) this.extraRoots.add(file);
      changed = true;
    }
    if (changed) this.projectVersion++;
  }

  /** Signals a change of the project's root files (inferred projects grow). */
  touch(): void {
    this.projectVersion++;
  }

  program(): TS.Program {
    const program = this.ls.getProgram();
    if (!program) throw new Error('the language service produced no program');
    return program;
  }

  /** Module resolution that sees this service's overlay. */
  resolutionHost(): TS.ModuleResolutionHost {
    return { fileExists: (file) => this.fileExists(file), readFile: (file) => this.readFile(file), directoryExists: (dir) => this.directoryExists(dir) };
  }
}

export interface Project {
  /** The config file's absolute path, or `<inferred>`. */
  key: string;
  configured: boolean;
  dir: string;
  options: TS.CompilerOptions;
  rootNames: Set<string>;
  baseline: OverlayService;
  proposal: OverlayService;
  /**
   * The tree between two moves of one refactor (the language server is asked about each move after the
   * ones before it). Its own service, so the compile check's proposal keeps its incremental state.
   */
  staged: OverlayService;
  /** Built once from the baseline program: module → the files that import it (and whether they re-export it). */
  importers?: Map<string, { file: string; reExport: boolean }[]>;
}

export const INFERRED = '<inferred>';

export class ProjectSet {
  private readonly registry: TS.DocumentRegistry;
  private readonly projects = new Map<string, Project | null>();
  private readonly owners = new Map<string, Project>();

  constructor(private readonly ts: TypeScriptModule, readonly root: string) {
    this.registry = ts.createDocumentRegistry(ts.sys.useCaseSensitiveFileNames, root);
  }

  all(): Project[] {
    return [...this.projects.values()].filter((p): p is Project => p !== null);
  }

  /** The project that owns `file` (absolute); `created` files join the nearest config's project. */
  ownerOf(file: string, created: boolean): Project {
    const known = this.owners.get(file);
    if (known) return known;
    const config = this.nearestConfig(path.posix.dirname(file));
    let owner: Project | undefined;
    if (config) {
      const project = this.configured(config);
      if (project && (project.rootNames.has(file) || (created && this.accepts(project, file)))) owner = project;
      else owner = project ? this.viaReferences(config, file) : undefined;
    }
    owner ??= this.inferred(file);
    this.owners.set(file, owner);
    return owner;
  }

  private accepts(project: Project, file: string): boolean {
    return /\.[cm]?tsx?$/.test(file) || project.options.allowJs === true;
  }

  private viaReferences(config: string, file: string): Project | undefined {
    const parsed = this.parse(config);
    for (const reference of parsed?.projectReferences ?? []) {
      const referenced = this.configured(normalize(this.ts.resolveProjectReferencePath(reference)));
      if (referenced?.rootNames.has(file)) return referenced;
    }
    return undefined;
  }

  private nearestConfig(dir: string): string | undefined {
    for (let current = dir; ; current = path.posix.dirname(current)) {
      if (!isWithin(this.root, current)) return undefined;
      for (const name of ['tsconfig.json', 'jsconfig.json']) {
        const candidate = path.posix.join(current, name);
        if (this.ts.sys.fileExists(candidate)) return candidate;
      }
      if (current === this.root || path.posix.dirname(current) === current) return undefined;
    }
  }

  private parse(config: string): TS.ParsedCommandLine | undefined {
    const host: TS.ParseConfigFileHost = { ...this.ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined };
    return this.ts.getParsedCommandLineOfConfigFile(config, undefined, host);
  }

  private configured(config: string): Project | undefined {
    const known = this.projects.get(config);
    if (known !== undefined) return known ?? undefined;
    const parsed = this.parse(config);
    if (!parsed) {
      this.projects.set(config, null);
      return undefined;
    }
    const project = this.create(config, true, path.posix.dirname(config), { ...parsed.options, noEmit: true }, parsed.fileNames.map(normalize));
    this.projects.set(config, project);
    return project;
  }

  private inferred(file: string): Project {
    let project = this.projects.get(INFERRED) ?? undefined;
    if (!project) {
      const ts = this.ts;
      const options: TS.CompilerOptions = {
        allowJs: true,
        checkJs: false,
        noEmit: true,
        skipLibCheck: true,
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.ESNext,
        moduleResolution: ts.ModuleResolutionKind.Bundler,
        jsx: ts.JsxEmit.Preserve,
        allowImportingTsExtensions: true,
      };
      project = this.create(INFERRED, false, this.root, options, []);
      this.projects.set(INFERRED, project);
    }
    if (!project.rootNames.has(file)) {
      project.rootNames.add(file);
      project.baseline.touch();
      project.proposal.touch();
      project.staged.touch();
    }
    return project;
  }

  private create(key: string, configured: boolean, dir: string, options: TS.CompilerOptions, rootNames: string[]): Project {
    const project = { key, configured, dir, options, rootNames: new Set(rootNames) } as Project;
    project.baseline = new OverlayService(this.ts, project, this.registry, 'b');
    project.proposal = new OverlayService(this.ts, project, this.registry, 'p');
    project.staged = new OverlayService(this.ts, project, this.registry, 's');
    return project;
  }

  /** Who imports what, from the baseline program (built once per project). */
  importersOf(project: Project): Map<string, { file: string; reExport: boolean }[]> {
    if (project.importers) return project.importers;
    const ts = this.ts;
    const program = project.baseline.program();
    const cache = ts.createModuleResolutionCache(project.dir, (name) => name, project.options);
    const host = project.baseline.resolutionHost();
    const map = new Map<string, { file: string; reExport: boolean }[]>();
    for (const source of program.getSourceFiles()) {
      if (source.isDeclarationFile || source.fileName.includes('/node_modules/')) continue;
      for (const imported of ts.preProcessFile(source.text, true, true).importedFiles) {
        const target = ts.resolveModuleName(imported.fileName, source.fileName, project.options, host, cache).resolvedModule?.resolvedFileName;
        if (!target) continue;
        const reExport = new RegExp(`export\\s[^;]*?from\\s*['"]${escapeRegExp(imported.fileName)}['"]`).test(source.text);
        const list = map.get(normalize(target)) ?? [];
        list.push({ file: normalize(source.fileName), reExport });
        map.set(normalize(target), list);
      }
    }
    project.importers = map;
    return map;
  }
}

export function normalize(file: string): string {
  return file.replace(/\\/g, '/');
}

function isWithin(root: string, dir: string): boolean {
  return dir === root || dir.startsWith(`${root}/`);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
