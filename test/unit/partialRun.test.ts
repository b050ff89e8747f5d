import * as assert from 'node:assert/strict';
import { describePartialRun, partialRunSummary } from '../../src/core/review/partialRun';
import { change, plan } from './support/engineHarness';

describe('describePartialRun', () => {
  const files = (statuses: string[]) => statuses.map((status, i) => ({ path: `src/f${i}.ts`, status: status as 'proposed' | 'failed' }));
  const rename = plan([change('c1', 'src/f0.ts', 'rename')], [{ from: 'UserStore', to: 'AccountRepository' }]);

  it('is undefined when every planned file got a proposal, or when none did', () => {
    assert.equal(describePartialRun(rename, files(['proposed', 'proposed'])), undefined);
    assert.equal(describePartialRun(rename, files(['failed', 'failed'])), undefined);
  });

  it('names the failed files and what a rename would be left as', () => {
    const partial = describePartialRun(rename, files(['proposed', 'failed', 'proposed', 'failed']));
    assert.deepEqual(partial?.failed, ['src/f1.ts', 'src/f3.ts']);
    assert.equal(partial?.planned, 4);
    assert.equal(partialRunSummary(partial ?? { planned: 0, failed: [], consequence: '' }), '2 of 4 planned files failed (src/f1.ts, src/f3.ts): applying the rest leaves the rename of UserStore to AccountRepository half done');
  });

  it("cites the compile check's verdict when there is one: what the project would be after applying the rest", () => {
    const partial = describePartialRun(rename, files(['proposed', 'failed', 'proposed', 'proposed']), { verdict: '3 new errors in 2 files' });
    assert.equal(partial?.compileVerdict, '3 new errors in 2 files');
    assert.equal(
      partialRunSummary(partial ?? { planned: 0, failed: [], consequence: '' }),
      '1 of 4 planned files failed (src/f1.ts): applying the rest leaves the rename of UserStore to AccountRepository half done (compile check: 3 new errors in 2 files)',
    );
    // No verdict (the check did not run): nothing is claimed about it.
    assert.doesNotMatch(partialRunSummary(describePartialRun(rename, files(['proposed', 'failed'])) ?? { planned: 0, failed: [], consequence: '' }), /compile check/);
  });

  it('says the change is half done when the plan renames nothing, and shortens a long list', () => {
    const partial = describePartialRun(plan([change('c1', 'src/f0.ts', 'x')]), files(['failed', 'failed', 'failed', 'failed', 'proposed']));
    assert.match(partialRunSummary(partial ?? { planned: 0, failed: [], consequence: '' }), /^4 of 5 planned files failed \(src\/f0\.ts, src\/f1\.ts, src\/f2\.ts, \+1 more\): applying the rest leaves the change half done/);
  });
});
