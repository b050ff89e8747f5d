import * as assert from 'node:assert/strict';
import { z } from 'zod';
import type { ChatProvider } from '../../src/core/llm/chatProvider';
import { createOpenAIProvider } from '../../src/core/llm/openaiProvider';
import { MAX_REPLY_CHARS, ModelOutputError, requestStructured } from '../../src/core/llm/structuredOutput';
import { meterUsage } from '../../src/core/llm/usageMeter';
import { PlanSchema, WholeFileReplySchema, type Plan } from '../../src/core/schemas';
import { jsonReply, replyQueue, routeBySchema, startFakeOpenAIServer, type FakeOpenAIServer, type FakeReply } from '../support/fakeOpenAIServer';

const PLAN: Plan = {
  summary: 'Rename foo to bar everywhere.',
  changes: [{ id: 'c1', path: 'src/a.ts', action: 'modify', description: 'Rename foo to bar.', specialist: 'rename', dependsOn: [] }],
  fileMoves: [], symbolRenames: [{ from: 'foo', to: 'bar' }],
};

function providerFor(server: FakeOpenAIServer): ChatProvider {
  return createOpenAIProvider({
    baseURL: server.baseURL,
    apiKey: 'test-key-not-secret',
    models: { planner: 'p', worker: 'w', verifier: 'v' },
    timeoutMs: 5000,
    maxRetries: 0,
  });
}

function askForPlan(provider: ChatProvider, onDelta?: (text: string) => void): Promise<Plan> {
  return requestStructured({
    provider,
    role: 'planner',
    schema: PlanSchema,
    schemaName: 'plan',
    messages: [
      { role: 'system', content: 'You plan refactorings.' },
      { role: 'user', content: 'Rename foo to bar.' },
    ],
    signal: new AbortController().signal,
    ...(onDelta ? { onDelta } : {}),
  });
}

async function outputError(promise: Promise<unknown>): Promise<ModelOutputError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ModelOutputError) return error;
    throw error;
  }
  assert.fail('expected a ModelOutputError');
}

describe('structured output', () => {
  let server: FakeOpenAIServer;
  const script = (replies: FakeReply[]): void => server.setScript(replyQueue(replies));
  const lastMessage = (index: number): { role: string; content: string } | undefined => server.requests[index]?.messages.at(-1);

  beforeEach(async () => {
    server = await startFakeOpenAIServer();
  });
  afterEach(async () => {
    await server.close();
  });

  it('asks for a strict json_schema named after the schema and returns the validated value', async () => {
    script([jsonReply(PLAN)]);
    const deltas: string[] = [];
    const plan = await askForPlan(providerFor(server), (text) => deltas.push(text));

    assert.deepEqual(plan, PLAN);
    assert.equal(deltas.join(''), JSON.stringify(PLAN));
    const format = server.requests[0]?.responseFormat as { type: string; json_schema: { name: string; strict: boolean; schema: { required: string[]; additionalProperties: boolean } } };
    assert.equal(format.type, 'json_schema');
    assert.equal(format.json_schema.name, 'plan');
    assert.equal(format.json_schema.strict, true);
    assert.deepEqual(format.json_schema.schema.required, ['summary', 'symbolRenames', 'fileMoves', 'changes']);
    // fileMoves has a default for old stored plans; strict mode is asked for every field and gets no default.
    assert.doesNotMatch(JSON.stringify(format.json_schema.schema), /"default"/);
    assert.equal(format.json_schema.schema.additionalProperties, false);
  });

  it('finds a plan wrapped in a fence with prose around it', async () => {
    script([{ content: `Sure! Here is the plan:\n\n\`\`\`json\n${JSON.stringify(PLAN, null, 2)}\n\`\`\`\n\nLet me know if you need more.` }]);
    assert.deepEqual(await askForPlan(providerFor(server)), PLAN);
    assert.equal(server.requests.length, 1);
  });

  it('repairs invalid JSON once, quoting the error', async () => {
    const broken = '{"summary": "x", "changes": [,], }';
    script([{ content: broken }, jsonReply(PLAN)]);
    assert.deepEqual(await askForPlan(providerFor(server)), PLAN);

    assert.equal(server.requests.length, 2);
    const repair = server.requests[1]?.messages ?? [];
    assert.deepEqual(repair.at(-2), { role: 'assistant', content: broken });
    assert.equal(repair.at(-1)?.role, 'user');
    assert.match(repair.at(-1)?.content ?? '', /not valid JSON/);
  });

  it('does not silently fix trailing commas', async () => {
    script([{ content: JSON.stringify(PLAN).replace(/\]\}$/, '],}') }, jsonReply(PLAN)]);
    await askForPlan(providerFor(server));
    assert.equal(server.requests.length, 2);
  });

  it('repairs valid JSON of the wrong shape, naming the field', async () => {
    script([jsonReply({ summary: 'x', changes: [{ ...PLAN.changes[0], action: 'rename' }] }), jsonReply(PLAN)]);
    assert.deepEqual(await askForPlan(providerFor(server)), PLAN);
    const instruction = lastMessage(1)?.content ?? '';
    assert.match(instruction, /does not match the schema/);
    assert.match(instruction, /changes\.0\.action/);
    assert.match(instruction, /symbolRenames/);
  });

  it('gives up after one repair with a clear ModelOutputError', async () => {
    script([{ content: 'I think you should rename foo.' }, { content: '{"summary": ' }]);
    const error = await outputError(askForPlan(providerFor(server)));
    assert.match(error.message, /^The planner's reply was not valid after a repair attempt: the reply is not valid JSON/);
    assert.equal(server.requests.length, 2);
  });

  it('never takes a reply cut off at max tokens as content', async () => {
    const other: Plan = { ...PLAN, summary: 'The complete second answer.' };
    script([{ ...jsonReply(PLAN), finishReason: 'length' }, jsonReply(other)]);
    assert.deepEqual(await askForPlan(providerFor(server)), other);
    assert.match(lastMessage(1)?.content ?? '', /cut off/);
  });

  it('fails clearly when the reply is cut off twice', async () => {
    script([{ content: '{"summary": "', finishReason: 'length' }, { content: '{"summary": "', finishReason: 'length' }]);
    const error = await outputError(askForPlan(providerFor(server)));
    assert.match(error.message, /cut off \(max tokens\)/);
  });

  it('reports a refusal with its text and does not ask again', async () => {
    script([{ refusal: 'I cannot help with that request.' }]);
    const error = await outputError(askForPlan(providerFor(server)));
    assert.equal(error.message, 'The planner refused: I cannot help with that request.');
    assert.equal(server.requests.length, 1);
  });

  it('reports a content-filtered reply as an error', async () => {
    script([{ ...jsonReply(PLAN), finishReason: 'content_filter' }]);
    const error = await outputError(askForPlan(providerFor(server)));
    assert.match(error.message, /content filter/);
  });

  it('stops a runaway reply at the cap, passes on no delta beyond it, and does not ask again', async () => {
    script([{ content: `{"summary": "${'again '.repeat(Math.ceil(MAX_REPLY_CHARS / 6) + 1000)}`, tokensPerSecond: 10_000_000 }]);
    let delivered = 0;
    const error = await outputError(askForPlan(providerFor(server), (text) => { delivered += text.length; }));
    assert.match(error.message, /^The planner's reply was stopped after 4 MB without ending/);
    assert.ok(delivered <= MAX_REPLY_CHARS, `${delivered} characters passed on`);
    assert.equal(server.requests.length, 1);
  });

  it('quotes only the start of an enormous unusable reply in the repair round', async () => {
    const prose = 'Let me think about this. '.repeat(40_000);
    script([{ content: prose, tokensPerSecond: 10_000_000 }, jsonReply(PLAN)]);
    assert.deepEqual(await askForPlan(providerFor(server)), PLAN);
    const quoted = server.requests[1]?.messages.at(-2)?.content ?? '';
    assert.ok(quoted.startsWith(prose.slice(0, 1000)));
    assert.ok(quoted.length < 20_000, `${quoted.length} characters quoted`);
    assert.match(quoted, /more characters of this reply are not repeated here\)$/);
  });

  it('treats an empty reply as an error, not as content', async () => {
    script([{ content: '' }, { content: '   ' }]);
    const error = await outputError(askForPlan(providerFor(server)));
    assert.match(error.message, /the reply was empty/);
  });

  it('falls back to prompted JSON when the server rejects json_schema, and remembers it', async () => {
    await server.close();
    server = await startFakeOpenAIServer(() => jsonReply(PLAN), { rejectJsonSchema: true });
    const provider = providerFor(server);

    assert.deepEqual(await askForPlan(provider), PLAN);
    assert.equal(server.requests.length, 2);
    assert.equal((server.requests[0]?.responseFormat as { type?: string }).type, 'json_schema');
    const fallback = server.requests[1];
    assert.equal(fallback?.responseFormat, undefined);
    assert.equal(fallback?.schemaName, 'plan');
    assert.equal(fallback?.messages.filter((m) => m.role === 'system').length, 1, 'the instructions join the existing system message');
    assert.match(fallback?.messages[0]?.content ?? '', /^You plan refactorings\.[\s\S]*"symbolRenames"[\s\S]*Schema name: plan$/);

    // A later call, even through a usage-metering wrapper, goes straight to prompted JSON.
    const metered = meterUsage(provider, () => undefined);
    assert.deepEqual(await askForPlan(metered.provider), PLAN);
    assert.equal(server.requests.length, 3);
    assert.equal(server.requests[2]?.responseFormat, undefined);
  });

  it('uses prompted JSON for a schema that strict mode cannot express', async () => {
    server.setScript(() => jsonReply({ note: 'hi' }));
    const value = await requestStructured({
      provider: providerFor(server),
      role: 'verifier',
      schema: z.object({ note: z.string(), extra: z.string().optional() }),
      schemaName: 'loose',
      messages: [{ role: 'user', content: 'Note something.' }],
      signal: new AbortController().signal,
    });
    assert.deepEqual(value, { note: 'hi' });
    assert.equal(server.requests.length, 1);
    assert.equal(server.requests[0]?.responseFormat, undefined);
    assert.equal(server.requests[0]?.schemaName, 'loose');
  });

  it('lets fake-server scripts route by schema name in both modes', async () => {
    server.setScript(routeBySchema({ plan: jsonReply(PLAN), whole_file: jsonReply({ content: 'x\n', summary: 'ok' }) }));
    const provider = providerFor(server);
    const file = await requestStructured({
      provider,
      role: 'worker',
      schema: WholeFileReplySchema,
      schemaName: 'whole_file',
      messages: [{ role: 'user', content: 'Rewrite.' }],
      signal: new AbortController().signal,
    });
    assert.deepEqual(file, { content: 'x\n', summary: 'ok' });
    assert.deepEqual(await askForPlan(provider), PLAN);
    assert.deepEqual(server.requests.map((r) => r.schemaName), ['whole_file', 'plan']);
  });
});
