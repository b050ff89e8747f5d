// Models asked for a whole file sometimes reply with a sketch: `// ... rest of code unchanged ...`.
// Applied as-is, that silently deletes code. These checks find such markers (only when the original
// did not already contain the same line, so a file that legitimately has `...` is not punished) and
// replies that lost most of a large file without being asked to.
import { countLines } from './textLines';

/** Lines a file must have before a big shrink is treated as truncation rather than an edit. */
const LARGE_FILE_LINES = 40;
/** A reply keeping less than this share of a large file's lines looks truncated. */
const MIN_KEPT_SHARE = 0.5;

const ELLIPSIS = String.raw`(?:\.\s?\.\s?\.+|…)`;
const LONE_ELLIPSIS = new RegExp(String.raw`^${ELLIPSIS}$`);
/** `...existing code...`, `… rest of file unchanged`, written as bare text. */
const BARE_ELISION = new RegExp(String.raw`^${ELLIPSIS}\s*(?:rest of|remaining|existing|unchanged|omitted|previous|same as)\b[^;,(){}=]*$`, 'i');
/** Comment openers of the languages a workspace is likely to hold. */
const COMMENT = /^(?:\/\/+|#+|\/\*+|\*+|<!--|--|;+|\{\/\*|%|'|rem\b)\s*/i;
const COMMENT_CLOSER = /\s*(?:\*+\/\}?|-->)\s*$/;
/** Words that, next to an ellipsis in a comment, mean "I left code out". */
const ELISION_WORDS = /\b(?:rest of|remaining|remainder|existing|unchanged|omitted|same as|as before|as is|previous(?:ly)?|other \w+|code here|more code|etc)\b/i;
/** The same, said without an ellipsis: `// rest of the file unchanged`. */
const ELISION_SENTENCE = /\b(?:rest of (?:the )?(?:code|file|class|function|method|module|implementation|component|content|body)|(?:existing|remaining|other) (?:code|methods|functions|members|implementation|content))\b.*\b(?:unchanged|omitted|remains?|same|as (?:before|is)|here|goes here|stays?)\b/i;
const UNCHANGED_ONLY = /^\(?\s*(?:unchanged|no changes|same as before|as before)\s*\)?\.?$/i;

/** True when `line` reads like an elision marker (a stand-in for code the model left out). */
export function isElisionMarker(line: string): boolean {
  const trimmed = line.trim();
  if (trimmed === '') return false;
  if (LONE_ELLIPSIS.test(trimmed) || BARE_ELISION.test(trimmed)) return true;
  const opener = COMMENT.exec(trimmed);
  if (!opener) return false;
  const body = trimmed.slice(opener[0].length).replace(COMMENT_CLOSER, '').trim();
  const withoutEllipses = body.replace(new RegExp(ELLIPSIS, 'g'), '').replace(/[\s()[\]{}.,:;-]/g, '');
  const hasEllipsis = new RegExp(ELLIPSIS).test(body);
  if (hasEllipsis && withoutEllipses === '') return true; // `// ...`, `<!-- ... -->`, `/* ... */`
  if (hasEllipsis && ELISION_WORDS.test(body)) return true;
  if (ELISION_SENTENCE.test(body) || UNCHANGED_ONLY.test(body)) return true;
  // `/* ... */ existing code`: the marker is a comment followed by prose.
  const afterComment = /^\/\*\s*(?:\.\s?\.\s?\.+|…)\s*\*\/\s*(.*)$/.exec(trimmed);
  return afterComment !== null;
}

/**
 * The first elision marker in `reply` whose line does not also appear in `original`, or undefined.
 * `original` is the text the model was shown (for search/replace, the file plus the edit's search).
 */
export function findElision(reply: string, original: string | null): string | undefined {
  const known = new Set((original ?? '').split('\n').map((line) => line.trim()));
  for (const line of reply.split('\n')) {
    if (isElisionMarker(line) && !known.has(line.trim())) return line.trim();
  }
  return undefined;
}

/** Why a whole-file reply looks elided or truncated, or undefined when it looks complete. */
export function wholeFileProblem(original: string | null, reply: string, description: string): string | undefined {
  const marker = findElision(reply, original);
  if (marker !== undefined) {
    return `the reply elides code with "${marker}"; return the complete file with every unchanged line written out`;
  }
  if (original === null) return undefined;
  const originalLines = countLines(original);
  const replyLines = countLines(reply);
  const asksToRemove = /\b(delet|remov|drop|strip|trim|shorten|split|extract|mov|prun|clean|consolidat|simplif|replac)/i.test(description);
  if (originalLines >= LARGE_FILE_LINES && replyLines < originalLines * MIN_KEPT_SHARE && !asksToRemove) {
    return `the reply has ${replyLines} lines where the file had ${originalLines}; it looks truncated. Return the complete file`;
  }
  return undefined;
}
