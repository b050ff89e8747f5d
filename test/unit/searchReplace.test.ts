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
});
