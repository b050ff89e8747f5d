// Robustness ledger, area "Model output": what a reply does to the bytes of a file, and replies far
// too large to be real. Through the shipped CLI with --apply: line endings, BOMs and non-ASCII text
// must come back byte for byte apart from the intended change, and an enormous reply must end in a
// short, bounded error (or be handled) without reaching the disk.
import * as assert from 'node:assert/strict';
import { startFakeOpenAIServer, type FakeOpenAIServer, type FakeReply, type RecordedRequest } from '../../support/fakeOpenAIServer';
import { ensureFreshBuild } from '../support/cliRunner';
import { change, json, makeWorkspace, plan, removeWorkspace, requestsFor, workerFile } from '../support/engineHarness';
import { recordCase } from './caseTable';
import { AREA, RUNAWAY_FIX, baseFiles, describeFailedRun, describeFileFailure, fileOf, hostileWorkerFor, renamePlan, renamed, runApply, script, ALLOW_PARTIAL, type Outcome } from './modelOutputHarness';

/** Streams a long reply in large chunks, so the fake server needs few writes and little memory. */
const FAST_STREAM = { tokensPerSecond: 10_000_000 };
const MB = 1024 * 1024;

/** The change the fake worker makes to every file: the rename, on the LF text the model is shown. */
function renamingWorker(request: RecordedRequest): FakeReply {
  const shown = /```[^\n]*\n([\s\S]*?)\n?```/.exec(request.messages.find((m) => m.role === 'user')?.content ?? '')?.[1];
  if (request.schemaName === 'search_replace') {
    return json({ edits: [{ search: 'export class UserStore {}\nconst café = "☕";', replace: 'export class AccountRepository {}\nconst café = "☕ 🍵";' }], summary: 'renamed' });
  }
  return json({ content: renamed(`${shown ?? ''}\n`), summary: `renamed ${workerFile(request) ?? ''}` });
}

function bytesObserved(outcome: Outcome, path: string, expected: Buffer): string {
  const actual = outcome.after.get(path) ?? Buffer.alloc(0);
  const firstDifference = actual.findIndex((byte, i) => byte !== expected[i]);
  const verdict = actual.equals(expected) ? 'identical to the expected bytes' : `differs from the expected bytes (${actual.length} vs ${expected.length} bytes, first at ${firstDifference})`;
  return `exit ${String(outcome.run.code)}; ${path} ${fileOf(outcome, path)?.status ?? 'missing'}, written ${actual.length} bytes, ${verdict}`;
}

describe('robustness: model output (file bytes and enormous replies, through the CLI)', function () {
  this.timeout(60_000);
  let server: FakeOpenAIServer;
  let root: string | undefined;

  before(ensureFreshBuild);
  beforeEach(async () => {
    server = await startFakeOpenAIServer();
  });
  afterEach(async () => {
    await server.close();
    if (root) await removeWorkspace(root);
    root = undefined;
  });

  async function applyTo(files: Record<string, string>, filePlan: ReturnType<typeof plan>): Promise<Outcome> {
    root = await makeWorkspace(files);
    server.setScript(script({ plan: json(filePlan), whole_file: renamingWorker, search_replace: renamingWorker }));
    return runApply(server, root);
  }

  it('CRLF file with a BOM, CJK, emoji and combining marks', async () => {
    const original = '\uFEFF// 日本語のコメント 👩‍💻\r\nexport class UserStore {}\r\nconst café = "cafe\u0301";\r\n';
    const outcome = await applyTo({ 'src/win.ts': original }, plan([change('c1', 'src/win.ts', 'Rename UserStore.')]));
    const expected = Buffer.from(renamed(original), 'utf8');
    recordCase({ area: AREA, case: 'CRLF + BOM + CJK/emoji/combining file, whole-file reply', expected: 'The file keeps its BOM, CRLF and every non-ASCII byte; only the renamed line differs.' }, bytesObserved(outcome, 'src/win.ts', expected), () => {
      assert.equal(outcome.run.code, 0, outcome.run.stderr);
      assert.ok(!(requestsFor(server, 'whole_file')[0]?.messages.some((m) => m.content.includes('\r')) ?? true), 'the model sees LF text');
      assert.deepEqual(outcome.after.get('src/win.ts'), expected);
    });
  });

  it('CRLF file with a BOM, search/replace edit on a non-ASCII line', async () => {
    const lines = ['// 日本語 👩‍💻', 'export class UserStore {}', 'const café = "☕";', ...Array.from({ length: 420 }, (_, i) => `export const v${i} = ${i};`)];
    const original = `\uFEFF${lines.join('\r\n')}\r\n`;
    const outcome = await applyTo({ 'src/big.ts': original }, plan([change('c1', 'src/big.ts', 'Rename UserStore.')]));
    const expected = Buffer.from(original.replace('export class UserStore {}\r\nconst café = "☕";', 'export class AccountRepository {}\r\nconst café = "☕ 🍵";'), 'utf8');
    recordCase({ area: AREA, case: 'CRLF + BOM file over 400 lines, search/replace reply', expected: 'The LF edit lands on the CRLF file; BOM, CRLF and the other 421 lines stay byte for byte.' }, bytesObserved(outcome, 'src/big.ts', expected), () => {
      assert.equal(outcome.run.code, 0, outcome.run.stderr);
      assert.equal(requestsFor(server, 'search_replace').length, 1);
      assert.deepEqual(outcome.after.get('src/big.ts'), expected);
    });
  });

  it('mixed CRLF/LF file', async () => {
    const original = 'export class UserStore {}\r\nconst a = 1;\r\nconst b = 2;\nconst c = 3;\r\n';
    const outcome = await applyTo({ 'src/mixed.ts': original }, plan([change('c1', 'src/mixed.ts', 'Rename UserStore.')]));
    const expected = Buffer.from(renamed(original), 'utf8');
    const fixed = 'unchanged lines keep their own ending (was: every line got the majority ending, a change the LF diff never showed)';
    recordCase({ area: AREA, case: 'mixed CRLF/LF file, whole-file reply', expected: 'Unchanged lines keep their own ending (the one LF line stays LF); only the renamed line differs.', fixed }, bytesObserved(outcome, 'src/mixed.ts', expected), () => {
      assert.equal(outcome.run.code, 0, outcome.run.stderr);
      assert.deepEqual(outcome.after.get('src/mixed.ts'), expected);
    });
  });

  it('worker: whole file silently cut to a tenth', async () => {
    const long = `${Array.from({ length: 60 }, (_, i) => (i === 0 ? 'export class UserStore {}' : `export const v${i} = ${i};`)).join('\n')}\n`;
    root = await makeWorkspace({ ...baseFiles, 'src/long.ts': long });
    const cut = json({ content: renamed(long.split('\n').slice(0, 6).join('\n')), summary: 'renamed' });
    const longPlan = plan([change('c1', 'src/store.ts', 'Rename class UserStore.'), change('c2', 'src/long.ts', 'Rename class UserStore.')]);
    server.setScript(script({ plan: json(longPlan), whole_file: hostileWorkerFor('src/long.ts', cut) }));
    const outcome = await runApply(server, root, [ALLOW_PARTIAL]);
    recordCase({ area: AREA, case: 'worker: whole file silently cut to a tenth', expected: 'Taken for truncation, not an edit: one retry, then that file fails alone; its 60 lines stay.' }, describeFileFailure(outcome, 'src/long.ts'), () => {
      assert.equal(outcome.run.code, 0, outcome.run.stderr);
      assert.match(fileOf(outcome, 'src/long.ts')?.error ?? '', /^after one retry: the reply has 6 lines where the file had 60; it looks truncated/);
      assert.equal(outcome.workerRequestsFor('src/long.ts'), 2);
      assert.deepEqual(outcome.changed, ['src/store.ts']);
    });
  });

  // ---------------------------------------------------------------------------------------------
  // Enormous replies

  it('worker: a reply of 2 MB for a 2-line file', async () => {
    root = await makeWorkspace(baseFiles);
    const huge = `${'// filler line of a reply far larger than the file it replaces\n'.repeat(Math.ceil((2 * MB) / 64))}`;
    server.setScript(script({ whole_file: hostileWorkerFor('src/app.ts', { ...json({ content: huge, summary: 'renamed' }), ...FAST_STREAM }) }));
    const outcome = await runApply(server, root);
    const proposal = fileOf(outcome, 'src/app.ts');
    const written = outcome.after.get('src/app.ts')?.length ?? 0;
    const verifierBytes = JSON.stringify(requestsFor(server, 'verifier_report')[0]?.body ?? '').length;
    const observed = `exit ${String(outcome.run.code)}; src/app.ts ${proposal?.status ?? 'missing'} with a ${proposal?.diff.length ?? 0}-char diff after ${outcome.workerRequestsFor('src/app.ts')} worker request(s); verifier request ${verifierBytes} bytes; --apply wrote ${written} bytes, exactly the reply's content: ${String(outcome.after.get('src/app.ts')?.toString() === huge)}`;
    const fixed = 'the verifier is told the diff is too large instead of being sent it (was: a 2 MB verifier request)';
    recordCase({ area: AREA, case: 'worker: a 2 MB whole-file reply for a 2-line file', expected: 'Handled like any proposal: one diff, written only by an explicit --apply, byte-exact; the verifier prompt stays small.', fixed }, observed, () => {
      assert.equal(outcome.run.code, 0, outcome.run.stderr);
      assert.equal(proposal?.status, 'proposed');
      assert.equal(outcome.after.get('src/app.ts')?.toString(), huge);
      assert.ok(verifierBytes < 300_000, `verifier request of ${verifierBytes} bytes`);
    });
  });

  it('worker: a runaway reply of 5 MB', async () => {
    root = await makeWorkspace(baseFiles);
    const runaway = { content: `{"content": "${'all work and no play '.repeat(Math.ceil((5 * MB) / 21))}`, ...FAST_STREAM };
    server.setScript(script({ whole_file: hostileWorkerFor('src/app.ts', runaway) }));
    const outcome = await runApply(server, root, [ALLOW_PARTIAL]);
    const fixed = RUNAWAY_FIX;
    recordCase({ area: AREA, case: 'worker: a runaway 5 MB reply', expected: 'The stream is stopped at the reply cap; that file fails alone saying so; nothing of it is written.', fixed }, describeFileFailure(outcome, 'src/app.ts'), () => {
      assert.equal(outcome.run.code, 0, outcome.run.stderr);
      assert.match(fileOf(outcome, 'src/app.ts')?.error ?? '', /stopped/);
      assert.equal(outcome.workerRequestsFor('src/app.ts'), 1, 'a runaway is not asked again');
      assert.deepEqual(outcome.changed, ['src/store.ts']);
    });
  });

  it('planner: a runaway reply of 5 MB', async () => {
    root = await makeWorkspace(baseFiles);
    server.setScript(script({ plan: { content: `{"summary": "${'and then '.repeat(Math.ceil((5 * MB) / 9))}`, ...FAST_STREAM } }));
    const outcome = await runApply(server, root);
    const fixed = RUNAWAY_FIX;
    recordCase({ area: AREA, case: 'planner: a runaway 5 MB reply', expected: 'The stream is stopped at the reply cap; exit 1 with one line saying so; nothing written.', fixed }, describeFailedRun(outcome), () => {
      assert.equal(outcome.run.code, 1, outcome.run.stderr);
      assert.deepEqual(outcome.errorLines, ["refactor-orchestrator: The planner's reply was stopped after 4 MB without ending; no usable reply is that long."]);
      assert.equal(outcome.requests('plan'), 1);
      assert.deepEqual(outcome.changed, []);
    });
  });

  it('planner: 2 MB of prose', async () => {
    root = await makeWorkspace(baseFiles);
    server.setScript(script({ plan: { content: 'Let me think about how to rename this. '.repeat(Math.ceil((2 * MB) / 39)), ...FAST_STREAM } }));
    const outcome = await runApply(server, root);
    const repairBytes = JSON.stringify(requestsFor(server, 'plan')[1]?.body ?? '').length;
    const observed = `${describeFailedRun(outcome)}; the repair request was ${repairBytes} bytes`;
    const fixed = 'the repair round quotes at most 16k characters of the reply (was: the whole 2 MB, sent back)';
    recordCase({ area: AREA, case: 'planner: 2 MB of prose', expected: 'Exit 1 naming "no JSON object"; the repair round does not send the 2 MB back.', fixed }, observed, () => {
      assert.equal(outcome.run.code, 1, outcome.run.stderr);
      assert.match(outcome.errorLines[0] ?? '', /the reply contains no JSON object/);
      assert.deepEqual(outcome.changed, []);
      assert.ok(repairBytes < 200_000, `repair request of ${repairBytes} bytes`);
    });
  });

  it('planner: a valid plan with a 2 MB summary', async () => {
    root = await makeWorkspace(baseFiles);
    server.setScript(script({ plan: { ...json({ ...renamePlan, summary: 'Rename the class everywhere. '.repeat(Math.ceil((2 * MB) / 29)) }), ...FAST_STREAM } }));
    const outcome = await runApply(server, root);
    const largest = Math.max(...server.requests.map((r) => JSON.stringify(r.body).length));
    const observed = `${describeFailedRun(outcome)}; largest request ${largest} bytes; stderr ${outcome.run.stderr.length} chars`;
    const fixed = 'plan validation caps the summary at 2,000 characters (was: accepted, 2 MB in every prompt and on stderr)';
    recordCase({ area: AREA, case: 'planner: a valid plan with a 2 MB summary', expected: 'The summary is refused in validation (one repair round), never passed to workers or the terminal.', fixed }, observed, () => {
      assert.equal(outcome.run.code, 1, outcome.run.stderr);
      assert.match(outcome.errorLines[0] ?? '', /summary is [\d,]+ characters/);
      assert.equal(outcome.requests('whole_file'), 0);
      assert.ok(largest < 200_000, `largest request ${largest} bytes`);
      assert.ok(outcome.run.stderr.length < 10_000);
      assert.deepEqual(outcome.changed, []);
    });
  });
});
