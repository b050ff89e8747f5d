import * as assert from 'node:assert/strict';
import { forTerminal, quoteForDisplay } from '../../src/core/workspace/displayText';

describe('display text', () => {
  it('shows terminal controls as escapes and keeps layout characters', () => {
    assert.equal(forTerminal('a\u001b[31mred\u0007'), 'a\\u001b[31mred\\u0007');
    assert.equal(forTerminal('line 1\r\nline 2\n\tx'), 'line 1\r\nline 2\n\tx');
    assert.equal(forTerminal('shown\rhidden'), 'shown\\u000dhidden');
    assert.equal(forTerminal('x\u009by\u202Ez\u2066'), 'x\\u009by\\u202ez\\u2066');
    assert.equal(forTerminal('plain ünïcødé 名前 🙂'), 'plain ünïcødé 名前 🙂');
  });

  it('quotes text for a message with every control escaped', () => {
    assert.equal(quoteForDisplay('src/\u202Egnp.ts'), '"src/\\u202egnp.ts"');
    assert.equal(quoteForDisplay('a\nb'), '"a\\nb"');
  });
});
