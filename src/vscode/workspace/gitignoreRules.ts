// `.gitignore` rules for one workspace folder: VS Code only honours them through a proposed API, so
// they are applied here with the `ignore` package. Each `.gitignore` governs its own directory and
// below, as in git.
import ignore, { type Ignore } from 'ignore';

export class GitignoreRules {
  /** Directory (folder-relative, '' for the root) → its rules. */
  private readonly byDirectory = new Map<string, Ignore>();

  /** `gitignorePath` is folder-relative, e.g. "packages/a/.gitignore". */
  add(gitignorePath: string, content: string): void {
    const slash = gitignorePath.lastIndexOf('/');
    const directory = slash < 0 ? '' : gitignorePath.slice(0, slash);
    this.byDirectory.set(directory, ignore().add(content));
  }

  /** Whether a folder-relative file path is ignored by any `.gitignore` above it. */
  ignores(relativePath: string): boolean {
    for (const [directory, rules] of this.byDirectory) {
      if (directory === '') {
        if (rules.ignores(relativePath)) return true;
      } else if (relativePath.startsWith(`${directory}/`)) {
        if (rules.ignores(relativePath.slice(directory.length + 1))) return true;
      }
    }
    return false;
  }
}
