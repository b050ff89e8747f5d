// The CLI's (and benchmarks') view of a workspace on disk. Listing is what the planner may see, so it
// leaves out what must never reach a model (secrets), what would waste its context (ignored, binary,
// huge files), and anything a symlink would pull in from outside the workspace. Each skip is recorded
// with its reason so the user can be told what was left out.
import * as fs from 'node:fs/promises';
import type { Dirent } from 'node:fs';
import * as path from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { isSecretPath, resolveInsideWorkspace } from './paths';
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

const ALWAYS_EXCLUDED_DIRS = new Set(['.git', 'node_modules']);
// Known binary formats are left out by name so listing never has to open them; anything else that
// turns out to hold a NUL byte is refused when read.
const BINARY_EXTENSION = /\.(png|jpe?g|gif|bmp|ico|webp|avif|tiff?|psd|zip|gz|tgz|bz2|xz|7z|rar|tar|jar|war|class|pdf|docx?|xlsx?|pptx?|woff2?|ttf|otf|eot|exe|dll|so|dylib|o|a|lib|obj|bin|wasm|mp3|mp4|mov|avi|mkv|wav|flac|ogg|sqlite|db|pyc|node|vsix)$/i;
const READ_CONCURRENCY = 64;
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

function ignoredBy(scopes: readonly IgnoreScope[], relativePath: string, isDirectory: boolean): boolean {
  for (const scope of scopes) {
    if (!relativePath.startsWith(scope.base)) continue;
    const local = relativePath.slice(scope.base.length) + (isDirectory ? '/' : '');
    if (local !== '' && scope.rules.ignores(local)) return true;
  }
  return false;
}

export function createNodeWorkspace(
  root: string,
  options: NodeWorkspaceOptions,
): WorkspaceAccess & { root: string; skipped(): SkippedFile[] } {
  const absoluteRoot = path.resolve(root);
  let skips: SkippedFile[] = [];
  const gate = new Gate(READ_CONCURRENCY);

  async function readGitignore(dirAbsolute: string, base: string): Promise<IgnoreScope | undefined> {
    const text = await gate.run(() => fs.readFile(path.join(dirAbsolute, '.gitignore'), 'utf8')).catch(() => undefined);
    return text === undefined ? undefined : { base, rules: ignore().add(text) };
  }

  async function walk(dirRelative: string, scopes: IgnoreScope[], out: WorkspaceFileEntry[], signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    const dirAbsolute = path.join(absoluteRoot, dirRelative);
    let entries: Dirent[];
    try {
      entries = await gate.run(() => fs.readdir(dirAbsolute, { withFileTypes: true }));
    } catch (error) {
      skips.push({ path: dirRelative || '.', reason: `unreadable folder (${(error as NodeJS.ErrnoException).code ?? 'error'})` });
      return;
    }
    const prefix = dirRelative === '' ? '' : `${dirRelative}/`;
    const local = entries.some((e) => e.name === '.gitignore' && e.isFile()) ? await readGitignore(dirAbsolute, prefix) : undefined;
    const activeScopes = local ? [...scopes, local] : scopes;
    const subdirectories: string[] = [];
    const files: string[] = [];
    for (const entry of entries) {
      const relative = prefix + entry.name;
      if (entry.isSymbolicLink()) {
        // Following links would let a workspace pull in files from elsewhere (or loop forever).
        skips.push({ path: relative, reason: 'symbolic link (not followed)' });
      } else if (entry.isDirectory()) {
        if (ALWAYS_EXCLUDED_DIRS.has(entry.name) || ignoredBy(activeScopes, relative, true)) continue;
        subdirectories.push(relative);
      } else if (entry.isFile()) {
        if (ignoredBy(activeScopes, relative, false)) continue;
        if (isSecretPath(relative)) skips.push({ path: relative, reason: 'looks like a secret (never sent to a model)' });
        else if (BINARY_EXTENSION.test(entry.name)) skips.push({ path: relative, reason: 'binary file' });
        else files.push(relative);
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
      const rootScopes: IgnoreScope[] = options.extraExcludes.length > 0 ? [{ base: '', rules: ignore().add(options.extraExcludes) }] : [];
      const out: WorkspaceFileEntry[] = [];
      await walk('', rootScopes, out, signal);
      return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    },

    async readText(relativePath) {
      const absolute = await resolveInsideWorkspace(absoluteRoot, relativePath);
      let handle: fs.FileHandle;
      try {
        handle = await fs.open(absolute, 'r');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw new Error(`Cannot read ${relativePath}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
      }
      try {
        const stat = await handle.stat();
        if (!stat.isFile()) throw new Error(`${relativePath} is not a file`);
        if (stat.size > options.maxFileBytes) {
          throw new Error(`${relativePath} is ${stat.size} bytes, over the ${options.maxFileBytes}-byte limit; not sent to the model`);
        }
        const bytes = await handle.readFile();
        if (bytes.subarray(0, BINARY_SNIFF_BYTES).includes(0)) throw new Error(`${relativePath} is binary; not sent to the model`);
        return bytes.toString('utf8');
      } finally {
        await handle.close();
      }
    },
  };
}
