import * as assert from 'node:assert/strict';
import { DEFAULT_ENGINE_SETTINGS } from '../../src/core/engine/orchestrator';
import { RefactorSession, type FileChangeState } from '../../src/core/engine/session';
import type { ChatProvider } from '../../src/core/llm/chatProvider';
import { ReviewState, type ReviewChange } from '../../src/core/review/reviewState';
import type { WorkspaceAccess } from '../../src/core/workspace/workspace';

// The review's rules in plain Node: decisions per file and per hunk, the stale reset, the accepted
// set and the announcement of what can be applied. The session is driven the way the engine drives
// it (updateFile, setStage), so the review sees the same events as in a run.

const ORIGINAL = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l'].join('\n') + '\n';
/** Two hunks: line 1 and line 12 change, far enough apart not to merge. */
const PROPOSED = ORIGINAL.replace('a\n', 'A\n').replace('l\n', 'L\n');

const unusedProvider: ChatProvider = {
  description: 'not called by these tests',
  complete: () => Promise.reject(new Error('no model in these tests')),
};
const emptyWorkspace: WorkspaceAccess = { label: 'memory', listFiles: async () => [], readText: async () => undefined };

function fileState(id: string, action: FileChangeState['action'] = 'modify'): FileChangeState {
  return { id, path: `src/${id}.ts`, action, description: '', specialist: 'rename', dependsOn: [], status: 'queued', original: action === 'create' ? null : ORIGINAL, proposed: null, diff: '', revisions: 0, findings: [], timings: {} };
}

interface Harness {
  session: RefactorSession;
  review: ReviewState;
  changes: ReviewChange[];
  propose: (id: string, proposed?: string | null) => void;
  settle: () => Promise<void>;
}

function harness(...files: FileChangeState[]): Harness {
  const session = new RefactorSession('Rename a to A', 0);
  session.files = files;
  let settle!: () => void;
  const done = new Promise<void>((resolve) => (settle = resolve));
  const review = new ReviewState(session, done, { workspace: emptyWorkspace, provider: unusedProvider, settings: DEFAULT_ENGINE_SETTINGS, signal: new AbortController().signal });
  const changes: ReviewChange[] = [];
  review.onDidChange((change) => changes.push(change));
  session.setStage('working');
  for (const file of files) session.updateFile(file, {});
  return {
    session,
    review,
    changes,
    propose: (id, proposed = PROPOSED) => {
      const file = session.file(id);
      assert.ok(file);
      session.updateFile(file, { status: 'proposed', proposed });
    },
    settle: async () => {
      session.setStage('done');
      settle();
      await done;
      await new Promise((resolve) => setImmediate(resolve));
    },
  };
}

describe('review rules (core)', () => {
  it('accepts and rejects a whole file, and only a proposed one', () => {
    const { review, propose } = harness(fileState('x'), fileState('y'));
    review.setFileDecision('x', 'accepted');
    assert.equal(review.decision('x'), 'pending', 'a queued file cannot be decided');
    propose('x');
    review.setFileDecision('x', 'accepted');
    assert.equal(review.decision('x'), 'accepted');
    assert.deepEqual(review.acceptedHunkIds('x'), [0, 1]);
    review.setFileDecision('x', 'rejected');
    assert.equal(review.decision('x'), 'rejected');
    assert.deepEqual(review.acceptedHunkIds('x'), []);
  });

  it('accepts hunk by hunk: one of two is partial, both is accepted, none is rejected', () => {
    const { review, propose } = harness(fileState('x'));
    propose('x');
    assert.equal(review.hunks('x').length, 2);
    review.setHunkDecision('x', 1, true);
    assert.equal(review.decision('x'), 'partial');
    review.setHunkDecision('x', 0, true);
    assert.equal(review.decision('x'), 'accepted');
    review.setHunkDecision('x', 0, false);
    review.setHunkDecision('x', 1, false);
    assert.equal(review.decision('x'), 'rejected');
    review.setHunkDecision('x', 7, true);
    assert.equal(review.decision('x'), 'rejected', 'an unknown hunk id changes nothing');
  });

  it('takes no hunk decisions for a create, which is accepted whole', () => {
    const { review, propose } = harness(fileState('n', 'create'));
    propose('n', 'export const n = 1;\n');
    review.setHunkDecision('n', 0, true);
    assert.equal(review.decision('n'), 'pending');
    review.setFileDecision('n', 'accepted');
    assert.equal(review.decision('n'), 'accepted');
  });

  it('lists the accepted set: accepted and partial files with their hunks, not rejected or pending ones', () => {
    const { review, propose } = harness(fileState('x'), fileState('y'), fileState('z'));
    for (const id of ['x', 'y', 'z']) propose(id);
    review.setFileDecision('x', 'accepted');
    review.setHunkDecision('y', 1, true);
    review.setFileDecision('z', 'rejected');
    const accepted = review.acceptedFiles().map(({ file, acceptedHunks }) => [file.id, [...acceptedHunks]]);
    assert.deepEqual(accepted, [
      ['x', [0, 1]],
      ['y', [1]],
    ]);
  });

  it('drops the decision of a stale file and refuses new ones until it is proposed again', () => {
    const { review, propose, session } = harness(fileState('x'));
    propose('x');
    review.setFileDecision('x', 'accepted');
    review.markStale('x');
    assert.equal(review.isStale('x'), true);
    assert.equal(review.decision('x'), 'pending');
    assert.deepEqual(review.acceptedFiles(), []);
    review.setFileDecision('x', 'accepted');
    assert.equal(review.decision('x'), 'pending', 'a stale file cannot be accepted');
    // A re-run reads the file again: a new original and proposal make it decidable once more.
    const file = session.file('x');
    assert.ok(file);
    session.updateFile(file, { original: ORIGINAL + 'm\n', proposed: PROPOSED + 'm\n' });
    assert.equal(review.isStale('x'), false);
    review.setFileDecision('x', 'accepted');
    assert.equal(review.decision('x'), 'accepted');
  });

  it('resets a decision when the proposal changes (a revision), and bumps its version', () => {
    const { review, propose } = harness(fileState('x'));
    propose('x');
    review.setFileDecision('x', 'accepted');
    const version = review.proposalVersion('x');
    propose('x', PROPOSED.replace('A\n', 'AA\n'));
    assert.equal(review.decision('x'), 'pending');
    assert.equal(review.proposalVersion('x'), version + 1);
  });

  it('keeps an applied file out of the accepted set and out of later decisions', () => {
    const { review, propose } = harness(fileState('x'));
    propose('x');
    review.setFileDecision('x', 'accepted');
    review.markApplied('x', new Set([0, 1]));
    assert.equal(review.isApplied('x'), true);
    assert.deepEqual([...(review.appliedHunks('x') ?? [])], [0, 1]);
    assert.deepEqual(review.acceptedFiles(), []);
    review.markStale('x');
    assert.equal(review.isStale('x'), false, 'an applied file does not go stale');
  });

  it('announces a change of what can be applied, or of what the synthesis covers, as a session change, and only then', async () => {
    const { review, propose, settle, changes } = harness(fileState('x'), fileState('y'));
    propose('x');
    propose('y');
    review.setFileDecision('x', 'accepted');
    assert.equal(review.canApply, false, 'nothing can be applied while the run is going');
    await settle();
    assert.equal(review.canApply, true);
    changes.length = 0;
    review.setFileDecision('y', 'accepted');
    assert.deepEqual(changes, [{ kind: 'file', id: 'y' }, { kind: 'session' }], 'still applicable, but the synthesis now covers y');
    assert.match(review.synthesis().body, /Changes:\n- src\/x\.ts: .*\n- src\/y\.ts: /);
    changes.length = 0;
    review.setFileDecision('y', 'accepted');
    assert.deepEqual(changes, [{ kind: 'file', id: 'y' }], 'nothing the session view shows changed: no session change');
    changes.length = 0;
    review.setAllDecisions('rejected');
    assert.equal(review.canApply, false);
    assert.deepEqual(changes, [{ kind: 'file', id: 'x' }, { kind: 'session' }, { kind: 'file', id: 'y' }, { kind: 'session' }], 'each rejection narrows the synthesis');
    changes.length = 0;
    review.setFileDecision('x', 'accepted');
    assert.deepEqual(changes, [{ kind: 'file', id: 'x' }, { kind: 'session' }]);
    changes.length = 0;
    review.markStale('x');
    assert.deepEqual(changes, [{ kind: 'file', id: 'x' }, { kind: 'session' }]);
  });

  it('stops announcing once disposed', () => {
    const { review, propose, changes } = harness(fileState('x'));
    review.dispose();
    changes.length = 0;
    propose('x');
    assert.deepEqual(changes, []);
  });

  it("describes a partial run once settled, with the compile check's verdict on what applying the rest leaves", async () => {
    const { session, review, propose, settle } = harness(fileState('x'), fileState('y'));
    propose('x');
    const y = session.file('y');
    assert.ok(y);
    session.updateFile(y, { status: 'failed', error: 'no edits' });
    assert.equal(review.partialRun(), undefined, 'not while the run is going');
    session.setCompileCheck({ state: 'errors', verdict: '2 new errors in 1 file', newErrors: 2, files: 1 });
    await settle();
    assert.deepEqual(review.partialRun(), { planned: 2, failed: ['src/y.ts'], consequence: 'applying the rest leaves the change half done: the failed files keep their old code', compileVerdict: '2 new errors in 1 file' });
  });
});
