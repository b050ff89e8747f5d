// Applies a worker's search/replace edits to a file's text (LF, no BOM). Models copy search text
// imperfectly, so an exact match is tried first and then a whitespace-tolerant one (indentation and
// trailing whitespace ignored line by line, the replacement re-indented to where it landed). A search
// that matches in more than one place is refused rather than guessed: editing the wrong occurrence is
// worse than asking the worker again.
import type { SearchReplaceEdit } from '../schemas';

/** Why an edit could not be applied, for counting: the message says it to the model. */
export type SearchReplaceErrorKind = 'no-match' | 'ambiguous' | 'empty-search' | 'no-change';
export type SearchReplaceResult = { ok: true; content: string } | { ok: false; errors: string[]; kinds: SearchReplaceErrorKind[] };

/** Applies the edits in order, each to the result of the previous one. Collects every failing edit. */
export function applySearchReplace(content: string, edits: readonly SearchReplaceEdit[]): SearchReplaceResult {
  let current = content;
  const errors: string[] = [];
  const kinds: SearchReplaceErrorKind[] = [];
  edits.forEach((edit, index) => {
    const label = edits.length > 1 ? `edit ${index + 1} of ${edits.length}` : 'the edit';
    const result = applyOneEdit(current, edit);
    if (result.ok) current = result.content;
    else {
      errors.push(`${label}: ${result.error}`);
      kinds.push(result.kind);
    }
  });
  return errors.length === 0 ? { ok: true, content: current } : { ok: false, errors, kinds };
}

type OneEditResult = { ok: true; content: string } | { ok: false; error: string; kind: SearchReplaceErrorKind };

export function applyOneEdit(content: string, edit: SearchReplaceEdit): OneEditResult {
  const { search } = edit;
  if (search.trim() === '') {
    // An empty search only makes sense when there is nothing to search in yet.
    if (content.trim() === '') return { ok: true, content: edit.replace };
    return { ok: false, kind: 'empty-search', error: 'the search text is empty; copy the lines to replace from the current file' };
  }
  // An edit that changes nothing means the model thinks it changed something it did not.
  if (edit.replace === search) return { ok: false, kind: 'no-change', error: `the replacement is the same as the search text (starting "${firstLine(search)}"), so the edit changes nothing; put the changed lines in "replace"` };

  const exact = findAll(content, search);
  if (exact.length === 1) {
    const at = exact[0] ?? 0;
    const replace = matchTrailingNewline(search, edit.replace);
    return { ok: true, content: content.slice(0, at) + replace + content.slice(at + search.length) };
  }
  if (exact.length > 1) return { ok: false, kind: 'ambiguous', error: ambiguous(search, exact.length) };

  return applyTolerant(content, edit);
}

function applyTolerant(content: string, edit: SearchReplaceEdit): OneEditResult {
  const lines = content.split('\n');
  const searchLines = withoutFinalEmpty(edit.search.split('\n'));
  const wanted = searchLines.map((line) => line.trim());
  // Leading and trailing blank lines in the search would only make the match fragile.
  let first = 0;
  let last = wanted.length;
  while (first < last && wanted[first] === '') first++;
  while (last > first && wanted[last - 1] === '') last--;
  const core = wanted.slice(first, last);
  if (core.length === 0) return { ok: false, kind: 'empty-search', error: 'the search text has only blank lines' };

  const matches: number[] = [];
  for (let start = 0; start + core.length <= lines.length; start++) {
    let same = true;
    for (let i = 0; i < core.length && same; i++) same = (lines[start + i] ?? '').trim() === core[i];
    if (same) matches.push(start);
  }
  if (matches.length === 0) return { ok: false, kind: 'no-match', error: notFound(edit.search) };
  if (matches.length > 1) return { ok: false, kind: 'ambiguous', error: ambiguous(edit.search, matches.length) };

  const start = matches[0] ?? 0;
  const searchIndent = indentOf(searchLines.slice(first, last).find((line) => line.trim() !== '') ?? '');
  const matchIndent = indentOf(lines.slice(start, start + core.length).find((line) => line.trim() !== '') ?? '');
  const replaceLines = edit.replace === '' ? [] : withoutFinalEmpty(edit.replace.split('\n'));
  // The blank lines trimmed off the search stay in the file, so drop as many from the replacement.
  for (let i = 0; i < first && replaceLines[0]?.trim() === ''; i++) replaceLines.shift();
  for (let i = 0; i < wanted.length - last && replaceLines[replaceLines.length - 1]?.trim() === ''; i++) replaceLines.pop();
  const reindented = replaceLines.map((line) => reindent(line, searchIndent, matchIndent));
  lines.splice(start, core.length, ...reindented);
  return { ok: true, content: lines.join('\n') };
}

/** Moves a replacement line from the indentation the model used to the one the file actually has. */
function reindent(line: string, searchIndent: string, matchIndent: string): string {
  if (line.trim() === '' || searchIndent === matchIndent) return line;
  if (line.startsWith(searchIndent)) return matchIndent + line.slice(searchIndent.length);
  if (matchIndent.startsWith(searchIndent)) return matchIndent.slice(searchIndent.length) + line;
  return line;
}

function indentOf(line: string): string {
  return /^[ \t]*/.exec(line)?.[0] ?? '';
}

function withoutFinalEmpty(lines: string[]): string[] {
  return lines.length > 1 && lines[lines.length - 1] === '' ? lines.slice(0, -1) : lines;
}

/**
 * Models often disagree with themselves about the final newline of a block; follow the search text
 * so a replaced block neither glues two lines together nor adds a blank line.
 */
function matchTrailingNewline(search: string, replace: string): string {
  if (replace === '') return replace;
  const searchEnds = search.endsWith('\n');
  const replaceEnds = replace.endsWith('\n');
  if (searchEnds && !replaceEnds) return `${replace}\n`;
  if (!searchEnds && replaceEnds) return replace.slice(0, -1);
  return replace;
}

function findAll(haystack: string, needle: string): number[] {
  const found: number[] = [];
  for (let at = haystack.indexOf(needle); at !== -1; at = haystack.indexOf(needle, at + 1)) found.push(at);
  return found;
}

function firstLine(search: string): string {
  const line = search.split('\n').find((l) => l.trim() !== '') ?? '';
  return line.trim().length > 80 ? `${line.trim().slice(0, 80)}…` : line.trim();
}

function notFound(search: string): string {
  return `search text not found in the current file (starting "${firstLine(search)}"); copy the lines exactly from the file shown`;
}

function ambiguous(search: string, count: number): string {
  return `search text is ambiguous: it matches ${count} places (starting "${firstLine(search)}"); include more surrounding lines so it matches once`;
}
