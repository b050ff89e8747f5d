import * as assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { checkJsonChanges, jsonProblems } from '../../src/core/verify/compileCheck/jsonSyntax';
import { loadTypeScript } from '../../src/core/verify/compileCheck/loadTypeScript';
import { newDiagnostics } from '../../src/core/verify/compileCheck/newDiagnostics';
import type { NewDiagnostic, TreeChange } from '../../src/core/verify/compileCheck/proposedTree';
import { TypeScriptChecker } from '../../src/core/verify/compileCheck/typeScriptCheck';
import { makeWorkspace, removeWorkspace } from './support/engineHarness';
import { renamePrice, shop } from './support/shopFixture';

function modify(file: string, proposed: string): TreeChange {
  return { path: file, original: shop[file] ?? null, proposed };
}

function brief(diagnostics: readonly NewDiagnostic[]): string[] {
  return diagnostics.map((d) => `${d.path}:${d.line} ${d.code}${d.causes.length ? ` <- ${d.causes.join(',')}` : ''}`);
}

describe('compile check: new diagnostics only', () => {
  it('compares by file, code and message as a multiset, never by line', () => {
    const old = [{ path: 'a.ts', code: 'TS1', message: 'x' }];
    const proposed = [
      { path: 'a.ts', code: 'TS1', message: 'x', line: 9 },
      { path: 'a.ts', code: 'TS1', message: 'x', line: 12 },
      { path: 'b.ts', code: 'TS1', message: 'x', line: 1 },
    ];
    assert.deepEqual(newDiagnostics(old, proposed).map((d) => `${d.path}:${d.line}`), ['a.ts:12', 'b.ts:1']);
  });

  it('an error the file already had is not new because a rename changed the name it quotes', () => {
    const old = [
      { path: 'a.ts', code: 'TS2339', message: "Property 'size' does not exist on type 'UserStore'." },
      { path: 'a.ts', code: 'TS2339', message: "Property 'size' does not exist on type 'UserStore'." },
    ];
    const proposed = [
      { path: 'a.ts', code: 'TS2339', message: "Property 'size' does not exist on type 'AccountRepository'.", line: 3 },
      { path: 'a.ts', code: 'TS2339', message: "Property 'size' does not exist on type 'AccountRepository'.", line: 7 },
      // A third copy, and an error of another wording, are new all the same.
      { path: 'a.ts', code: 'TS2339', message: "Property 'count' does not exist on type 'AccountRepository'.", line: 9 },
      { path: 'a.ts', code: 'TS2304', message: "Cannot find name 'AccountRepository'.", line: 11 },
    ];
    assert.deepEqual(newDiagnostics(old, proposed).map((d) => `${d.path}:${d.line}`), ['a.ts:9', 'a.ts:11']);
  });

  it('JSON: strict for package.json, JSONC for tsconfig, only new errors', () => {
    assert.equal(jsonProblems('tsconfig.json', shop['tsconfig.json'] ?? '').length, 0, 'comments and a trailing comma are fine in tsconfig');
    assert.ok(jsonProblems('package.json', '{ "a": 1, }').length > 0, 'a trailing comma is not fine in package.json');
    const broken = '{\n  "name": "shop"\n  "version": "1.0.0"\n}\n';
    const result = checkJsonChanges([{ path: 'package.json', original: shop['package.json'] ?? '', proposed: broken }]);
    assert.deepEqual(result.diagnostics.map((d) => `${d.path}:${d.line} ${d.code}`), ['package.json:3 JSON-CommaExpected']);
    const stillBroken = checkJsonChanges([{ path: 'package.json', original: broken, proposed: `${broken}\n` }]);
    assert.deepEqual(stillBroken.diagnostics, [], 'an error the file already had is not new');
  });
});

describe('compile check: TypeScript in memory', function () {
  this.timeout(60_000);
  let root: string;
  let checker: TypeScriptChecker;

  before(async () => {
    root = await makeWorkspace(shop);
    checker = new TypeScriptChecker(root, loadTypeScript(root));
    checker.prepare(['src/price.ts', 'src/cart.ts']);
  });
  after(async () => {
    await removeWorkspace(root);
  });

  it('a correct rename raises nothing, though the project already has an error', () => {
    const outcome = checker.check(['src/price.ts', 'src/cart.ts', 'src/receipt.ts'].map((f) => modify(f, renamePrice(shop[f] ?? ''))));
    assert.deepEqual(brief(outcome.diagnostics), []);
    assert.ok(outcome.configured >= 3, `checked ${outcome.configured} files`);
  });

  it('a caller the plan missed: the untouched importer breaks, traced to the renamed file', () => {
    const outcome = checker.check(['src/price.ts', 'src/cart.ts'].map((f) => modify(f, renamePrice(shop[f] ?? ''))));
    assert.deepEqual(brief(outcome.diagnostics), ['src/receipt.ts:1 TS2305 <- src/price.ts']);
  });

  it('a wrong import path', () => {
    const outcome = checker.check([modify('src/cart.ts', (shop['src/cart.ts'] ?? '').replace("'./price'", "'./prices'"))]);
    assert.deepEqual(brief(outcome.diagnostics), ['src/cart.ts:1 TS2307']);
  });

  it('a syntax error', () => {
    const outcome = checker.check([modify('src/cart.ts', (shop['src/cart.ts'] ?? '').replace('0));', '0);'))]);
    assert.deepEqual(brief(outcome.diagnostics), ['src/cart.ts:4 TS1005']);
  });

  it('two workers naming the same function differently', () => {
    const outcome = checker.check([modify('src/price.ts', renamePrice(shop['src/price.ts'] ?? '')), modify('src/cart.ts', renamePrice(shop['src/cart.ts'] ?? '', 'formatCurrency'))]);
    assert.deepEqual(brief(outcome.diagnostics).filter((d) => d.startsWith('src/cart.ts')), ['src/cart.ts:1 TS2305 <- src/price.ts']);
  });

  it('a wrong argument type', () => {
    const outcome = checker.check([modify('src/cart.ts', (shop['src/cart.ts'] ?? '').replace('formatPrice(items', 'formatPrice(String(items').replace('0));', '0)));'))]);
    assert.deepEqual(brief(outcome.diagnostics), ['src/cart.ts:4 TS2345']);
  });

  it('a signature a worker forgot to change: the callers break, traced to it', () => {
    const outcome = checker.check([
      modify('src/price.ts', shop['src/price.ts'] ?? ''),
      modify('src/cart.ts', (shop['src/cart.ts'] ?? '').replace('0));', "0), 'EUR');")),
    ]);
    assert.deepEqual(brief(outcome.diagnostics), ['src/cart.ts:4 TS2554 <- src/price.ts']);
  });

  it('a created file that imports a deleted one; the deleted file\'s importers break', () => {
    const outcome = checker.check([
      { path: 'src/price.ts', original: shop['src/price.ts'] ?? '', proposed: null },
      { path: 'src/money.ts', original: null, proposed: "import { formatPrice } from './price';\nexport const zero = formatPrice(0);\n" },
    ]);
    assert.deepEqual(brief(outcome.diagnostics).sort(), ['src/cart.ts:1 TS2307', 'src/money.ts:1 TS2307', 'src/receipt.ts:1 TS2307']);
  });

  it('a file moved into a new folder: its importers resolve it there, with nothing new reported', () => {
    // No src/money/ on disk: module resolution must still look for files in it (the eval's move tasks).
    const outcome = checker.check([
      { path: 'src/price.ts', original: shop['src/price.ts'] ?? '', proposed: null },
      { path: 'src/money/price.ts', original: null, proposed: shop['src/price.ts'] ?? '' },
      ...['src/cart.ts', 'src/receipt.ts'].map((f) => modify(f, (shop[f] ?? '').replace("'./price'", "'./money/price'"))),
    ]);
    assert.deepEqual(brief(outcome.diagnostics), []);
  });

  it('files no tsconfig covers get default options; JavaScript gets syntax only', async () => {
    const loose = await makeWorkspace({ 'a.ts': 'export const n: number = 1;\n', 'b.js': 'export const s = 1;\n' });
    try {
      const own = new TypeScriptChecker(loose, loadTypeScript(loose));
      const outcome = own.check([
        { path: 'a.ts', original: 'export const n: number = 1;\n', proposed: "export const n: number = 'x';\n" },
        { path: 'b.js', original: 'export const s = 1;\n', proposed: "export const s = 1;\nexport const t = s * 'x';\nconst = 2;\n" },
      ]);
      // b.js line 2 multiplies by a string: a type error, not reported without checkJs; line 3 does not parse.
      assert.deepEqual([...new Set(brief(outcome.diagnostics).map((d) => d.split(' ')[0]))], ['a.ts:1', 'b.js:3']);
      assert.equal(outcome.inferred, 2);
    } finally {
      await removeWorkspace(loose);
    }
  });

  it("uses the workspace's own TypeScript when it has one, and says why not for TypeScript 7", async () => {
    const real = path.dirname(require.resolve('typescript/package.json'));
    const own = await makeWorkspace({
      'node_modules/typescript/package.json': '{ "name": "typescript", "version": "5.9.0-workspace", "main": "index.js" }',
      'node_modules/typescript/index.js': `module.exports = Object.assign({}, require(${JSON.stringify(real)}), { version: '5.9.0-workspace' });\n`,
    });
    const seven = await makeWorkspace({
      'node_modules/typescript/package.json': '{ "name": "typescript", "version": "7.0.0", "main": "index.js" }',
      'node_modules/typescript/index.js': "module.exports = { version: '7.0.0', versionMajorMinor: '7.0' };\n",
    });
    try {
      assert.deepEqual(loadTypeScript(own).identity, { version: '5.9.0-workspace', source: 'workspace' });
      const fallback = loadTypeScript(seven).identity;
      assert.equal(fallback.source, 'bundled');
      assert.match(fallback.note ?? '', /7\.0\.0 has no in-process compiler API \(TypeScript 7\)/);
      assert.equal(loadTypeScript(root).identity.source, 'bundled');
      await fs.access(path.join(own, 'node_modules/typescript/index.js'));
    } finally {
      await removeWorkspace(own);
      await removeWorkspace(seven);
    }
  });
});
