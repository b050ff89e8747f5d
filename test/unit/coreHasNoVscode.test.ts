import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

// The core must run headless (CLI, benchmarks), so nothing under src/core may reach for `vscode`,
// directly or through a relative import that leaves src/core.
const repoRoot = path.resolve(__dirname, '../../..');
const coreDir = path.join(repoRoot, 'src/core');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

const importPattern = /(?:import|export)[^'"`]*?from\s*['"]([^'"]+)['"]|require\(\s*['"]([^'"]+)['"]\s*\)|import\(\s*['"]([^'"]+)['"]\s*\)/g;

function importsOf(source: string): string[] {
  return [...source.matchAll(importPattern)].map((m) => m[1] ?? m[2] ?? m[3] ?? '');
}

describe('src/core stays free of VS Code', () => {
  it('finds the core sources to check', () => {
    assert.ok(sourceFiles(coreDir).length > 0, `no .ts files under ${coreDir}`);
  });

  it('has no import of vscode and no relative import leaving src/core', () => {
    const offenders: string[] = [];
    for (const file of sourceFiles(coreDir)) {
      for (const spec of importsOf(fs.readFileSync(file, 'utf8'))) {
        const leavesCore = spec.startsWith('.') && !path.resolve(path.dirname(file), spec).startsWith(coreDir);
        if (spec === 'vscode' || spec.startsWith('vscode/') || leavesCore) {
          offenders.push(`${path.relative(repoRoot, file)} imports '${spec}'`);
        }
      }
    }
    assert.deepEqual(offenders, []);
  });

  it('the import scanner itself catches a vscode import', () => {
    assert.deepEqual(importsOf(`import * as vscode from 'vscode';\nconst x = require("vscode");`), ['vscode', 'vscode']);
  });
});
