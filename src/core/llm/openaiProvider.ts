// The ChatProvider for OpenAI and OpenAI-compatible servers (Ollama, LM Studio, vLLM, llama.cpp…) and
// Azure OpenAI, over the official `openai` client. On top of the client: always streaming (Node's fetch
// gives up after 300 s without headers, a stream sends them at once), an idle timeout while the body
// streams, retries that a cancel can interrupt (retryPolicy), one adaptive in-flight cap per model
// shared by every call (adaptiveLimiter), rate-limited calls that wait their turn until the run's
// deadline, prompt-cache keys and predicted outputs where the endpoint is OpenAI's own, usage (cached
// and predicted tokens included) or estimates, finish-reason mapping, detection of servers that cannot
// do json_schema or predictions, and errors worded for the user.
import OpenAI, { APIError, AzureOpenAI } from 'openai';
import { AdaptiveLimiter, describeCap, type LimiterChange, type Permit } from './adaptiveLimiter';
import { StructuredOutputUnsupportedError, type ChatProvider, type ChatRequest, type ChatResponse, type ChatUsage, type FinishReason, type ModelRole } from './chatProvider';
import { ModelRequestError, rememberSecretForRedaction, toModelRequestError, type ModelCallContext } from './modelErrors';
import { abortReason, rateLimitWaitMs, retryDecision, sleepUnlessAborted } from './retryPolicy';
import { estimateTokens } from './tokenEstimate';

export interface OpenAIProviderOptions {
  baseURL?: string;
  apiKey: string;
  models: Record<ModelRole, string>;
  timeoutMs: number;
  maxRetries: number;
  /** Set for Azure OpenAI: `baseURL` is then the resource endpoint and each model name a deployment. */
  azureApiVersion?: string;
  /**
   * Send whole-file rewrites with the current file as a predicted output (`prediction`). Default: on
   * for OpenAI's own API, off elsewhere (most compatible servers reject or ignore the field).
   */
  predictedOutputs?: boolean;
  /** Send a `prompt_cache_key` per run. Default: on for OpenAI's own API, off elsewhere. */
  promptCacheKey?: boolean;
  /**
   * The shared adaptive in-flight cap (default on). Off, every call goes out at once and a 429 only
   * waits out its own retries: the behaviour the benchmark compares against.
   */
  adaptiveConcurrency?: boolean;
}

/** What the provider learns about its endpoint while it runs; shared by all its calls. */
interface EndpointState {
  adaptive: boolean;
  /** One limiter per model: rate limits are per model at OpenAI and per server elsewhere. */
  limiters: Map<string, AdaptiveLimiter>;
  predictedOutputs: boolean;
  /** `prompt_cache_key` is OpenAI's own field; compatible servers may reject unknown ones. */
  cacheKeys: boolean;
}

const OPENAI_BASE_URL = 'https://api.openai.com/v1';

/**
 * Why a base URL cannot work, in words that never repeat its credentials or query; undefined when it
 * can. The client appends `/chat/completions` to the URL as text, so a query string would swallow the
 * path (every call a puzzling 404), and fetch refuses URLs with `user:password@` outright (which the
 * client reports as an unreachable server). Both are usually a key pasted into the URL. Callers check
 * this where they can say so as a configuration error (the CLI: a usage error).
 */
export function baseURLProblem(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'the base URL is not a valid URL; it should look like http://127.0.0.1:11434/v1';
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return 'the base URL must start with http:// or https://, e.g. http://127.0.0.1:11434/v1';
  const where = `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  if (parsed.username !== '' || parsed.password !== '') {
    return `the base URL ${where} contains credentials (user:password@), which cannot be sent that way; give the API key on its own`;
  }
  if (parsed.search !== '' || parsed.hash !== '') {
    return `the base URL ${where} has a query string or fragment, which would end up in front of the API path; give the API root only (and the API key on its own)`;
  }
  return undefined;
}

export function createOpenAIProvider(options: OpenAIProviderOptions): ChatProvider {
  for (const [role, model] of Object.entries(options.models)) {
    if (model.trim() === '') throw new Error(`No model is configured for the ${role} role.`);
  }
  rememberSecretForRedaction(options.apiKey);

  const azure = options.azureApiVersion !== undefined;
  if (azure && !options.baseURL) throw new Error('Azure OpenAI needs the resource endpoint as the base URL, e.g. https://my-resource.openai.azure.com');
  const baseURL = options.baseURL ?? OPENAI_BASE_URL;
  const server = displayURL(baseURL);
  // Official endpoints know max_completion_tokens (and reasoning models refuse max_tokens); many
  // local servers only know max_tokens.
  const openAIItself = !azure && /^https:\/\/api\.openai\.com\//.test(`${baseURL}/`);
  const officialEndpoint = azure || openAIItself;
  const state: EndpointState = { adaptive: options.adaptiveConcurrency ?? true, limiters: new Map(), predictedOutputs: options.predictedOutputs ?? openAIItself, cacheKeys: options.promptCacheKey ?? openAIItself };

  // Retries are ours (see retryPolicy): the client's own sleep between retries ignores cancellation.
  // The base URL is always explicit so that an OPENAI_BASE_URL in the environment cannot redirect us.
  const common = { apiKey: options.apiKey, timeout: Math.max(1, Math.round(options.timeoutMs)), maxRetries: 0 };
  const client: OpenAI = azure
    ? new AzureOpenAI({ ...common, apiVersion: options.azureApiVersion, baseURL: azureApiRoot(baseURL) })
    : new OpenAI({ ...common, baseURL });

  return {
    description: `${azure ? 'azure-openai' : officialEndpoint ? 'openai' : 'openai-compatible'} ${server}`,
    complete: (request) =>
      complete(client, request, state, {
        server,
        model: options.models[request.role],
        timeoutMs: options.timeoutMs,
        maxRetries: options.maxRetries,
        maxTokensParameter: officialEndpoint ? 'max_completion_tokens' : 'max_tokens',
      }),
  };
}

interface CallSettings extends Omit<ModelCallContext, 'retries'> {
  maxTokensParameter: 'max_tokens' | 'max_completion_tokens';
}

async function complete(client: OpenAI, request: ChatRequest, state: EndpointState, settings: CallSettings): Promise<ChatResponse> {
  request.signal.throwIfAborted();
  let limiter = state.limiters.get(settings.model);
  if (!limiter) {
    limiter = new AdaptiveLimiter();
    state.limiters.set(settings.model, limiter);
  }
  const reportCap = (change: LimiterChange | undefined): void => {
    if (!change) return;
    const rising = change.to === undefined || (change.from !== undefined && change.to > change.from);
    request.log?.(rising ? 'info' : 'warn', `${settings.server} (${settings.model}): in-flight cap ${describeCap(change.from)} → ${describeCap(change.to)}: ${change.reason}.`);
  };
  // One controller per attempt: the client leaves a listener on the signal of each request it sends, and
  // a rate-limited call may be sent many times before the run's deadline.
  let controller = new AbortController();
  const forwardAbort = (): void => controller.abort(request.signal.reason);
  request.signal.addEventListener('abort', forwardAbort, { once: true });

  // The client's timeout covers the wait for the response headers only; once the body streams, a
  // server that goes silent would hang us forever, so silence between chunks has its own timer.
  let idleTimer: NodeJS.Timeout | undefined;
  let timedOut = false;
  const armIdleTimer = (): void => {
    clearTimeout(idleTimer);
    idleTimer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, settings.timeoutMs);
  };

  const promptEstimate = estimateTokens(request.messages.map((message) => message.content).join('\n'));
  const params: OpenAI.Chat.ChatCompletionCreateParamsStreaming = {
    model: settings.model,
    messages: request.messages.map((message) => ({ role: message.role, content: message.content })),
    stream: true,
    stream_options: { include_usage: true },
    ...(request.maxOutputTokens !== undefined ? { [settings.maxTokensParameter]: request.maxOutputTokens } : {}),
    ...(request.jsonSchema
      ? { response_format: { type: 'json_schema', json_schema: { name: request.jsonSchema.name, schema: request.jsonSchema.schema, strict: true } } }
      : {}),
    ...(state.cacheKeys && request.cacheKey !== undefined ? { prompt_cache_key: request.cacheKey } : {}),
    ...(state.predictedOutputs && request.prediction !== undefined ? { prediction: { type: 'content', content: request.prediction } } : {}),
  };

  let text = '';
  let refusal = '';
  let finish: string | null | undefined;
  let usage: ChatUsage | undefined;
  let model = settings.model;
  let retries = 0;
  let rateLimitWaits = 0;
  let attempts = 0;
  let permit: Permit | undefined;
  let streamed = false;
  try {
    let stream: AsyncIterable<OpenAI.Chat.ChatCompletionChunk>;
    for (;;) {
      permit = state.adaptive ? await limiter.acquire(promptEstimate, request.signal) : undefined;
      if (attempts++ > 0) controller = new AbortController();
      if (request.signal.aborted) controller.abort(request.signal.reason);
      try {
        const { data, response } = await client.chat.completions.create(params, { signal: controller.signal }).withResponse();
        limiter.observeHeaders(response.headers);
        rejectHtmlPage(response, settings);
        stream = data;
        break;
      } catch (error) {
        const rateLimited = error instanceof APIError && error.status === 429;
        // APIError types its headers loosely; a 429 from the server carries a Headers object.
        if (error instanceof APIError && error.headers) limiter.observeHeaders(error.headers as { get(name: string): string | null });
        reportCap(permit?.release(rateLimited ? 'rate-limited' : 'other'));
        permit = undefined;
        if (request.signal.aborted) throw error;
        if (params.prediction && rejectsPrediction(error)) {
          // Remembered for the provider's lifetime (the run), like a server without json_schema.
          state.predictedOutputs = false;
          delete params.prediction;
          request.log?.('info', `${settings.server} does not accept predicted outputs; calls go without them from now on.`);
          continue;
        }
        const wait = request.deadline !== undefined ? rateLimitWaitMs(error, rateLimitWaits) : undefined;
        if (wait !== undefined && request.deadline !== undefined) {
          if (Date.now() + wait > request.deadline) throw rateLimitedPastDeadline(error, settings, rateLimitWaits);
          // Not a retry that counts: the call goes back in line, behind the limiter, until the deadline.
          rateLimitWaits++;
          request.log?.('info', `${settings.server} rate-limited a ${request.role} call (429); it waits ${formatWait(wait)} and goes back in line.`);
          await sleepUnlessAborted(wait, request.signal);
          continue;
        }
        const decision = retryDecision(error, retries, settings.maxRetries);
        if (!decision.retry) throw error;
        retries++;
        await sleepUnlessAborted(decision.delayMs, request.signal);
      }
    }
    armIdleTimer();
    for await (const chunk of stream) {
      armIdleTimer();
      if (chunk.model) model = chunk.model;
      if (chunk.usage) usage = usageOf(chunk.usage);
      const choice = chunk.choices[0];
      if (!choice) continue;
      const delta = choice.delta;
      if (typeof delta.content === 'string' && delta.content !== '') {
        text += delta.content;
        request.onDelta?.(delta.content);
        // A caller may abort from inside onDelta (a reply over its size limit, a cancel): leave at once
        // rather than rely on the client to notice before it hands out the chunks it already holds.
        if (controller.signal.aborted) break;
      }
      if (typeof delta.refusal === 'string') refusal += delta.refusal;
      if (choice.finish_reason) finish = choice.finish_reason;
    }
    // The client's stream ends quietly (no throw) when its request is aborted, so look at why it ended.
    if (request.signal.aborted) throw abortReason(request.signal);
    if (timedOut) throw new ModelTimeout();
    streamed = true;
  } catch (error) {
    if (request.signal.aborted) throw abortReason(request.signal);
    if (request.jsonSchema && rejectsStructuredOutput(error)) {
      throw new StructuredOutputUnsupportedError(`${settings.server} does not support json_schema response formats: ${error instanceof Error ? error.message : ''}`);
    }
    throw toModelRequestError(timedOut ? new ModelTimeout() : error, { ...settings, retries });
  } finally {
    clearTimeout(idleTimer);
    request.signal.removeEventListener('abort', forwardAbort);
    reportCap(permit?.release(streamed ? 'ok' : 'other'));
  }

  return {
    text,
    finishReason: mapFinishReason(finish, refusal),
    ...(refusal !== '' ? { refusal } : {}),
    // Some compatible servers ignore include_usage; an estimate keeps the meters meaningful.
    usage: usage ?? {
      promptTokens: estimateTokens(request.messages.map((message) => message.content).join('\n')),
      completionTokens: estimateTokens(text + refusal),
    },
    model,
  };
}

function usageOf(raw: OpenAI.Completions.CompletionUsage): ChatUsage {
  const cached = raw.prompt_tokens_details?.cached_tokens;
  const accepted = raw.completion_tokens_details?.accepted_prediction_tokens;
  const rejected = raw.completion_tokens_details?.rejected_prediction_tokens;
  return {
    promptTokens: raw.prompt_tokens,
    completionTokens: raw.completion_tokens,
    ...(typeof cached === 'number' ? { cachedPromptTokens: cached } : {}),
    ...(typeof accepted === 'number' ? { acceptedPredictionTokens: accepted } : {}),
    ...(typeof rejected === 'number' ? { rejectedPredictionTokens: rejected } : {}),
  };
}

function rateLimitedPastDeadline(error: unknown, settings: CallSettings, waits: number): ModelRequestError {
  return new ModelRequestError(
    'rate-limited',
    `${settings.server} was still rate-limiting requests (429) after ${waits} ${waits === 1 ? 'wait' : 'waits'}, and waiting again would pass the run's rate-limit deadline: lower the concurrency, raise the deadline, or check your quota.`,
    { status: 429, cause: error },
  );
}

function formatWait(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** A server that does not know predicted outputs answers 400/422 naming the field. */
function rejectsPrediction(error: unknown): boolean {
  if (!(error instanceof APIError) || (error.status !== 400 && error.status !== 422)) return false;
  return /prediction/i.test(`${error.message} ${error.param ?? ''} ${safeStringify(error.error)}`);
}

/**
 * A web server, login portal or proxy answering 200 with a page instead of the API: the client would
 * read the page as an event stream with no events, and the run would fail on "the reply was empty".
 */
function rejectHtmlPage(response: Response, settings: CallSettings): void {
  if (!/^\s*text\/html\b/i.test(response.headers.get('content-type') ?? '')) return;
  response.body?.cancel().catch(() => undefined);
  throw new ModelRequestError(
    'other',
    `${settings.server} answered with an HTML page, not the model API: check that the base URL is the API root (e.g. ending in /v1) and that no proxy or login page is in the way.`,
    { status: response.status },
  );
}

function mapFinishReason(finish: string | null | undefined, refusal: string): FinishReason {
  if (refusal !== '') return 'refusal';
  switch (finish) {
    case 'stop':
    case 'length':
    case 'content_filter':
      return finish;
    default:
      // tool calls, vendor-specific reasons, or a stream that ended without saying why.
      return 'other';
  }
}

/**
 * A server that cannot do structured output answers 400/422 about response_format or json_schema
 * (or just "not supported"); anything else (context too long, bad model…) is a real failure.
 */
function rejectsStructuredOutput(error: unknown): boolean {
  if (!(error instanceof APIError) || (error.status !== 400 && error.status !== 422)) return false;
  const said = `${error.message} ${error.param ?? ''} ${safeStringify(error.error)}`;
  return /response_format|json_schema|not supported|unsupported/i.test(said);
}

function safeStringify(value: unknown): string {
  try {
    return JSON.stringify(value) ?? '';
  } catch {
    return '';
  }
}

/** The idle timer fired; `toModelRequestError` words it with the timeout and the server. */
class ModelTimeout extends Error {
  constructor() {
    super('timed out');
    this.name = 'TimeoutError';
  }
}

/** `https://res.openai.azure.com` → `https://res.openai.azure.com/openai` (the client adds /deployments/…). */
function azureApiRoot(endpoint: string): string {
  const trimmed = endpoint.replace(/\/+$/, '');
  return /\/openai$/.test(trimmed) ? trimmed : `${trimmed}/openai`;
}

/** The base URL without credentials or query (which some gateways use for keys). */
function displayURL(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    parsed.search = '';
    parsed.hash = '';
    return parsed.toString().replace(/\/$/, '');
  } catch {
    return 'the configured base URL';
  }
}
