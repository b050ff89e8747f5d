import * as assert from 'node:assert/strict';
import { clipForRepair, validatePlan } from '../../src/core/plan/planValidation';
import type { Plan, PlannedChange } from '../../src/core/schemas';

const existing = new Set(['src/a.ts', 'src/b.ts', 'src/c.ts']);
const context = { maxFiles: 50, fileExists: async (p: string) => existing.has(p) };

function change(id: string, path: string, extra: Partial<PlannedChange> = {}): PlannedChange {
  return { id, path, action: 'modify', description: `change ${path}`, specialist: 'general', dependsOn: [], ...extra };
}
function plan(...changes: PlannedChange[]): Plan {
  return { summary: 's', changes, fileMoves: [], symbolRenames: [] };
}
async function problems(p: Plan, ctx = context): Promise<string[]> {
  const result = await validatePlan(p, ctx);
  return result.ok ? [] : result.problems;
}

describe('plan validation', () => {
  it('accepts a sound plan and returns normalized paths', async () => {
    const result = await validatePlan(plan(change('c1', './src//a.ts'), change('c2', 'src/new.ts', { action: 'create', dependsOn: ['c1'] })), context);
    assert.equal(result.ok, true);
    if (result.ok) assert.deepEqual(result.plan.changes.map((c) => c.path), ['src/a.ts', 'src/new.ts']);
  });

  it('names every hostile path with its reason', async () => {
    const found = await problems(plan(change('c1', '../x'), change('c2', '/abs'), change('c3', '.git/config'), change('c4', '.env')));
    assert.equal(found.length, 4);
    assert.match(found.join('\n'), /c1.*leaves the workspace[\s\S]*c2.*absolute[\s\S]*c3.*\.git[\s\S]*c4.*secret/);
  });

  it('refuses the same file planned twice and a reused id', async () => {
    assert.match((await problems(plan(change('c1', 'src/a.ts'), change('c2', './src/a.ts')))).join(), /src\/a\.ts is planned twice/);
    assert.match((await problems(plan(change('c1', 'src/a.ts'), change('c1', 'src/b.ts')))).join(), /id "c1" is used twice/);
  });

  it('names a dependency cycle', async () => {
    const found = await problems(plan(change('c1', 'src/a.ts', { dependsOn: ['c3'] }), change('c2', 'src/b.ts', { dependsOn: ['c1'] }), change('c3', 'src/c.ts', { dependsOn: ['c2'] })));
    assert.match(found.join(), /cycle: c1 → c3 → c2 → c1/);
  });

  it('refuses unknown and self dependencies', async () => {
    const found = await problems(plan(change('c1', 'src/a.ts', { dependsOn: ['c1', 'zz'] })));
    assert.match(found.join('\n'), /depends on itself/);
    assert.match(found.join('\n'), /"zz", which is not a planned change/);
  });

  it('checks existence against the action', async () => {
    const found = await problems(plan(change('c1', 'src/gone.ts'), change('c2', 'src/a.ts', { action: 'create' }), change('c3', 'src/none.ts', { action: 'delete' })));
    assert.match(found.join('\n'), /src\/gone\.ts does not exist, so it cannot be modified/);
    assert.match(found.join('\n'), /src\/a\.ts already exists/);
    assert.match(found.join('\n'), /src\/none\.ts does not exist, so it cannot be deleted/);
  });

  it('caps the number of files with a message naming the setting', async () => {
    const many = Array.from({ length: 312 }, (_, i) => change(`c${i}`, `src/f${i}.ts`, { action: 'create' }));
    assert.deepEqual(await problems(plan(...many)), ['The plan touches 312 files; the limit is 50 (setting refactorOrchestrator.maxFiles).']);
  });

  it('refuses free text too large to pass on to every later prompt, and clips it when quoting the plan back', async () => {
    const bloated: Plan = { ...plan(change('c1', 'src/a.ts')), summary: 'x'.repeat(3_000_000), symbolRenames: Array.from({ length: 600 }, (_, i) => ({ from: `a${i}`, to: 'b'.repeat(300) })) };
    assert.deepEqual(await problems(bloated), [
      'The summary is 3,000,000 characters long; keep it to one or two sentences (at most 2,000).',
      'The plan lists 600 symbol renames; the limit is 500.',
      'A symbol rename names an identifier longer than 200 characters; list identifiers only.',
    ]);
    assert.ok(JSON.stringify(clipForRepair(bloated)).length < 150_000);
    assert.deepEqual(await problems({ ...plan(change('c1', 'src/a.ts')), summary: 's'.repeat(2000), symbolRenames: [{ from: 'a'.repeat(200), to: 'b' }] }), []);
  });

  it('refuses an empty plan', async () => {
    assert.deepEqual(await problems(plan()), ['The plan changes no files.']);
  });
});

describe('plan validation: file moves', () => {
  const moving = (moves: Plan['fileMoves'], ...changes: PlannedChange[]): Plan => ({ summary: 's', symbolRenames: [], fileMoves: moves, changes });

  it('accepts a move with no other change, and normalizes its paths', async () => {
    const result = await validatePlan(moving([{ from: './src/a.ts', to: 'lib//a.ts' }]), context);
    assert.equal(result.ok, true, result.ok ? '' : result.problems.join('\n'));
    if (result.ok) assert.deepEqual(result.plan.fileMoves, [{ from: 'src/a.ts', to: 'lib/a.ts' }]);
  });

  it('refuses hostile destinations and sources with their reasons', async () => {
    const found = await problems(moving([
      { from: 'src/a.ts', to: '../outside.ts' },
      { from: 'src/b.ts', to: '.git/hooks/pre-commit' },
      { from: 'src/c.ts', to: 'config/.env' },
      { from: '/etc/passwd', to: 'src/passwd' },
    ]));
    assert.equal(found.length, 4, found.join('\n'));
    assert.match(found.join('\n'), /leaves the workspace[\s\S]*\.git[\s\S]*secret[\s\S]*absolute/);
  });

  it('refuses a move onto an existing file, of a missing file, nowhere, twice, and a change at the destination', async () => {
    assert.match((await problems(moving([{ from: 'src/a.ts', to: 'src/b.ts' }]))).join(), /src\/b\.ts already exists; a move may not overwrite a file/);
    assert.match((await problems(moving([{ from: 'src/gone.ts', to: 'src/x.ts' }]))).join(), /src\/gone\.ts does not exist, so it cannot be moved/);
    assert.match((await problems(moving([{ from: 'src/a.ts', to: './src/a.ts' }]))).join(), /goes nowhere/);
    assert.match((await problems(moving([{ from: 'src/a.ts', to: 'x/a.ts' }, { from: 'src/a.ts', to: 'y/a.ts' }]))).join(), /src\/a\.ts is moved twice or moved onto/);
    assert.match((await problems(moving([{ from: 'src/a.ts', to: 'x/a.ts' }], change('c1', 'x/a.ts', { action: 'create' })))).join(), /plan the moved file's change at its current path, src\/a\.ts/);
    assert.match((await problems(moving([{ from: 'src/a.ts', to: 'x/a.ts' }], change('c1', 'src/a.ts', { action: 'delete' })))).join(), /c1 deletes src\/a\.ts, which the plan also moves/);
  });

  describe('a folder', () => {
    const listedContext = { ...context, listedFiles: async () => ['src/a.ts', 'src/b.ts', 'src/c.ts', 'lib/x.ts'] };

    it('moves each listed file in it to the same place under the new folder', async () => {
      const result = await validatePlan(moving([{ from: 'src/', to: 'packages/core/src' }]), listedContext);
      assert.equal(result.ok, true, result.ok ? '' : result.problems.join('\n'));
      if (result.ok) assert.deepEqual(result.plan.fileMoves, ['a', 'b', 'c'].map((n) => ({ from: `src/${n}.ts`, to: `packages/core/src/${n}.ts` })));
    });

    it('refuses a folder moved into itself or onto a file, a file moved onto a folder (naming the path it likely meant), and a folder past the move limit', async () => {
      assert.match((await problems(moving([{ from: 'src', to: 'src/old' }]), listedContext)).join(), /The move of the folder src goes into itself \(src\/old\)/);
      assert.match((await problems(moving([{ from: 'src/a.ts', to: 'lib' }]), listedContext)).join(), /lib is a folder; a move names the file's new path \(e\.g\. lib\/a\.ts\)/);
      assert.match((await problems(moving([{ from: 'src', to: 'lib/x.ts' }]), listedContext)).join(), /The folder src cannot move to lib\/x\.ts: lib\/x\.ts is a file/);
      assert.match((await problems(moving([{ from: 'src', to: 'lib/x.ts/deeper' }]), listedContext)).join(), /cannot move to lib\/x\.ts\/deeper: lib\/x\.ts is a file/);
      const many = Array.from({ length: 101 }, (_, i) => `big/f${i}.ts`);
      const bigContext = { maxFiles: 50, fileExists: async (p: string) => many.includes(p), listedFiles: async () => many };
      assert.match((await problems(moving([{ from: 'big', to: 'huge' }]), bigContext)).join(), /The plan moves 101 files; the limit is 100/);
    });
  });

  it('a plan stored before moves existed still parses (the field defaults to none)', async () => {
    const { PlanSchema } = await import('../../src/core/schemas');
    assert.deepEqual(PlanSchema.parse({ summary: 's', symbolRenames: [], changes: [] }).fileMoves, []);
  });
});
