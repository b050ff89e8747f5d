// Models asked for JSON do not always send only JSON: they wrap it in ```json fences, add a sentence
// before or after, or start with a BOM. This finds the JSON value they meant. It does not "fix" JSON
// (trailing commas, comments, single quotes): invalid JSON goes back to the model in a repair round,
// because a guessed fix can silently change what the model said.

/** Where to look, most likely first: the whole reply, fenced blocks (json-labelled first), then any balanced {…}/[…] span. */
export function jsonCandidates(text: string): string[] {
  const cleaned = text.replace(/^\uFEFF/, '').trim();
  const candidates: string[] = [];
  const add = (candidate: string): void => {
    const trimmed = candidate.replace(/^\uFEFF/, '').trim();
    if (trimmed !== '' && !candidates.includes(trimmed)) candidates.push(trimmed);
  };

  if (startsLikeJson(cleaned)) add(cleaned);

  const fences = fencedBlocks(cleaned);
  for (const fence of fences) if (/^json5?c?$/i.test(fence.label)) add(fence.body);
  for (const fence of fences) if (fence.label === '') add(fence.body);

  for (const span of balancedSpans(cleaned)) add(span);
  return candidates;
}

export type JsonParseResult = { ok: true; values: unknown[] } | { ok: false; error: string };

/**
 * Every candidate that parses, in candidate order (the caller picks the first that fits its schema).
 * When none parses, the error of the most likely candidate, worded for a repair prompt.
 */
export function parseJsonReply(text: string): JsonParseResult {
  const candidates = jsonCandidates(text);
  if (candidates.length === 0) return { ok: false, error: 'the reply contains no JSON object' };
  const values: unknown[] = [];
  let firstError: string | undefined;
  for (const candidate of candidates) {
    try {
      values.push(JSON.parse(candidate));
    } catch (error) {
      firstError ??= error instanceof Error ? error.message : String(error);
    }
  }
  if (values.length > 0) return { ok: true, values };
  return { ok: false, error: `the reply is not valid JSON (${firstError ?? 'unparseable'})` };
}

function startsLikeJson(text: string): boolean {
  return text.startsWith('{') || text.startsWith('[');
}

interface Fence {
  label: string;
  body: string;
}

/** ``` or ~~~ fences starting at a line start; an unclosed final fence runs to the end (cut-off replies). */
function fencedBlocks(text: string): Fence[] {
  const fences: Fence[] = [];
  const opening = /^[ \t]*(`{3,}|~{3,})[ \t]*([A-Za-z0-9_+-]*)[^\n]*\n/gm;
  let match: RegExpExecArray | null;
  while ((match = opening.exec(text)) !== null) {
    const marker = match[1] ?? '```';
    const bodyStart = match.index + match[0].length;
    const closing = new RegExp(`^[ \\t]*${marker[0] === '`' ? '`' : '~'}{${marker.length},}[ \\t]*$`, 'm');
    const rest = text.slice(bodyStart);
    const end = closing.exec(rest);
    const body = end ? rest.slice(0, end.index) : rest;
    fences.push({ label: (match[2] ?? '').toLowerCase(), body });
    opening.lastIndex = end ? bodyStart + end.index + end[0].length : text.length;
  }
  return fences;
}

/** At most this many start positions are tried, so a long prose reply full of braces stays cheap. */
const MAX_SPAN_STARTS = 20;

/** Balanced {…} or […] spans, scanning strings properly so braces inside strings do not count. */
function balancedSpans(text: string): string[] {
  const spans: string[] = [];
  let starts = 0;
  for (let i = 0; i < text.length && starts < MAX_SPAN_STARTS; i++) {
    const ch = text[i];
    if (ch !== '{' && ch !== '[') continue;
    starts++;
    const end = matchingClose(text, i);
    if (end !== undefined) {
      spans.push(text.slice(i, end + 1));
      // The next candidate begins after this span: nested starts are parts of it, not alternatives.
      i = end;
    }
  }
  return spans;
}

function matchingClose(text: string, start: number): number | undefined {
  const stack: string[] = [];
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') inString = true;
    else if (ch === '{') stack.push('}');
    else if (ch === '[') stack.push(']');
    else if (ch === '}' || ch === ']') {
      if (stack.pop() !== ch) return undefined;
      if (stack.length === 0) return i;
    }
  }
  return undefined;
}
