import * as assert from 'node:assert/strict';
import { applySearchReplace } from '../../src/core/edit/searchReplace';

const source = ['function total(items) {', '  let sum = 0;', '  for (const item of items) {', '    sum += item.price;', '  }', '  return sum;', '}', ''].join('\n');

describe('applySearchReplace', () => {
  it('replaces an exact match', () => {
    const result = applySearchReplace(source, [{ search: '    sum += item.price;\n', replace: '    sum += item.price * item.quantity;\n' }]);
    assert.deepEqual(result, { ok: true, content: source.replace('item.price;', 'item.price * item.quantity;') });
  });

  it('applies edits in order, each to the result of the previous one', () => {
    const result = applySearchReplace(source, [
      { search: 'function total(items) {', replace: 'function grandTotal(items) {' },
      { search: 'function grandTotal(items) {', replace: 'function grandTotal(lines) {' },
      { search: 'for (const item of items)', replace: 'for (const item of lines)' },
    ]);
    assert.ok(result.ok);
    assert.match(result.content, /^function grandTotal\(lines\) \{\n/);
    assert.match(result.content, /for \(const item of lines\)/);
  });

  it('matches despite different indentation and trailing spaces, and re-indents the replacement', () => {
    const result = applySearchReplace(source, [{
      search: 'for (const item of items) {   \n  sum += item.price;\n}\n',
      replace: 'for (const item of items) {\n  if (item.free) continue;\n  sum += item.price;\n}\n',
    }]);
    assert.ok(result.ok, JSON.stringify(result));
    assert.equal(result.content, ['function total(items) {', '  let sum = 0;', '  for (const item of items) {', '    if (item.free) continue;', '    sum += item.price;', '  }', '  return sum;', '}', ''].join('\n'));
  });

  it('refuses a search that matches more than once, naming it ambiguous', () => {
    const text = 'a();\nb();\na();\n';
    const result = applySearchReplace(text, [{ search: 'a();', replace: 'c();' }]);
    assert.equal(result.ok, false);
    assert.match(result.ok ? '' : result.errors[0] ?? '', /ambiguous.*2 places/);
  });

  it('refuses a whitespace-tolerant match that is ambiguous too', () => {
    const text = 'if (x) {\n  go();\n}\nif (y) {\n    go();\n}\n';
    const result = applySearchReplace(text, [{ search: 'go();', replace: 'stop();' }]);
    assert.equal(result.ok, false);
  });

  it('reports a search that is not in the file, quoting its first line', () => {
    const result = applySearchReplace(source, [{ search: 'return total;', replace: 'return sum;' }]);
    assert.equal(result.ok, false);
    assert.match(result.ok ? '' : result.errors[0] ?? '', /not found.*return total;/);
  });

  it('collects every failing edit, numbered', () => {
    const result = applySearchReplace(source, [
      { search: 'nope', replace: 'x' },
      { search: '  return sum;', replace: '  return sum * 2;' },
      { search: 'also nope', replace: 'y' },
    ]);
    assert.equal(result.ok, false);
    assert.deepEqual(result.ok ? [] : result.errors.map((e) => e.split(':')[0]), ['edit 1 of 3', 'edit 3 of 3']);
  });

  it('refuses an empty search in a file that has content', () => {
    const result = applySearchReplace(source, [{ search: '', replace: 'prepended\n' }]);
    assert.equal(result.ok, false);
  });

  it('accepts an empty search when the file is empty (creating its content)', () => {
    assert.deepEqual(applySearchReplace('', [{ search: '', replace: 'export const x = 1;\n' }]), { ok: true, content: 'export const x = 1;\n' });
  });

  it('keeps line structure when the replacement forgets the final newline of its block', () => {
    const result = applySearchReplace('a\nb\nc\n', [{ search: 'b\n', replace: 'B' }]);
    assert.deepEqual(result, { ok: true, content: 'a\nB\nc\n' });
  });

  it('deletes the matched lines when the replacement is empty', () => {
    const result = applySearchReplace('a\nb\nc\n', [{ search: 'b\n', replace: '' }]);
    assert.deepEqual(result, { ok: true, content: 'a\nc\n' });
  });

  it('treats "$&" in the replacement literally', () => {
    const result = applySearchReplace('price\n', [{ search: 'price', replace: '$& in $' }]);
    assert.deepEqual(result, { ok: true, content: '$& in $\n' });
  });

  describe('blocks that match several places, resolved by file order', () => {
    // A test file where one line occurs 17 times, as in the real library where this first failed.
    const cases = Array.from({ length: 17 }, (_, i) => [`it('case ${i}', () => {`, `  const x = new UserStore(${i});`, '  expect(x).toBe(1);', '});', ''].join('\n'));
    const testFile = ['import { UserStore } from "./userStore";', '', ...cases].join('\n');
    const occurrences = (text: string, needle: string): number => text.split(needle).length - 1;

    it('replaces each occurrence when the same one-line block and replacement come as many times as it occurs (17)', () => {
      const edit = { search: 'expect(x).toBe(1);', replace: 'expect(x).toBe(2);' };
      const result = applySearchReplace(testFile, Array.from({ length: 17 }, () => edit));
      assert.ok(result.ok, JSON.stringify(result));
      assert.equal(occurrences(result.content, 'expect(x).toBe(1);'), 0);
      assert.equal(occurrences(result.content, 'expect(x).toBe(2);'), 17);
      assert.equal(result.content, testFile.replaceAll('toBe(1)', 'toBe(2)'));
    });

    it('replaces each occurrence even when the replacement contains the search text', () => {
      const edit = { search: 'UserStore(', replace: 'UserStoreV2(' };
      const result = applySearchReplace(testFile, Array.from({ length: 17 }, () => edit));
      assert.ok(result.ok, JSON.stringify(result));
      assert.equal(occurrences(result.content, 'new UserStoreV2('), 17);
      assert.equal(occurrences(result.content, 'UserStoreV2V2'), 0);
    });

    it('places a repeated block at its first match after the previous edit, edit after edit', () => {
      // The model changes cases 3 and 5 only: each ambiguous line follows a unique anchor line.
      const result = applySearchReplace(testFile, [
        { search: '  const x = new UserStore(3);', replace: '  const x = new UserStore(30);' },
        { search: '  expect(x).toBe(1);', replace: '  expect(x).toBe(30);' },
        { search: '  const x = new UserStore(5);', replace: '  const x = new UserStore(50);' },
        { search: '  expect(x).toBe(1);', replace: '  expect(x).toBe(50);' },
      ]);
      assert.ok(result.ok, JSON.stringify(result));
      const blocks = result.content.split("it('case ");
      assert.match(blocks[4] ?? '', /UserStore\(30\);\n {2}expect\(x\)\.toBe\(30\);/);
      assert.match(blocks[6] ?? '', /UserStore\(50\);\n {2}expect\(x\)\.toBe\(50\);/);
      assert.equal(occurrences(result.content, 'expect(x).toBe(1);'), 15);
    });

    it('resolves whitespace-drifted ambiguous blocks by order too, re-indenting each', () => {
      const result = applySearchReplace(testFile, [
        { search: 'const x = new UserStore(7);', replace: 'const x = new UserStore(70);' },
        { search: '    expect(x).toBe(1);  ', replace: '    expect(x).toBe(70);' },
      ]);
      assert.ok(result.ok, JSON.stringify(result));
      assert.match(result.content, /\n {2}const x = new UserStore\(70\);\n {2}expect\(x\)\.toBe\(70\);\n/);
      assert.equal(occurrences(result.content, 'expect(x).toBe(1);'), 16);
    });

    it('refuses an ambiguous first edit: nothing before it says which occurrence is meant', () => {
      const result = applySearchReplace(testFile, [{ search: 'expect(x).toBe(1);', replace: 'expect(x).toBe(2);' }]);
      assert.equal(result.ok, false);
      assert.match(result.ok ? '' : result.errors[0] ?? '', /ambiguous: it matches 17 places .*first edit/);
    });

    it('refuses a block repeated fewer times than it occurs when it comes first', () => {
      const edit = { search: 'expect(x).toBe(1);', replace: 'expect(x).toBe(2);' };
      const result = applySearchReplace(testFile, [edit, edit, edit]);
      assert.equal(result.ok, false);
      assert.match(result.ok ? '' : result.errors[0] ?? '', /^edit 1 of 3: .*17 places/);
    });

    it('refuses an ambiguous block with no match after the previous edit (out of file order)', () => {
      const result = applySearchReplace(testFile, [
        { search: '  const x = new UserStore(16);', replace: '  const x = new UserStore(160);' },
        { search: '  expect(x).toBe(1);', replace: '  expect(x).toBe(160);' },
        { search: '  expect(x).toBe(1);', replace: '  expect(x).toBe(99);' },
      ]);
      assert.equal(result.ok, false);
      assert.deepEqual(result.ok ? [] : result.errors.map((e) => e.split(':')[0]), ['edit 3 of 3']);
      assert.match(result.ok ? '' : result.errors[0] ?? '', /none of them comes after the previous edit \(edits are applied in file order\)/);
    });

    it('still applies a unique block that comes before the previous edit', () => {
      const result = applySearchReplace(testFile, [
        { search: 'new UserStore(9)', replace: 'new UserStore(90)' },
        { search: 'import { UserStore } from "./userStore";', replace: 'import { UserStore } from "./stores/userStore";' },
      ]);
      assert.ok(result.ok, JSON.stringify(result));
      assert.match(result.content, /^import \{ UserStore \} from "\.\/stores\/userStore";/);
    });

    it('deletes repeated tolerant matches line and all', () => {
      const text = 'a\n  x();\nb\n    x();\nc\n';
      const result = applySearchReplace(text, [{ search: 'x(); ', replace: '' }, { search: 'x(); ', replace: '' }]);
      assert.deepEqual(result, { ok: true, content: 'a\nb\nc\n' });
    });
  });
});
