// The extension's rename answer (a WorkspaceEdit read into plain data) becoming the core's FileEdits:
// what passes, what is refused as a whole, and that an empty answer is "unknown" so the fallback runs.
import * as assert from 'node:assert/strict';
import { applyOffsetEdits } from '../../src/core/language/languageTools';
import { fileEditsFromProvider, type ProviderFileEdit } from '../../src/vscode/language/workspaceEditFiles';

const a = 'import { Foo } from "./foo";\nnew Foo();\n';
const foo = 'export class Foo {}\n';

function rename(before: string, from: string, to: string): { start: number; end: number; newText: string }[] {
  const out = [];
  for (let at = before.indexOf(from); at !== -1; at = before.indexOf(from, at + 1)) out.push({ start: at, end: at + from.length, newText: to });
  return out;
}

describe('WorkspaceEdit → FileEdits (extension rename answers)', () => {
  it('keeps each file with its text and offsets, sorted, and applies to the renamed text', () => {
    const answer = fileEditsFromProvider(
      [
        { uri: 'file:///w/src/foo.ts', path: 'src/foo.ts', before: foo, edits: rename(foo, 'Foo', 'Bar') },
        { uri: 'file:///w/src/a.ts', path: 'src/a.ts', before: a, edits: rename(a, 'Foo', 'Bar').reverse() },
      ],
      0,
      'VS Code rename provider',
    );
    assert.ok(answer.ok);
    assert.equal(answer.source, 'VS Code rename provider');
    assert.deepEqual(
      answer.value.map((f) => [f.path, applyOffsetEdits(f.before, f.edits)]),
      [
        ['src/a.ts', 'import { Bar } from "./foo";\nnew Bar();\n'],
        ['src/foo.ts', 'export class Bar {}\n'],
      ],
    );
    assert.deepEqual(
      answer.value[0]?.edits.map((e) => e.start),
      [9, 33],
      'edits sorted by offset',
    );
  });

  it('merges two entries of one document, counts an identical edit once, and drops no-op edits', () => {
    const [first, second] = rename(a, 'Foo', 'Bar');
    assert.ok(first && second);
    const answer = fileEditsFromProvider(
      [
        { uri: 'file:///w/a.ts', path: 'a.ts', before: a, edits: [first, { start: 0, end: 6, newText: 'import' }] },
        { uri: 'file:///w/a.ts', path: 'a.ts', before: a, edits: [first, second] },
      ],
      0,
      's',
    );
    assert.ok(answer.ok);
    assert.equal(answer.value.length, 1);
    assert.equal(answer.value[0]?.edits.length, 2);
  });

  it('refuses the whole rename when one edit is outside the folders, refused by the path rules, or in node_modules', () => {
    const good: ProviderFileEdit = { uri: 'file:///w/a.ts', path: 'a.ts', before: a, edits: rename(a, 'Foo', 'Bar') };
    const outside = fileEditsFromProvider([good, { uri: 'file:///elsewhere/x.ts', path: undefined, before: foo, edits: rename(foo, 'Foo', 'Bar') }], 0, 's');
    assert.deepEqual(outside, { ok: false, reason: 'the rename would change file:///elsewhere/x.ts, which is outside the workspace folders' });
    const refused = fileEditsFromProvider([good, { uri: 'file:///w/.git/x.ts', path: '.git/x.ts', refusal: 'is inside .git', before: foo, edits: rename(foo, 'Foo', 'Bar') }], 0, 's');
    assert.deepEqual(refused, { ok: false, reason: 'the rename would change .git/x.ts, which is not written: is inside .git' });
    const installed = fileEditsFromProvider([good, { uri: 'file:///w/node_modules/p/i.d.ts', path: 'node_modules/p/i.d.ts', before: foo, edits: rename(foo, 'Foo', 'Bar') }], 0, 's');
    assert.equal(installed.ok, false);
    assert.match(installed.ok ? '' : installed.reason, /node_modules\/p\/i\.d\.ts, an installed package/);
  });

  it('refuses an edit with file operations, overlapping edits, and a document that changed between entries', () => {
    const good: ProviderFileEdit = { uri: 'file:///w/a.ts', path: 'a.ts', before: a, edits: rename(a, 'Foo', 'Bar') };
    assert.deepEqual(fileEditsFromProvider([good], 1, 's'), { ok: false, reason: 'the rename also creates, renames or deletes 1 file, which the review cannot show' });
    const overlapping = fileEditsFromProvider([{ ...good, edits: [{ start: 9, end: 12, newText: 'Bar' }, { start: 10, end: 14, newText: 'x' }] }], 0, 's');
    assert.equal(overlapping.ok, false);
    assert.match(overlapping.ok ? '' : overlapping.reason, /^the rename's edits of a\.ts do not fit the file \(overlapping/);
    const changed = fileEditsFromProvider([good, { ...good, before: `${a}// edited\n` }], 0, 's');
    assert.deepEqual(changed, { ok: false, reason: 'a.ts changed while the rename was computed' });
  });

  it('an answer with no edits is not ok, so the core TypeScript service is asked instead', () => {
    assert.deepEqual(fileEditsFromProvider([], 0, 's'), { ok: false, reason: 'the rename provider returned no edits' });
    assert.deepEqual(fileEditsFromProvider([{ uri: 'file:///w/a.ts', path: 'a.ts', before: a, edits: [{ start: 9, end: 12, newText: 'Foo' }] }], 0, 's'), { ok: false, reason: 'the rename provider returned no edits' });
  });
});
