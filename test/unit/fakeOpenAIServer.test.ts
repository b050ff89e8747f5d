import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import { replyQueue, routeBySchema, startFakeOpenAIServer, type FakeOpenAIServer } from '../support/fakeOpenAIServer';

function post(url: string, body: unknown): Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

const chat = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({ model: 'm', messages: [{ role: 'user', content: 'hello there' }], ...extra });

describe('fake OpenAI server', () => {
  let server: FakeOpenAIServer;
  afterEach(async () => {
    await server.close();
  });

  it('answers non-streaming requests with a chat completion and usage', async () => {
    server = await startFakeOpenAIServer(() => ({ content: 'hi!', promptTokens: 3 }));
    const reply = await post(`${server.baseURL}/chat/completions`, chat());
    const body = JSON.parse(reply.text) as { choices: { message: { content: string }; finish_reason: string }[]; usage: { prompt_tokens: number; completion_tokens: number } };
    assert.equal(body.choices[0]?.message.content, 'hi!');
    assert.equal(body.choices[0]?.finish_reason, 'stop');
    assert.deepEqual([body.usage.prompt_tokens, body.usage.completion_tokens], [3, 1]);
  });

  it('streams SSE chunks, a usage chunk when asked, and [DONE]', async () => {
    server = await startFakeOpenAIServer(() => ({ content: 'abcdefghij' }));
    const reply = await post(`${server.baseURL}/chat/completions`, chat({ stream: true, stream_options: { include_usage: true } }));
    assert.match(String(reply.headers['content-type']), /text\/event-stream/);
    const events = reply.text.split('\n\n').filter((e) => e !== '');
    assert.equal(events.at(-1), 'data: [DONE]');
    const chunks = events.slice(0, -1).map((e) => JSON.parse(e.replace(/^data: /, '')) as { choices: { delta: { content?: string }; finish_reason: string | null }[]; usage?: unknown });
    assert.equal(chunks.map((c) => c.choices[0]?.delta.content ?? '').join(''), 'abcdefghij');
    assert.deepEqual(chunks.at(-1)?.choices, []);
    assert.ok(chunks.at(-1)?.usage);
    assert.equal(chunks.at(-2)?.choices[0]?.finish_reason, 'stop');
  });

  it('records requests, with the schema name from response_format or the prompted marker', async () => {
    server = await startFakeOpenAIServer();
    await post(`${server.baseURL}/chat/completions`, chat({ response_format: { type: 'json_schema', json_schema: { name: 'plan', schema: {} } } }));
    await post(`${server.baseURL}/chat/completions`, chat({ messages: [{ role: 'system', content: 'JSON please.\nSchema name: verifier_report' }] }));
    assert.deepEqual(server.requests.map((r) => [r.index, r.model, r.schemaName]), [[0, 'm', 'plan'], [1, 'm', 'verifier_report']]);
  });

  it('rejects json_schema with a 400 when configured to', async () => {
    server = await startFakeOpenAIServer(undefined, { rejectJsonSchema: true });
    const reply = await post(`${server.baseURL}/chat/completions`, chat({ response_format: { type: 'json_schema', json_schema: { name: 'plan', schema: {} } } }));
    assert.equal(reply.status, 400);
    assert.match(reply.text, /json_schema/);
  });

  it('answers a queue in order and says so when it runs out', async () => {
    server = await startFakeOpenAIServer(replyQueue([{ content: 'one' }, { status: 503 }]));
    assert.match((await post(`${server.baseURL}/chat/completions`, chat())).text, /"one"/);
    assert.equal((await post(`${server.baseURL}/chat/completions`, chat())).status, 503);
    const exhausted = await post(`${server.baseURL}/chat/completions`, chat());
    assert.equal(exhausted.status, 400);
    assert.match(exhausted.text, /reply queue is exhausted/);
  });

  it('routes by schema name, with queues per schema', async () => {
    server = await startFakeOpenAIServer(routeBySchema({ plan: [{ content: 'p1' }, { content: 'p2' }], whole_file: { content: 'w' } }));
    const marker = (name: string): Record<string, unknown> => chat({ messages: [{ role: 'system', content: `Schema name: ${name}` }] });
    const texts: string[] = [];
    for (const name of ['plan', 'whole_file', 'plan', 'whole_file']) texts.push((JSON.parse((await post(`${server.baseURL}/chat/completions`, marker(name))).text) as { choices: { message: { content: string } }[] }).choices[0]?.message.content ?? '');
    assert.deepEqual(texts, ['p1', 'w', 'p2', 'w']);
    assert.equal((await post(`${server.baseURL}/chat/completions`, marker('verifier_report'))).status, 400);
  });

  it('lists models', async () => {
    server = await startFakeOpenAIServer();
    const text = await new Promise<string>((resolve, reject) => {
      http.get(`${server.baseURL}/models`, (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve(body));
      }).on('error', reject);
    });
    assert.equal((JSON.parse(text) as { object: string }).object, 'list');
  });

  it('closes promptly even with a request stalled for a minute', async () => {
    server = await startFakeOpenAIServer(() => ({ stallMs: 60_000 }));
    const stalled = post(`${server.baseURL}/chat/completions`, chat()).then(
      () => 'answered',
      () => 'connection closed',
    );
    while (server.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    await server.close();
    assert.equal(await stalled, 'connection closed');
  });
});
