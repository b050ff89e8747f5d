import * as assert from 'node:assert/strict';
import type { ChatProvider, ChatRequest } from '../../src/core/llm/chatProvider';
import { describeModelError, ModelRequestError } from '../../src/core/llm/modelErrors';
import { createOpenAIProvider, type OpenAIProviderOptions } from '../../src/core/llm/openaiProvider';
import { meterUsage } from '../../src/core/llm/usageMeter';
import type { Usage } from '../../src/core/engine/session';
import { replyQueue, startFakeOpenAIServer, type FakeOpenAIServer } from '../support/fakeOpenAIServer';

const API_KEY = 'sk-test-0123456789abcdefSECRET';
const MODELS = { planner: 'plan-model', worker: 'work-model', verifier: 'verify-model' };

function providerFor(server: { baseURL: string }, overrides: Partial<OpenAIProviderOptions> = {}): ChatProvider {
  return createOpenAIProvider({ baseURL: server.baseURL, apiKey: API_KEY, models: MODELS, timeoutMs: 5000, maxRetries: 2, ...overrides });
}

function ask(provider: ChatProvider, extra: Partial<ChatRequest> = {}): ReturnType<ChatProvider['complete']> {
  return provider.complete({ role: 'worker', messages: [{ role: 'user', content: 'Say something.' }], signal: new AbortController().signal, ...extra });
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  assert.fail('expected the call to fail');
}

describe('OpenAI provider against the fake server', () => {
  let server: FakeOpenAIServer;
  beforeEach(async () => {
    server = await startFakeOpenAIServer();
  });
  afterEach(async () => {
    await server.close();
  });

  it('streams deltas in order and returns the same text', async () => {
    const content = 'The quick brown fox jumps over the lazy dog, twice over.';
    server.setScript(() => ({ content, tokensPerSecond: 200 }));
    const deltas: string[] = [];
    const response = await ask(providerFor(server), { onDelta: (text) => deltas.push(text) });

    assert.equal(response.text, content);
    assert.ok(deltas.length > 5, `expected several deltas, got ${deltas.length}`);
    assert.equal(deltas.join(''), content);
    assert.equal(response.finishReason, 'stop');
  });

  it('always streams with usage requested, and sends the model of the role', async () => {
    await ask(providerFor(server), { role: 'verifier' });
    const [request] = server.requests;
    assert.equal(request?.model, 'verify-model');
    assert.equal(request?.stream, true);
    assert.deepEqual((request?.body as { stream_options?: unknown }).stream_options, { include_usage: true });
  });

  it('reports the server usage, and meters it per role', async () => {
    server.setScript(replyQueue([
      { content: 'a', promptTokens: 100, completionTokens: 7 },
      { content: 'b', promptTokens: 40, completionTokens: 3 },
      { content: 'c', promptTokens: 5, completionTokens: 2 },
    ]));
    const changes: Usage[] = [];
    const metered = meterUsage(providerFor(server), (usage) => changes.push(usage));

    const first = await ask(metered.provider, { role: 'planner' });
    await ask(metered.provider, { role: 'worker' });
    await ask(metered.provider, { role: 'worker' });

    assert.deepEqual(first.usage, { promptTokens: 100, completionTokens: 7 });
    const none = { cachedPromptTokens: 0, acceptedPredictionTokens: 0, rejectedPredictionTokens: 0 };
    assert.deepEqual(metered.usage(), {
      planner: { requests: 1, promptTokens: 100, completionTokens: 7, ...none },
      worker: { requests: 2, promptTokens: 45, completionTokens: 5, ...none },
      verifier: { requests: 0, promptTokens: 0, completionTokens: 0, ...none },
    });
    assert.equal(changes.length, 3);
    assert.equal(changes[0]?.worker.requests, 0);
  });

  it('counts a failed call as a request', async () => {
    server.setScript(() => ({ status: 400 }));
    const metered = meterUsage(providerFor(server), () => undefined);
    await rejection(ask(metered.provider, { role: 'verifier' }));
    assert.deepEqual(metered.usage().verifier, { requests: 1, promptTokens: 0, completionTokens: 0, cachedPromptTokens: 0, acceptedPredictionTokens: 0, rejectedPredictionTokens: 0 });
  });

  it('sends json_schema as a strict response format under the given name', async () => {
    const schema = { type: 'object', properties: { a: { type: 'string' } }, required: ['a'], additionalProperties: false };
    await ask(providerFor(server), { jsonSchema: { name: 'plan', schema } });
    assert.deepEqual(server.requests[0]?.responseFormat, { type: 'json_schema', json_schema: { name: 'plan', schema, strict: true } });
    assert.equal(server.requests[0]?.schemaName, 'plan');
  });

  it('retries a 429 after the Retry-After seconds', async () => {
    server.setScript(replyQueue([{ status: 429, headers: { 'retry-after': '1' } }, { content: 'after the wait' }]));
    const response = await ask(providerFor(server));
    assert.equal(response.text, 'after the wait');
    assert.equal(server.requests.length, 2);
    const waited = (server.requests[1]?.receivedAt ?? 0) - (server.requests[0]?.receivedAt ?? 0);
    assert.ok(waited >= 900, `the retry came ${waited} ms after the 429; Retry-After asked for 1 s`);
  });

  it('retries a 429 after retry-after-ms', async () => {
    server.setScript(replyQueue([{ status: 429, headers: { 'retry-after-ms': '150' } }, { content: 'ok now' }]));
    const response = await ask(providerFor(server));
    assert.equal(response.text, 'ok now');
    const waited = (server.requests[1]?.receivedAt ?? 0) - (server.requests[0]?.receivedAt ?? 0);
    assert.ok(waited >= 130, `the retry came ${waited} ms after the 429; retry-after-ms asked for 150`);
  });

  it('retries a 500 and then succeeds', async () => {
    server.setScript(replyQueue([{ status: 500, headers: { 'retry-after-ms': '10' } }, { content: 'recovered' }]));
    assert.equal((await ask(providerFor(server))).text, 'recovered');
    assert.equal(server.requests.length, 2);
  });

  it('retries a dropped connection and then succeeds', async () => {
    server.setScript(replyQueue([{ dropConnection: true }, { content: 'second time lucky' }]));
    assert.equal((await ask(providerFor(server))).text, 'second time lucky');
    assert.equal(server.requests.length, 2);
  });

  it('reports a connection dropped mid-reply', async () => {
    server.setScript(() => ({ content: 'partial answer that never ends', dropConnection: true, dropAfterChars: 8 }));
    const error = await rejection(ask(providerFor(server, { maxRetries: 0 })));
    assert.ok(error instanceof ModelRequestError);
    assert.match(describeModelError(error), /dropped before the reply was complete/);
  });

  it('gives up after 429s with a line that says so', async () => {
    server.setScript(() => ({ status: 429, headers: { 'retry-after-ms': '5' } }));
    const error = await rejection(ask(providerFor(server, { maxRetries: 1 })));
    assert.equal(server.requests.length, 2);
    assert.match(describeModelError(error), /rate-limiting requests \(429\) and still was after 1 retry/);
  });

  it('does not wait when the server asks for more than a minute', async () => {
    server.setScript(() => ({ status: 429, headers: { 'retry-after': '3600' } }));
    const error = await rejection(ask(providerFor(server)));
    assert.equal(server.requests.length, 1);
    assert.match(describeModelError(error), /is rate-limiting requests \(429\): wait a little/);
  });

  it('does not retry an exhausted quota', async () => {
    server.setScript(() => ({ status: 429, body: { error: { message: 'You exceeded your current quota.', type: 'insufficient_quota', code: 'insufficient_quota' } } }));
    const error = await rejection(ask(providerFor(server)));
    assert.equal(server.requests.length, 1);
    assert.match(describeModelError(error), /quota is exhausted \(429\): check your plan and billing/);
  });

  it('times out a server that sends nothing, with a clear line', async () => {
    server.setScript(() => ({ stallMs: 10_000 }));
    const error = await rejection(ask(providerFor(server, { timeoutMs: 300, maxRetries: 0 })));
    assert.equal(describeModelError(error), `No answer within 0.3 s from ${server.baseURL} (model 'work-model'): the server may be busy or the model slow; try again or raise the timeout.`);
  });

  it('times out a stream that goes silent after the headers', async () => {
    server.setScript(() => ({ stallMs: 10_000, stallAt: 'headers' }));
    const error = await rejection(ask(providerFor(server, { timeoutMs: 300, maxRetries: 0 })));
    assert.match(describeModelError(error), /^No answer within 0\.3 s/);
  });

  it('rejects promptly with an abort error when cancelled mid-stream', async () => {
    // 100 tokens at 20 per second would take 5 s; the abort must end the call well before that.
    server.setScript(() => ({ content: 'word '.repeat(80), tokensPerSecond: 20 }));
    const controller = new AbortController();
    let received = '';
    const call = ask(providerFor(server), {
      signal: controller.signal,
      onDelta: (text) => {
        received += text;
        controller.abort();
      },
    });
    const error = await rejection(call);
    assert.ok(error instanceof Error && error.name === 'AbortError', `expected an AbortError, got ${String(error)}`);
    assert.equal(describeModelError(error), 'Cancelled');
    assert.ok(received.length < 'word '.repeat(80).length);
  });

  it('ends when aborted from inside onDelta while a fast stream still has chunks buffered', async function () {
    // Many chunks arrive in one read: after an abort from inside onDelta, none of the rest is handed
    // out and the call ends (a hang would time the test out).
    this.timeout(10_000);
    server.setScript(() => ({ content: 'x'.repeat(200_000), tokensPerSecond: 10_000_000 }));
    const controller = new AbortController();
    let deltas = 0;
    const error = await rejection(ask(providerFor(server), { signal: controller.signal, onDelta: () => { deltas++; controller.abort(); } }));
    assert.ok(error instanceof Error && error.name === 'AbortError', `expected an AbortError, got ${String(error)}`);
    assert.equal(deltas, 1, 'no delta is handed out after the abort');
  });

  it('cancels while waiting to retry, without sleeping through the Retry-After', async function () {
    this.timeout(5000); // sleeping through the 30 s Retry-After would fail the test
    server.setScript(() => ({ status: 429, headers: { 'retry-after': '30' } }));
    const controller = new AbortController();
    const call = ask(providerFor(server), { signal: controller.signal });
    setTimeout(() => controller.abort(), 100);
    const error = await rejection(call);
    assert.equal(describeModelError(error), 'Cancelled');
  });

  it('says the server is unreachable when nothing listens, without the key', async () => {
    const closed = await startFakeOpenAIServer();
    await closed.close();
    const error = await rejection(ask(providerFor(closed, { maxRetries: 0 })));
    const line = describeModelError(error);
    assert.equal(line, `Could not reach the model server at ${closed.baseURL}: is it running?`);
    assert.ok(!line.includes(API_KEY));
  });

  it('says the key was rejected on 401, without echoing it', async () => {
    server.setScript(() => ({ status: 401, body: { error: { message: `Incorrect API key provided: ${API_KEY}`, type: 'invalid_request_error', code: 'invalid_api_key' } } }));
    const error = await rejection(ask(providerFor(server)));
    const line = describeModelError(error);
    assert.match(line, /^The API key was rejected/);
    assert.ok(!line.includes(API_KEY));
    assert.ok(error instanceof Error && !error.message.includes(API_KEY));
  });

  it("names the model on 404", async () => {
    server.setScript(() => ({ status: 404 }));
    const line = describeModelError(await rejection(ask(providerFor(server), { role: 'planner' })));
    assert.match(line, /^Model 'plan-model' not found at /);
  });

  it('quotes the server on other 400s', async () => {
    server.setScript(() => ({ status: 400, body: { error: { message: 'temperature must be at most 2', type: 'invalid_request_error' } } }));
    const line = describeModelError(await rejection(ask(providerFor(server))));
    assert.equal(line, `${server.baseURL} rejected the request (400): temperature must be at most 2.`);
  });

  it('maps finish reasons and refusals', async () => {
    server.setScript(replyQueue([
      { content: 'half a sent', finishReason: 'length' },
      { content: '', finishReason: 'content_filter' },
      { refusal: "I can't help with that." },
    ]));
    const provider = providerFor(server);
    assert.equal((await ask(provider)).finishReason, 'length');
    assert.equal((await ask(provider)).finishReason, 'content_filter');
    const refused = await ask(provider);
    assert.equal(refused.finishReason, 'refusal');
    assert.equal(refused.refusal, "I can't help with that.");
    assert.equal(refused.text, '');
  });

  it('estimates usage when the server reports none', async () => {
    server.setScript(() => ({ content: 'x'.repeat(40), omitUsage: true }));
    const response = await ask(providerFor(server), { messages: [{ role: 'user', content: 'y'.repeat(80) }] });
    assert.deepEqual(response.usage, { promptTokens: 20, completionTokens: 10 });
  });

  it('sends max_tokens to compatible servers when a limit is set', async () => {
    await ask(providerFor(server), { maxOutputTokens: 123 });
    assert.equal((server.requests[0]?.body as { max_tokens?: unknown }).max_tokens, 123);
  });

  it('never puts the key or URL credentials in its description', () => {
    const provider = createOpenAIProvider({ baseURL: `https://user:${API_KEY}@example.invalid/v1?api-key=${API_KEY}`, apiKey: API_KEY, models: MODELS, timeoutMs: 1000, maxRetries: 0 });
    assert.equal(provider.description, 'openai-compatible https://example.invalid/v1');
  });

  it('talks to Azure deployments with the api-key header and api-version', async () => {
    const azure = createOpenAIProvider({ baseURL: server.baseURL.replace(/\/v1$/, ''), apiKey: API_KEY, models: MODELS, timeoutMs: 5000, maxRetries: 0, azureApiVersion: '2024-10-21' });
    await ask(azure, { role: 'planner' });
    const [request] = server.requests;
    assert.equal(request?.url, '/openai/deployments/plan-model/chat/completions?api-version=2024-10-21');
    assert.equal(request?.headers['api-key'], API_KEY);
    assert.match(azure.description, /^azure-openai http:\/\/127\.0\.0\.1:\d+$/);
  });
});
