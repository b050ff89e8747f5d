// How the core sees a workspace. The CLI implements it over the file system, the extension over
// `vscode.workspace` (including unsaved editor text). Paths are workspace-relative with forward
// slashes; in a multi-root workspace the adapter prefixes each with its folder name.

export interface WorkspaceFileEntry {
  path: string;
  size: number;
}

export interface WorkspaceAccess {
  /** Human-readable root, for messages only. */
  readonly label: string;
  /** Files the planner may see: already filtered for ignores, secrets, binaries and size. */
  listFiles(signal: AbortSignal): Promise<WorkspaceFileEntry[]>;
  /** Current text of a file, or undefined when it does not exist. Throws a clear error for binary or unreadable files. */
  readText(path: string): Promise<string | undefined>;
}
