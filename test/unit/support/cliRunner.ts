// Runs the CLI bundle users run (dist/cli.js) as a child process, so tests see exactly what a user
// sees: exit code, stdout, stderr, and how long it took. Shared by the CLI tests and the robustness
// cases that drive the CLI (model output, paths, network, stale files, interrupts at each stage).
import * as assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
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

export interface CliRun {
  /** null when the process was killed (see `killAfterMs`) or ended by a signal. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  elapsedMs: number;
}

export interface CliRunOptions {
  /**
   * Kill the CLI if it is still running after this long, so a hang fails the test's assertions
   * (code null) instead of leaving a process behind. Far above any normal run.
   */
  killAfterMs?: number;
  /** Gets the child as soon as it is spawned, e.g. to interrupt it. */
  started?: (child: ChildProcess) => void;
}

/** Runs the CLI with only PATH and `env` in its environment (no stray OPENAI_* from the caller). */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}, options: CliRunOptions = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const startedAt = Date.now();
    const child = spawn(process.execPath, [cliPath, ...args], { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const killer = setTimeout(() => child.kill('SIGKILL'), options.killAfterMs ?? 55_000);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    child.on('error', (error) => {
      clearTimeout(killer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(killer);
      resolve({ code, signal, stdout, stderr, elapsedMs: Date.now() - startedAt });
    });
    options.started?.(child);
  });
}

/** The last stderr line: where the CLI puts the one line that says why a run failed. */
export function lastStderrLine(run: CliRun): string {
  return run.stderr.trim().split('\n').pop() ?? '';
}
