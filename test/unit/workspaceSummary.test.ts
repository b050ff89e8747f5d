import * as assert from 'node:assert/strict';
import { buildWorkspaceSummary, requestTerms } from '../../src/core/plan/workspaceSummary';
import type { WorkspaceAccess } from '../../src/core/workspace/workspace';

/** A workspace held in memory that records what was read and how many reads overlapped. */
function memoryWorkspace(files: Record<string, string>): WorkspaceAccess & { reads: string[]; maxInFlight: number } {
  let inFlight = 0;
  const workspace = {
    label: 'mem',
    reads: [] as string[],
    maxInFlight: 0,
    listFiles: async () => Object.entries(files).map(([path, text]) => ({ path, size: Buffer.byteLength(text) })),
    readText: async (path: string) => {
      workspace.reads.push(path);
      inFlight++;
      workspace.maxInFlight = Math.max(workspace.maxInFlight, inFlight);
      await new Promise((resolve) => setImmediate(resolve));
      inFlight--;
      return files[path];
    },
  };
  return workspace;
}

const signal = new AbortController().signal;
/** The part of the summary that shows one file: from its heading to the next heading. */
const section = (summary: string, path: string): string | undefined => {
  const start = summary.indexOf(`### ${path}\n`);
  if (start === -1) return undefined;
  const end = summary.indexOf('\n### ', start + 4);
  return summary.slice(start, end === -1 ? undefined : end);
};

describe('workspace summary for the planner', () => {
  it('picks code-shaped words, quoted words and paths from the request', () => {
    const terms = requestTerms('Rename `UserStore` to AccountStore in src/stores/userStore.ts and update "legacy mode" everywhere');
    for (const expected of ['UserStore', 'AccountStore', 'src/stores/userStore.ts', 'legacy mode']) assert.ok(terms.includes(expected), expected);
    assert.ok(!terms.includes('Rename') && !terms.includes('everywhere'));
  });

  it('lists every file with its size when the tree is small', async () => {
    const summary = await buildWorkspaceSummary(memoryWorkspace({ 'src/a.ts': 'abc', 'README.md': 'hello' }), 'tidy up', { tokenBudget: 2000 }, signal);
    assert.match(summary, /^src\/a\.ts \(3 B\)$/m);
    assert.match(summary, /^README\.md \(5 B\)$/m);
  });

  it('shows the files that mention a backticked identifier, and not unrelated ones', async () => {
    const ws = memoryWorkspace({
      'src/stores/store.ts': 'export class UserStore {}\n',
      'src/services/users.ts': "import { UserStore } from '../stores/store';\nnew UserStore();\n",
      'src/unrelated.ts': 'export const nothing = 0;\n',
    });
    const summary = await buildWorkspaceSummary(ws, 'Rename `UserStore` to `AccountStore`', { tokenBudget: 4000 }, signal);
    assert.match(section(summary, 'src/stores/store.ts') ?? '', /export class UserStore/);
    assert.match(section(summary, 'src/services/users.ts') ?? '', /new UserStore\(\)/);
    assert.equal(section(summary, 'src/unrelated.ts'), undefined);
    assert.match(summary, /UserStore \(2 files\): src\/services\/users\.ts, src\/stores\/store\.ts/);
    assert.match(summary, /AccountStore: not found/);
  });

  it('puts the files and folders the user selected first', async () => {
    const ws = memoryWorkspace({
      'src/a.ts': 'export const Widget = 1; // Widget Widget Widget\n',
      'lib/chosen/one.ts': 'export const one = 1;\n',
      'lib/chosen/two.ts': 'export const two = 2;\n',
    });
    const summary = await buildWorkspaceSummary(ws, 'make `Widget` configurable', { tokenBudget: 4000, scope: ['./lib/chosen/'] }, signal);
    assert.match(summary, /The user selected: \.\/lib\/chosen\//);
    const order = ['lib/chosen/one.ts', 'lib/chosen/two.ts', 'src/a.ts'].map((p) => summary.indexOf(`### ${p}`));
    assert.ok(order.every((at) => at > 0), 'all three have a section');
    assert.ok(order[0]! < order[2]! && order[1]! < order[2]!, 'selected files come before a better text match');
  });

  it('outlines a file too big to include whole, with line numbers', async () => {
    const filler = Array.from({ length: 3000 }, (_, i) => `  const value${i} = compute(${i}); // padding to make the file large`).join('\n');
    const big = `import x from 'y';\n\nexport class UserStore {\n${filler}\n}\n\nexport function makeUserStore() {\n  return new UserStore();\n}\n`;
    const summary = await buildWorkspaceSummary(memoryWorkspace({ 'src/big.ts': big }), 'Rename `UserStore`', { tokenBudget: 3000 }, signal);
    const outline = section(summary, 'src/big.ts (outline)') ?? '';
    assert.match(outline, /^3: export class UserStore \{$/m);
    assert.match(outline, /^3006: export function makeUserStore\(\) \{$/m);
    assert.match(outline, /^3007:   return new UserStore\(\);$/m, "lines naming the request's words are kept too");
    assert.ok(!outline.includes('value2999'), 'the body is left out');
  });

  it('fences file text so backticks inside it cannot end the block early', async () => {
    const readme = 'Use `UserStore` like this:\n```ts\nnew UserStore();\n```\n';
    const summary = await buildWorkspaceSummary(memoryWorkspace({ 'README.md': readme }), 'Rename `UserStore`', { tokenBudget: 2000 }, signal);
    assert.ok(summary.includes(`### README.md\n\`\`\`\`\n${readme}\`\`\`\``), summary);
  });

  it('stays within the token budget', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 300; i++) files[`src/module${i}/file${i}.ts`] = `export const UserStore${i} = 'UserStore';\n`.repeat(40);
    const summary = await buildWorkspaceSummary(memoryWorkspace(files), 'Rename `UserStore`', { tokenBudget: 3000 }, signal);
    assert.ok(summary.length <= 3000 * 4 * 1.05, `${summary.length} characters`);
    assert.ok(section(summary, 'src/module0/file0.ts') !== undefined || summary.includes('### src/'), 'some content still fits');
  });

  it('folds a big tree by folder but keeps the relevant folder listed file by file', async () => {
    const files: Record<string, string> = {};
    for (let p = 0; p < 50; p++) for (let f = 0; f < 100; f++) files[`packages/pkg${p}/src/file${f}.ts`] = 'export const x = 1;\n';
    files['packages/pkg7/src/file3.ts'] = 'export class UserStore {}\n';
    const summary = await buildWorkspaceSummary(memoryWorkspace(files), 'Rename `UserStore`', { tokenBudget: 12000 }, signal);
    assert.match(summary, /^packages\/pkg7\/src\/file3\.ts \(26 B\)$/m, 'the file that matters keeps its own line');
    assert.match(summary, /^packages\/pkg7\/src\/file99\.ts \(20 B\)$/m, 'so do its neighbours');
    assert.match(summary, /^packages\/pkg12\/src\/ \(100 files, 2000 B\)$/m, 'other folders are counted');
    assert.ok(!/^packages\/pkg12\/src\/file0\.ts/m.test(summary));
    assert.match(summary, /Workspace mem: 5000 files/);
  });

  it('never reads or shows secret files, even if a workspace lists them', async () => {
    const ws = memoryWorkspace({ '.env': 'UserStore_TOKEN=hunter2', 'certs/server.pem': 'UserStore', 'src/a.ts': 'UserStore' });
    const summary = await buildWorkspaceSummary(ws, 'Rename `UserStore`', { tokenBudget: 4000 }, signal);
    assert.deepEqual(ws.reads, ['src/a.ts']);
    assert.ok(!summary.includes('hunter2') && !summary.includes('.env') && !summary.includes('server.pem'));
  });

  it('reads with bounded concurrency', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 200; i++) files[`src/f${i}.ts`] = `export const f${i} = 'UserStore';\n`;
    const ws = memoryWorkspace(files);
    await buildWorkspaceSummary(ws, 'Rename `UserStore`', { tokenBudget: 4000 }, signal);
    assert.equal(ws.reads.length, 200);
    assert.ok(ws.maxInFlight > 1 && ws.maxInFlight <= 16, `${ws.maxInFlight} reads at once`);
  });

  it('reads nothing when the request names nothing to search for and nothing is selected', async () => {
    const ws = memoryWorkspace({ 'src/a.ts': 'a', 'src/b.ts': 'b' });
    const summary = await buildWorkspaceSummary(ws, 'make the code nicer', { tokenBudget: 2000 }, signal);
    assert.deepEqual(ws.reads, []);
    assert.match(summary, /No file matched the request/);
  });

  it('stops when cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    const ws = memoryWorkspace({ 'src/a.ts': 'UserStore' });
    await assert.rejects(buildWorkspaceSummary(ws, 'Rename `UserStore`', { tokenBudget: 2000 }, controller.signal), /abort/i);
  });
});
