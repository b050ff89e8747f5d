// A loopback stand-in for an OpenAI-compatible server, so every test (unit, integration inside the
// extension host, E2E, bench) drives the real `openai` client over real HTTP instead of mocking it.
// Each request gets a scripted `FakeReply`: content, finish reason, refusal, usage, injected HTTP
// errors, latency, streaming pace, dropped connections and stalls.
//
// Dependency-free on purpose (node: modules only): it is loaded by mocha, by the VS Code extension host
// and by the benchmark, none of which should need anything installed to use it.
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface FakeReply {
  content?: string;
  finishReason?: 'stop' | 'length' | 'content_filter';
  refusal?: string;
  /** Error injection: any status other than 200 answers with `body` (default: an OpenAI-style error). */
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** Latency before the first byte. */
  delayMs?: number;
  /** Streaming rate: content is split into ~4-character tokens sent at this pace. Unset: as fast as possible. */
  tokensPerSecond?: number;
  /** Destroy the socket instead of answering (before any byte, unless `dropAfterChars` is set). */
  dropConnection?: boolean;
  /** With `dropConnection` on a streaming request: stream this many characters of content first. */
  dropAfterChars?: number;
  /** Accept the request, then send nothing for this long (where: see `stallAt`), then answer normally. */
  stallMs?: number;
  /** Where the stall happens: before any byte (default), or after the streaming headers were sent. */
  stallAt?: 'start' | 'headers';
  promptTokens?: number;
  completionTokens?: number;
  /** Send no usage at all, like servers that ignore `stream_options.include_usage`. */
  omitUsage?: boolean;
}

export interface RecordedRequest {
  index: number;
  model: string;
  stream: boolean;
  messages: { role: string; content: string }[];
  responseFormat?: unknown;
  /** `response_format.json_schema.name`, or the `Schema name: x` marker of a prompted-JSON request. */
  schemaName?: string;
  body: unknown;
  /** URL path (Azure puts the deployment there). */
  path: string;
  /** Path and query string, e.g. `/openai/deployments/d/chat/completions?api-version=2024-10-21`. */
  url: string;
  /** Request headers, lower-cased names. */
  headers: Record<string, string>;
  /** `Date.now()` when the request body had arrived; lets tests check retry spacing. */
  receivedAt: number;
  /** `Date.now()` when the last byte of the answer was sent (unset while it streams, or if it never ended). */
  answeredAt?: number;
}

export type ReplyScript = (request: RecordedRequest) => FakeReply | Promise<FakeReply>;

export interface FakeOpenAIServerOptions {
  /** Answer 400 to any `response_format.type === 'json_schema'` request, like some local servers. */
  rejectJsonSchema?: boolean;
  /** Listen on this port (default 0: any free port). */
  port?: number;
  /**
   * Serve at most this many chat requests at once, like a server with a fixed number of slots or a
   * provider's concurrency limit: the rest get 429 with `retry-after-ms: rateLimitRetryAfterMs`.
   */
  maxInFlight?: number;
  rateLimitRetryAfterMs?: number;
  /** Answer 400 to any request carrying `prediction`, like servers without predicted outputs. */
  rejectPrediction?: boolean;
  /**
   * A prefix cache of the OpenAI kind: a prompt whose first tokens match a prompt the server has
   * already prefilled (its first byte was sent) reports them as `prompt_tokens_details.cached_tokens`,
   * from `minTokens` on, in steps of `stepTokens` (OpenAI: 1,024 and 128).
   */
  prefixCache?: { minTokens: number; stepTokens: number };
  /** Prefill time: the first byte waits (uncached prompt tokens ÷ this rate) on top of `delayMs`. */
  prefillTokensPerSecond?: number;
}

export interface FakeServerStats {
  /** Requests refused with 429 because `maxInFlight` were already being served. */
  rateLimited: number;
  /** The most chat requests served at once. */
  maxInFlightSeen: number;
  /** Prompt tokens of the requests answered with 200, and how many of them the prefix cache served. */
  promptTokens: number;
  cachedPromptTokens: number;
}

export interface FakeOpenAIServer {
  /** e.g. `http://127.0.0.1:41234/v1` */
  baseURL: string;
  requests: RecordedRequest[];
  stats: FakeServerStats;
  setScript(script: ReplyScript): void;
  close(): Promise<void>;
}

const DEFAULT_REPLY: FakeReply = { content: 'ok' };
const MAX_BODY_BYTES = 64 * 1024 * 1024;
/** Below this interval, paced tokens are batched so a fast rate does not mean thousands of timers. */
const MIN_CHUNK_INTERVAL_MS = 10;

export async function startFakeOpenAIServer(script: ReplyScript = () => DEFAULT_REPLY, options: FakeOpenAIServerOptions = {}): Promise<FakeOpenAIServer> {
  let currentScript = script;
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  const waits = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
  let closed = false;
  let inFlight = 0;
  const stats: FakeServerStats = { rateLimited: 0, maxInFlightSeen: 0, promptTokens: 0, cachedPromptTokens: 0 };
  const prefilled: string[] = [];

  /** Resolves after `ms`, or at once when the server closes; never leaves a timer behind. */
  const wait = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      if (closed || ms <= 0) return resolve();
      const entry = {
        timer: setTimeout(() => {
          waits.delete(entry);
          resolve();
        }, ms),
        resolve,
      };
      waits.add(entry);
    });

  const server = http.createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent && !res.destroyed) {
        sendJson(res, 500, errorBody(`fake OpenAI server failed: ${error instanceof Error ? error.message : String(error)}`, 'server_error'));
      } else {
        res.destroy();
      }
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (req.method === 'GET' && path.endsWith('/models')) {
      const ids = new Set(['fake-model', ...requests.map((r) => r.model).filter((m) => m !== '')]);
      sendJson(res, 200, { object: 'list', data: [...ids].map((id) => ({ id, object: 'model', created: 0, owned_by: 'fake' })) });
      return;
    }
    if (req.method !== 'POST' || !path.endsWith('/chat/completions')) {
      sendJson(res, 404, errorBody(`fake OpenAI server: no route for ${req.method ?? '?'} ${path}`, 'invalid_request_error'));
      return;
    }

    const raw = await readBody(req);
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      sendJson(res, 400, errorBody('We could not parse the JSON body of your request.', 'invalid_request_error'));
      return;
    }
    const recorded = recordRequest(requests.length, body, req.url ?? path, req.headers);
    requests.push(recorded);
    res.once('finish', () => {
      recorded.answeredAt = Date.now();
    });

    if (options.rejectJsonSchema && responseFormatType(body) === 'json_schema') {
      sendJson(res, 400, {
        error: { message: "response_format 'json_schema' is not supported by this server", type: 'invalid_request_error', param: 'response_format', code: null },
      });
      return;
    }

    if (options.rejectPrediction && isRecord(body) && body['prediction'] !== undefined) {
      sendJson(res, 400, {
        error: { message: "Unrecognized request argument supplied: prediction", type: 'invalid_request_error', param: 'prediction', code: null },
      });
      return;
    }
    if (options.maxInFlight !== undefined && inFlight >= options.maxInFlight) {
      stats.rateLimited++;
      sendJson(res, 429, errorBody(`Rate limit reached: at most ${options.maxInFlight} requests at once.`, 'rate_limit_error'), {
        'retry-after-ms': String(options.rateLimitRetryAfterMs ?? 100),
      });
      return;
    }
    inFlight++;
    stats.maxInFlightSeen = Math.max(stats.maxInFlightSeen, inFlight);
    res.once('close', () => inFlight--);

    let reply: FakeReply;
    try {
      reply = await currentScript(recorded);
    } catch (error) {
      sendJson(res, 500, errorBody(`fake OpenAI server script failed: ${error instanceof Error ? error.message : String(error)}`, 'server_error'));
      return;
    }
    await answer(req, res, recorded, reply);
  }

  async function answer(req: http.IncomingMessage, res: http.ServerResponse, request: RecordedRequest, reply: FakeReply): Promise<void> {
    const gone = (): boolean => closed || res.destroyed || res.writableEnded;
    const promptText = request.messages.map((m) => `${m.role}\n${m.content}`).join('\n');
    const promptTokens = reply.promptTokens ?? estimateTokens(request.messages.map((m) => m.content).join('\n'));
    const cachedTokens = options.prefixCache ? Math.min(promptTokens, cachedPrefixTokens(promptText, prefilled, options.prefixCache)) : 0;
    const prefillMs = options.prefillTokensPerSecond ? ((promptTokens - cachedTokens) / options.prefillTokensPerSecond) * 1000 : 0;
    await wait((reply.delayMs ?? 0) + prefillMs);
    if (gone()) return;
    if (options.prefixCache && (reply.status ?? 200) === 200) prefilled.push(promptText);

    if (reply.dropConnection && !(request.stream && reply.dropAfterChars !== undefined)) {
      req.socket.destroy();
      return;
    }
    if (reply.stallMs !== undefined && (reply.stallAt ?? 'start') === 'start') {
      await wait(reply.stallMs);
      if (gone()) return;
    }

    const status = reply.status ?? 200;
    if (status !== 200) {
      const payload = reply.body ?? errorBody(defaultErrorMessage(status), defaultErrorType(status));
      sendJson(res, status, payload, reply.headers);
      return;
    }

    const content = reply.content ?? (reply.refusal !== undefined ? '' : DEFAULT_REPLY.content ?? '');
    const finishReason = reply.finishReason ?? 'stop';
    const usage = {
      prompt_tokens: promptTokens,
      completion_tokens: reply.completionTokens ?? estimateTokens(content + (reply.refusal ?? '')),
    };
    stats.promptTokens += usage.prompt_tokens;
    stats.cachedPromptTokens += cachedTokens;
    const prediction = predictionOf(request.body);
    const usageBody = {
      ...usage,
      total_tokens: usage.prompt_tokens + usage.completion_tokens,
      ...(options.prefixCache ? { prompt_tokens_details: { cached_tokens: cachedTokens } } : {}),
      ...(prediction !== undefined ? { completion_tokens_details: predictionUsage(prediction, content) } : {}),
    };
    const id = `chatcmpl-fake-${request.index}`;
    const created = Math.floor(Date.now() / 1000);

    if (!request.stream) {
      sendJson(
        res,
        200,
        {
          id,
          object: 'chat.completion',
          created,
          model: request.model,
          choices: [
            {
              index: 0,
              message: { role: 'assistant', content: reply.refusal !== undefined && content === '' ? null : content, refusal: reply.refusal ?? null },
              finish_reason: finishReason,
              logprobs: null,
            },
          ],
          ...(reply.omitUsage ? {} : { usage: usageBody }),
        },
        reply.headers,
      );
      return;
    }

    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive', ...reply.headers });
    res.flushHeaders();
    if (reply.stallMs !== undefined && reply.stallAt === 'headers') {
      await wait(reply.stallMs);
      if (gone()) return;
    }

    const chunk = (delta: Record<string, unknown>, finish: string | null): string =>
      sse({ id, object: 'chat.completion.chunk', created, model: request.model, choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }] });

    res.write(chunk({ role: 'assistant', content: '' }, null));
    const dropAt = reply.dropConnection ? (reply.dropAfterChars ?? 0) : undefined;
    const streamed = dropAt === undefined ? content : content.slice(0, dropAt);
    const intervalMs = reply.tokensPerSecond !== undefined && reply.tokensPerSecond > 0 ? 1000 / reply.tokensPerSecond : 0;
    const tokensPerChunk = intervalMs === 0 ? 1 : Math.max(1, Math.ceil(MIN_CHUNK_INTERVAL_MS / intervalMs));
    const tokens = splitIntoTokens(streamed);
    for (let i = 0; i < tokens.length; i += tokensPerChunk) {
      if (intervalMs > 0) await wait(intervalMs * tokensPerChunk);
      if (gone()) return;
      res.write(chunk({ content: tokens.slice(i, i + tokensPerChunk).join('') }, null));
    }
    if (dropAt !== undefined) {
      req.socket.destroy();
      return;
    }
    if (reply.refusal !== undefined) res.write(chunk({ refusal: reply.refusal }, null));
    res.write(chunk({}, finishReason));
    if (includeUsage(request.body) && !reply.omitUsage) {
      res.write(sse({ id, object: 'chat.completion.chunk', created, model: request.model, choices: [], usage: usageBody }));
    }
    res.end('data: [DONE]\n\n');
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    stats,
    setScript(next) {
      currentScript = next;
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const entry of waits) {
        clearTimeout(entry.timer);
        entry.resolve();
      }
      waits.clear();
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await stopped;
    },
  };
}

/** Replies in order; a request beyond the queue gets a non-retryable 400 that names the problem. */
export function replyQueue(replies: FakeReply[]): ReplyScript {
  let next = 0;
  return (request) => {
    const reply = replies[next++];
    return reply ?? exhausted(`the reply queue is exhausted (request #${request.index}, ${replies.length} replies scripted)`);
  };
}

export type SchemaRoute = FakeReply | FakeReply[] | ReplyScript;

/**
 * Routes by the request's schema name ("plan", "whole_file", "search_replace", "verifier_report").
 * A single FakeReply answers every such request, an array is a queue, a function decides per request.
 * Requests without a route go to `fallback`, else get a non-retryable 400.
 */
export function routeBySchema(routes: Record<string, SchemaRoute>, fallback?: ReplyScript): ReplyScript {
  const queues = new Map<string, ReplyScript>();
  return (request) => {
    const name = request.schemaName ?? '';
    const route = Object.prototype.hasOwnProperty.call(routes, name) ? routes[name] : undefined;
    if (route === undefined) {
      return fallback ? fallback(request) : exhausted(`no route for schema "${request.schemaName ?? '(none)'}" (request #${request.index})`);
    }
    if (typeof route === 'function') return route(request);
    if (!Array.isArray(route)) return route;
    let queue = queues.get(name);
    if (!queue) {
      queue = replyQueue(route);
      queues.set(name, queue);
    }
    return queue(request);
  };
}

/** A reply whose content is `value` as JSON, as a model honouring the schema would send it. */
export function jsonReply(value: unknown, extra: Omit<FakeReply, 'content'> = {}): FakeReply {
  return { ...extra, content: JSON.stringify(value) };
}

// ---------------------------------------------------------------------------------------------

function exhausted(message: string): FakeReply {
  return { status: 400, headers: { 'x-should-retry': 'false' }, body: errorBody(`fake OpenAI server: ${message}`, 'invalid_request_error') };
}

function recordRequest(index: number, body: unknown, url: string, headers: http.IncomingHttpHeaders): RecordedRequest {
  const record = isRecord(body) ? body : {};
  const messages = Array.isArray(record['messages']) ? record['messages'].map(toRecordedMessage) : [];
  const responseFormat = record['response_format'];
  const schemaName = jsonSchemaName(responseFormat) ?? promptedSchemaName(messages);
  const flatHeaders: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flatHeaders[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return {
    index,
    model: typeof record['model'] === 'string' ? record['model'] : '',
    stream: record['stream'] === true,
    messages,
    ...(responseFormat !== undefined ? { responseFormat } : {}),
    ...(schemaName !== undefined ? { schemaName } : {}),
    body,
    path: url.split('?')[0] ?? url,
    url,
    headers: flatHeaders,
    receivedAt: Date.now(),
  };
}

function toRecordedMessage(message: unknown): { role: string; content: string } {
  if (!isRecord(message)) return { role: '', content: '' };
  const role = typeof message['role'] === 'string' ? message['role'] : '';
  const content = message['content'];
  if (typeof content === 'string') return { role, content };
  if (Array.isArray(content)) {
    // Content parts: keep the text ones, which is all this project sends.
    const text = content.map((part) => (isRecord(part) && typeof part['text'] === 'string' ? part['text'] : '')).join('');
    return { role, content: text };
  }
  return { role, content: '' };
}

function jsonSchemaName(responseFormat: unknown): string | undefined {
  if (!isRecord(responseFormat) || !isRecord(responseFormat['json_schema'])) return undefined;
  const name = responseFormat['json_schema']['name'];
  return typeof name === 'string' ? name : undefined;
}

/** The prompted-JSON fallback includes "Schema name: <name>" in its instructions. */
function promptedSchemaName(messages: { content: string }[]): string | undefined {
  for (const message of messages) {
    const match = /Schema name: ([A-Za-z0-9_.-]+)/.exec(message.content);
    if (match) return match[1];
  }
  return undefined;
}

/** OpenAI-style: nothing under `minTokens`, then whole steps of `stepTokens` of the longest shared prefix. */
function cachedPrefixTokens(prompt: string, prefilled: readonly string[], cache: { minTokens: number; stepTokens: number }): number {
  let longest = 0;
  for (const earlier of prefilled) {
    const limit = Math.min(prompt.length, earlier.length);
    let i = 0;
    while (i < limit && prompt.charCodeAt(i) === earlier.charCodeAt(i)) i++;
    longest = Math.max(longest, i);
  }
  const tokens = Math.floor(longest / 4);
  if (tokens < cache.minTokens) return 0;
  return cache.minTokens + Math.floor((tokens - cache.minTokens) / cache.stepTokens) * cache.stepTokens;
}

function predictionOf(body: unknown): string | undefined {
  if (!isRecord(body) || !isRecord(body['prediction'])) return undefined;
  const content = body['prediction']['content'];
  return typeof content === 'string' ? content : undefined;
}

/** Accepted: the predicted text the reply kept at its start and end; the rest of the prediction was rejected. */
function predictionUsage(prediction: string, content: string): { accepted_prediction_tokens: number; rejected_prediction_tokens: number } {
  let head = 0;
  while (head < prediction.length && head < content.length && prediction[head] === content[head]) head++;
  let tail = 0;
  while (tail < prediction.length - head && tail < content.length - head && prediction[prediction.length - 1 - tail] === content[content.length - 1 - tail]) tail++;
  const accepted = estimateTokens(prediction.slice(0, head) + prediction.slice(prediction.length - tail));
  return { accepted_prediction_tokens: accepted, rejected_prediction_tokens: Math.max(0, estimateTokens(prediction) - accepted) };
}

function responseFormatType(body: unknown): unknown {
  return isRecord(body) && isRecord(body['response_format']) ? body['response_format']['type'] : undefined;
}

function includeUsage(body: unknown): boolean {
  return isRecord(body) && isRecord(body['stream_options']) && body['stream_options']['include_usage'] === true;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error('request body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sendJson(res: http.ServerResponse, status: number, payload: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(payload);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

function sse(payload: unknown): string {
  return `data: ${JSON.stringify(payload)}\n\n`;
}

function errorBody(message: string, type: string): { error: { message: string; type: string; param: null; code: null } } {
  return { error: { message, type, param: null, code: null } };
}

function defaultErrorMessage(status: number): string {
  if (status === 401) return 'Incorrect API key provided.';
  if (status === 404) return 'The model does not exist or you do not have access to it.';
  if (status === 429) return 'Rate limit reached. Please try again later.';
  if (status >= 500) return 'The server had an error while processing your request.';
  return `Request failed with status ${status}.`;
}

function defaultErrorType(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 429) return 'rate_limit_error';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}

/** The same rough rule the client uses when a server reports no usage: ~4 characters a token. */
function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

function splitIntoTokens(text: string): string[] {
  const tokens: string[] = [];
  // Split on code points, not UTF-16 units, so no surrogate pair is cut in half across chunks.
  const chars = Array.from(text);
  for (let i = 0; i < chars.length; i += 4) tokens.push(chars.slice(i, i + 4).join(''));
  return tokens;
}
