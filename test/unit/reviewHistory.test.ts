import * as assert from 'node:assert/strict';
import { RefactorSession, type FileChangeState } from '../../src/core/engine/session';
import {
  addToHistory,
  HISTORY_LIMIT,
  historyEntry,
  parseHistoryIndex,
  parseSavedReview,
  restoreDecisions,
  restoreSession,
  serializeHistoryIndex,
  snapshotReview,
  type HistoryEntry,
} from '../../src/core/review/reviewHistory';
import { ReviewState } from '../../src/core/review/reviewState';

// History in plain Node: a settled review with decisions goes to JSON and comes back with the same
// plan, proposals, findings and decisions; the index keeps the newest 20; a saved file that was
// corrupted or edited into something hostile is refused rather than reopened.

const ORIGINAL = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l'].join('\n') + '\n';
const PROPOSED = ORIGINAL.replace('a\n', 'A\n').replace('l\n', 'L\n');

function file(id: string, patch: Partial<FileChangeState> = {}): FileChangeState {
  return { id, path: `src/${id}.ts`, action: 'modify', description: `change ${id}`, specialist: 'rename', dependsOn: [], status: 'proposed', original: ORIGINAL, proposed: PROPOSED, diff: '@@ diff @@', revisions: 0, findings: [], timings: {}, ...patch };
}

const NO_RERUN = { unavailable: 'no model in these tests' };

async function settledReview(): Promise<ReviewState> {
  const session = new RefactorSession('Rename a to A', 1000);
  session.plan = {
    summary: 'rename',
    fileMoves: [], symbolRenames: [{ from: 'a', to: 'A' }],
    changes: ['x', 'y', 'z', 'n'].map((id) => ({ id, path: `src/${id}.ts`, action: 'modify' as const, description: `change ${id}`, specialist: 'rename' as const, dependsOn: [] })),
  };
  session.files = [file('x'), file('y'), file('z'), file('n', { action: 'create', original: null, proposed: 'new\n' }), file('f', { status: 'failed', proposed: null, error: 'the model gave up' })];
  session.setFindings([{ path: 'src/x.ts', line: 1, severity: 'warning', kind: 'inconsistency', message: 'check x', relatedPaths: ['src/y.ts'], source: 'model' }]);
  session.compileCheck = { state: 'passed', verdict: 'the proposed changes type-check', newErrors: 0, files: 3 };
  session.stage = 'done';
  session.timings.finishedAt = 2000;
  const review = new ReviewState(session, Promise.resolve(), NO_RERUN);
  await new Promise((resolve) => setImmediate(resolve));
  return review;
}

function entry(id: string, savedAt: number): HistoryEntry {
  return { id, savedAt, request: `request ${id}`, files: 1, accepted: 0, applied: 0 };
}

describe('review history (core)', () => {
  it('round-trips a settled review: plan, proposals, findings, compile verdict and every kind of decision', async () => {
    const review = await settledReview();
    review.setFileDecision('x', 'accepted');
    review.setHunkDecision('y', 1, true);
    review.setFileDecision('z', 'rejected');
    review.setFileDecision('n', 'accepted');
    review.markApplied('n', new Set([0]));

    const saved = snapshotReview(review, 'abc-123', 5000);
    assert.ok(saved);
    const parsed = parseSavedReview(JSON.stringify(saved));
    assert.ok(parsed.ok, parsed.ok ? '' : parsed.reason);
    const session = restoreSession(parsed.review);
    const reopened = new ReviewState(session, Promise.resolve(), NO_RERUN);
    restoreDecisions(reopened, parsed.review);
    await new Promise((resolve) => setImmediate(resolve));

    assert.equal(session.request, 'Rename a to A');
    assert.equal(session.stage, 'done');
    assert.deepEqual(session.plan, review.session.plan);
    assert.deepEqual(
      session.files.map((f) => [f.id, f.status, f.proposed, f.error]),
      review.session.files.map((f) => [f.id, f.status, f.proposed, f.error]),
    );
    assert.deepEqual(session.findings, review.session.findings);
    assert.equal(session.file('x')?.findings.length, 1, 'findings are attached to their file again');
    assert.equal(session.compileCheck?.verdict, 'the proposed changes type-check');
    assert.deepEqual(['x', 'y', 'z', 'n', 'f'].map((id) => reopened.decision(id)), ['accepted', 'partial', 'rejected', 'accepted', 'pending']);
    assert.deepEqual(reopened.acceptedHunkIds('y'), [1]);
    assert.equal(reopened.isApplied('n'), true);
    assert.equal(reopened.running, false);
    assert.deepEqual(reopened.acceptedFiles().map((a) => a.file.id), ['x', 'y'], 'what waits to be applied is what waited before');
    assert.equal(reopened.synthesis().message, review.synthesis().message);
    assert.deepEqual(historyEntry(parsed.review), { id: 'abc-123', savedAt: 5000, request: 'Rename a to A', files: 5, accepted: 2, applied: 1 });
  });

  it('keeps who made each file and the language server\'s notes', async () => {
    const review = await settledReview();
    review.session.updateFile(review.session.file('x')!, { performedBy: 'language-server' });
    review.session.updateFile(review.session.file('y')!, { performedBy: 'both', addedBecause: "the language server's rename of a → A changes it (2 places)" });
    review.session.addLanguageServerNote({ level: 'info', message: 'Renamed a → A with the VS Code rename provider: 4 places in 2 files, no model tokens.' });
    const parsed = parseSavedReview(JSON.stringify(snapshotReview(review, 'ls-1', 5000)));
    assert.ok(parsed.ok, parsed.ok ? '' : parsed.reason);
    const session = restoreSession(parsed.review);
    assert.deepEqual(
      session.files.map((f) => [f.id, f.performedBy, f.addedBecause]),
      [
        ['x', 'language-server', undefined],
        ['y', 'both', "the language server's rename of a → A changes it (2 places)"],
        ['z', undefined, undefined],
        ['n', undefined, undefined],
        ['f', undefined, undefined],
      ],
    );
    assert.deepEqual(session.languageServerNotes, review.session.languageServerNotes);
  });

  it('saves no running review', () => {
    const session = new RefactorSession('still going', 0);
    session.setStage('working');
    const review = new ReviewState(session, new Promise<void>(() => {}), NO_RERUN);
    assert.equal(snapshotReview(review, 'abc'), undefined);
  });

  it('a reopened review without a model says why it cannot re-run', async () => {
    const review = await settledReview();
    const notices: string[] = [];
    review.onDidChange((change) => {
      if (change.kind === 'notice') notices.push(change.message);
    });
    await review.rerun('x');
    assert.deepEqual(notices, ['no model in these tests']);
  });

  it(`keeps the newest ${HISTORY_LIMIT} reviews and names the ones to delete`, () => {
    let entries: HistoryEntry[] = [];
    const dropped: string[] = [];
    for (let i = 1; i <= HISTORY_LIMIT + 3; i++) {
      const next = addToHistory(entries, entry(`r${i}`, i));
      entries = next.entries;
      dropped.push(...next.dropped);
    }
    assert.equal(entries.length, HISTORY_LIMIT);
    assert.equal(entries[0]?.id, `r${HISTORY_LIMIT + 3}`, 'newest first');
    assert.deepEqual(dropped, ['r1', 'r2', 'r3']);
    // Saving a review again moves it to the front instead of adding a second entry.
    const again = addToHistory(entries, entry('r10', 100));
    assert.equal(again.entries.length, HISTORY_LIMIT);
    assert.equal(again.entries[0]?.id, 'r10');
    assert.deepEqual(again.dropped, []);
    assert.deepEqual(parseHistoryIndex(serializeHistoryIndex(again.entries)).entries, again.entries);
  });

  it('refuses a corrupted or hostile saved review, and drops bad index entries one by one', async () => {
    const saved = snapshotReview(await settledReview(), 'abc', 1);
    assert.ok(saved);
    const refused = (value: unknown): string => {
      const parsed = parseSavedReview(typeof value === 'string' ? value : JSON.stringify(value));
      assert.equal(parsed.ok, false, `should refuse ${JSON.stringify(value).slice(0, 120)}`);
      return parsed.ok ? '' : parsed.reason;
    };
    assert.match(refused('{"version":1,"id":'), /not JSON/);
    assert.match(refused({ ...saved, version: 99 }), /version/);
    assert.match(refused({ ...saved, id: '../../escape' }), /^id/);
    assert.match(refused({ ...saved, files: [{ ...saved.files[0], path: '../outside.ts' }] }), /path/);
    assert.match(refused({ ...saved, files: [{ ...saved.files[0], path: '/etc/passwd' }] }), /path/);
    assert.match(refused({ ...saved, files: [{ ...saved.files[0], path: '.git/config' }] }), /path/);
    assert.match(refused({ ...saved, stage: 'working' }), /stage/);
    assert.match(refused({ ...saved, files: [saved.files[0], saved.files[0]] }), /share an id/);
    assert.match(refused({ ...saved, request: 'x'.repeat(100_000) }), /request/);
    assert.match(refused('x'.repeat(33 * 1024 * 1024)), /larger/);

    const index = parseHistoryIndex(JSON.stringify({ version: 1, entries: [entry('good', 2), { id: '../bad', savedAt: 1 }, 'junk', entry('good', 3)] }));
    assert.deepEqual(index.entries.map((e) => e.id), ['good']);
    assert.equal(index.dropped, 3);
    assert.deepEqual(parseHistoryIndex('not json'), { entries: [], dropped: 1 });
  });
});
