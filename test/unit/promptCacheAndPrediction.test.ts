import * as assert from 'node:assert/strict';
import type { ChatRequest } from '../../src/core/llm/chatProvider';
import { createOpenAIProvider, type OpenAIProviderOptions } from '../../src/core/llm/openaiProvider';
import { meterUsage } from '../../src/core/llm/usageMeter';
import { createNodeWorkspace } from '../../src/node/nodeWorkspace';
import { DEFAULT_ENGINE_SETTINGS, startRefactor } from '../../src/core/engine/orchestrator';
import { startFakeOpenAIServer, type FakeOpenAIServer, type FakeOpenAIServerOptions, type RecordedRequest } from '../support/fakeOpenAIServer';
import { change, json, makeWorkspace, noFindings, plan, removeWorkspace, workerFile, workerRequests } from './support/engineHarness';

const MODELS = { planner: 'p', worker: 'w', verifier: 'v' };
const signal = new AbortController().signal;

function providerFor(server: FakeOpenAIServer, extra: Partial<OpenAIProviderOptions> = {}) {
  return createOpenAIProvider({ baseURL: server.baseURL, apiKey: 'k', models: MODELS, timeoutMs: 5000, maxRetries: 0, ...extra });
}

function body(request: RecordedRequest | undefined): Record<string, unknown> {
  return (request?.body ?? {}) as Record<string, unknown>;
}

const files: Record<string, string> = {
  'src/a.ts': 'export const a = new OldName();\n',
  'src/b.ts': 'export const b = new OldName();\n',
  'src/c.ts': 'export const c = new OldName();\n',
};
const threePlan = plan(Object.keys(files).map((file, i) => change(`c${i + 1}`, file, 'Rename OldName to NewName.')), [{ from: 'OldName', to: 'NewName' }]);

describe('prompt caching and predicted outputs', function () {
  this.timeout(30_000);
  let server: FakeOpenAIServer;
  let root: string | undefined;

  afterEach(async () => {
    await server.close();
    if (root) await removeWorkspace(root);
    root = undefined;
  });

  async function runOn(options: FakeOpenAIServerOptions, providerOptions: Partial<OpenAIProviderOptions>) {
    server = await startFakeOpenAIServer((request) => {
      if (request.schemaName === 'plan') return json(threePlan);
      if (request.schemaName === 'verifier_report') return noFindings;
      const file = workerFile(request) ?? '';
      return json({ content: (files[file] ?? '').replace('OldName', 'NewName'), summary: 'renamed' });
    }, options);
    root = await makeWorkspace(files);
    const { session, done } = startRefactor({
      request: 'Rename OldName to NewName',
      workspace: createNodeWorkspace(root, { maxFileBytes: 1024 * 1024, extraExcludes: [] }),
      provider: providerFor(server, providerOptions),
      settings: { ...DEFAULT_ENGINE_SETTINGS, concurrency: 1 },
      signal,
    });
    const logs: string[] = [];
    session.onEvent((event) => {
      if (event.type === 'log') logs.push(event.message);
    });
    await done;
    assert.equal(session.stage, 'done', session.error);
    return { session, logs };
  }

  it('sends neither prompt_cache_key nor prediction to a server that is not OpenAI, by default', async () => {
    server = await startFakeOpenAIServer();
    const request: ChatRequest = { role: 'worker', messages: [{ role: 'user', content: 'hi' }], signal, cacheKey: 'run-1', prediction: 'hello' };
    await providerFor(server).complete(request);
    assert.equal(body(server.requests[0])['prompt_cache_key'], undefined);
    assert.equal(body(server.requests[0])['prediction'], undefined);
    await providerFor(server, { promptCacheKey: true, predictedOutputs: true }).complete(request);
    assert.equal(body(server.requests[1])['prompt_cache_key'], 'run-1');
    assert.deepEqual(body(server.requests[1])['prediction'], { type: 'content', content: 'hello' });
  });

  it('reads cached prompt tokens and prediction tokens from usage, and meters them per role', async () => {
    server = await startFakeOpenAIServer(() => ({ content: 'hello there' }), { prefixCache: { minTokens: 1024, stepTokens: 128 } });
    const metered = meterUsage(providerFor(server, { predictedOutputs: true }), () => undefined);
    const shared = 'x'.repeat(4 * 1500);
    const ask = (tail: string) => metered.provider.complete({ role: 'worker', messages: [{ role: 'user', content: shared + tail }], signal, prediction: 'hello world' });
    const first = await ask('one');
    const second = await ask('two');
    assert.equal(first.usage.cachedPromptTokens, 0, 'nothing cached on the first call');
    // 1,500 shared tokens → 1,024 + 3 × 128 = 1,408 in OpenAI's steps.
    assert.equal(second.usage.cachedPromptTokens, 1408);
    assert.ok((second.usage.acceptedPredictionTokens ?? 0) > 0 && (second.usage.rejectedPredictionTokens ?? 0) > 0);
    const usage = metered.usage().worker;
    assert.equal(usage.cachedPromptTokens, 1408);
    assert.equal(usage.acceptedPredictionTokens, (first.usage.acceptedPredictionTokens ?? 0) * 2);
  });

  it('gives every call of a run the same prompt_cache_key, and logs cached tokens per role', async () => {
    const { logs } = await runOn({}, { promptCacheKey: true });
    const keys = new Set(server.requests.map((r) => body(r)['prompt_cache_key']));
    assert.equal(keys.size, 1);
    const [key] = keys;
    assert.match(String(key), /^refactor-orchestrator-[0-9a-f-]{36}$/);
    assert.ok(logs.some((line) => /^Usage: planner 1 call, [\d,]+ prompt tokens \(0 cached\)/.test(line)), logs.join('\n'));
  });

  it('sends the current file as the predicted output of a whole-file rewrite', async () => {
    await runOn({}, { predictedOutputs: true });
    const workers = workerRequests(server);
    assert.equal(workers.length, 3);
    for (const worker of workers) {
      const file = workerFile(worker) ?? '';
      assert.deepEqual(body(worker)['prediction'], { type: 'content', content: `{"content":${JSON.stringify(files[file])},"summary":"` });
    }
    assert.equal(body(server.requests.find((r) => r.schemaName === 'plan'))['prediction'], undefined, 'the planner predicts nothing');
  });

  it('asks again without a prediction when the server refuses it, and remembers that for the rest of the run', async () => {
    const { logs, session } = await runOn({ rejectPrediction: true }, { predictedOutputs: true });
    const workers = workerRequests(server);
    // One refused call, then three without a prediction.
    assert.equal(workers.length, 4);
    assert.ok(body(workers[0])['prediction'] !== undefined);
    assert.deepEqual(workers.slice(1).map((w) => body(w)['prediction']), [undefined, undefined, undefined]);
    assert.equal(session.files.filter((f) => f.status === 'proposed').length, 3);
    assert.equal(logs.filter((line) => /does not accept predicted outputs/.test(line)).length, 1);
  });
});
