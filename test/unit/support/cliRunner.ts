// Running the CLI as users run it: the shipped bundle `dist/cli.js` in a child process, so tests see
// its real exit code, stdout and stderr. Shared by the CLI tests and the robustness suite.
import * as assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const repoRoot = path.resolve(__dirname, '../../../..');
export const cliPath = path.join(repoRoot, 'dist/cli.js');

/** The CLI under test is the bundle users run; rebuild it when any source is newer than the bundle. */
export function ensureFreshBuild(): void {
  const newest = (dir: string): number => fs.readdirSync(dir, { withFileTypes: true }).reduce((max, entry) => {
    const full = path.join(dir, entry.name);
    return Math.max(max, entry.isDirectory() ? newest(full) : fs.statSync(full).mtimeMs);
  }, 0);
  const built = fs.existsSync(cliPath) ? fs.statSync(cliPath).mtimeMs : 0;
  if (built < newest(path.join(repoRoot, 'src'))) {
    try {
      execFileSync(process.execPath, ['esbuild.mjs'], { cwd: repoRoot, stdio: 'pipe' });
    } catch {
      // esbuild builds all bundles; another bundle failing must not hide a CLI that built fine.
    }
  }
  assert.ok(fs.existsSync(cliPath) && fs.statSync(cliPath).mtimeMs >= newest(path.join(repoRoot, 'src/core')), 'dist/cli.js could not be built');
}

export interface CliRun { code: number | null; stdout: string; stderr: string }

export function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, ...args], { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
