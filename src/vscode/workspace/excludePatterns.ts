// The exclude glob for `workspace.findFiles`. Passing any exclude replaces VS Code's defaults, and
// `search.exclude` is never applied by findFiles, so both `files.exclude` and `search.exclude` are
// read here and merged. VS Code's glob has no nested braces, so patterns that use braces themselves
// are expanded before being joined into one `{a,b,c}` glob.
import * as vscode from 'vscode';

/** The enabled patterns of `files.exclude` and `search.exclude` for a folder. */
export function readExcludePatterns(scope: vscode.Uri | undefined): string[] {
  const patterns = new Set<string>();
  for (const [section, key] of [
    ['files', 'exclude'],
    ['search', 'exclude'],
  ] as const) {
    const value = vscode.workspace.getConfiguration(section, scope).get<unknown>(key);
    if (!value || typeof value !== 'object') continue;
    for (const [pattern, enabled] of Object.entries(value as Record<string, unknown>)) {
      // `{ when: "$(basename).ts" }` excludes depend on sibling files; treating them as "always" would
      // hide real sources (e.g. every .js next to a .ts), so they are left to the binary/size filters.
      if (enabled === true) patterns.add(pattern);
    }
  }
  return [...patterns];
}

export function combineExcludeGlob(patterns: readonly string[]): string | undefined {
  const flat = [...new Set(patterns.flatMap(expandBraces))].filter((p) => p !== '' && !p.includes(','));
  if (flat.length === 0) return undefined;
  return flat.length === 1 ? flat[0] : `{${flat.join(',')}}`;
}

/** `**\/*.{js,map}` → [`**\/*.js`, `**\/*.map`]; nested braces expand recursively. */
export function expandBraces(pattern: string): string[] {
  const open = pattern.indexOf('{');
  if (open < 0) return [pattern];
  let depth = 0;
  let close = -1;
  const commas: number[] = [];
  for (let i = open; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '{') depth++;
    else if (c === '}') {
      depth--;
      if (depth === 0) {
        close = i;
        break;
      }
    } else if (c === ',' && depth === 1) commas.push(i);
  }
  if (close < 0) return [pattern];
  const head = pattern.slice(0, open);
  const tail = pattern.slice(close + 1);
  const bounds = [open, ...commas, close];
  const options: string[] = [];
  for (let i = 0; i + 1 < bounds.length; i++) options.push(pattern.slice((bounds[i] ?? 0) + 1, bounds[i + 1]));
  return options.flatMap((option) => expandBraces(`${head}${option}${tail}`));
}
