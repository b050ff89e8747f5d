// Models see and produce LF text without a byte-order mark; files keep what they had. Detect the
// file's conventions before a round-trip and restore them after, so a CRLF file with a BOM comes
// back CRLF with a BOM and the diff shows only the real change. A file with mixed endings comes back
// with its majority ending (LF on a tie): models cannot be trusted to keep per-line endings, and one
// consistent ending is the least surprising loss.

export interface TextFormat {
  eol: '\n' | '\r\n';
  bom: boolean;
}

const BOM = '\uFEFF';

export function detectTextFormat(text: string): TextFormat {
  const crlf = (text.match(/\r\n/g) ?? []).length;
  const lf = (text.match(/\n/g) ?? []).length - crlf;
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
