// Models see and produce LF text without a byte-order mark; files keep what they had. Detect the
// file's conventions before a round-trip and restore them after, so a CRLF file with a BOM comes
// back CRLF with a BOM and the diff shows only the real change. A file with mixed endings keeps
// each unchanged line's own ending (new and edited lines get the majority ending, LF on a tie):
// the diff is computed on LF text, so flipping the ending of an unchanged line would write a change
// the review never showed.
import { diffArrays } from 'diff';

export interface TextFormat {
  eol: '\n' | '\r\n';
  bom: boolean;
}

const BOM = '\uFEFF';
/** Beyond this many edited lines, matching lines up costs more than it is worth; use the majority ending. */
const MAX_ALIGNED_EDITS = 2000;

export function detectTextFormat(text: string): TextFormat {
  const { crlf, lf } = countEndings(text);
  return { eol: crlf > lf ? '\r\n' : '\n', bom: text.startsWith(BOM) };
}

export function toModelText(text: string): string {
  return (text.startsWith(BOM) ? text.slice(1) : text).replace(/\r\n/g, '\n');
}

export function fromModelText(text: string, format: TextFormat): string {
  const lf = toModelText(text);
  const withEol = format.eol === '\r\n' ? lf.replace(/\n/g, '\r\n') : lf;
  return format.bom ? BOM + withEol : withEol;
}

/** The model's text with `original`'s BOM and line endings, line by line where the endings are mixed. */
export function restoreTextFormat(text: string, original: string): string {
  const format = detectTextFormat(original);
  const { crlf, lf } = countEndings(original);
  if (crlf === 0 || lf === 0) return fromModelText(text, format);

  const before = splitLines(original.startsWith(BOM) ? original.slice(1) : original);
  const after = splitLines(toModelText(text));
  const parts = diffArrays(before.map((l) => l.content), after.map((l) => l.content), { maxEditLength: MAX_ALIGNED_EDITS });
  if (!parts) return fromModelText(text, format);

  let oldIndex = 0;
  let newIndex = 0;
  let result = format.bom ? BOM : '';
  for (const part of parts) {
    if (part.removed) {
      oldIndex += part.count;
      continue;
    }
    for (let i = 0; i < part.count; i++) {
      const line = after[newIndex++];
      // A kept line keeps its ending; a kept last line that gained a successor gets the majority one.
      const kept = part.added ? undefined : before[oldIndex++]?.ending;
      result += (line?.content ?? '') + (line?.ending === '' ? '' : kept || format.eol);
    }
  }
  return result;
}

interface Line {
  content: string;
  ending: '' | '\n' | '\r\n';
}

function splitLines(text: string): Line[] {
  return text.split(/(?<=\n)/).filter((piece) => piece !== '').map((piece) => {
    if (piece.endsWith('\r\n')) return { content: piece.slice(0, -2), ending: '\r\n' };
    if (piece.endsWith('\n')) return { content: piece.slice(0, -1), ending: '\n' };
    return { content: piece, ending: '' };
  });
}

function countEndings(text: string): { crlf: number; lf: number } {
  const crlf = (text.match(/\r\n/g) ?? []).length;
  return { crlf, lf: (text.match(/\n/g) ?? []).length - crlf };
}
