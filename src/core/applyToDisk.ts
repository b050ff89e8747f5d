// The CLI's `--apply`: the user's accept for a headless run. Every path is resolved again at write
// time (a symlink planted since the plan was checked must not redirect the write), and a file that
// changed on disk since it was read is refused rather than overwritten: the user's edit wins.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { resolveInsideWorkspace } from './paths';
import type { ChangeAction } from './schemas';

export interface DiskChange {
  path: string;
  action: ChangeAction;
  original: string | null;
  proposed: string | null;
}

export interface DiskApplyOutcome {
  applied: string[];
  refused: { path: string; reason: string }[];
}

async function currentText(absolute: string): Promise<string | undefined> {
  try {
    return await fs.readFile(absolute, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * Refuses a file marked read-only. Checks the mode bits themselves: access() says yes to root, and a
 * user who marked a file read-only meant it for every tool, deletes included (POSIX would allow one).
 */
async function assertWritable(absolute: string): Promise<number | undefined> {
  const mode = await fs.stat(absolute).then((s) => s.mode, () => undefined);
  if (mode !== undefined && (mode & 0o222) === 0) throw Object.assign(new Error('read-only'), { code: 'EACCES' });
  if (mode !== undefined) await fs.access(absolute, fs.constants.W_OK);
  return mode;
}

/** Write via a temporary sibling and rename, so a crash never leaves a half-written file. */
async function writeAtomically(absolute: string, text: string): Promise<void> {
  const mode = await assertWritable(absolute);
  const temporary = path.join(path.dirname(absolute), `.${path.basename(absolute)}.${randomBytes(6).toString('hex')}.tmp`);
  // 'wx': never reuse whatever already sits at the temporary name (a planted link included).
  await fs.writeFile(temporary, text, { encoding: 'utf8', flag: 'wx' });
  try {
    // chmod, not writeFile's mode option: that one passes through the umask, which turned a
    // group-writable 0775 script into 0755.
    if (mode !== undefined) await fs.chmod(temporary, mode & 0o7777);
    await fs.rename(temporary, absolute);
  } catch (error) {
    await fs.rm(temporary, { force: true });
    throw error;
  }
}

async function applyOne(root: string, change: DiskChange): Promise<string | undefined> {
  const absolute = await resolveInsideWorkspace(root, change.path);
  const onDisk = await currentText(absolute);
  if (change.action === 'create') {
    if (onDisk !== undefined) return 'it was created on disk since the plan was made';
  } else if (onDisk === undefined) {
    return 'it was deleted since it was read';
  } else if (onDisk !== change.original) {
    return 'it changed on disk since it was read (stale); re-run to refresh the proposal';
  }
  if (change.action === 'delete') {
    await assertWritable(absolute);
    await fs.rm(absolute);
    return undefined;
  }
  if (change.proposed === null) return 'no proposed content';
  await fs.mkdir(path.dirname(absolute), { recursive: true });
  // The parent folders now exist: resolve once more so a link among them cannot redirect the write.
  await resolveInsideWorkspace(root, change.path);
  await writeAtomically(absolute, change.proposed);
  return undefined;
}

export async function applyChangesToDisk(root: string, changes: DiskChange[]): Promise<DiskApplyOutcome> {
  const outcome: DiskApplyOutcome = { applied: [], refused: [] };
  for (const change of changes) {
    try {
      const refusal = await applyOne(root, change);
      if (refusal === undefined) outcome.applied.push(change.path);
      else outcome.refused.push({ path: change.path, reason: refusal });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const reason = code === 'EACCES' || code === 'EPERM' ? 'the file or its folder is read-only' : error instanceof Error ? error.message : String(error);
      outcome.refused.push({ path: change.path, reason });
    }
  }
  return outcome;
}
