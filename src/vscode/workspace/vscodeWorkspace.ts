// The core's view of the open workspace, over `vscode.workspace`: files the models may see (after
// files.exclude, search.exclude, .gitignore, the extension's extraExcludes, secret, binary and size
// filters) and their current text, taken from the editor when a file is open with unsaved changes.
import ignore, { type Ignore } from 'ignore';
import * as vscode from 'vscode';
import { checkRelativePath, isSecretPath } from '../../core/workspace/paths';
import type { WorkspaceAccess, WorkspaceFileEntry } from '../../core/workspace/workspace';
import { combineExcludeGlob, readExcludePatterns } from './excludePatterns';
import { GitignoreRules } from './gitignoreRules';
import type { WorkspaceSettings } from '../settings';
import { confineToFolder, linkRefusalOf, WorkspacePaths } from './workspacePaths';

export interface SkippedFile {
  path: string;
  reason: string;
}

export interface VscodeWorkspace extends WorkspaceAccess {
  readonly paths: WorkspacePaths;
  /** What the last listing left out and why, for the log. */
  skipped(): SkippedFile[];
}

/** Formats that are never text; anything else is checked for NUL bytes when read. */
const BINARY_EXTENSIONS = new Set(
  'png jpg jpeg gif bmp ico webp avif tiff psd pdf zip gz tgz bz2 xz 7z rar jar war class dll exe so dylib o a lib obj bin dat wasm node pyc pyo woff woff2 ttf otf eot mp3 mp4 m4a wav ogg flac mov avi mkv webm sqlite db lockb'.split(' '),
);

const MAX_LISTED_FILES = 20_000;

export function createVscodeWorkspace(settings: WorkspaceSettings, paths: WorkspacePaths = WorkspacePaths.current()): VscodeWorkspace {
  let skipped: SkippedFile[] = [];
  const extra: Ignore = ignore().add(settings.extraExcludes);
  const decoder = new TextDecoder('utf-8');

  /** Why a path must not be read or sent to a model, or undefined when it may. */
  const refusal = (path: string): string | undefined => {
    const check = checkRelativePath(path);
    if (!check.ok) return check.reason;
    if (isSecretPath(path)) return 'looks like a secret (never sent to a model)';
    return undefined;
  };

  return {
    label: paths.folders.map((folder) => folder.name).join(', ') || '(no folder)',
    paths,
    skipped: () => [...skipped],

    async listFiles(signal: AbortSignal): Promise<WorkspaceFileEntry[]> {
      signal.throwIfAborted();
      const found: WorkspaceFileEntry[] = [];
      const left: SkippedFile[] = [];
      const cancellation = new vscode.CancellationTokenSource();
      const onAbort = (): void => cancellation.cancel();
      signal.addEventListener('abort', onAbort, { once: true });
      try {
        for (const folder of paths.folders) {
          const exclude = combineExcludeGlob(readExcludePatterns(folder.uri)) ?? null;
          const gitignore = await loadGitignore(folder, exclude, cancellation.token, decoder);
          signal.throwIfAborted();
          const uris = await vscode.workspace.findFiles(new vscode.RelativePattern(folder, '**/*'), exclude, MAX_LISTED_FILES, cancellation.token);
          signal.throwIfAborted();
          for (const uri of uris) {
            const path = paths.pathOf(uri);
            if (!path) continue;
            const relative = path.slice(paths.multiRoot ? path.indexOf('/') + 1 : 0);
            if (gitignore.ignores(relative) || extra.ignores(relative)) continue; // ignored on purpose: not worth a log line
            const why = refusal(path) ?? (isBinaryName(path) ? 'binary' : undefined);
            if (why) {
              left.push({ path, reason: why });
              continue;
            }
            found.push({ path, size: 0 });
          }
        }
        // Sizes in parallel batches: stat is cheap but there can be thousands of files.
        await forEachInBatches(found, 32, async (entry) => {
          const target = paths.resolve(entry.path);
          if (!target) return;
          // VS Code's search follows symbolic links, so a file can be listed under a harmless name
          // while it really is .git/config, a hook, a secret or a file outside: leave those out.
          const why = await linkRefusalOf(target);
          if (why) {
            entry.size = -1;
            left.push({ path: entry.path, reason: why });
            return;
          }
          try {
            entry.size = (await vscode.workspace.fs.stat(target.uri)).size;
          } catch {
            entry.size = -1;
          }
        });
        signal.throwIfAborted();
      } finally {
        signal.removeEventListener('abort', onAbort);
        cancellation.dispose();
      }
      const refusedLinks = new Set(left.map((entry) => entry.path));
      const kept = found.filter((entry) => {
        if (refusedLinks.has(entry.path)) return false;
        if (entry.size < 0) left.push({ path: entry.path, reason: 'unreadable' });
        else if (entry.size > settings.maxFileBytes) left.push({ path: entry.path, reason: `larger than ${settings.maxFileBytes} bytes` });
        else return true;
        return false;
      });
      skipped = left;
      return kept.sort((a, b) => a.path.localeCompare(b.path));
    },

    async readText(path: string): Promise<string | undefined> {
      const why = refusal(path);
      if (why) throw new Error(`${path} is not readable for the models: ${why}.`);
      const target = paths.resolve(path);
      if (!target) throw new Error(`${path} is not inside a workspace folder.`);
      await confineToFolder(target);
      const open = vscode.workspace.textDocuments.find((document) => document.uri.toString() === target.uri.toString());
      if (open && !open.isClosed) return open.getText();
      let bytes: Uint8Array;
      try {
        const stat = await vscode.workspace.fs.stat(target.uri);
        if (stat.type & vscode.FileType.Directory) throw new Error(`${path} is a folder, not a file.`);
        if (stat.size > settings.maxFileBytes) throw new Error(`${path} is larger than ${settings.maxFileBytes} bytes (refactorOrchestrator.maxFileBytes).`);
        bytes = await vscode.workspace.fs.readFile(target.uri);
      } catch (error) {
        if (error instanceof vscode.FileSystemError && error.code === 'FileNotFound') return undefined;
        throw error;
      }
      if (bytes.subarray(0, 8000).includes(0)) throw new Error(`${path} looks binary; it is not sent to a model.`);
      return decoder.decode(bytes);
    },
  };
}

function isBinaryName(path: string): boolean {
  const dot = path.lastIndexOf('.');
  return dot > path.lastIndexOf('/') && BINARY_EXTENSIONS.has(path.slice(dot + 1).toLowerCase());
}

async function loadGitignore(folder: vscode.WorkspaceFolder, exclude: string | null, token: vscode.CancellationToken, decoder: TextDecoder): Promise<GitignoreRules> {
  const rules = new GitignoreRules();
  const files = await vscode.workspace.findFiles(new vscode.RelativePattern(folder, '**/.gitignore'), exclude, 1000, token);
  for (const uri of files) {
    const base = folder.uri.path.endsWith('/') ? folder.uri.path : `${folder.uri.path}/`;
    if (!uri.path.startsWith(base)) continue;
    try {
      rules.add(uri.path.slice(base.length), decoder.decode(await vscode.workspace.fs.readFile(uri)));
    } catch {
      // An unreadable .gitignore ignores nothing, as in git.
    }
  }
  return rules;
}

async function forEachInBatches<T>(items: readonly T[], batchSize: number, action: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += batchSize) await Promise.all(items.slice(i, i + batchSize).map(action));
}

/** Text as the review compares it with the session's `original`: the editor's if open, else the disk's. */
export async function readCurrentText(uri: vscode.Uri): Promise<string | undefined> {
  const open = vscode.workspace.textDocuments.find((document) => document.uri.toString() === uri.toString());
  if (open && !open.isClosed) return open.getText();
  try {
    return new TextDecoder('utf-8').decode(await vscode.workspace.fs.readFile(uri));
  } catch (error) {
    if (error instanceof vscode.FileSystemError && error.code === 'FileNotFound') return undefined;
    throw error;
  }
}
