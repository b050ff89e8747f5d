// The synchronous heart of the compile check (it runs on a worker thread): which files a proposal can
// break (the changed files and the files that import them, following re-exports), their diagnostics
// before and after, and for each new error the planned files it traces back to.
import * as path from 'node:path';
import type * as TS from 'typescript';
import type { LoadedTypeScript, TypeScriptModule } from './loadTypeScript';
import { newDiagnostics } from './newDiagnostics';
import { isScriptPath, type CheckOutcome, type NewDiagnostic, type TreeChange } from './proposedTree';
import { TypeScriptNavigation } from '../../language/typeScriptNavigation';
import { normalize, ProjectSet, type Overlay, type Project } from './tsProjects';

interface RawDiagnostic {
  path: string;
  code: string;
  message: string;
  start: number;
  severity: 'error' | 'warning';
}

export class TypeScriptChecker {
  private readonly ts: TypeScriptModule;
  private readonly root: string;
  private readonly projects: ProjectSet;
  /** References and renames over the same projects and parsed files as the check. */
  readonly navigation: TypeScriptNavigation;
  /** Baseline diagnostics per file; valid while the baseline overlay stays the same. */
  private baselineCache = new Map<string, RawDiagnostic[]>();
  private baselineOverlay = new Map<string, string | null>();

  constructor(root: string, private readonly loaded: LoadedTypeScript) {
    this.ts = loaded.ts;
    this.root = normalize(path.resolve(root));
    this.projects = new ProjectSet(this.ts, this.root);
    this.navigation = new TypeScriptNavigation(this.ts, this.root, this.projects);
  }

  get identity() {
    return this.loaded.identity;
  }

  /**
   * Builds what a later check needs before the proposals exist: the projects of the planned files,
   * their baseline programs, who imports them, and the baseline diagnostics of all of those.
   */
  prepare(paths: readonly string[]): void {
    const targets = paths.filter(isScriptPath).map((p) => this.abs(p));
    const byProject = new Map<Project, string[]>();
    for (const file of targets) {
      const project = this.projects.ownerOf(file, !this.ts.sys.fileExists(file));
      byProject.set(project, [...(byProject.get(project) ?? []), file]);
    }
    for (const [project, files] of byProject) {
      for (const file of this.impacted(project, files)) {
        if (this.projects.ownerOf(file, false) === project) this.baselineDiagnostics(project, file);
      }
    }
  }

  check(changes: readonly TreeChange[]): CheckOutcome {
    const started = Date.now();
    const scripts = changes.filter((c) => isScriptPath(c.path));
    const changed = new Map(scripts.map((c) => [this.abs(c.path), c]));
    this.setOverlays(changes);

    const owned = new Map<Project, Set<string>>();
    const own = (project: Project, file: string) => owned.set(project, (owned.get(project) ?? new Set()).add(file));
    for (const [file, change] of changed) own(this.projects.ownerOf(file, change.original === null), file);
    // Importers of a changed file can sit in any project that has seen it.
    for (const project of [...owned.keys()]) {
      for (const file of this.impacted(project, [...changed.keys()])) {
        if (!changed.has(file)) own(this.projects.ownerOf(file, false), file);
      }
    }

    const diagnostics: NewDiagnostic[] = [];
    let configured = 0;
    let inferred = 0;
    for (const [project, files] of owned) {
      const created = [...files].filter((file) => changed.get(file)?.original === null && changed.get(file)?.proposed !== null);
      project.proposal.setOverlay(this.proposalOverlay(changes), created);
      for (const file of files) {
        const change = changed.get(file);
        if (change && change.proposed === null) continue; // deleted: its importers tell what broke
        if (project.configured) configured++;
        else inferred++;
        const before = change && change.original === null ? [] : this.baselineDiagnostics(project, file);
        const after = this.diagnosticsOf(project, project.proposal, file);
        const fresh = newDiagnostics(before, after);
        if (fresh.length === 0) continue;
        const source = project.proposal.program().getSourceFile(file);
        for (const d of fresh) {
          diagnostics.push({
            path: d.path,
            line: source ? source.getLineAndCharacterOfPosition(d.start).line + 1 : 0,
            code: d.code,
            message: d.message,
            severity: d.severity,
            causes: source ? this.causesOf(project, source, d.start, changed) : [],
          });
        }
      }
    }
    return { diagnostics, checkedFiles: configured + inferred, configured, inferred, json: 0, typescript: this.loaded.identity, durationMs: Date.now() - started };
  }

  private abs(relative: string): string {
    return path.posix.join(this.root, relative);
  }

  private rel(file: string): string {
    return path.posix.relative(this.root, file);
  }

  /**
   * The baseline overlays only what differs from disk (an editor's unsaved text), so in the common
   * case baseline and proposal share every unchanged file.
   */
  private setOverlays(changes: readonly TreeChange[]): void {
    const next = new Map<string, string | null>();
    for (const change of changes) {
      const file = this.abs(change.path);
      const disk = this.ts.sys.fileExists(file) ? this.ts.sys.readFile(file) ?? null : null;
      if (change.original !== disk) next.set(file, change.original);
    }
    const same = next.size === this.baselineOverlay.size && [...next].every(([file, text]) => this.baselineOverlay.get(file) === text);
    if (same) return;
    this.baselineOverlay = next;
    this.baselineCache = new Map();
    for (const project of this.projects.all()) project.baseline.setOverlay(next);
  }

  private proposalOverlay(changes: readonly TreeChange[]): Overlay {
    return new Map(changes.map((change) => [this.abs(change.path), change.proposed]));
  }

  /** `files` and every file that imports one of them; a re-exporting importer passes the change on. */
  private impacted(project: Project, files: readonly string[]): Set<string> {
    const importers = this.projects.importersOf(project);
    const result = new Set(files);
    const queue = [...files];
    for (let file = queue.pop(); file !== undefined; file = queue.pop()) {
      for (const importer of importers.get(file) ?? []) {
        if (result.has(importer.file)) continue;
        result.add(importer.file);
        if (importer.reExport) queue.push(importer.file);
      }
    }
    return result;
  }

  private baselineDiagnostics(project: Project, file: string): RawDiagnostic[] {
    const key = `${project.key}|${file}`;
    let list = this.baselineCache.get(key);
    if (!list) {
      list = project.baseline.fileExists(file) ? this.diagnosticsOf(project, project.baseline, file) : [];
      this.baselineCache.set(key, list);
    }
    return list;
  }

  private diagnosticsOf(project: Project, service: Project['baseline'], file: string): RawDiagnostic[] {
    const ts = this.ts;
    if (!service.program().getSourceFile(file)) return [];
    // Without checkJs, JavaScript gets syntax checks only: its "type errors" would be guesses.
    const typed = /\.[cm]?tsx?$/.test(file) || (project.configured && project.options.checkJs === true);
    const all = [...service.ls.getSyntacticDiagnostics(file), ...(typed ? service.ls.getSemanticDiagnostics(file) : [])];
    const relative = this.rel(file);
    return all
      .filter((d) => d.category === ts.DiagnosticCategory.Error || d.category === ts.DiagnosticCategory.Warning)
      .map((d) => ({
        path: relative,
        code: `TS${d.code}`,
        message: ts.flattenDiagnosticMessageText(d.messageText, '\n'),
        start: d.start ?? 0,
        severity: d.category === ts.DiagnosticCategory.Error ? ('error' as const) : ('warning' as const),
      }));
  }

  /**
   * Planned files an error at `start` traces back to: the module an import names, the declaration a
   * call or property access reaches. Only files the plan changes count, and never the file itself.
   */
  private causesOf(project: Project, source: TS.SourceFile, start: number, changed: ReadonlyMap<string, TreeChange>): string[] {
    const ts = this.ts;
    const causes = new Set<string>();
    const add = (file: string | undefined) => {
      if (!file) return;
      const normalized = normalize(file);
      if (normalized !== source.fileName && changed.get(normalized)?.proposed != null) causes.add(this.rel(normalized));
    };
    const definitionsAt = (position: number) => {
      for (const definition of project.proposal.ls.getDefinitionAtPosition(source.fileName, position) ?? []) add(definition.fileName);
    };

    const chain: TS.Node[] = [];
    const descend = (node: TS.Node): void => {
      chain.push(node);
      ts.forEachChild(node, (child) => {
        if (child.getStart(source) <= start && start < child.getEnd()) {
          descend(child);
          return true;
        }
        return undefined;
      });
    };
    descend(source);

    for (const node of chain.reverse()) {
      if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
        add(ts.resolveModuleName(node.moduleSpecifier.text, source.fileName, project.options, project.proposal.resolutionHost()).resolvedModule?.resolvedFileName);
        break;
      }
      if (ts.isPropertyAccessExpression(node) && node.name.getStart(source) <= start) {
        definitionsAt(node.expression.getEnd() - 1);
        break;
      }
      if (ts.isCallExpression(node) || ts.isNewExpression(node)) {
        definitionsAt(node.expression.getEnd() - 1);
        break;
      }
    }
    definitionsAt(start);
    return [...causes];
  }
}
