import * as assert from 'node:assert/strict';
import { FileActionSchema, FileStatusSchema, FindingKindSchema, FindingSeveritySchema, SessionStageSchema } from '../../src/core/schemas';
import { FileViewSchema, FindingViewSchema, parseFromWebview, parseToWebview, SessionViewSchema, type FileView, type SessionView } from '../../src/protocol/webviewProtocol';

const file: FileView = {
  id: 'c1',
  path: 'src/a.ts',
  action: 'modify',
  description: 'Rename foo to bar',
  specialist: 'rename',
  dependsOn: [],
  status: 'proposed',
  revisions: 0,
  stale: false,
  applied: false,
  decision: 'pending',
  acceptedHunks: [],
  hunkCount: 2,
  hunksSelectable: true,
  added: 3,
  removed: 1,
  proposalVersion: 1,
};

const session: SessionView = {
  request: 'rename foo to bar',
  stage: 'working',
  usage: {
    planner: { requests: 1, promptTokens: 10, completionTokens: 5 },
    worker: { requests: 0, promptTokens: 0, completionTokens: 0 },
    verifier: { requests: 0, promptTokens: 0, completionTokens: 0 },
  },
  elapsedMs: 1200,
  running: true,
  canApply: false,
};

describe('webview protocol', () => {
  it('declares the same finding kinds as the core, compile-error included', () => {
    assert.deepEqual([...FindingViewSchema.shape.kind.options].sort(), [...FindingKindSchema.options].sort());
    assert.ok(FindingKindSchema.options.includes('compile-error'));
  });

  it('carries the compile verdict and the suggestions, and accepts "Add to refactor" by id only', () => {
    const withCheck: SessionView = { ...session, compileCheck: { state: 'errors', verdict: '3 new errors in 2 files' }, suggestions: [{ id: 's1', path: 'src/b.ts', reason: 'TS2305 here' }] };
    assert.ok(parseToWebview({ type: 'session', session: withCheck }).ok);
    assert.ok(!parseToWebview({ type: 'session', session: { ...withCheck, compileCheck: { state: 'great', verdict: 'x' } } }).ok);
    assert.ok(parseFromWebview({ type: 'addSuggestion', id: 's1' }).ok);
    assert.ok(!parseFromWebview({ type: 'addSuggestion', id: 's1', path: 'src/b.ts' }).ok, 'a path is never accepted from the webview');
    const finding = { path: 'src/a.ts', line: 3, severity: 'error', kind: 'compile-error', message: 'TS2345: …', relatedPaths: [], source: 'check', code: 'TS2345' };
    assert.ok(parseToWebview({ type: 'findings', findings: [finding] }).ok);
  });

  describe('messages from the webview', () => {
    it('accepts each well-formed action', () => {
      const valid: unknown[] = [
        { type: 'ready' },
        { type: 'setFileDecision', id: 'c1', decision: 'accepted' },
        { type: 'setHunkDecision', id: 'c1', hunkId: 0, accepted: false },
        { type: 'setAllDecisions', decision: 'rejected' },
        { type: 'openDiff', id: 'c2' },
        { type: 'openDiff', id: 'c2', line: 12 },
        { type: 'openAllDiffs' },
        { type: 'rerun', id: 'c3' },
        { type: 'apply' },
        { type: 'savePatch' },
        { type: 'apply', allowPartial: true },
        { type: 'cancelRun' },
        { type: 'showLog' },
      ];
      for (const message of valid) assert.ok(parseFromWebview(message).ok, JSON.stringify(message));
    });

    it('rejects unknown message types', () => {
      const result = parseFromWebview({ type: 'writeFile', path: '/etc/passwd', content: 'x' });
      assert.equal(result.ok, false);
    });

    it('rejects wrong shapes: missing ids, wrong field types, bad enum values, non-objects', () => {
      const invalid: unknown[] = [
        { type: 'setFileDecision', decision: 'accepted' },
        { type: 'setFileDecision', id: '', decision: 'accepted' },
        { type: 'setFileDecision', id: 'c1', decision: 'maybe' },
        { type: 'setHunkDecision', id: 'c1', hunkId: -1, accepted: true },
        { type: 'setHunkDecision', id: 'c1', hunkId: 1.5, accepted: true },
        { type: 'setHunkDecision', id: 'c1', hunkId: '0', accepted: true },
        { type: 'openDiff', id: 42 },
        { type: 'rerun', id: 'x'.repeat(65) },
        'apply',
        null,
        undefined,
        [{ type: 'apply' }],
        { type: 'apply', allowPartial: false },
        { type: 'apply', allowPartial: 'yes' },
      ];
      for (const message of invalid) assert.equal(parseFromWebview(message).ok, false, JSON.stringify(message));
    });

    it('cannot name a file by path: a path field is not part of any action', () => {
      assert.equal(parseFromWebview({ type: 'setFileDecision', path: 'src/a.ts', decision: 'accepted' }).ok, false);
      assert.equal(parseFromWebview({ type: 'setFileDecision', id: 'c1', path: 'src/a.ts', decision: 'accepted' }).ok, false);
      assert.equal(parseFromWebview({ type: 'apply', paths: ['.vscode/settings.json'] }).ok, false);
      // The patch goes where the user picks in VS Code's own dialog, never where the webview says.
      assert.equal(parseFromWebview({ type: 'savePatch', target: '.git/hooks/pre-commit' }).ok, false);
    });

    it('says what was wrong, for the log', () => {
      const result = parseFromWebview({ type: 'setHunkDecision', id: 'c1', hunkId: 'zero', accepted: true });
      assert.ok(!result.ok && result.problem.includes('hunkId'), JSON.stringify(result));
    });
  });

  describe('messages to the webview', () => {
    it('accepts session, file, hunks, findings and notice updates', () => {
      const valid: unknown[] = [
        { type: 'session', session },
        { type: 'session', session: { ...session, plan: { summary: 's', changes: [{ id: 'c1', path: 'a', action: 'create', description: 'd', specialist: 'general', dependsOn: [] }] } } },
        { type: 'session', session: { ...session, running: false, canApply: true, partial: { planned: 14, failed: ['src/a.test.ts', 'src/b.test.ts'], summary: '2 of 14 planned files failed' } } },
        { type: 'file', file },
        { type: 'hunks', id: 'c1', proposalVersion: 1, hunks: [{ id: 0, oldStart: 1, oldLines: 1, newStart: 1, newLines: 1, lines: ['-a', '+b'] }] },
        { type: 'findings', findings: [{ fileId: 'c1', path: 'src/a.ts', line: 3, severity: 'warning', kind: 'inconsistency', message: 'm', relatedPaths: [] }] },
        { type: 'notice', level: 'error', message: 'Nothing applied.' },
      ];
      for (const message of valid) assert.ok(parseToWebview(message).ok, JSON.stringify(message));
    });

    it("carries who made a file, why it joined the plan, and the language server's notes", () => {
      assert.ok(parseToWebview({ type: 'file', file: { ...file, performedBy: 'language-server', addedBecause: "the language server's rename of A → B changes it (3 places)" } }).ok);
      assert.ok(parseToWebview({ type: 'file', file: { ...file, performedBy: 'both' } }).ok);
      assert.equal(parseToWebview({ type: 'file', file: { ...file, performedBy: 'someone' } }).ok, false);
      assert.ok(parseToWebview({ type: 'session', session: { ...session, languageServer: [{ level: 'warn', message: 'could not rename A → B (…); model workers do it.' }] } }).ok);
      assert.equal(parseToWebview({ type: 'session', session: { ...session, languageServer: [{ level: 'error', message: 'x' }] } }).ok, false);
    });

    it('rejects a partial-run note without its failed files', () => {
      assert.equal(parseToWebview({ type: 'session', session: { ...session, partial: { planned: 14, summary: 's' } } }).ok, false);
    });

    it('rejects a file update with an unknown status or a missing field', () => {
      assert.equal(parseToWebview({ type: 'file', file: { ...file, status: 'exploded' } }).ok, false);
      const { decision: _dropped, ...withoutDecision } = file;
      assert.equal(parseToWebview({ type: 'file', file: withoutDecision }).ok, false);
    });

    it("carries the core's enums, not copies of them", () => {
      assert.deepEqual(FileViewSchema.shape.status.options, FileStatusSchema.options);
      assert.deepEqual(FileViewSchema.shape.action.options, FileActionSchema.options);
      assert.deepEqual(SessionViewSchema.shape.stage.options, SessionStageSchema.options);
      assert.deepEqual(FindingViewSchema.shape.kind.options, FindingKindSchema.options);
      assert.deepEqual(FindingViewSchema.shape.severity.options, FindingSeveritySchema.options);
      // Staleness travels as its own flag (the review notices it, not the engine), never as a status.
      assert.equal(parseToWebview({ type: 'file', file: { ...file, status: 'stale' } }).ok, false);
      for (const stage of SessionStageSchema.options) assert.ok(parseToWebview({ type: 'session', session: { ...session, stage } }).ok, stage);
    });

    it('rejects unknown message types and a hunk with non-string lines', () => {
      assert.equal(parseToWebview({ type: 'eval', code: 'alert(1)' }).ok, false);
      assert.equal(parseToWebview({ type: 'hunks', id: 'c1', proposalVersion: 1, hunks: [{ id: 0, oldStart: 1, oldLines: 1, newStart: 1, newLines: 1, lines: [1] }] }).ok, false);
    });
  });
});
