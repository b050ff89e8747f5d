// Benchmark 7: the compile check on generated strict TypeScript projects with ten changed files. One
// fresh process per measurement (bench/compileCheckProbe.cjs); the median of the repetitions.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from './out.mjs';
import { generateProject } from './compileCheckProject.mjs';

export function measureCompileCheck({ sizes, parent, repetitions, log }) {
  return sizes.map((files) => {
    const project = generateProject(parent, files);
    const changesFile = path.join(project.root, '..', `compile-${files}-changes.json`);
    fs.writeFileSync(changesFile, JSON.stringify(project.changes));
    const runs = [];
    for (let r = 0; r < repetitions; r++) {
      const out = execFileSync(process.execPath, [path.join(repoRoot, 'bench', 'compileCheckProbe.cjs'), project.root, changesFile], { encoding: 'utf8', maxBuffer: 1 << 20 });
      runs.push(JSON.parse(out));
      log(`compile check at ${files} files: ${out.trim()}`);
    }
    const median = (key) => [...runs.map((run) => run[key])].sort((a, b) => a - b)[Math.floor(runs.length / 2)];
    return {
      files,
      lines: project.lines,
      changedFiles: project.changes.length,
      checkMs: median('checkMs'),
      baselineMs: median('baselineMs'),
      peakMB: median('peakMB'),
      checkMsAll: runs.map((run) => run.checkMs),
      checkedFiles: runs[0]?.checkedFiles,
      newErrors: runs[0]?.newErrors,
      typescript: runs[0]?.typescript,
      goals: { checkMs: files >= 5000 ? 3000 : 1000, peakMB: 1024 },
    };
  });
}
