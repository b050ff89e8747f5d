// Benchmark 5: a 3-line change in a 2,000-line file, through the real worker twice — once with
// search/replace edits, once as a whole-file rewrite (chosen by `searchReplaceMinLines`) — counting the
// completion tokens the fake server reports for what it streamed. The scripted replies are what a
// model doing the job would send: the three edits, or the whole file.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createNodeWorkspace, jsonReply, meterUsage, runWorker, startFakeOpenAIServer } from './out.mjs';
import { benchProvider } from './modelCalls.mjs';

export async function measureTokenEconomy({ scratch, fileLines }) {
  const dir = fs.mkdtempSync(path.join(scratch, 'tokens-'));
  const lines = Array.from({ length: fileLines }, (_, i) => (i % 10 === 0 ? `// section ${i / 10}` : `export const value${i} = compute(${i}, 'item-${i}');`));
  fs.writeFileSync(path.join(dir, 'big.ts'), `${lines.join('\n')}\n`);
  const changed = [11, Math.floor(fileLines / 2) + 1, fileLines - 9];
  const edited = lines.map((line, i) => (changed.includes(i) ? line.replace('compute(', 'computeSafely(') : line));
  const summary = 'Use computeSafely on the three flagged values.';
  const server = await startFakeOpenAIServer((request) => {
    if (request.schemaName === 'whole_file') return jsonReply({ content: `${edited.join('\n')}\n`, summary });
    if (request.schemaName === 'search_replace') return jsonReply({ edits: changed.map((i) => ({ search: lines[i], replace: edited[i] })), summary });
    return { status: 400, headers: { 'x-should-retry': 'false' }, body: { error: { message: `bench: unexpected schema ${request.schemaName}` } } };
  });
  try {
    const plan = {
      summary: 's',
      changes: [{ id: 'c1', path: 'big.ts', action: 'modify', description: `Use computeSafely for value${changed.join(', value')}.`, specialist: 'general', dependsOn: [] }],
      symbolRenames: [],
    };
    const measure = async (searchReplaceMinLines, expectedSchema) => {
      const before = server.requests.length;
      const metered = meterUsage(benchProvider(server.baseURL), () => undefined);
      const result = await runWorker({
        request: 'Use computeSafely for the three flagged values',
        plan,
        change: plan.changes[0],
        workspace: createNodeWorkspace(dir, { maxFileBytes: 1 << 22, extraExcludes: [] }),
        provider: metered.provider,
        signal: new AbortController().signal,
        searchReplaceMinLines,
        upstream: [],
      });
      const schemas = server.requests.slice(before).map((r) => r.schemaName);
      if (!result.ok || result.retried || schemas.join() !== expectedSchema) throw new Error(`bench: the ${expectedSchema} worker did not succeed in one call (${JSON.stringify({ ok: result.ok, schemas })})`);
      if (result.proposed !== `${edited.join('\n')}\n`) throw new Error(`bench: the ${expectedSchema} worker proposed something other than the 3-line change`);
      return metered.usage().worker.completionTokens;
    };
    const searchReplaceTokens = await measure(1, 'search_replace');
    const wholeFileTokens = await measure(Number.MAX_SAFE_INTEGER, 'whole_file');
    return { fileLines, changedLines: changed.length, searchReplaceTokens, wholeFileTokens, ratio: searchReplaceTokens / wholeFileTokens, goal: 0.1 };
  } finally {
    await server.close();
  }
}
