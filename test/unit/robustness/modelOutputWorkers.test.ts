// Robustness ledger, area "Model output", worker stage: one file's worker misbehaves while the other's
// behaves. Through the shipped CLI with --apply: the bad file must fail alone with its reason, its
// bytes untouched, while the good file is still written; when every file fails, exit 1 with one line.
import * as assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { FakeReply } from '../../support/fakeOpenAIServer';
import { json } from '../support/engineHarness';
import { recordCase } from './caseTable';
import {
  AREA, appTs, bigPlan, describeFailedRun, diskSummary as diskSummaryOf, describeFileFailure, fileOf, hostileWorkerFor, renamed, runApply, script, storeTs, ALLOW_PARTIAL, useServerAndWorkspace, type Outcome,
} from './modelOutputHarness';

describe('robustness: model output (workers, through the CLI)', function () {
  this.timeout(60_000);
  const fixture = useServerAndWorkspace();

  /** The hostile file failed with `cause` after `requests` asks and kept its bytes; the other file was written. */
  function assertFailsAlone(outcome: Outcome, path: string, cause: RegExp, requests: number, written: string): void {
    assert.equal(outcome.run.code, 0, outcome.run.stderr);
    const file = fileOf(outcome, path);
    assert.equal(file?.status, 'failed');
    assert.match(file?.error ?? '', cause);
    assert.equal(outcome.workerRequestsFor(path), requests);
    assert.deepEqual(outcome.result?.applied, [written]);
    assert.deepEqual(outcome.changed, [written], 'only the good file changed on disk');
    assert.match(outcome.run.stderr, new RegExp(`\\[failed\\] ${path.replace(/[./]/g, '\\$&')}: `));
  }

  const invalidJson = /The worker's reply was not valid after a repair attempt: /;
  const wholeFileFailures: { name: string; reply: FakeReply | FakeReply[]; cause: RegExp; requests: number; expected: string }[] = [
    {
      name: 'worker: prose instead of JSON',
      reply: { content: 'I have renamed UserStore to AccountRepository in app.ts as requested.' },
      cause: new RegExp(`${invalidJson.source}the reply contains no JSON object`),
      requests: 2,
      expected: 'One repair round, then that file fails alone naming "no JSON object"; the other file is written.',
    },
    {
      name: 'worker: empty reply',
      reply: { content: '' },
      cause: new RegExp(`${invalidJson.source}the reply was empty`),
      requests: 2,
      expected: 'One repair round, then that file fails alone naming the empty reply; the other is written.',
    },
    {
      name: 'worker: truncated JSON (finish_reason length), twice',
      reply: { content: JSON.stringify({ content: renamed(appTs), summary: 'renamed' }).slice(0, 40), finishReason: 'length' },
      cause: new RegExp(`${invalidJson.source}the reply was cut off \\(max tokens\\)`),
      requests: 2,
      expected: 'The cut-off text is never used as the file; that file fails alone saying it was cut off.',
    },
    {
      name: 'worker: valid JSON of the wrong shape',
      reply: json({ file: 'src/app.ts', newContent: renamed(appTs) }),
      cause: /does not match the schema \(content: .*summary: /,
      requests: 2,
      expected: 'One repair round quoting the schema issues; then that file fails alone naming the fields.',
    },
    {
      name: 'worker: refusal',
      reply: { refusal: 'I cannot modify this file.' },
      cause: /^The worker refused: I cannot modify this file\.$/,
      requests: 1,
      expected: 'No second ask; that file fails alone quoting the refusal; the other file is written.',
    },
    {
      name: 'worker: reply blocked by the content filter',
      reply: { ...json({ content: renamed(appTs), summary: 'renamed' }), finishReason: 'content_filter' },
      cause: /^The worker's reply was blocked by the server's content filter\.$/,
      requests: 1,
      expected: 'The filtered text is never used and not asked for again; that file fails alone saying so.',
    },
    {
      name: 'worker: whole file with "// ... rest of code unchanged"',
      reply: json({ content: "import { AccountRepository } from './store';\n// ... rest of code unchanged\n", summary: 'renamed' }),
      cause: /^after one retry: the reply elides code with "\/\/ \.\.\. rest of code unchanged"/,
      requests: 2,
      expected: 'The elided reply is never applied; one retry, then that file fails alone naming the marker.',
    },
  ];

  for (const failure of wholeFileFailures) {
    it(failure.name, async () => {
      fixture.server.setScript(script({ whole_file: hostileWorkerFor('src/app.ts', failure.reply) }));
      const outcome = await runApply(fixture.server, fixture.root, [ALLOW_PARTIAL]);
      recordCase({ area: AREA, case: failure.name, expected: failure.expected }, describeFileFailure(outcome, 'src/app.ts'), () => {
        assertFailsAlone(outcome, 'src/app.ts', failure.cause, failure.requests, 'src/store.ts');
      });
    });
  }

  it('worker: whole file wrapped in a json code fence', async () => {
    const fenced: FakeReply = { content: `\`\`\`json\n${JSON.stringify({ content: renamed(appTs), summary: 'renamed' })}\n\`\`\`` };
    fixture.server.setScript(script({ whole_file: hostileWorkerFor('src/app.ts', fenced) }));
    const outcome = await runApply(fixture.server, fixture.root);
    const same = outcome.after.get('src/app.ts')?.toString() === renamed(appTs);
    const observed = `exit ${String(outcome.run.code)}; ${outcome.workerRequestsFor('src/app.ts')} worker request(s) for src/app.ts; written: ${(outcome.result?.applied ?? []).join(', ')}; src/app.ts ${same ? 'equals' : 'differs from'} the fenced content`;
    recordCase({ area: AREA, case: 'worker: whole file wrapped in a json code fence', expected: 'The fence is unwrapped, no retry; the file is written with exactly the fenced content.' }, observed, () => {
      assert.equal(outcome.run.code, 0, outcome.run.stderr);
      assert.equal(outcome.workerRequestsFor('src/app.ts'), 1);
      assert.ok(same);
    });
  });

  it('worker: every file answers with prose', async () => {
    fixture.server.setScript(script({ whole_file: { content: 'Done! The class is renamed now.' } }));
    const outcome = await runApply(fixture.server, fixture.root);
    recordCase({ area: AREA, case: 'worker: every file answers with prose', expected: 'Exit 1 with one line naming the first failed file and why; nothing written.' }, describeFailedRun(outcome, 'whole_file'), () => {
      assert.equal(outcome.run.code, 1, outcome.run.stderr);
      assert.equal(outcome.errorLines.length, 1);
      assert.match(outcome.errorLines[0] ?? '', /Every planned change failed \(first: src\/store\.ts: The worker's reply was not valid after a repair attempt: the reply contains no JSON object\)/);
      assert.ok(!outcome.hasStackTrace);
      assert.deepEqual(outcome.changed, []);
      assert.equal(outcome.requests('whole_file'), 4);
    });
  });

  // ---------------------------------------------------------------------------------------------
  // Search/replace (src/big.ts is over the 400-line threshold).

  const searchFailures: { name: string; edits: { search: string; replace: string }[]; cause: RegExp; expected: string }[] = [
    {
      name: 'worker: search block that matches twice',
      edits: [{ search: '// marker', replace: '// renamed marker' }],
      cause: /^after one retry: the edit: search text is ambiguous: it matches 2 places \(starting "\/\/ marker"\)/,
      expected: 'Never guesses an occurrence: one retry, then that file fails alone naming the 2 matches.',
    },
    {
      name: 'worker: search block that matches nowhere',
      edits: [{ search: 'export class UserStorage {}', replace: 'export class AccountRepository {}' }],
      cause: /^after one retry: the edit: search text not found in the current file \(starting "export class UserStorage \{\}"\)/,
      expected: 'One retry quoting the miss, then that file fails alone naming the search text.',
    },
    {
      name: 'worker: search/replace edit with "// ... rest unchanged"',
      edits: [{ search: 'export class UserStore {}', replace: 'export class AccountRepository {}\n// ... rest unchanged' }],
      cause: /^after one retry: edit 1 elides code with "\/\/ \.\.\. rest unchanged"/,
      expected: 'The elided edit is never applied; one retry, then that file fails alone naming the marker.',
    },
  ];
  for (const failure of searchFailures) {
    it(failure.name, async () => {
      fixture.server.setScript(script({ plan: json(bigPlan), search_replace: hostileWorkerFor('src/big.ts', json({ edits: failure.edits, summary: 'renamed' })) }));
      const outcome = await runApply(fixture.server, fixture.root, [ALLOW_PARTIAL]);
      recordCase({ area: AREA, case: failure.name, expected: failure.expected }, describeFileFailure(outcome, 'src/big.ts'), () => {
        assert.equal(outcome.requests('search_replace'), 2, 'big.ts was asked for search/replace edits');
        assertFailsAlone(outcome, 'src/big.ts', failure.cause, 2, 'src/store.ts');
        assert.equal(outcome.after.get('src/store.ts')?.toString(), renamed(storeTs));
      });
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Short search blocks that match many places (issue 15: a real test file had one line 17 times),
  // and partial runs under --apply.

  /** A test file over the search/replace threshold in which two lines each occur 17 times. */
  const repeatedTs = [
    'export class UserStore {}',
    ...Array.from({ length: 17 }, (_, i) => [`it('case ${i}', () => {`, '  const store = new UserStore();', '  expect(store.size).toBe(1);', '});'].join('\n')),
    ...Array.from({ length: 360 }, (_, i) => `export const filler${i} = ${i};`),
    '',
  ].join('\n');
  const count = (text: string, needle: string): number => text.split(needle).length - 1;

  async function useRepeatedFile(): Promise<void> {
    await writeFile(path.join(fixture.root, 'src', 'big.ts'), repeatedTs);
  }

  it('worker: a one-line search block that occurs 17 times, given once per occurrence', async () => {
    await useRepeatedFile();
    const edits = [
      { search: 'export class UserStore {}', replace: 'export class AccountRepository {}' },
      ...Array.from({ length: 17 }, () => ({ search: '  const store = new UserStore();', replace: '  const store = new AccountRepository();' })),
    ];
    fixture.server.setScript(script({ plan: json(bigPlan), search_replace: hostileWorkerFor('src/big.ts', json({ edits, summary: 'renamed' })) }));
    const outcome = await runApply(fixture.server, fixture.root);
    const after = outcome.after.get('src/big.ts')?.toString() ?? '';
    const observed = `exit ${String(outcome.run.code)}; ${outcome.workerRequestsFor('src/big.ts')} worker request(s) for src/big.ts; "new UserStore()" left ${count(after, 'new UserStore()')}, "new AccountRepository()" ${count(after, 'new AccountRepository()')}; ${diskSummaryOf(outcome)}`;
    recordCase({ area: AREA, case: 'worker: a one-line search block occurring 17 times, repeated once per occurrence', expected: 'Each of the 17 occurrences is replaced, in file order, with no retry; both files written.', fixed: 'ambiguous blocks are placed by file order (was: refused as ambiguous, then the file failed)' }, observed, () => {
      assert.equal(outcome.run.code, 0, outcome.run.stderr);
      assert.equal(outcome.workerRequestsFor('src/big.ts'), 1, outcome.run.stderr);
      assert.equal(after, renamed(repeatedTs));
      assert.deepEqual(outcome.changed, ['src/big.ts', 'src/store.ts']);
    });
  });

  it('worker: an ambiguous search block that file order cannot place', async () => {
    await useRepeatedFile();
    // The second edit's line occurs 17 times, all before the first edit: the model broke file order.
    const edits = [
      { search: 'export const filler359 = 359;', replace: 'export const filler359 = 360;' },
      { search: '  expect(store.size).toBe(1);', replace: '  expect(store.size).toBe(2);' },
    ];
    fixture.server.setScript(script({ plan: json(bigPlan), search_replace: hostileWorkerFor('src/big.ts', json({ edits, summary: 'changed' })) }));
    const outcome = await runApply(fixture.server, fixture.root, [ALLOW_PARTIAL]);
    recordCase({ area: AREA, case: 'worker: an ambiguous search block that file order cannot place', expected: 'Never guesses: one retry quoting why order cannot place it, then that file fails alone, its bytes kept.' }, describeFileFailure(outcome, 'src/big.ts'), () => {
      assertFailsAlone(outcome, 'src/big.ts', /^after one retry: edit 2 of 2: search text is ambiguous: it matches 17 places .*none of them comes after the previous edit/, 2, 'src/store.ts');
      assert.equal(outcome.after.get('src/big.ts')?.toString(), repeatedTs);
    });
  });

  const renamingBigPlan = { ...bigPlan, symbolRenames: [{ from: 'UserStore', to: 'AccountRepository' }] };
  const notFound = json({ edits: [{ search: 'export class UserStorage {}', replace: 'export class AccountRepository {}' }], summary: 'renamed' });

  it('--apply of a run in which a planned file failed', async () => {
    fixture.server.setScript(script({ plan: json(renamingBigPlan), search_replace: hostileWorkerFor('src/big.ts', notFound) }));
    const outcome = await runApply(fixture.server, fixture.root);
    const line = outcome.errorLines[0] ?? '(no error line)';
    recordCase({ area: AREA, case: 'CLI --apply of a partial run (1 of 2 planned files failed)', expected: 'Refused: exit 1, one stderr line naming the failed count, the compile check’s verdict and --allow-partial; nothing written.', fixed: '--apply refuses a partial run unless --allow-partial (was: wrote the other files, leaving the rename half done)' }, `exit ${String(outcome.run.code)}; stderr: "${line}"; ${diskSummaryOf(outcome)}`, () => {
      assert.equal(outcome.run.code, 1, outcome.run.stderr);
      assert.equal(outcome.errorLines.length, 1);
      assert.match(line, /^refactor-orchestrator: 1 of 2 planned files failed \(src\/big\.ts\): applying the rest leaves the rename of UserStore to AccountRepository half done \(compile check: the proposed changes type-check\); nothing written \(pass --allow-partial to write the other 1 anyway\)$/);
      assert.deepEqual(outcome.changed, []);
      assert.equal(fileOf(outcome, 'src/big.ts')?.status, 'failed', '--json still reports the run');
      assert.ok(!outcome.hasStackTrace);
    });
  });

  it('--apply --allow-partial of a run in which a planned file failed', async () => {
    fixture.server.setScript(script({ plan: json(renamingBigPlan), search_replace: hostileWorkerFor('src/big.ts', notFound) }));
    const outcome = await runApply(fixture.server, fixture.root, [ALLOW_PARTIAL]);
    const warned = /\[warn\] 1 of 2 planned files failed \(src\/big\.ts\).*writing the other 1 \(--allow-partial\)/.test(outcome.run.stderr);
    recordCase({ area: AREA, case: 'CLI --apply --allow-partial of a partial run', expected: 'Writes the file that succeeded, keeps the failed one as it was, warns that the rename is half done; exit 0.' }, `exit ${String(outcome.run.code)}; warned: ${String(warned)}; written: ${(outcome.result?.applied ?? []).join(', ')}; ${diskSummaryOf(outcome)}`, () => {
      assert.equal(outcome.run.code, 0, outcome.run.stderr);
      assert.ok(warned, outcome.run.stderr);
      assert.deepEqual(outcome.changed, ['src/store.ts']);
      assert.equal(outcome.after.get('src/store.ts')?.toString(), renamed(storeTs));
    });
  });
});
