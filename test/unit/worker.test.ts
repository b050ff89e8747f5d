import * as assert from 'node:assert/strict';
import { createNodeWorkspace } from '../../src/node/nodeWorkspace';
import type { Plan, PlannedChange } from '../../src/core/schemas';
import { runWorker, type WorkerInput } from '../../src/core/edit/worker';
import { startFakeOpenAIServer, type FakeOpenAIServer, type RecordedRequest } from '../support/fakeOpenAIServer';
import { change, json, makeWorkspace, plan, provider, removeWorkspace, userText } from './support/engineHarness';

describe('runWorker', function () {
  this.timeout(20_000);
  let server: FakeOpenAIServer;
  let root: string;
  const big = Array.from({ length: 12 }, (_, i) => `export const item${i} = ${i};`).join('\n') + '\n';

  beforeEach(async () => {
    server = await startFakeOpenAIServer();
    root = await makeWorkspace({ 'small.ts': 'export const a = 1;\n', 'big.ts': big });
  });
  afterEach(async () => {
    await server.close();
    await removeWorkspace(root);
  });

  function input(c: PlannedChange, extra: Partial<WorkerInput> = {}): WorkerInput {
    const p: Plan = plan([c]);
    return {
      request: 'the request',
      plan: p,
      change: c,
      workspace: createNodeWorkspace(root, { maxFileBytes: 1_000_000, extraExcludes: [] }),
      provider: provider(server),
      signal: new AbortController().signal,
      searchReplaceMinLines: 10,
      upstream: [],
      ...extra,
    };
  }

  it('asks for the whole file below the line threshold and shows it without line numbers', async () => {
    server.setScript(() => json({ content: 'export const alpha = 1;\n', summary: 's' }));
    const result = await runWorker(input(change('c1', 'small.ts', 'rename a to alpha')));
    assert.ok(result.ok);
    assert.equal(result.proposed, 'export const alpha = 1;\n');
    assert.equal(server.requests[0]?.schemaName, 'whole_file');
    const prompt = userText(server.requests[0] as RecordedRequest);
    assert.match(prompt, /\nexport const a = 1;\n/);
    assert.match(prompt, /the request[\s\S]*rename a to alpha/);
  });

  it('asks for search/replace edits at or above the threshold', async () => {
    server.setScript(() => json({ edits: [{ search: 'export const item3 = 3;', replace: 'export const itemThree = 3;' }], summary: 's' }));
    const result = await runWorker(input(change('c1', 'big.ts', 'rename item3')));
    assert.ok(result.ok);
    assert.equal(server.requests[0]?.schemaName, 'search_replace');
    assert.equal(result.proposed, big.replace('item3 ', 'itemThree '));
    assert.match(result.diff, /-export const item3 = 3;\n\+export const itemThree = 3;/);
  });

  it('tells a search/replace worker that edits go in file order, and places its repeated one-line blocks by that order', async () => {
    const repeated = `export const head = 0;\n${'export const marker = 0;\nexport const y = 2;\n'.repeat(4)}`;
    await removeWorkspace(root);
    root = await makeWorkspace({ 'repeat.ts': repeated });
    server.setScript(() => json({
      edits: [
        { search: 'export const head = 0;', replace: 'export const head = 1;' },
        { search: 'export const y = 2;', replace: 'export const y = 3;' },
        { search: 'export const marker = 0;', replace: 'export const marker = 1;' },
      ],
      summary: 's',
    }));
    const result = await runWorker(input(change('c1', 'repeat.ts', 'change the second marker'), { searchReplaceMinLines: 1 }));
    // The format rules are part of the worker's own section, after the prefix every worker shares.
    const prompt = (server.requests[0]?.messages ?? []).map((m) => m.content).join('\n');
    assert.match(prompt.replace(/\s+/g, ' '), /List the edits in file order, top to bottom/);
    assert.match(prompt.replace(/\s+/g, ' '), /first match after the previous edit/);
    assert.ok(result.ok, JSON.stringify(result));
    const lines = (result.proposed ?? '').split('\n');
    assert.deepEqual(lines.slice(0, 6), ['export const head = 1;', 'export const marker = 0;', 'export const y = 3;', 'export const marker = 1;', 'export const y = 2;', 'export const marker = 0;']);
  });

  it('rejects an elision inside a replacement and retries', async () => {
    const replies = [
      json({ edits: [{ search: 'export const item3 = 3;', replace: '// ... existing code ...' }], summary: 's' }),
      json({ edits: [{ search: 'export const item3 = 3;', replace: 'export const item3 = 33;' }], summary: 's' }),
    ];
    server.setScript(() => replies.shift() ?? json({ edits: [], summary: '' }));
    const result = await runWorker(input(change('c1', 'big.ts', 'change item3')));
    assert.ok(result.ok && result.retried);
    assert.equal(result.proposed, big.replace('item3 = 3', 'item3 = 33'));
  });

  it('writes a new file whole, with no original', async () => {
    server.setScript(() => json({ content: 'export const created = true;\n', summary: 's' }));
    const result = await runWorker(input(change('c1', 'new/file.ts', 'create it', { action: 'create' })));
    assert.ok(result.ok);
    assert.equal(result.original, null);
    assert.match(result.diff, /^--- \/dev\/null\n\+\+\+ b\/new\/file\.ts/);
  });

  it('fails a create when the file already exists, without a model call', async () => {
    const result = await runWorker(input(change('c1', 'small.ts', 'create it', { action: 'create' })));
    assert.equal(result.ok, false);
    assert.match(result.ok ? '' : result.error, /already exists/);
    assert.equal(server.requests.length, 0);
  });

  it('fails a modify of a file that is gone', async () => {
    const result = await runWorker(input(change('c1', 'gone.ts', 'edit')));
    assert.equal(result.ok, false);
    assert.match(result.ok ? '' : result.error, /no longer exists/);
  });

  it('restores the final newline a whole-file reply dropped', async () => {
    server.setScript(() => json({ content: 'export const alpha = 1;', summary: 's' }));
    const result = await runWorker(input(change('c1', 'small.ts', 'rename')));
    assert.ok(result.ok);
    assert.equal(result.proposed, 'export const alpha = 1;\n');
  });
});
