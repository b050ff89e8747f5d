// Syntax checks for JSON files with a real JSONC parser: package.json must be strict JSON (npm
// rejects comments and trailing commas), while tsconfig/jsconfig, .vscode settings and *.jsonc files
// are JSONC. Only errors the proposal introduces are reported.
import { parse, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { newDiagnostics } from './newDiagnostics';
import type { NewDiagnostic, TreeChange } from './proposedTree';

export function isJsonPath(path: string): boolean {
  return path.endsWith('.json') || path.endsWith('.jsonc');
}

/** Files read by tools that accept comments and trailing commas. */
export function allowsComments(path: string): boolean {
  const base = path.slice(path.lastIndexOf('/') + 1);
  return (
    path.endsWith('.jsonc') ||
    /^(tsconfig|jsconfig)(\..+)?\.json$/.test(base) ||
    path.startsWith('.vscode/') ||
    path.includes('/.vscode/') ||
    base === 'devcontainer.json' ||
    base === '.devcontainer.json' ||
    base === '.eslintrc.json'
  );
}

interface JsonProblem {
  path: string;
  code: string;
  message: string;
  line: number;
}

export function jsonProblems(path: string, text: string): JsonProblem[] {
  const errors: ParseError[] = [];
  const jsonc = allowsComments(path);
  parse(text.replace(/^\uFEFF/, ''), errors, { allowTrailingComma: jsonc, disallowComments: !jsonc, allowEmptyContent: false });
  const bom = text.startsWith('\uFEFF') ? 1 : 0;
  return errors.map((error) => {
    const name = printParseErrorCode(error.error);
    return { path, code: `JSON-${name}`, message: `${describeJsonError(name)}${jsonc ? '' : ' (this file must be strict JSON)'}`, line: lineAt(text, error.offset + bom) };
  });
}

/** New JSON syntax errors in the proposed JSON files of `changes`. */
export function checkJsonChanges(changes: readonly TreeChange[]): { diagnostics: NewDiagnostic[]; checked: number } {
  const diagnostics: NewDiagnostic[] = [];
  let checked = 0;
  for (const change of changes) {
    if (change.proposed === null || !isJsonPath(change.path)) continue;
    checked++;
    const before = change.original === null ? [] : jsonProblems(change.path, change.original);
    for (const p of newDiagnostics(before, jsonProblems(change.path, change.proposed))) {
      diagnostics.push({ path: p.path, line: p.line, code: p.code, message: p.message, severity: 'error', causes: [] });
    }
  }
  return { diagnostics, checked };
}

function describeJsonError(name: string): string {
  const words: Record<string, string> = {
    InvalidSymbol: 'invalid symbol',
    InvalidNumberFormat: 'invalid number',
    PropertyNameExpected: 'property name expected',
    ValueExpected: 'value expected',
    ColonExpected: 'colon expected',
    CommaExpected: 'comma expected',
    CloseBraceExpected: 'closing brace expected',
    CloseBracketExpected: 'closing bracket expected',
    EndOfFileExpected: 'end of file expected',
    InvalidCommentToken: 'comments are not allowed',
    UnexpectedEndOfComment: 'unterminated comment',
    UnexpectedEndOfString: 'unterminated string',
    UnexpectedEndOfNumber: 'unterminated number',
    InvalidUnicode: 'invalid unicode escape',
    InvalidEscapeCharacter: 'invalid escape character',
    InvalidCharacter: 'invalid character',
  };
  return `JSON syntax error: ${words[name] ?? name}`;
}

/** 1-based line of a character offset. */
export function lineAt(text: string, offset: number): number {
  let line = 1;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}
