// The CLI's (and benchmarks') view of a workspace on disk. Listing is what the planner may see, so it
// leaves out what must never reach a model (secrets), what would waste its context (ignored, binary,
// huge files), and anything a symlink would pull in from outside the workspace. Each skip is recorded
// with its reason so the user can be told what was left out.
import * as fs from 'node:fs/promises';
import type { Dirent } from 'node:fs';
import * as path from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { checkRelativePath, resolveInsideWorkspace } from './paths';
import type { WorkspaceAccess, WorkspaceFileEntry } from './workspace';

export interface NodeWorkspaceOptions {
  maxFileBytes: number;
  /** Extra patterns in .gitignore syntax, relative to the root. */
  extraExcludes: string[];
}

export interface SkippedFile {
  path: string;
  reason: string;
}

/** Never listed or read, whatever the ignore files say: tool state and dependencies, not the user's code. */
const ALWAYS_EXCLUDED_NAMES = new Set(['.git', 'node_modules']);
// Known binary formats are left out by name so listing never has to open them; anything else that
// turns out to hold a NUL byte is refused when read.
const BINARY_EXTENSION = /\.(png|jpe?g|gif|bmp|ico|icns|webp|avif|tiff?|psd|zip|gz|tgz|bz2|xz|zst|7z|rar|tar|jar|war|class|pdf|docx?|xlsx?|pptx?|odt|woff2?|ttf|otf|eot|exe|dll|so|dylib|o|a|lib|obj|bin|dat|wasm|mp3|mp4|m4a|mov|avi|mkv|webm|wav|flac|ogg|sqlite3?|db|pyc|pyo|node|vsix|lockb)$/i;
// Enough parallel file-system calls to hide latency, few enough to stay far from the descriptor limit.
const FS_CONCURRENCY = 64;
const BINARY_SNIFF_BYTES = 8000;

interface IgnoreScope {
  /** Directory the .gitignore lives in, relative to the root ('' for the root), with a trailing slash. */
  base: string;
  rules: Ignore;
}

/** Limits how many file-system calls run at once, so huge trees don't exhaust file descriptors. */
class Gate {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(private readonly limit: number) {}
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
    try {
      return await task();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
}

/**
 * Git's precedence: the closest .gitignore decides (so a nested `!keep.log` re-includes a file a
 * parent ignores), and within one file the last matching pattern wins (the `ignore` package).
 */
function ignoredBy(scopes: readonly IgnoreScope[], relativePath: string, isDirectory: boolean): boolean {
  for (let i = scopes.length - 1; i >= 0; i--) {
    const scope = scopes[i]!;
    if (!relativePath.startsWith(scope.base)) continue;
    const local = relativePath.slice(scope.base.length) + (isDirectory ? '/' : '');
    if (local === '' || local === '/') continue;
    const verdict = scope.rules.test(local);
    if (verdict.ignored) return true;
    if (verdict.unignored) return false;
  }
  return false;
}

function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException | undefined)?.code ?? String(error);
}

export function createNodeWorkspace(
  root: string,
  options: NodeWorkspaceOptions,
): WorkspaceAccess & { root: string; skipped(): SkippedFile[] } {
  const absoluteRoot = path.resolve(root);
  let skips: SkippedFile[] = [];
  const gate = new Gate(FS_CONCURRENCY);
  // The user's own excludes win over any .gitignore negation, so they are checked on their own.
  const extraExcludes = ignore().add(options.extraExcludes);
  // .gitignore rules per folder ('' = root); refreshed by every listing so edits to them are seen.
  let gitignores = new Map<string, Promise<IgnoreScope | undefined>>();
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

  function gitignoreOf(dirRelative: string): Promise<IgnoreScope | undefined> {
    let scope = gitignores.get(dirRelative);
    if (!scope) {
      const base = dirRelative === '' ? '' : `${dirRelative}/`;
      scope = gate
        .run(() => fs.readFile(path.join(absoluteRoot, dirRelative, '.gitignore'), 'utf8'))
        .then((text) => ({ base, rules: ignore().add(text) }), () => undefined); // unreadable or absent: ignores nothing, as in git
      gitignores.set(dirRelative, scope);
    }
    return scope;
  }

  function excluded(scopes: readonly IgnoreScope[], relativePath: string, isDirectory: boolean): boolean {
    const name = relativePath.slice(relativePath.lastIndexOf('/') + 1);
    if (ALWAYS_EXCLUDED_NAMES.has(name)) return true;
    try {
      return extraExcludes.ignores(relativePath + (isDirectory ? '/' : '')) || ignoredBy(scopes, relativePath, isDirectory);
    } catch {
      return false; // a name the ignore package cannot parse; checkRelativePath has already vetted it
    }
  }

  /** Whether a path that exists is excluded, judged the way a listing would reach it, folder by folder. */
  async function isExcluded(relativePath: string): Promise<boolean> {
    const segments = relativePath.split('/');
    const scopes: IgnoreScope[] = [];
    for (let depth = 0; depth < segments.length; depth++) {
      const folder = segments.slice(0, depth).join('/');
      const scope = await gitignoreOf(folder);
      if (scope) scopes.push(scope);
      const isDirectory = depth < segments.length - 1;
      if (excluded(scopes, segments.slice(0, depth + 1).join('/'), isDirectory)) return true;
    }
    return false;
  }

  async function walk(dirRelative: string, scopes: IgnoreScope[], out: WorkspaceFileEntry[], signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    let entries: Dirent[];
    try {
      entries = await gate.run(() => fs.readdir(path.join(absoluteRoot, dirRelative), { withFileTypes: true }));
    } catch (error) {
      skips.push({ path: dirRelative || '.', reason: `unreadable folder (${errorCode(error)})` });
      return;
    }
    const prefix = dirRelative === '' ? '' : `${dirRelative}/`;
    const local = entries.some((e) => e.name === '.gitignore' && e.isFile()) ? await gitignoreOf(dirRelative) : undefined;
    const activeScopes = local ? [...scopes, local] : scopes;
    const subdirectories: string[] = [];
    const files: string[] = [];
    for (const entry of entries) {
      const relative = prefix + entry.name;
      if (ALWAYS_EXCLUDED_NAMES.has(entry.name)) continue;
      const isDirectory = entry.isDirectory();
      if (!isDirectory && !entry.isFile() && !entry.isSymbolicLink()) continue; // sockets, fifos, devices
      // The same rule as every later read or write: what cannot be named safely is never offered.
      const check = checkRelativePath(relative);
      if (!check.ok) {
        skips.push({ path: relative, reason: check.reason.replace(`${JSON.stringify(relative)} `, '') });
      } else if (entry.isSymbolicLink()) {
        // Following links would let a workspace pull in files from elsewhere (or loop forever), and a
        // file reachable under two names could be planned twice.
        skips.push({ path: relative, reason: 'symbolic link (not followed)' });
      } else if (excluded(activeScopes, relative, isDirectory)) {
        continue; // ignored on purpose: not worth a line in the log
      } else if (isDirectory) {
        subdirectories.push(relative);
      } else if (BINARY_EXTENSION.test(entry.name)) {
        skips.push({ path: relative, reason: 'binary file' });
      } else {
        files.push(relative);
      }
    }
    await Promise.all([
      ...files.map(async (relative) => {
        const stat = await gate.run(() => fs.stat(path.join(absoluteRoot, relative))).catch(() => undefined);
        if (!stat) return;
        if (stat.size > options.maxFileBytes) skips.push({ path: relative, reason: `larger than ${options.maxFileBytes} bytes` });
        else out.push({ path: relative, size: stat.size });
      }),
      ...subdirectories.map((relative) => walk(relative, activeScopes, out, signal)),
    ]);
  }

  return {
    root: absoluteRoot,
    label: absoluteRoot,
    skipped: () => [...skips],

    async listFiles(signal) {
      skips = [];
      gitignores = new Map();
      const out: WorkspaceFileEntry[] = [];
      await walk('', [], out, signal);
      return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    },

    async readText(relativePath) {
      const absolute = await resolveInsideWorkspace(absoluteRoot, relativePath);
      const checked = checkRelativePath(relativePath);
      const normalized = checked.ok ? checked.path : relativePath;
      let handle: fs.FileHandle;
      try {
        handle = await fs.open(absolute, 'r');
      } catch (error) {
        if (errorCode(error) === 'ENOENT' || errorCode(error) === 'ENOTDIR') return undefined;
        throw new Error(`Cannot read ${normalized} (${errorCode(error)}).`);
      }
      try {
        const stat = await handle.stat();
        if (!stat.isFile()) throw new Error(`${normalized} is a folder, not a file.`);
        // Existing files only: a new file may still be planned inside an ignored folder.
        if (await isExcluded(normalized)) {
          throw new Error(`${normalized} is excluded (.gitignore, node_modules or refactorOrchestrator.extraExcludes); not sent to the model.`);
        }
        if (stat.size > options.maxFileBytes) {
          throw new Error(`${normalized} is ${stat.size} bytes, over the ${options.maxFileBytes}-byte limit (refactorOrchestrator.maxFileBytes); not sent to the model.`);
        }
        const bytes = await handle.readFile();
        if (bytes.subarray(0, BINARY_SNIFF_BYTES).includes(0)) throw new Error(`${normalized} is binary; not sent to the model.`);
        try {
          // Fatal decoding: a Latin-1 file decoded leniently would be rewritten with U+FFFD in place
          // of every accented letter. The BOM is kept; textFormat strips and restores it.
          return decoder.decode(bytes);
        } catch {
          throw new Error(`${normalized} is not UTF-8 text; not sent to the model (save it as UTF-8 to include it).`);
        }
      } finally {
        await handle.close();
      }
    },
  };
}
