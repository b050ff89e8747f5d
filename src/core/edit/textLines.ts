// Line counting shared by the engine's size thresholds, truncation check and line clamping. A final
// newline ends the last line rather than starting an empty one, as editors count.

export function countLines(text: string): number {
  if (text === '') return 0;
  const parts = text.split('\n').length;
  return text.endsWith('\n') ? parts - 1 : parts;
}
