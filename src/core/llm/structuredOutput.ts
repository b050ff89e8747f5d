// Asking a model for a value of a zod schema. Asks for a strict json_schema response where the server
// can do it, and falls back to prompted JSON (the schema in the system message) where it cannot,
// remembering that per backend. The reply is untrusted: it is extracted defensively, validated with
// zod, and on failure the model gets ONE repair round that quotes what was wrong. Truncated, refused,
// filtered and empty replies are never taken as content.
import { z } from 'zod';
import { zodResponseFormat } from 'openai/helpers/zod';
import { StructuredOutputUnsupportedError, type ChatMessage, type ChatProvider, type ChatResponse, type ModelRole } from './chatProvider';
import { parseJsonReply } from './jsonExtraction';
import { underlyingProvider } from './providerIdentity';

export interface StructuredRequest<T> {
  provider: ChatProvider;
  role: ModelRole;
  schema: z.ZodType<T>;
  schemaName: string;
  messages: ChatMessage[];
  signal: AbortSignal;
  onDelta?: (text: string) => void;
  maxOutputTokens?: number;
  /** The reply text this call most likely gets (predicted outputs, where the provider sends them). */
  prediction?: string;
  /** Called before each attempt (1, then 2 for the repair round), e.g. to reset a streaming parser. */
  onAttempt?: (attempt: number) => void | Promise<void>;
}

/** The model's reply could not be used, even after the repair round. The message is for the user. */
export class ModelOutputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelOutputError';
  }
}

/** Backends (innermost providers) that rejected json_schema once; they get prompted JSON from then on. */
const promptedJsonOnly = new WeakSet<ChatProvider>();

/**
 * No usable reply is this long: a whole-file rewrite of the largest file a workspace lets a model see
 * (1 MiB) fits several times over, and model output windows are far smaller. A stream past it is a
 * runaway (a model repeating itself, a broken server) and is stopped before it fills memory.
 */
export const MAX_REPLY_CHARS = 4 * 1024 * 1024;
/** An unusable reply is quoted back in the repair round only this far: the problem says what was wrong. */
const MAX_QUOTED_REPLY_CHARS = 16_000;

export async function requestStructured<T>(request: StructuredRequest<T>): Promise<T> {
  let messages = request.messages;
  let problem = '';
  for (let attempt = 1; attempt <= 2; attempt++) {
    await request.onAttempt?.(attempt);
    const response = await askBounded(request, messages);
    const outcome = interpret(response, request.schema, request.role);
    if (outcome.ok) return outcome.value;
    problem = outcome.problem;
    messages = [...messages, { role: 'assistant', content: outcome.reply }, { role: 'user', content: outcome.instruction }];
  }
  throw new ModelOutputError(`The ${request.role}'s reply was not valid after a repair attempt: ${problem}`);
}

/**
 * `ask`, stopped once the reply passes MAX_REPLY_CHARS: the call is aborted through its own signal (so
 * the caller's signal, which means "the user cancelled", stays untouched) and fails for good, since
 * asking again would most likely run away again.
 */
async function askBounded<T>(request: StructuredRequest<T>, messages: ChatMessage[]): Promise<ChatResponse> {
  const tooLong = new ModelOutputError(`The ${request.role}'s reply was stopped after ${MAX_REPLY_CHARS / (1024 * 1024)} MB without ending; no usable reply is that long.`);
  const limiter = new AbortController();
  const forwardAbort = (): void => limiter.abort(request.signal.reason);
  if (request.signal.aborted) forwardAbort();
  request.signal.addEventListener('abort', forwardAbort, { once: true });
  let received = 0;
  let stopped = false;
  const onDelta = (text: string): void => {
    if (stopped) return;
    received += text.length;
    if (received <= MAX_REPLY_CHARS) {
      request.onDelta?.(text);
      return;
    }
    stopped = true;
    limiter.abort(tooLong);
  };
  try {
    const response = await ask({ ...request, signal: limiter.signal, onDelta }, messages);
    // A provider that does not stream (or ignores the signal) is held to the same limit afterwards.
    if (response.text.length > MAX_REPLY_CHARS) throw tooLong;
    return response;
  } catch (error) {
    if (limiter.signal.reason === tooLong && !request.signal.aborted) throw tooLong;
    throw error;
  } finally {
    request.signal.removeEventListener('abort', forwardAbort);
  }
}

async function ask<T>(request: StructuredRequest<T>, messages: ChatMessage[]): Promise<ChatResponse> {
  const schemas = jsonSchemasFor(request.schema, request.schemaName);
  const backend = underlyingProvider(request.provider);
  const base = {
    role: request.role,
    signal: request.signal,
    ...(request.onDelta ? { onDelta: request.onDelta } : {}),
    ...(request.maxOutputTokens !== undefined ? { maxOutputTokens: request.maxOutputTokens } : {}),
    ...(request.prediction !== undefined ? { prediction: request.prediction } : {}),
  };
  if (schemas.strict && !promptedJsonOnly.has(backend)) {
    try {
      return await request.provider.complete({ ...base, messages, jsonSchema: { name: request.schemaName, schema: schemas.strict } });
    } catch (error) {
      if (!isStructuredOutputUnsupported(error)) throw error;
      promptedJsonOnly.add(backend);
    }
  }
  return request.provider.complete({ ...base, messages: withJsonInstructions(messages, schemas.prompt, request.schemaName) });
}

type Outcome<T> =
  | { ok: true; value: T }
  /**
   * `reply` is the assistant turn of the repair round: the reply itself, or a stand-in for a cut-off or
   * empty one (some local chat templates insist that user and assistant turns alternate).
   */
  | { ok: false; problem: string; reply: string; instruction: string };

function interpret<T>(response: ChatResponse, schema: z.ZodType<T>, role: ModelRole): Outcome<T> {
  // Refusals and filtered replies are final: asking again the same way would only be refused again.
  if (response.finishReason === 'refusal' || response.refusal) {
    throw new ModelOutputError(`The ${role} refused: ${oneLine(response.refusal ?? response.text) || 'no reason given'}`);
  }
  if (response.finishReason === 'content_filter') {
    throw new ModelOutputError(`The ${role}'s reply was blocked by the server's content filter.`);
  }
  if (response.finishReason === 'length') {
    return {
      ok: false,
      problem: 'the reply was cut off (max tokens)',
      reply: '(reply cut off)',
      instruction: 'Your previous reply was cut off at the output token limit. Reply again with the complete JSON object only, keeping free-text fields short.',
    };
  }
  if (response.text.trim() === '') {
    return { ok: false, problem: 'the reply was empty', reply: '(empty reply)', instruction: 'Your previous reply was empty. Reply with the JSON object.' };
  }

  const parsed = parseJsonReply(response.text);
  if (!parsed.ok) return invalid(parsed.error, response.text);
  let firstIssues: string | undefined;
  for (const value of parsed.values) {
    const result = schema.safeParse(value);
    if (result.success) return { ok: true, value: result.data };
    firstIssues ??= describeIssues(result.error);
  }
  return invalid(`the JSON does not match the schema (${firstIssues ?? 'no details'})`, response.text);
}

function invalid(problem: string, reply: string): Outcome<never> {
  return {
    ok: false,
    problem,
    reply: clipForQuote(reply),
    instruction: `Your reply could not be used: ${problem}. Reply again with only the corrected, complete JSON object, no other text.`,
  };
}

/** Quoting megabytes of prose back would only cost tokens (or overflow the context) in the repair round. */
function clipForQuote(reply: string): string {
  if (reply.length <= MAX_QUOTED_REPLY_CHARS) return reply;
  return `${reply.slice(0, MAX_QUOTED_REPLY_CHARS)}\n… (${reply.length - MAX_QUOTED_REPLY_CHARS} more characters of this reply are not repeated here)`;
}

const MAX_ISSUES_QUOTED = 3;

/** "changes.0.path: Too small: expected string to have >=1 characters; summary: Required" */
function describeIssues(error: z.ZodError): string {
  const issues = error.issues.slice(0, MAX_ISSUES_QUOTED).map((issue) => {
    const where = issue.path.length > 0 ? issue.path.map(String).join('.') : '(top level)';
    return `${where}: ${issue.message}`;
  });
  const more = error.issues.length - MAX_ISSUES_QUOTED;
  return more > 0 ? `${issues.join('; ')}; and ${more} more` : issues.join('; ');
}

// ---------------------------------------------------------------------------------------------
// JSON schemas

interface SchemaPair {
  /** For `response_format: json_schema` with strict: true; absent if the schema cannot be strict. */
  strict?: Record<string, unknown>;
  /** Shown to the model in the prompted-JSON fallback. */
  prompt: Record<string, unknown>;
}

const schemaCache = new WeakMap<z.ZodType, Map<string, SchemaPair>>();

function jsonSchemasFor(schema: z.ZodType, name: string): SchemaPair {
  let byName = schemaCache.get(schema);
  if (!byName) {
    byName = new Map();
    schemaCache.set(schema, byName);
  }
  const cached = byName.get(name);
  if (cached) return cached;

  let strict: Record<string, unknown> | undefined;
  try {
    // The SDK's helper runs z.toJSONSchema (zod 4) and then makes the result acceptable to strict
    // mode (all properties required, additionalProperties false), or throws if it cannot.
    strict = withoutDefaults(zodResponseFormat(schema, name).json_schema.schema) as Record<string, unknown>;
  } catch {
    strict = undefined;
  }
  const prompt = withoutMetaSchema(strict ?? (z.toJSONSchema(schema, { target: 'draft-7', unrepresentable: 'any' }) as Record<string, unknown>));
  const pair: SchemaPair = strict ? { strict, prompt } : { prompt };
  byName.set(name, pair);
  return pair;
}

function withoutMetaSchema(schema: Record<string, unknown>): Record<string, unknown> {
  const copy = withoutDefaults(schema) as Record<string, unknown>;
  delete copy['$schema'];
  return copy;
}

/**
 * A `.default()` in a schema is for reading old or sloppy values; the model is asked for every field,
 * and strict mode does not take `default`.
 */
function withoutDefaults(value: unknown, propertyNames = false): unknown {
  if (Array.isArray(value)) return value.map((item) => withoutDefaults(item));
  if (typeof value !== 'object' || value === null) return value;
  // Inside "properties" the keys are field names (a field may be called "default"), not keywords.
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => propertyNames || key !== 'default')
      .map(([key, inner]) => [key, propertyNames ? withoutDefaults(inner) : withoutDefaults(inner, key === 'properties')]),
  );
}

/**
 * The prompted-JSON fallback: the schema goes into the (first) system message, since some chat
 * templates of local models accept only one system message, at the start.
 */
function withJsonInstructions(messages: ChatMessage[], schema: Record<string, unknown>, name: string): ChatMessage[] {
  const instructions =
    'Reply with a single JSON object and nothing else: no prose, no Markdown fences. ' +
    'It must match this JSON schema (every property is required; no other properties):\n' +
    `${JSON.stringify(schema)}\nSchema name: ${name}`;
  const [first, ...rest] = messages;
  if (first?.role === 'system') return [{ role: 'system', content: `${first.content}\n\n${instructions}` }, ...rest];
  return [{ role: 'system', content: instructions }, ...messages];
}

function isStructuredOutputUnsupported(error: unknown): boolean {
  // By name too: the VS Code adapter may be bundled with its own copy of the class.
  return error instanceof StructuredOutputUnsupportedError || (error instanceof Error && error.name === 'StructuredOutputUnsupportedError');
}

function oneLine(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 300 ? `${line.slice(0, 299)}…` : line;
}
