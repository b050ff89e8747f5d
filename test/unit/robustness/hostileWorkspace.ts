// Set-up shared by the robustness cases that aim at the file system: a scratch folder holding the
// workspace and a folder next to it that stands for "the rest of the disk", files that carry unique
// marker strings so a test can tell whether their contents ever reached the model, and a byte-level
// before/after comparison of both folders.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import type { FakeOpenAIServer } from '../../support/fakeOpenAIServer';
import { snapshot } from '../support/engineHarness';

export interface Scratch {
  /** Holds `ws/` (the workspace) and `outside/`. */
  dir: string;
  root: string;
  outside: string;
}

export async function makeScratch(workspaceFiles: Record<string, string>, outsideFiles: Record<string, string> = {}): Promise<Scratch> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ro-robust-'));
  const scratch = { dir, root: path.join(dir, 'ws'), outside: path.join(dir, 'outside') };
  await fs.mkdir(scratch.outside, { recursive: true });
  for (const [base, files] of [[scratch.root, workspaceFiles], [scratch.outside, outsideFiles]] as const) {
    for (const [relative, content] of Object.entries(files)) {
      const full = path.join(base, relative);
      await fs.mkdir(path.dirname(full), { recursive: true });
      await fs.writeFile(full, content);
    }
  }
  return scratch;
}

export async function removeScratch(scratch: Scratch): Promise<void> {
  await fs.rm(scratch.dir, { recursive: true, force: true });
}

/** A string no prompt could contain by accident, naming the file it is planted in. */
export function marker(label: string): string {
  return `MARKER-${label.replace(/[^A-Za-z0-9]/g, '_')}-${Math.random().toString(36).slice(2, 10)}`;
}

/** How many recorded requests (any role, whole body) contain `text`. */
export function requestsContaining(server: FakeOpenAIServer, text: string): number {
  return server.requests.filter((request) => JSON.stringify(request.body).includes(text)).length;
}

/** Compares two snapshots of the whole scratch folder; returns how many files were compared. */
export function assertUnchanged(before: Map<string, Buffer>, after: Map<string, Buffer>): number {
  assert.deepEqual([...after.keys()].sort(), [...before.keys()].sort(), 'no file appeared or disappeared');
  for (const [file, bytes] of before) assert.ok(after.get(file)?.equals(bytes), `${file} is byte-identical`);
  return before.size;
}

/** Snapshot of workspace and outside together, so a write anywhere shows. */
export function snapshotScratch(scratch: Scratch): Promise<Map<string, Buffer>> {
  return snapshot(scratch.dir);
}

/** `true`/`false` comparison for the observed text, without throwing. */
export function sameBytes(before: Map<string, Buffer>, after: Map<string, Buffer>): boolean {
  try {
    assertUnchanged(before, after);
    return true;
  } catch {
    return false;
  }
}
