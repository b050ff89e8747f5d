import * as assert from 'node:assert/strict';
import { jsonCandidates, parseJsonReply } from '../../src/core/llm/jsonExtraction';

function firstValue(text: string): unknown {
  const result = parseJsonReply(text);
  assert.ok(result.ok, `expected JSON in ${JSON.stringify(text)}`);
  return result.values[0];
}

describe('JSON extraction from model replies', () => {
  const value = { summary: 'ok', edits: [{ search: 'a {', replace: 'b }' }] };
  const json = JSON.stringify(value);

  it('takes a plain JSON reply as it is', () => assert.deepEqual(firstValue(json), value));

  it('ignores surrounding whitespace and a leading BOM', () => assert.deepEqual(firstValue(`\uFEFF\n  ${json}\n`), value));

  it('unwraps a ```json fence', () => assert.deepEqual(firstValue('```json\n' + JSON.stringify(value, null, 2) + '\n```'), value));

  it('unwraps an unlabeled fence', () => assert.deepEqual(firstValue('```\n' + json + '\n```'), value));

  it('finds JSON with prose before and after', () => {
    assert.deepEqual(firstValue(`Here is the result:\n${json}\nHope this helps!`), value);
  });

  it('finds a fenced block after prose, preferring the json-labelled one', () => {
    const text = 'Example of the old code:\n```ts\nconst a = { b: 1 };\n```\nThe answer:\n```json\n' + json + '\n```';
    assert.deepEqual(firstValue(text), value);
  });

  it('skips brace-y prose before the JSON', () => {
    assert.deepEqual(firstValue(`I replaced {foo} with {bar}. ${json}`), value);
  });

  it('keeps braces and fences inside strings intact', () => {
    const tricky = { content: 'function f() {\n  return "}";\n}\n```md\nnot a fence\n```', summary: '{' };
    assert.deepEqual(firstValue(`Result: ${JSON.stringify(tricky)}`), tricky);
  });

  it('reads an unclosed fence to the end (a reply cut short of its closing fence)', () => {
    assert.deepEqual(firstValue('```json\n' + json), value);
  });

  it('does not fix trailing commas', () => {
    const result = parseJsonReply('{"summary": "ok", "edits": [],}');
    assert.equal(result.ok, false);
    if (!result.ok) assert.match(result.error, /not valid JSON/);
  });

  it('says when there is no JSON at all', () => {
    assert.deepEqual(parseJsonReply('I could not do that.'), { ok: false, error: 'the reply contains no JSON object' });
  });

  it('offers every parseable candidate, the whole reply first', () => {
    const text = '{"a": 1}\n```json\n{"b": 2}\n```';
    assert.deepEqual(jsonCandidates(text)[0], text);
    const result = parseJsonReply(text);
    assert.ok(result.ok);
    assert.deepEqual(result.values, [{ b: 2 }, { a: 1 }]);
  });
});
