import * as assert from 'node:assert/strict';
import { detectTextFormat, fromModelText, toModelText } from '../../src/core/textFormat';

describe('text format round-trip', () => {
  const samples = ['a\nb\n', 'a\r\nb\r\n', '\uFEFFa\r\nb', '\uFEFF😀 emoji\n中文 CJK\ne\u0301 combining\n', 'no newline at all'];
  for (const sample of samples) {
    it(`restores ${JSON.stringify(sample.slice(0, 12))} exactly`, () => {
      const format = detectTextFormat(sample);
      const model = toModelText(sample);
      assert.ok(!model.includes('\r') && !model.startsWith('\uFEFF'), 'models see LF without BOM');
      assert.equal(fromModelText(model, format), sample);
    });
  }
  it('gives an edited LF reply the file’s CRLF and BOM', () => {
    const format = detectTextFormat('\uFEFFone\r\ntwo\r\n');
    assert.equal(fromModelText('one\nTWO\nthree\n', format), '\uFEFFone\r\nTWO\r\nthree\r\n');
  });
  it('follows the majority in mixed files', () => {
    assert.equal(detectTextFormat('a\r\nb\r\nc\n').eol, '\r\n');
    assert.equal(detectTextFormat('a\nb\nc\r\n').eol, '\n');
  });
});
