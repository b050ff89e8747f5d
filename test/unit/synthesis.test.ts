// The run's closing synthesis: every failure and open finding named, conflicts apart, the user's
// review decisions respected, and model text flattened so it cannot break the commit message.
import * as assert from 'node:assert/strict';
import { synthesizeChange } from '../../src/core/review/synthesis';
import { RefactorSession, type FileChangeState } from '../../src/core/engine/session';
import type { Finding } from '../../src/core/schemas';

function file(id: string, path: string, patch: Partial<FileChangeState>): FileChangeState {
  return { id, path, action: 'modify', description: `Change ${path}`, specialist: 'general', dependsOn: [], status: 'proposed', original: 'a\n', proposed: 'b\n', diff: '@@ -1 +1 @@\n-a\n+b\n', revisions: 0, findings: [], timings: {}, ...patch };
}

function finding(patch: Partial<Finding>): Finding {
  return { path: 'src/a.ts', line: 3, severity: 'warning', kind: 'inconsistency', message: 'still says UserStore', relatedPaths: [], source: 'model', ...patch };
}

function settledSession(): RefactorSession {
  const session = new RefactorSession('Rename UserStore to AccountRepository everywhere');
  session.plan = { summary: 'Rename the UserStore class to AccountRepository and update its importers. Tests follow.', changes: [], fileMoves: [], symbolRenames: [] };
  session.files = [
    file('c1', 'src/store.ts', { summary: 'renamed the class' }),
    file('c2', 'src/new.ts', { action: 'create', summary: 'added a re-export\nwith\u001b[2J a second line' }),
    file('c3', 'src/a.ts', { revisions: 1 }),
    file('c4', 'src/broken.ts', { status: 'failed', error: 'search text matched 3 places', proposed: null, diff: '' }),
    file('c5', 'src/same.ts', { diff: '', proposed: 'a\n' }),
  ];
  session.findings = [finding({}), finding({ path: 'src/b.ts', line: 0, kind: 'conflict', message: 'imports the old name', relatedPaths: ['src/store.ts'], source: 'check' })];
  session.stage = 'done';
  return session;
}

describe('synthesizeChange', () => {
  it('names every change, every failure, every open finding and the conflicts, apart', () => {
    const { subject, body, message } = synthesizeChange(settledSession());
    assert.equal(subject, 'Rename the UserStore class to AccountRepository and update its importers');
    assert.equal(message, `${subject}\n\n${body}\n`);
    assert.equal(
      body,
      [
        'Requested: Rename UserStore to AccountRepository everywhere',
        'Changes:\n- src/store.ts: renamed the class\n- src/new.ts (new): added a re-export with a second line\n- src/a.ts: Change src/a.ts',
        'Not done (1 planned file failed):\n- src/broken.ts: search text matched 3 places',
        'Disagreements between files:\n- src/b.ts vs src/store.ts: imports the old name',
        'Open findings:\n- src/a.ts:3 [warning, inconsistency, verifier]: still says UserStore (still open after 1 revision)',
      ].join('\n\n'),
    );
  });

  it('covers only what the user kept, naming what was left out', () => {
    const { body } = synthesizeChange(settledSession(), { included: new Set(['src/store.ts']) });
    assert.match(body, /Changes:\n- src\/store\.ts: renamed the class\n\nLeft out in review:\n- src\/new\.ts\n- src\/a\.ts/);
  });

  it('says so when the run failed or was cancelled, and keeps a long subject to 72 characters', () => {
    const session = new RefactorSession(`Rename ${'VeryLongIdentifier'.repeat(8)} to something shorter`);
    session.stage = 'failed';
    session.error = 'the planner replied with prose';
    const { subject, body } = synthesizeChange(session);
    assert.equal(subject.length, 72);
    assert.ok(subject.endsWith('…'));
    assert.match(body, /The run failed: the planner replied with prose$/);
  });
});
