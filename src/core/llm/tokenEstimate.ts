// When a server reports no usage we still want meters that mean something. ~4 characters per token is
// the usual rule of thumb for English text and code with BPE tokenizers; good enough for a running total.
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}
