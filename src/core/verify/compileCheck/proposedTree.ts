// What a compile check is given and what it answers, shared by the engine (main thread) and the
// checker (a worker thread). Plain data only: it crosses the thread boundary by structured clone.

/** One planned file: the text the worker read and the text it proposes (null: absent / deleted). */
export interface TreeChange {
  /** Workspace-relative, forward slashes. */
  path: string;
  original: string | null;
  proposed: string | null;
}

/** One diagnostic the proposal has and the original tree did not. */
export interface NewDiagnostic {
  path: string;
  /** 1-based line in the proposed content. */
  line: number;
  /** `TS2345`, `JSON-CommaExpected`… */
  code: string;
  message: string;
  severity: 'error' | 'warning';
  /**
   * Planned files (other than `path`) the error is traced to: the module an import names, the function
   * a call reaches. Revising only `path` cannot fix an error whose cause lives there.
   */
  causes: string[];
}

export interface TypeScriptIdentity {
  version: string;
  source: 'workspace' | 'bundled';
  /** Why the workspace's own compiler was not used, when it was present. */
  note?: string;
}

export interface CheckOutcome {
  diagnostics: NewDiagnostic[];
  /** Files whose diagnostics were compared (changed files and their importers). */
  checkedFiles: number;
  /** TS/JS files checked inside a tsconfig/jsconfig project, and files checked with default options. */
  configured: number;
  inferred: number;
  /** JSON files syntax-checked. */
  json: number;
  typescript?: TypeScriptIdentity;
  durationMs: number;
}

/** Extensions the TypeScript checker looks at. */
export const SCRIPT_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'] as const;

export function isScriptPath(path: string): boolean {
  return SCRIPT_EXTENSIONS.some((ext) => path.endsWith(ext)) && !path.endsWith('.d.ts');
}
