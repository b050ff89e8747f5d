// Applies a worker's search/replace edits to a file's text (LF, no BOM). Models copy search text
// imperfectly, so an exact match is tried first and then a whitespace-tolerant one (indentation and
// trailing whitespace ignored line by line, the replacement re-indented to where it landed).
// Models also write short search blocks (one line such as `expect(x).toBe(1);` that occurs 17 times in
// a test file). Edits come in file order, so a block that matches several places is placed at its
// first match after the previous edit's end; the same block with the same replacement, given as many
// times as it occurs, replaces each occurrence. What order cannot settle (an ambiguous first edit, or
// no match left after the previous edit) is refused rather than guessed: editing the wrong occurrence
// is worse than asking the worker again.
import type { SearchReplaceEdit } from '../schemas';

/** Why an edit could not be applied, for counting: the message says it to the model. */
export type SearchReplaceErrorKind = 'no-match' | 'ambiguous' | 'empty-search' | 'no-change';
export type SearchReplaceResult = { ok: true; content: string } | { ok: false; errors: string[]; kinds: SearchReplaceErrorKind[] };

/** A place an edit's search text matches, as character offsets, and what it becomes there. */
type Match = { start: number; end: number; text: string };

/** Applies the edits in order, each to the result of the previous one. Collects every failing edit. */
export function applySearchReplace(content: string, edits: readonly SearchReplaceEdit[]): SearchReplaceResult {
  let current = content;
  // Where the previous applied edit ended; undefined until one has been applied (no anchor yet).
  let cursor: number | undefined;
  const consumed = new Set<number>();
  const errors: string[] = [];
  const kinds: SearchReplaceErrorKind[] = [];
  edits.forEach((edit, index) => {
    if (consumed.has(index)) return;
    const label = edits.length > 1 ? `edit ${index + 1} of ${edits.length}` : 'the edit';
    const repeats = edits.flatMap((other, at) => (at > index && !consumed.has(at) && sameEdit(other, edit) ? [at] : []));
    const result = applyOrdered(current, edit, cursor, repeats.length + 1);
    if (result.ok) {
      current = result.content;
      cursor = result.end;
      if (result.replacedAll) for (const at of repeats) consumed.add(at);
    } else {
      errors.push(`${label}: ${result.error}`);
      kinds.push(result.kind);
    }
  });
  return errors.length === 0 ? { ok: true, content: current } : { ok: false, errors, kinds };
}

type EditError = { ok: false; error: string; kind: SearchReplaceErrorKind };
type OneEditResult = { ok: true; content: string } | EditError;
type OrderedResult = { ok: true; content: string; end: number; replacedAll: boolean } | EditError;

/** Applies one edit on its own: it must match in exactly one place. */
export function applyOneEdit(content: string, edit: SearchReplaceEdit): OneEditResult {
  const result = applyOrdered(content, edit, undefined, 1);
  return result.ok ? { ok: true, content: result.content } : result;
}

/**
 * `cursor` is where the previous edit ended (undefined for the first edit); `copies` is how many
 * not yet applied edits, this one included, have exactly this search and replacement.
 */
function applyOrdered(content: string, edit: SearchReplaceEdit, cursor: number | undefined, copies: number): OrderedResult {
  if (edit.search.trim() === '') {
    // An empty search only makes sense when there is nothing to search in yet.
    if (content.trim() === '') return { ok: true, content: edit.replace, end: edit.replace.length, replacedAll: false };
    return { ok: false, kind: 'empty-search', error: 'the search text is empty; copy the lines to replace from the current file' };
  }
  // An edit that changes nothing means the model thinks it changed something it did not.
  if (edit.replace === edit.search) return { ok: false, kind: 'no-change', error: `the replacement is the same as the search text (starting "${firstLine(edit.search)}"), so the edit changes nothing; put the changed lines in "replace"` };
  const found = findMatches(content, edit);
  if (!found.ok) return found;
  const { matches } = found;
  if (matches.length === 1) return { ...replaceAt(content, matches), replacedAll: false };
  if (copies === matches.length && !overlapping(matches)) return { ...replaceAt(content, matches), replacedAll: true };
  if (cursor === undefined) return { ok: false, kind: 'ambiguous', error: ambiguous(edit.search, matches.length, 'first') };
  const next = matches.find((match) => match.start >= cursor);
  if (next === undefined) return { ok: false, kind: 'ambiguous', error: ambiguous(edit.search, matches.length, 'none-after') };
  return { ...replaceAt(content, [next]), replacedAll: false };
}

/** Replaces non-overlapping matches; `end` is where the last replacement ends in the new text. */
function replaceAt(content: string, matches: readonly Match[]): { ok: true; content: string; end: number } {
  let out = '';
  let from = 0;
  for (const match of matches) {
    out += content.slice(from, match.start) + match.text;
    from = match.end;
  }
  const end = out.length;
  return { ok: true, content: out + content.slice(from), end };
}

function overlapping(matches: readonly Match[]): boolean {
  return matches.some((match, i) => i > 0 && match.start < (matches[i - 1]?.end ?? 0));
}

function sameEdit(a: SearchReplaceEdit, b: SearchReplaceEdit): boolean {
  return a.search === b.search && a.replace === b.replace;
}

type Found = { ok: true; matches: Match[] } | EditError;

function findMatches(content: string, edit: SearchReplaceEdit): Found {
  const { search } = edit;
  const exact = findAll(content, search);
  if (exact.length > 0) {
    const text = matchTrailingNewline(search, edit.replace);
    return { ok: true, matches: exact.map((at) => ({ start: at, end: at + search.length, text })) };
  }
  return findTolerant(content, edit);
}

function findTolerant(content: string, edit: SearchReplaceEdit): Found {
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

  const lineStarts: number[] = [];
  let offset = 0;
  for (const line of lines) {
    lineStarts.push(offset);
    offset += line.length + 1;
  }
  const searchIndent = indentOf(searchLines.slice(first, last).find((line) => line.trim() !== '') ?? '');
  const replaceLines = edit.replace === '' ? [] : withoutFinalEmpty(edit.replace.split('\n'));
  // The blank lines trimmed off the search stay in the file, so drop as many from the replacement.
  for (let i = 0; i < first && replaceLines[0]?.trim() === ''; i++) replaceLines.shift();
  for (let i = 0; i < wanted.length - last && replaceLines[replaceLines.length - 1]?.trim() === ''; i++) replaceLines.pop();

  const matches: Match[] = [];
  for (let start = 0; start + core.length <= lines.length; start++) {
    let same = true;
    for (let i = 0; i < core.length && same; i++) same = (lines[start + i] ?? '').trim() === core[i];
    if (!same) continue;
    const matchIndent = indentOf(lines.slice(start, start + core.length).find((line) => line.trim() !== '') ?? '');
    const text = replaceLines.map((line) => reindent(line, searchIndent, matchIndent)).join('\n');
    const lastLine = start + core.length - 1;
    let from = lineStarts[start] ?? 0;
    let to = (lineStarts[lastLine] ?? 0) + (lines[lastLine] ?? '').length;
    // Removing the lines entirely takes one line break with them, as splicing the line array would.
    if (replaceLines.length === 0) {
      if (to < content.length) to += 1;
      else if (from > 0) from -= 1;
    }
    matches.push({ start: from, end: to, text });
  }
  if (matches.length === 0) return { ok: false, kind: 'no-match', error: notFound(edit.search) };
  return { ok: true, matches };
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

function ambiguous(search: string, count: number, why: 'first' | 'none-after'): string {
  const order =
    why === 'first'
      ? 'and it is the first edit, so no earlier edit tells which one is meant'
      : 'and none of them comes after the previous edit (edits are applied in file order)';
  return `search text is ambiguous: it matches ${count} places (starting "${firstLine(search)}") ${order}; include more surrounding lines so it matches once`;
}
