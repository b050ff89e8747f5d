// The one seam between the orchestration core and any model backend. The OpenAI-compatible client
// implements it in core; the VS Code adapter implements it over `vscode.lm`. Everything above this
// interface (structured output, retries on invalid JSON, usage) is backend-agnostic.

export type ModelRole = 'planner' | 'worker' | 'verifier';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface ChatRequest {
  role: ModelRole;
  messages: ChatMessage[];
  /** When set, ask the backend for output constrained to this JSON schema (if it can). */
  jsonSchema?: { name: string; schema: Record<string, unknown> };
  maxOutputTokens?: number;
  signal: AbortSignal;
  /** Streaming text as it arrives, for progress display. */
  onDelta?: (text: string) => void;
  /**
   * Epoch ms: a call the server rate-limits (429) waits and asks again until then, instead of failing
   * after a fixed number of retries. Unset: the provider's own retry count applies.
   */
  deadline?: number;
  /** Things the run's log should say about this call (rate limiting, the in-flight cap changing…). */
  log?: (level: 'info' | 'warn', message: string) => void;
  /** One key per run, so the server can route every call sharing the run's prompt prefix to its cache. */
  cacheKey?: string;
  /** What the reply will most likely be (the file as it is), for servers that accept predicted outputs. */
  prediction?: string;
}

export type FinishReason = 'stop' | 'length' | 'content_filter' | 'refusal' | 'other';

export interface ChatResponse {
  text: string;
  finishReason: FinishReason;
  refusal?: string;
  usage: ChatUsage;
  model: string;
}

export interface ChatUsage {
  promptTokens: number;
  completionTokens: number;
  /** Prompt tokens the server read from its prefix cache (billed at a discount, no prefill time). */
  cachedPromptTokens?: number;
  /** Tokens of a predicted output the reply used, and those it did not (billed as completion). */
  acceptedPredictionTokens?: number;
  rejectedPredictionTokens?: number;
}

export interface ChatProvider {
  /** Shown in logs and errors, e.g. "openai-compatible http://127.0.0.1:1234/v1". Never contains a key. */
  readonly description: string;
  complete(request: ChatRequest): Promise<ChatResponse>;
}

/** A backend that cannot honour `jsonSchema` throws this, so the caller falls back to prompted JSON. */
export class StructuredOutputUnsupportedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StructuredOutputUnsupportedError';
  }
}
