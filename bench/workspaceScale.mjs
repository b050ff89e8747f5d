// Benchmark 4: what building the planner's workspace summary costs on big trees. Workspaces are
// generated once into bench/workspaces/ (git-ignored) and reused; each measurement runs in a fresh
// child process (bench/summaryProbe.cjs) so peak RSS is per size.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from './out.mjs';
import { median } from './modelCalls.mjs';

const REQUEST = 'rename `UserStore` to `AccountRepository` everywhere';

/** Files of ~8 small functions each, 25 to a folder, 16 folders to a module; every 500th uses UserStore. */
export function ensureGeneratedWorkspace(dir, size) {
  if (fs.existsSync(path.join(dir, '.complete'))) return;
  fs.rmSync(dir, { recursive: true, force: true });
  for (let i = 0; i < size; i++) {
    const folder = path.join(dir, 'src', `m${Math.floor(i / 400)}`, `f${Math.floor(i / 25) % 16}`);
    fs.mkdirSync(folder, { recursive: true });
    const uses = i % 500 === 0 ? 'import { UserStore } from "../../stores";\nexport const s = new UserStore();\n' : '';
    fs.writeFileSync(path.join(folder, `file${i}.ts`), `${uses}export function fn${i}(x: number): number {\n  return x * ${i};\n}\n`.repeat(8));
  }
  fs.writeFileSync(path.join(dir, '.gitignore'), 'dist/\n');
  fs.writeFileSync(path.join(dir, '.complete'), '');
}

export function measureWorkspaceScale({ sizes, parent, repetitions, log }) {
  const results = [];
  for (const size of sizes) {
    const dir = path.join(parent, `ws-${size}`);
    ensureGeneratedWorkspace(dir, size);
    const probes = [];
    for (let i = 0; i < repetitions; i++) {
      const output = execFileSync(process.execPath, [path.join(repoRoot, 'bench', 'summaryProbe.cjs'), dir, REQUEST], { encoding: 'utf8' });
      probes.push(JSON.parse(output));
    }
    const ms = median(probes.map((p) => p.ms));
    const peakMB = Math.max(...probes.map((p) => p.peakMB));
    const { listed, summaryKB, rssBeforeMB } = probes[0];
    results.push({ files: size, ms, msAll: probes.map((p) => p.ms), peakMB, rssBeforeMB, listed, summaryKB, goalMs: 2000, goalMB: 300 });
    log(`workspace summary at ${size} files: ${ms} ms (runs: ${probes.map((p) => p.ms).join(', ')}), peak ${peakMB} MB`);
  }
  return results;
}
