import * as assert from 'node:assert/strict';
import { findElision, isElisionMarker, wholeFileProblem } from '../../src/core/edit/elisionDetection';

describe('elision detection', () => {
  const markers = [
    '// ... rest of code unchanged ...',
    '  // ...existing code...',
    '/* ... */ existing code',
    '# ... (unchanged)',
    '<!-- ... -->',
    '...existing code...',
    '...',
    '    …',
    '// rest of the file unchanged',
    '{/* ... other components ... */}',
    '-- ... remaining queries omitted',
    '// (unchanged)',
  ];
  for (const line of markers) {
    it(`flags ${JSON.stringify(line)}`, () => assert.equal(isElisionMarker(line), true));
  }

  const code = [
    'const merged = { ...defaults, ...options };',
    '  ...rest,',
    'function f(...args) {}',
    '// TODO: handle the empty case...',
    '# Loading...',
    'console.log("...");',
    '// Handles the rest of the input.',
    '',
  ];
  for (const line of code) {
    it(`does not flag ${JSON.stringify(line)}`, () => assert.equal(isElisionMarker(line), false));
  }

  it('ignores a marker that the original file already contained', () => {
    const original = 'def stub():\n    ...\n';
    assert.equal(findElision('def stub2():\n    ...\n', original), undefined);
    assert.equal(findElision('def f():\n    ...\n', 'def f():\n    return 1\n'), '...');
  });

  it('rejects a whole-file reply with an elision marker', () => {
    const problem = wholeFileProblem('a\nb\n', 'a\n// ... rest of code unchanged ...\n', 'rename a');
    assert.match(problem ?? '', /elides code/);
  });

  it('treats a reply that lost most of a large file as truncated, unless the change asks to remove code', () => {
    const original = Array.from({ length: 100 }, (_, i) => `line ${i}`).join('\n') + '\n';
    const truncated = Array.from({ length: 30 }, (_, i) => `line ${i}`).join('\n') + '\n';
    assert.match(wholeFileProblem(original, truncated, 'rename line to row') ?? '', /truncated/);
    assert.equal(wholeFileProblem(original, truncated, 'delete the legacy helpers'), undefined);
  });

  it('does not judge small files by their length', () => {
    assert.equal(wholeFileProblem('a\nb\nc\nd\n', 'a\n', 'rename b'), undefined);
  });
});
