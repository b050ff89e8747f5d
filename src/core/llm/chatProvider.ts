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
}

export type FinishReason = 'stop' | 'length' | 'content_filter' | 'refusal' | 'other';

export interface ChatResponse {
  text: string;
  finishReason: FinishReason;
  refusal?: string;
  usage: { promptTokens: number; completionTokens: number };
  model: string;
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
