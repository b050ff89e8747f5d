// The CLI's (and benchmarks') view of a workspace on disk. Listing is what the planner may see, so it
// leaves out what must never reach a model (secrets), what would waste its context (ignored, binary,
// huge files), and anything a symlink would pull in from outside the workspace. Each skip is recorded
// with its reason so the user can be told what was left out.
import * as fs from 'node:fs/promises';
import { close, constants, fstat, open, read, statSync, type Dirent } from 'node:fs';
import { promisify } from 'node:util';
import * as path from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { checkRelativePath, linkRefusal, quotePath, resolveInsideWorkspace } from '../core/workspace/paths';
import type { WorkspaceAccess, WorkspaceFileEntry } from '../core/workspace/workspace';

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
// Folders read at once: enough to hide latency, few enough to stay far from the descriptor limit.
const FS_CONCURRENCY = 16;
const BINARY_SNIFF_BYTES = 8000;
const STAT_SLICE = 128;
// Descriptor-based callback calls: a FileHandle from fs/promises costs about twice as much per file,
// which shows when a summary reads thousands of files.
const openFile = promisify(open);
const fstatFile = promisify(fstat);
const closeFile = promisify(close);
const readFileChunk = (fd: number, buffer: Buffer, offset: number, length: number, position: number): Promise<number> =>
  new Promise((resolve, reject) => read(fd, buffer, offset, length, position, (error, bytesRead) => (error ? reject(error) : resolve(bytesRead))));

interface IgnoreScope {
  /** Directory the .gitignore lives in, relative to the root ('' for the root), with a trailing slash. */
  base: string;
  rules: Ignore;
}

/**
 * Runs `task` over `items` with at most `limit` in flight. A pool of workers, not one promise per
 * item: a 50,000-file tree would otherwise hold 50,000 pending promises and their closures at once.
 */
async function forEachLimited<T>(items: readonly T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await task(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
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

/**
 * Reads a file whose size fstat reported, usually in one call. A file that grew meanwhile is read to
 * its end, within the size limit.
 */
async function readAll(fd: number, size: number, maxBytes: number, name: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for (let want = size + 1; ; want = 64 * 1024) {
    const buffer = Buffer.allocUnsafe(want);
    const bytesRead = await readFileChunk(fd, buffer, 0, want, total);
    if (bytesRead === 0) break;
    chunks.push(buffer.subarray(0, bytesRead));
    total += bytesRead;
    if (total > maxBytes) throw new Error(`${name} grew past the ${maxBytes}-byte limit while being read; not sent to the model.`);
    if (bytesRead < want) break; // a regular file reads short only at its end
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total);
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
  // The user's own excludes win over any .gitignore negation, so they are checked on their own.
  const extraExcludes = options.extraExcludes.length > 0 ? ignore().add(options.extraExcludes) : undefined;
  // .gitignore rules per folder ('' = root); refreshed by every listing so edits to them are seen.
  let gitignores = new Map<string, Promise<IgnoreScope | undefined>>();
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

  function gitignoreOf(dirRelative: string): Promise<IgnoreScope | undefined> {
    let scope = gitignores.get(dirRelative);
    if (!scope) {
      const base = dirRelative === '' ? '' : `${dirRelative}/`;
      scope = fs
        .readFile(path.join(absoluteRoot, dirRelative, '.gitignore'), 'utf8')
        .then((text) => ({ base, rules: ignore().add(text) }), () => undefined); // unreadable or absent: ignores nothing, as in git
      gitignores.set(dirRelative, scope);
    }
    return scope;
  }

  function excluded(scopes: readonly IgnoreScope[], relativePath: string, isDirectory: boolean): boolean {
    const name = relativePath.slice(relativePath.lastIndexOf('/') + 1);
    if (ALWAYS_EXCLUDED_NAMES.has(name)) return true;
    try {
      return (extraExcludes?.ignores(relativePath + (isDirectory ? '/' : '')) ?? false) || ignoredBy(scopes, relativePath, isDirectory);
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

  interface Folder {
    relative: string;
    /** .gitignore scopes that apply inside it, outermost first. */
    scopes: IgnoreScope[];
  }

  /** Reads one folder: sorts its entries into subfolders to visit and files to size, recording skips. */
  async function readFolder(folder: Folder, subfolders: Folder[], files: string[]): Promise<void> {
    let entries: Dirent[];
    try {
      entries = await fs.readdir(path.join(absoluteRoot, folder.relative), { withFileTypes: true });
    } catch (error) {
      skips.push({ path: folder.relative || '.', reason: `unreadable folder (${errorCode(error)})` });
      return;
    }
    const prefix = folder.relative === '' ? '' : `${folder.relative}/`;
    const local = entries.some((e) => e.name === '.gitignore' && e.isFile()) ? await gitignoreOf(folder.relative) : undefined;
    const scopes = local ? [...folder.scopes, local] : folder.scopes;
    for (const entry of entries) {
      const relative = prefix + entry.name;
      if (ALWAYS_EXCLUDED_NAMES.has(entry.name)) continue;
      const isDirectory = entry.isDirectory();
      if (!isDirectory && !entry.isFile() && !entry.isSymbolicLink()) continue; // sockets, fifos, devices
      // The same rule as every later read or write: what cannot be named safely is never offered.
      const check = checkRelativePath(relative);
      if (!check.ok) {
        skips.push({ path: relative, reason: check.reason.replace(`${quotePath(relative)} `, '') });
      } else if (entry.isSymbolicLink()) {
        // Following links would let a workspace pull in files from elsewhere (or loop forever), and a
        // file reachable under two names could be planned twice. A link into .git/, .vscode/, a secret
        // or out of the workspace says where it leads, since a plan naming it will be refused too.
        const why = await linkRefusal(absoluteRoot, relative);
        skips.push({ path: relative, reason: why ? `symbolic link, not followed: it ${why}` : 'symbolic link (not followed)' });
      } else if (excluded(scopes, relative, isDirectory)) {
        continue; // ignored on purpose: not worth a line in the log
      } else if (isDirectory) {
        subfolders.push({ relative, scopes });
      } else if (BINARY_EXTENSION.test(entry.name)) {
        skips.push({ path: relative, reason: 'binary file' });
      } else {
        files.push(relative);
      }
    }
  }

  async function listAll(signal: AbortSignal): Promise<WorkspaceFileEntry[]> {
    const files: string[] = [];
    // Breadth first, one level at a time, each level's folders read by a bounded pool.
    for (let level: Folder[] = [{ relative: '', scopes: [] }]; level.length > 0; ) {
      signal.throwIfAborted();
      const next: Folder[] = [];
      await forEachLimited(level, FS_CONCURRENCY, (folder) => readFolder(folder, next, files));
      level = next;
    }
    const out: WorkspaceFileEntry[] = [];
    // Sizes by synchronous stat in small slices, yielding between them: in Node 20 an async stat is a
    // thread-pool round trip costing ~3x a sync one (50,000 files: ~0.9 s against ~0.3 s), while a
    // slice of 128 cached stats holds the event loop for about a millisecond.
    for (let start = 0; start < files.length; start += STAT_SLICE) {
      signal.throwIfAborted();
      for (const relative of files.slice(start, start + STAT_SLICE)) {
        const stat = statSync(path.join(absoluteRoot, relative), { throwIfNoEntry: false });
        if (!stat) continue; // deleted while listing
        if (stat.size > options.maxFileBytes) skips.push({ path: relative, reason: `larger than ${options.maxFileBytes} bytes` });
        else out.push({ path: relative, size: stat.size });
      }
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  return {
    root: absoluteRoot,
    label: absoluteRoot,
    skipped: () => [...skips],

    async listFiles(signal) {
      skips = [];
      gitignores = new Map();
      return listAll(signal);
    },

    async readText(relativePath) {
      const absolute = await resolveInsideWorkspace(absoluteRoot, relativePath);
      const checked = checkRelativePath(relativePath);
      const normalized = checked.ok ? checked.path : relativePath;
      let fd: number;
      try {
        // Non-blocking, so a FIFO planted under a planned path cannot hang a thread waiting for a writer.
        fd = await openFile(absolute, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
      } catch (error) {
        if (errorCode(error) === 'ENOENT' || errorCode(error) === 'ENOTDIR') return undefined;
        throw new Error(`Cannot read ${normalized} (${errorCode(error)}).`);
      }
      try {
        const stat = await fstatFile(fd);
        if (!stat.isFile()) throw new Error(`${normalized} is not a regular file.`);
        // Existing files only: a new file may still be planned inside an ignored folder.
        if (await isExcluded(normalized)) {
          throw new Error(`${normalized} is excluded (.gitignore, node_modules or refactorOrchestrator.extraExcludes); not sent to the model.`);
        }
        if (stat.size > options.maxFileBytes) {
          throw new Error(`${normalized} is ${stat.size} bytes, over the ${options.maxFileBytes}-byte limit; not sent to the model.`);
        }
        const bytes = await readAll(fd, stat.size, options.maxFileBytes, normalized);
        if (bytes.subarray(0, BINARY_SNIFF_BYTES).includes(0)) throw new Error(`${normalized} is binary; not sent to the model.`);
        try {
          // Fatal decoding: a Latin-1 file decoded leniently would be rewritten with U+FFFD in place
          // of every accented letter. The BOM is kept; textFormat strips and restores it.
          return decoder.decode(bytes);
        } catch {
          throw new Error(`${normalized} is not UTF-8 text; not sent to the model (save it as UTF-8 to include it).`);
        }
      } finally {
        await closeFile(fd);
      }
    },
  };
}
