import * as assert from 'node:assert/strict';
import { duplicatePathFindings, identifierPattern, renameLeftoverFindings } from '../../src/core/verify/consistencyChecks';
import type { Plan } from '../../src/core/schemas';
import type { FileChangeState } from '../../src/core/engine/session';
import type { WorkspaceAccess } from '../../src/core/workspace/workspace';

const plan = (changes: Plan['changes'], symbolRenames: Plan['symbolRenames']): Plan => ({ summary: 's', changes, symbolRenames, fileMoves: [] });

function memoryWorkspace(files: Record<string, string>): WorkspaceAccess {
  return {
    label: 'memory',
    listFiles: async () => Object.entries(files).map(([path, text]) => ({ path, size: text.length })),
    readText: async (path) => files[path],
  };
}

function proposedFile(id: string, path: string, proposed: string): FileChangeState {
  return { id, path, action: 'modify', description: '', specialist: 'rename', dependsOn: [], status: 'proposed', original: '', proposed, diff: 'x', revisions: 0, findings: [], timings: {} };
}

describe('consistency checks', () => {
  it('matches whole identifiers only', () => {
    const pattern = identifierPattern('User');
    assert.equal(pattern.test('new User()'), true);
    assert.equal(pattern.test('UserStore'), false);
    assert.equal(pattern.test('$User'), false);
    assert.equal(pattern.test('my_User'), false);
    assert.equal(identifierPattern('a.b').test('axb'), false, 'regex characters are escaped');
  });

  it('finds a renamed symbol left in a proposed file, with its line', async () => {
    const files = [proposedFile('c1', 'src/a.ts', 'const x = new Account();\n\nconst y = new User();\n')];
    const findings = await renameLeftoverFindings(plan([], [{ from: 'User', to: 'Account' }]), files, memoryWorkspace({}), new AbortController().signal);
    assert.deepEqual(findings.map((f) => [f.path, f.line, f.kind, f.source]), [['src/a.ts', 3, 'inconsistency', 'check']]);
  });

  it('does not count the old name inside a module path as a leftover use (the file keeps its name)', async () => {
    const proposed = [
      "import isPlainRecord from './utils/isPlainObject'",
      'export { default as isPlainRecord } from "./utils/isPlainObject"',
      "const lazy = await import('./utils/isPlainObject')",
      "const req = require( './utils/isPlainObject' )",
      "import './utils/isPlainObject'",
      "if (!isPlainObject(value)) throw new Error('./utils/isPlainObject')",
      '',
    ].join('\n');
    const files = [proposedFile('c1', 'src/createStore.ts', proposed)];
    const findings = await renameLeftoverFindings(plan([], [{ from: 'isPlainObject', to: 'isPlainRecord' }]), files, memoryWorkspace({}), new AbortController().signal);
    assert.deepEqual(findings.map((f) => f.line), [6], 'only the call is a leftover; paths after from/import/require are not');
  });

  it('reports untouched workspace files that still use the old name, and skips planned ones', async () => {
    const workspace = memoryWorkspace({
      'src/a.ts': 'User (planned: judged by its proposal, not its disk content)\n',
      'src/b.ts': 'ok\nUser here\nand User again\n',
      'src/c.ts': 'UserName only\n',
    });
    const files = [proposedFile('c1', 'src/a.ts', 'Account\n')];
    const findings = await renameLeftoverFindings(plan([], [{ from: 'User', to: 'Account' }]), files, workspace, new AbortController().signal);
    assert.deepEqual(findings.map((f) => [f.path, f.line, f.kind]), [['src/b.ts', 2, 'missing-change'], ['src/b.ts', 3, 'missing-change']]);
    assert.match(findings[0]?.message ?? '', /not added automatically/);
  });

  it('caps the findings per file and summarises the rest', async () => {
    const text = Array.from({ length: 15 }, () => 'User').join('\n');
    const findings = await renameLeftoverFindings(plan([], [{ from: 'User', to: 'Account' }]), [], memoryWorkspace({ 'x.ts': text }), new AbortController().signal, {
      maxFilesScanned: 10, maxFileBytes: 10_000, maxFindingsPerFile: 4,
    });
    assert.equal(findings.length, 5);
    assert.match(findings[4]?.message ?? '', /11 more/);
  });

  it('flags two plan items that change the same path', () => {
    const findings = duplicatePathFindings([proposedFile('c1', 'a.ts', ''), proposedFile('c2', 'a.ts', ''), proposedFile('c3', 'b.ts', '')]);
    assert.deepEqual(findings.map((f) => [f.path, f.kind, f.severity]), [['a.ts', 'conflict', 'error']]);
  });
});
