// Turns whatever a model call threw into one line the user can act on ("is the server running?",
// "check the key", "check the model name"…). The OpenAI provider wraps its failures in
// `ModelRequestError`, which carries the context a good message needs (server, model, timeout); other
// errors are described from what they say about themselves. No message ever contains an API key.
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';

export type ModelFailureKind =
  | 'unreachable'
  | 'auth'
  | 'not-found'
  | 'rate-limited'
  | 'server'
  | 'bad-request'
  | 'timeout'
  | 'dropped'
  | 'other';

export interface ModelCallContext {
  /** Where the request went, without credentials. */
  server: string;
  model: string;
  timeoutMs: number;
  maxRetries: number;
  /** How many retries were made before giving up. */
  retries: number;
}

/** A failed model call, already described in one line (its `message`). `cause` keeps the original. */
export class ModelRequestError extends Error {
  readonly kind: ModelFailureKind;
  readonly status: number | undefined;

  constructor(kind: ModelFailureKind, message: string, options: { status?: number; cause?: unknown } = {}) {
    super(redactSecrets(message), { cause: options.cause });
    this.name = 'ModelRequestError';
    this.kind = kind;
    this.status = options.status;
  }
}

const knownSecrets = new Set<string>();

/**
 * Registers a key so that it is scrubbed from every message this module produces. Called by providers
 * with the key they were given; short placeholders ("none", "x") are not worth scrubbing.
 */
export function rememberSecretForRedaction(secret: string): void {
  if (secret.length >= 8) knownSecrets.add(secret);
}

/** Removes registered keys and anything shaped like a bearer token or an OpenAI key. */
export function redactSecrets(text: string): string {
  let result = text;
  for (const secret of knownSecrets) result = result.split(secret).join('[redacted]');
  return result
    .replace(/\bsk-[A-Za-z0-9_*.-]{3,}/g, 'sk-[redacted]')
    .replace(/\b(Bearer)\s+[A-Za-z0-9._~+/=-]{8,}/gi, '$1 [redacted]')
    .replace(/\b(api[-_]?key["']?\s*[:=]\s*["']?)[^\s"',;&]{6,}/gi, '$1[redacted]');
}

/** One clear line for the user. Never contains a stack trace or an API key. */
export function describeModelError(error: unknown): string {
  return redactSecrets(oneLine(describe(error)));
}

/**
 * Classifies an error thrown by the `openai` client (or by reading its stream) and words it for the
 * user, with the context of the call that failed.
 */
export function toModelRequestError(error: unknown, context: ModelCallContext): ModelRequestError {
  if (error instanceof ModelRequestError) return error;
  const where = context.server;
  const afterRetries = context.retries > 0 ? ` after ${context.retries} ${context.retries === 1 ? 'retry' : 'retries'}` : '';

  if (error instanceof APIConnectionTimeoutError || isTimeoutError(error)) {
    return new ModelRequestError(
      'timeout',
      `No answer within ${formatSeconds(context.timeoutMs)} from ${where} (model '${context.model}'): the server may be busy or the model slow; try again or raise the timeout.`,
      { cause: error },
    );
  }
  if (error instanceof APIError && typeof error.status === 'number') {
    const status = error.status;
    const detail = serverDetail(error);
    if (status === 401 || status === 403) {
      return new ModelRequestError('auth', `The API key was rejected by ${where} (${status}): check the key you configured.`, { status, cause: error });
    }
    if (status === 404) {
      return new ModelRequestError(
        'not-found',
        `${context.model ? `Model '${context.model}'` : 'Model'} not found at ${where} (404): check the model name (or Azure deployment) and that the base URL is the API root, e.g. ending in /v1.`,
        { status, cause: error },
      );
    }
    if (status === 429) {
      return new ModelRequestError(
        'rate-limited',
        error.code === 'insufficient_quota'
          ? `${where} says the quota is exhausted (429): check your plan and billing.`
          : `${where} is rate-limiting requests (429)${afterRetries ? ` and still was${afterRetries}` : ''}: wait a little, lower the concurrency, or check your quota.${detail ? ` Server said: ${detail}` : ''}`,
        { status, cause: error },
      );
    }
    if (status >= 500) {
      return new ModelRequestError('server', `${where} failed (${status})${afterRetries}: try again later.${detail ? ` Server said: ${detail}` : ''}`, {
        status,
        cause: error,
      });
    }
    if (isContextLengthError(error)) {
      return new ModelRequestError(
        'bad-request',
        `The request is too long for ${context.model ? `model '${context.model}'` : 'the model'} (${status}): narrow the request or the selected files, or use a model with a larger context.`,
        { status, cause: error },
      );
    }
    return new ModelRequestError('bad-request', `${where} rejected the request (${status})${detail ? `: ${detail}` : ''}.`, { status, cause: error });
  }
  if (isConnectionRefused(error)) {
    return new ModelRequestError('unreachable', `Could not reach the model server at ${where}: is it running?`, { cause: error });
  }
  if (isDroppedStream(error)) {
    return new ModelRequestError('dropped', `The connection to ${where} dropped before the reply was complete: try again.`, { cause: error });
  }
  if (error instanceof APIConnectionError) {
    return new ModelRequestError('unreachable', `Could not reach the model server at ${where}: is it running?`, { cause: error });
  }
  return new ModelRequestError('other', `The model call to ${where} failed: ${errorMessage(error)}`, { cause: error });
}

function describe(error: unknown): string {
  if (isAbortError(error)) return 'Cancelled';
  if (error instanceof ModelRequestError) return error.message;
  if (error instanceof APIConnectionTimeoutError || isTimeoutError(error)) return 'No answer from the model server in time: try again or raise the timeout.';
  if (error instanceof APIError && typeof error.status === 'number') {
    // Without the provider's context (e.g. an error from another backend), say what is known.
    return toModelRequestError(error, { server: 'the model server', model: '', timeoutMs: 0, maxRetries: 0, retries: 0 }).message;
  }
  if (error instanceof APIConnectionError || isConnectionRefused(error)) return 'Could not reach the model server: is it running?';
  return errorMessage(error);
}

export function isAbortError(error: unknown): boolean {
  if (error instanceof APIUserAbortError) return true;
  return error instanceof Error && error.name === 'AbortError';
}

function isTimeoutError(error: unknown): boolean {
  return error instanceof Error && (error.name === 'TimeoutError' || (error as { code?: unknown }).code === 'ETIMEDOUT');
}

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', 'UND_ERR_CONNECT_TIMEOUT']);

function isConnectionRefused(error: unknown): boolean {
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && CONNECTION_CODES.has(code) && code !== 'ECONNRESET') return true;
  }
  return false;
}

/** undici reports a body cut short as `TypeError: terminated` (cause: "other side closed"/ECONNRESET). */
function isDroppedStream(error: unknown): boolean {
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth++) {
    const code = (current as { code?: unknown }).code;
    if (current.message === 'terminated' || code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || /other side closed|socket hang up/i.test(current.message)) {
      return true;
    }
  }
  return false;
}

function isContextLengthError(error: Pick<APIError, 'code' | 'message'>): boolean {
  return error.code === 'context_length_exceeded' || /context length|context window|maximum context|too many tokens/i.test(error.message);
}

/** The server's own explanation, when it gave one, without the client's "400 " prefix. */
function serverDetail(error: { error: unknown }): string {
  const body = error.error;
  if (typeof body === 'object' && body !== null) {
    const message = (body as { message?: unknown }).message;
    if (typeof message === 'string' && message.trim() !== '') return truncate(message.trim(), 200);
  }
  return '';
}

function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  if (typeof error === 'string') return error;
  return 'unknown error';
}

function formatSeconds(ms: number): string {
  const seconds = ms / 1000;
  return `${Number.isInteger(seconds) ? seconds : seconds.toFixed(1)} s`;
}

function oneLine(text: string): string {
  return truncate(text.replace(/\s*\n\s*/g, ' ').trim(), 400);
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
