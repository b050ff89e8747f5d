// Maps the core's workspace-relative paths to VS Code URIs and back. With one folder, paths are
// relative to it; with several, each path starts with its folder's name ("api/src/a.ts"), so the
// models can tell the folders apart and every path still names exactly one file.
import * as vscode from 'vscode';
import { checkRelativePath, linkRefusal, PathRejectedError, resolveInsideWorkspace } from '../../core/workspace/paths';

export interface WorkspacePathTarget {
  folder: vscode.WorkspaceFolder;
  /** Path inside the folder, forward slashes. */
  relative: string;
  uri: vscode.Uri;
}

export class WorkspacePaths {
  private readonly prefixes: Map<string, vscode.WorkspaceFolder>;

  constructor(readonly folders: readonly vscode.WorkspaceFolder[]) {
    this.prefixes = new Map();
    for (const folder of folders) {
      // Two folders with the same name get distinct prefixes; the first keeps the plain name.
      let prefix = folder.name.replace(/[\\/]/g, '_');
      for (let n = 2; this.prefixes.has(prefix); n++) prefix = `${folder.name}-${n}`;
      this.prefixes.set(prefix, folder);
    }
  }

  static current(): WorkspacePaths {
    return new WorkspacePaths(vscode.workspace.workspaceFolders ?? []);
  }

  get multiRoot(): boolean {
    return this.folders.length > 1;
  }

  /** Where a workspace path points, or undefined when it names no folder. Does no safety checks. */
  resolve(path: string): WorkspacePathTarget | undefined {
    let folder: vscode.WorkspaceFolder | undefined;
    let relative = path;
    if (this.multiRoot) {
      const slash = path.indexOf('/');
      if (slash <= 0) return undefined;
      folder = this.prefixes.get(path.slice(0, slash));
      relative = path.slice(slash + 1);
    } else {
      folder = this.folders[0];
    }
    if (!folder || relative === '') return undefined;
    return { folder, relative, uri: vscode.Uri.joinPath(folder.uri, ...relative.split('/')) };
  }

  /** The workspace path of a URI inside one of the folders, or undefined. */
  pathOf(uri: vscode.Uri): string | undefined {
    for (const [prefix, folder] of this.prefixes) {
      const base = folder.uri.path.endsWith('/') ? folder.uri.path : `${folder.uri.path}/`;
      if (uri.scheme !== folder.uri.scheme || uri.authority !== folder.uri.authority || !uri.path.startsWith(base)) continue;
      const relative = uri.path.slice(base.length);
      if (relative === '') return undefined;
      return this.multiRoot ? `${prefix}/${relative}` : relative;
    }
    return undefined;
  }

  /** The workspace path of a folder-relative path. */
  join(folder: vscode.WorkspaceFolder, relative: string): string {
    if (!this.multiRoot) return relative;
    for (const [prefix, candidate] of this.prefixes) if (candidate === folder || candidate.uri.toString() === folder.uri.toString()) return `${prefix}/${relative}`;
    return relative;
  }
}

/**
 * Throws PathRejectedError unless `target` is safe to read for a prompt or to write: the text check,
 * then, on disk, the same rules on where it really leads (VS Code's file system follows links, so
 * without this a link named like a source file would hand the model any file, and a write through a
 * linked folder could land in .git/hooks or .vscode/).
 */
export async function confineToFolder(target: WorkspacePathTarget): Promise<void> {
  const check = checkRelativePath(target.relative);
  if (!check.ok) throw new PathRejectedError(`Refused path: ${check.reason}`);
  if (target.folder.uri.scheme !== 'file') return; // no real path to resolve; the text check applies
  await resolveInsideWorkspace(target.folder.uri.fsPath, target.relative);
}

/** Why a listed file is reached through a link that leads out of its folder or somewhere protected, or undefined. */
export async function linkRefusalOf(target: WorkspacePathTarget): Promise<string | undefined> {
  if (target.folder.uri.scheme !== 'file') return undefined;
  const why = await linkRefusal(target.folder.uri.fsPath, target.relative);
  return why === undefined ? undefined : `symbolic link, not followed: it ${why}`;
}
