import * as assert from 'node:assert/strict';
import { detectTextFormat, fromModelText, restoreTextFormat, toModelText } from '../../src/core/edit/textFormat';

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
  it('restores CJK, emoji and combining marks in a CRLF file byte for byte', () => {
    const sample = '\uFEFF// 日本語のコメント 👩‍💻\r\nconst café = "cafe\u0301";\r\n';
    const round = fromModelText(toModelText(sample), detectTextFormat(sample));
    assert.deepEqual(Buffer.from(round, 'utf8'), Buffer.from(sample, 'utf8'));
  });
  describe('mixed line endings', () => {
    const mixed = '\uFEFFa\r\nb\r\nc\nd\r\n';
    it('keeps every unchanged line’s own ending, so only the shown change alters bytes', () => {
      assert.equal(restoreTextFormat(toModelText(mixed), mixed), mixed);
      assert.equal(restoreTextFormat('a\nB\nc\nd\n', mixed), '\uFEFFa\r\nB\r\nc\nd\r\n');
    });
    it('gives inserted lines the majority ending and keeps endings across removed lines', () => {
      assert.equal(restoreTextFormat('a\nnew\nc\nd\n', mixed), '\uFEFFa\r\nnew\r\nc\nd\r\n');
      assert.equal(restoreTextFormat('c\nd\n', mixed), '\uFEFFc\nd\r\n');
    });
    it('ends a last line that gained a successor with the majority ending, and keeps a missing final newline', () => {
      assert.equal(restoreTextFormat('x\ny\nz\nend\nmore', 'x\r\ny\r\nz\nend'), 'x\r\ny\r\nz\nend\r\nmore');
    });
    it('uses the plain majority round-trip when the endings are not mixed', () => {
      assert.equal(restoreTextFormat('a\nB\n', '\uFEFFa\r\nb\r\n'), '\uFEFFa\r\nB\r\n');
    });
  });
  it('leaves a lone CR alone and treats an empty or BOM-only file sensibly', () => {
    assert.equal(toModelText('a\rb'), 'a\rb');
    assert.deepEqual(detectTextFormat(''), { eol: '\n', bom: false });
    assert.equal(fromModelText(toModelText('\uFEFF'), detectTextFormat('\uFEFF')), '\uFEFF');
  });
  it('does not double a CR the model already wrote', () => {
    assert.equal(fromModelText('x\r\ny\n', { eol: '\r\n', bom: false }), 'x\r\ny\r\n');
  });
  it('follows the majority in mixed files', () => {
    assert.equal(detectTextFormat('a\r\nb\r\nc\n').eol, '\r\n');
    assert.equal(detectTextFormat('a\nb\nc\r\n').eol, '\n');
  });
});
