import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { runWorker } from '../../src/core/edit/worker';
import { createNodeWorkspace } from '../../src/node/nodeWorkspace';
import { startFakeOpenAIServer, type FakeOpenAIServer } from '../support/fakeOpenAIServer';
import { recordCase } from './robustness/caseTable';
import { change, json, makeWorkspace, plan, provider, removeWorkspace } from './support/engineHarness';

// Bad (and good) model edits as data: one folder per case under test/fixtures/model-edits/ holds the
// file as it was (original.txt; none for a file to create), the worker's reply (reply.json, given to
// the first ask and the retry alike), and either the file the worker must propose (expected.txt, bytes
// compared) or the error it must fail with (error.json: a pattern for the message and, for search/
// replace, the kinds of the failing edits of both replies, the first and the retry). Each case runs the real worker against the loopback server
// through the real client, so search/replace, elision detection and text format are exercised exactly
// as in a run. Adding a case is adding a folder.
const repoRoot = path.resolve(__dirname, '../../..');
const casesDir = path.join(repoRoot, 'test', 'fixtures', 'model-edits');
const FILE = 'src/target.ts';

const CaseSchema = z.strictObject({
  format: z.enum(['search_replace', 'whole_file']),
  description: z.string().min(1),
  /** What must happen, in a sentence: the ledger's "expected" column. */
  expected: z.string().min(1),
});
const ErrorSchema = z.strictObject({
  message: z.string().min(1),
  kinds: z.array(z.enum(['no-match', 'ambiguous', 'empty-search', 'no-change'])).optional(),
});

interface EditCase {
  name: string;
  spec: z.infer<typeof CaseSchema>;
  original: Buffer | undefined;
  reply: unknown;
  expected: Buffer | undefined;
  error: z.infer<typeof ErrorSchema> | undefined;
}

function readCase(name: string): EditCase {
  const dir = path.join(casesDir, name);
  const optional = (file: string): Buffer | undefined => (fs.existsSync(path.join(dir, file)) ? fs.readFileSync(path.join(dir, file)) : undefined);
  const jsonFile = (file: string): unknown => JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
  const errorFile = optional('error.json');
  const result: EditCase = {
    name,
    spec: CaseSchema.parse(jsonFile('case.json')),
    original: optional('original.txt'),
    reply: jsonFile('reply.json'),
    expected: optional('expected.txt'),
    error: errorFile ? ErrorSchema.parse(JSON.parse(errorFile.toString('utf8'))) : undefined,
  };
  assert.ok((result.expected === undefined) !== (result.error === undefined), `${name}: give exactly one of expected.txt and error.json`);
  return result;
}

const cases = fs.readdirSync(casesDir, { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => readCase(entry.name));

describe('model edits as data (test/fixtures/model-edits)', function () {
  this.timeout(20_000);
  let server: FakeOpenAIServer;
  beforeEach(async () => {
    server = await startFakeOpenAIServer();
  });
  afterEach(async () => {
    await server.close();
  });

  it('has cases of every search/replace error kind', () => {
    const kinds = new Set(cases.flatMap((c) => c.error?.kinds ?? []));
    assert.deepEqual([...kinds].sort(), ['ambiguous', 'empty-search', 'no-change', 'no-match']);
  });

  for (const editCase of cases) {
    it(editCase.name, async () => {
      const { spec, original, reply, expected, error } = editCase;
      const root = await makeWorkspace(original ? { [FILE]: original } : {});
      try {
        server.setScript(() => json(reply));
        const planned = change('c1', FILE, spec.description, original ? {} : { action: 'create' });
        const result = await runWorker({
          request: spec.description,
          plan: plan([planned]),
          change: planned,
          workspace: createNodeWorkspace(root, { maxFileBytes: 1_000_000, extraExcludes: [] }),
          provider: provider(server),
          signal: new AbortController().signal,
          // One line is enough for search/replace; whole-file cases stay below any file's length.
          searchReplaceMinLines: spec.format === 'search_replace' ? 1 : Number.MAX_SAFE_INTEGER,
          upstream: [],
        });
        const asked = server.requests.map((request) => request.schemaName);
        const observed = result.ok
          ? `proposed ${result.proposed === null ? 'nothing' : `${Buffer.byteLength(result.proposed)} bytes`} after ${asked.length} ${asked[0] ?? ''} request(s)`
          : `failed after ${asked.length} ${asked[0] ?? ''} request(s): ${result.error}${result.editErrors ? ` [${result.editErrors.join(', ')}]` : ''}`;
        recordCase({ area: 'Model output', case: `edit as data: ${editCase.name}`, expected: spec.expected }, observed, () => {
          assert.ok(asked.every((name) => name === spec.format), `asked for ${asked.join(', ')}, not ${spec.format}`);
          if (expected) {
            assert.ok(result.ok, result.ok ? '' : result.error);
            assert.equal(asked.length, 1, 'a usable reply needs no retry');
            assert.ok(result.proposed !== null);
            // Bytes, so a lost BOM or a flipped line ending fails too.
            assert.deepEqual(Buffer.from(result.proposed, 'utf8'), expected);
          } else {
            assert.ok(error);
            assert.ok(!result.ok, 'the bad reply must not become a proposal');
            assert.equal(asked.length, 2, 'one retry, with the problem quoted, then the file fails');
            assert.match(result.error, new RegExp(error.message));
            assert.deepEqual(result.editErrors, error.kinds);
          }
        });
      } finally {
        await removeWorkspace(root);
      }
    });
  }
});
