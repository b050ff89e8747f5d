import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ChatMessage } from '../../src/core/llm/chatProvider';
import { buildPlannerMessages, buildPlanRepairMessages, buildVerifierMessages, buildWorkerMessages, buildWorkerRetryMessages, type WorkerPromptInput } from '../../src/core/prompts';
import type { Plan } from '../../src/core/schemas';

// The prompts pinned by golden files: each rendered message list is compared with a committed text
// file under test/golden/prompts/, so a change of wording shows up as a reviewable diff of that file.
// After an intended change, rewrite them with `RO_UPDATE_GOLDEN=1` (npm run compile-tests first) and
// review the diff:  RO_UPDATE_GOLDEN=1 npx mocha --config test/.mocharc.unit.json out/test/unit/promptGolden.test.js
const repoRoot = path.resolve(__dirname, '../../..');
const goldenDir = path.join(repoRoot, 'test', 'golden', 'prompts');
const update = process.env.RO_UPDATE_GOLDEN === '1';

/** One readable text per message list: a header per message, its content verbatim. */
function render(messages: readonly ChatMessage[]): string {
  return messages.map((message, index) => `===== ${index + 1}: ${message.role} =====\n${message.content}\n`).join('\n');
}

function matchesGolden(name: string, messages: readonly ChatMessage[]): void {
  const file = path.join(goldenDir, `${name}.txt`);
  const actual = render(messages);
  if (update) {
    fs.mkdirSync(goldenDir, { recursive: true });
    fs.writeFileSync(file, actual);
    return;
  }
  assert.ok(fs.existsSync(file), `${path.relative(repoRoot, file)} is missing: run this test with RO_UPDATE_GOLDEN=1 to write it, then review it`);
  const expected = fs.readFileSync(file, 'utf8');
  // assert.equal on two long strings prints a line diff, which is what a reviewer wants to see.
  assert.equal(actual, expected, `${name}: the rendered prompt differs from ${path.relative(repoRoot, file)} (RO_UPDATE_GOLDEN=1 rewrites it)`);
}

const request = 'Rename UserStore to AccountRepository everywhere';
const plan: Plan = {
  summary: 'Rename the class and update its importers.',
  changes: [
    { id: 'c1', path: 'src/stores/userStore.ts', action: 'modify', description: 'Rename class UserStore to AccountRepository and makeUserStore to makeAccountRepository.', specialist: 'rename', dependsOn: [] },
    { id: 'c2', path: 'src/services/userService.ts', action: 'modify', description: 'Import and use AccountRepository instead of UserStore.', specialist: 'rename', dependsOn: ['c1'] },
    { id: 'c3', path: 'docs/stores.md', action: 'create', description: 'Document AccountRepository.', specialist: 'docs', dependsOn: ['c1'] },
  ],
  fileMoves: [], symbolRenames: [{ from: 'UserStore', to: 'AccountRepository' }],
};
const storeDiff = '--- a/src/stores/userStore.ts\n+++ b/src/stores/userStore.ts\n@@ -1,3 +1,3 @@\n-export class UserStore {\n+export class AccountRepository {\n   private users = new Map<string, string>();\n }\n';
const serviceText = "import { UserStore } from '../stores/userStore';\n\nexport class UserService {\n  constructor(private readonly store: UserStore) {}\n}\n";
const proposedService = serviceText.replace(/UserStore/g, 'AccountRepository');

function worker(extra: Partial<WorkerPromptInput>): WorkerPromptInput {
  const change = plan.changes[1];
  assert.ok(change);
  return { request, plan, change, format: 'whole_file', content: serviceText, upstream: [{ path: 'src/stores/userStore.ts', description: plan.changes[0]?.description ?? '', state: 'proposed', diff: storeDiff }], ...extra };
}

describe('prompts pinned by golden files', () => {
  it('planner', () => {
    const summary = 'Workspace files (3):\n- src/stores/userStore.ts (120 bytes)\n- src/services/userService.ts (140 bytes)\n- README.md (40 bytes)';
    matchesGolden('planner', buildPlannerMessages(request, summary, 50));
  });

  it('planner repair round', () => {
    const first = buildPlannerMessages(request, 'Workspace files (1):\n- src/a.ts (10 bytes)', 50);
    matchesGolden('planner-repair', buildPlanRepairMessages(first, plan, ['c2 depends on c9, which is not in the plan', 'docs/stores.md is planned twice']));
  });

  it('worker, whole file', () => {
    matchesGolden('worker-whole-file', buildWorkerMessages(worker({})));
  });

  it('worker, search/replace', () => {
    matchesGolden('worker-search-replace', buildWorkerMessages(worker({ format: 'search_replace' })));
  });

  it('worker, file to create', () => {
    const change = plan.changes[2];
    assert.ok(change);
    matchesGolden('worker-create', buildWorkerMessages(worker({ change, content: null })));
  });

  it('worker, revision after findings', () => {
    const findings = [{ path: 'src/services/userService.ts', line: 4, severity: 'error' as const, kind: 'inconsistency' as const, message: 'Uses AccountRepo, but c1 names the class AccountRepository.', relatedPaths: ['src/stores/userStore.ts'] }];
    matchesGolden('worker-revision', buildWorkerMessages(worker({ content: proposedService, revision: { findings } })));
  });

  it('worker, failed upstream', () => {
    matchesGolden('worker-failed-upstream', buildWorkerMessages(worker({ upstream: [{ path: 'src/stores/userStore.ts', description: plan.changes[0]?.description ?? '', state: 'failed', reason: 'the model reply was cut off (length limit)' }] })));
  });

  it('worker retry after an unusable reply', () => {
    const first = buildWorkerMessages(worker({ format: 'search_replace' }));
    matchesGolden('worker-retry', buildWorkerRetryMessages(first, { edits: [{ search: 'class UserStore', replace: 'class AccountRepository' }], summary: 'rename' }, 'Edit 1: the search text was not found in the file.'));
  });

  it('verifier', () => {
    matchesGolden(
      'verifier',
      buildVerifierMessages(
        request,
        plan,
        [
          { path: 'src/stores/userStore.ts', action: 'modify', diff: storeDiff, content: 'export class AccountRepository {\n  private users = new Map<string, string>();\n}\n', status: 'proposed' },
          { path: 'src/services/userService.ts', action: 'modify', diff: '', status: 'proposed' },
          { path: 'docs/stores.md', action: 'create', diff: '', status: 'failed', error: 'the model refused' },
        ],
        ['src/services/userService.ts'],
      ),
    );
  });
});
