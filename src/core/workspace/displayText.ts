// Model text reaches terminals and messages: a file name, a change description, a finding, a diff.
// Some characters change how text is shown rather than what it says, and would let a model's reply
// rewrite what the user reads before they accept it. This module names them once and escapes them.

// Characters that change how text is displayed rather than what it says: C1 controls, bidi
// embeddings, overrides, isolates and marks, line and paragraph separators. `src/\u202Egnp.ts` shows
// as `src/st.png` in a review, a terminal or a diff header.
export const DISPLAY_CONTROL = /[\u0080-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
const DISPLAY_CONTROLS = new RegExp(DISPLAY_CONTROL.source, 'g');

// For a terminal, C0 controls and DEL too: ESC starts colour, cursor and title sequences, a lone CR
// returns to the start of the line so what follows overwrites what came before. Newline and tab lay
// text out; a CR right before a newline is a CRLF file's line ending and shows nothing.
const TERMINAL_CONTROLS = new RegExp(`[\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f]|\\r(?!\\n)|${DISPLAY_CONTROL.source}`, 'g');

function escaped(character: string): string {
  return `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/** Text quoted for a message: JSON quoting escapes C0 controls; display controls are escaped too. */
export function quoteForDisplay(text: string): string {
  return JSON.stringify(text).replace(DISPLAY_CONTROLS, escaped);
}

/** Text to print on a terminal: every control that could move the cursor, recolour or reorder is shown as `\uXXXX`. */
export function forTerminal(text: string): string {
  return text.replace(TERMINAL_CONTROLS, escaped);
}
