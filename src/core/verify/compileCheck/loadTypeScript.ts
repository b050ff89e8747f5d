// Which TypeScript checks the proposal: the workspace's own `node_modules/typescript` when it has one,
// so the user gets the errors their own build gives, else the bundled one. TypeScript 7 (the native
// port) has no in-process compiler API — `require('typescript')` returns little more than version
// fields, and its `typescript/sync` API talks to a separate process and is still unstable — so a 7.x
// workspace is checked with the bundled 5.x and the verdict says so.
import { createRequire } from 'node:module';
import * as path from 'node:path';
import type * as TS from 'typescript';
import type { TypeScriptIdentity } from './proposedTree';

export type TypeScriptModule = typeof TS;

export interface LoadedTypeScript {
  ts: TypeScriptModule;
  identity: TypeScriptIdentity;
}

export function loadTypeScript(root: string): LoadedTypeScript {
  const bundled = bundledTypeScript();
  let note: string | undefined;
  try {
    const workspaceRequire = createRequire(path.join(root, 'package.json'));
    const resolved = workspaceRequire.resolve('typescript');
    // Only a compiler installed inside the workspace counts; one found further up belongs to someone else.
    if (isInside(root, resolved)) {
      const candidate: unknown = workspaceRequire('typescript');
      if (hasCompilerApi(candidate)) return { ts: candidate, identity: { version: candidate.version, source: 'workspace' } };
      const version = versionOf(candidate);
      note = `the workspace's TypeScript ${version} has no in-process compiler API${version.startsWith('7') ? ' (TypeScript 7)' : ''}; checked with the bundled ${bundled.version}`;
    }
  } catch {
    // No typescript in the workspace (or it cannot load): the bundled compiler it is.
  }
  return { ts: bundled, identity: { version: bundled.version, source: 'bundled', ...(note ? { note } : {}) } };
}

function bundledTypeScript(): TypeScriptModule {
  // A plain require: esbuild bundles the project's own typescript into the worker script.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('typescript') as TypeScriptModule;
}

function hasCompilerApi(value: unknown): value is TypeScriptModule {
  if (typeof value !== 'object' || value === null) return false;
  const api = value as Partial<Record<string, unknown>>;
  return typeof api.createLanguageService === 'function' && typeof api.createDocumentRegistry === 'function' && typeof api.version === 'string';
}

function versionOf(value: unknown): string {
  if (typeof value === 'object' && value !== null && 'version' in value && typeof value.version === 'string') return value.version;
  return 'unknown version';
}

function isInside(root: string, file: string): boolean {
  const relative = path.relative(path.resolve(root), file);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}
