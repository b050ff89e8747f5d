// The CLI's `--apply`: the user's accept for a headless run. Every path is resolved again at write
// time (a symlink planted since the plan was checked must not redirect the write), and a file that
// changed on disk since it was read is refused rather than overwritten: the user's edit wins. One
// refused or failing file never stops the others.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { resolveInsideWorkspace } from '../core/workspace/paths';
import type { FileAction } from '../core/schemas';

export interface DiskChange {
  /** For a move: where the file goes. */
  path: string;
  action: FileAction;
  /** For a move: where the file is. */
  movedFrom?: string;
  original: string | null;
  proposed: string | null;
}

export interface DiskApplyOutcome {
  applied: string[];
  refused: { path: string; reason: string }[];
}

/** A refusal the user can act on, as opposed to an unexpected failure. */
class Refusal extends Error {}

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

/** What is at the path now: its bytes and mode, or undefined when nothing is there. */
async function currentFile(absolute: string): Promise<{ bytes: Buffer; mode: number } | undefined> {
  const link = await fs.lstat(absolute).catch((error: unknown) => {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw error;
  });
  if (link === undefined) return undefined;
  // Listing never offers links, so a link here was planted or is not what the plan was about;
  // replacing it would silently turn it into a file, writing through it would edit another path.
  if (link.isSymbolicLink()) throw new Refusal('it is a symbolic link; change the file it points to instead');
  if (!link.isFile()) throw new Refusal('it is not a regular file');
  return { bytes: await fs.readFile(absolute), mode: link.mode };
}

function isReadOnly(mode: number): boolean {
  // The permission bits themselves, not access(): root may write anywhere, but a user who marked a
  // file read-only meant it for every tool.
  return (mode & 0o222) === 0;
}

function temporarySibling(absolute: string): string {
  return path.join(path.dirname(absolute), `.${path.basename(absolute)}.${randomBytes(6).toString('hex')}.tmp`);
}

/** Writes a temporary sibling with the given mode, so the final step can be one atomic rename or link. */
async function writeTemporary(absolute: string, text: string, mode: number | undefined): Promise<string> {
  const temporary = temporarySibling(absolute);
  await fs.writeFile(temporary, text, { encoding: 'utf8', flag: 'wx' });
  try {
    // writeFile's mode is masked by the umask; chmod sets the file's own mode exactly.
    if (mode !== undefined) await fs.chmod(temporary, mode & 0o7777);
  } catch (error) {
    await fs.rm(temporary, { force: true });
    throw error;
  }
  return temporary;
}

/** Replaces an existing file in one step; a crash leaves either the old or the new content. */
async function replaceAtomically(absolute: string, text: string, mode: number): Promise<void> {
  const temporary = await writeTemporary(absolute, text, mode);
  try {
    await fs.rename(temporary, absolute);
  } catch (error) {
    await fs.rm(temporary, { force: true });
    throw error;
  }
}

/** Creates a file that must not exist: a hard link fails if something appeared meanwhile, where rename would overwrite it. */
async function createExclusively(absolute: string, text: string): Promise<void> {
  const temporary = await writeTemporary(absolute, text, undefined);
  try {
    await fs.link(temporary, absolute);
  } catch (error) {
    if (errorCode(error) === 'EEXIST') throw new Refusal('it was created on disk since the plan was made');
    // File systems without hard links: fall back to an exclusive write (not atomic, still never overwrites).
    if (errorCode(error) !== 'EPERM' && errorCode(error) !== 'ENOTSUP' && errorCode(error) !== 'ENOSYS') throw error;
    await fs.writeFile(absolute, text, { encoding: 'utf8', flag: 'wx' }).catch((writeError: unknown) => {
      if (errorCode(writeError) === 'EEXIST') throw new Refusal('it was created on disk since the plan was made');
      throw writeError;
    });
  } finally {
    await fs.rm(temporary, { force: true });
  }
}

async function applyOne(root: string, change: DiskChange): Promise<void> {
  if (change.action === 'move') return moveOne(root, change);
  const absolute = await resolveInsideWorkspace(root, change.path);
  const onDisk = await currentFile(absolute);

  if (change.action === 'create') {
    if (onDisk !== undefined) throw new Refusal('it was created on disk since the plan was made');
    if (change.proposed === null) throw new Refusal('there is no proposed content');
    await fs.mkdir(path.dirname(absolute), { recursive: true });
    // The parent folders exist now: resolve once more so a link among them cannot redirect the write.
    const confirmed = await resolveInsideWorkspace(root, change.path);
    await createExclusively(confirmed, change.proposed);
    return;
  }

  if (onDisk === undefined) throw new Refusal('it was deleted on disk since it was read');
  // Exact bytes: any edit since the proposal was made, even whitespace or line endings, wins.
  if (change.original === null || !onDisk.bytes.equals(Buffer.from(change.original, 'utf8'))) {
    throw new Refusal('it changed on disk since it was read (stale); run again to get a fresh proposal');
  }
  if (isReadOnly(onDisk.mode)) throw new Refusal('the file is read-only');
  // Someone else's file in a folder we may write: rename would replace it, but it is not ours to change.
  await fs.access(absolute, fs.constants.W_OK);

  if (change.action === 'delete') {
    await fs.rm(absolute);
    return;
  }
  if (change.proposed === null) throw new Refusal('there is no proposed content');
  await replaceAtomically(absolute, change.proposed, onDisk.mode);
}

/**
 * A move writes the new path first (never over an existing file) and removes the source only then, so
 * a failure in between leaves both, never neither. The source must still be what was read.
 */
async function moveOne(root: string, change: DiskChange): Promise<void> {
  if (change.movedFrom === undefined || change.proposed === null) throw new Refusal('the move has no source or no content');
  const source = await resolveInsideWorkspace(root, change.movedFrom);
  const onDisk = await currentFile(source);
  if (onDisk === undefined) throw new Refusal(`${change.movedFrom} was deleted on disk since it was read`);
  if (change.original === null || !onDisk.bytes.equals(Buffer.from(change.original, 'utf8'))) {
    throw new Refusal(`${change.movedFrom} changed on disk since it was read (stale); run again to get a fresh proposal`);
  }
  if (isReadOnly(onDisk.mode)) throw new Refusal(`${change.movedFrom} is read-only`);
  await fs.access(path.dirname(source), fs.constants.W_OK);
  const target = await resolveInsideWorkspace(root, change.path);
  if ((await currentFile(target)) !== undefined) throw new Refusal('a file exists there already');
  await fs.mkdir(path.dirname(target), { recursive: true });
  const confirmed = await resolveInsideWorkspace(root, change.path);
  await createExclusively(confirmed, change.proposed);
  await fs.chmod(confirmed, onDisk.mode & 0o7777);
  await fs.rm(source);
  await removeEmptiedFolders(root, source);
}

/**
 * A move that empties its folder takes the folder with it, as `git mv` does; a folder with anything
 * left stays. Only real folders inside the real root are removed: the walk stops at a link (on Windows,
 * rmdir of a junction would remove the link whatever its target holds) and at the root.
 */
async function removeEmptiedFolders(root: string, movedFrom: string): Promise<void> {
  const realRoot = await fs.realpath(root);
  for (let folder = path.dirname(movedFrom); folder.startsWith(`${realRoot}${path.sep}`); folder = path.dirname(folder)) {
    try {
      if ((await fs.realpath(folder)) !== folder || !(await fs.lstat(folder)).isDirectory()) return;
      await fs.rmdir(folder);
    } catch {
      return;
    }
  }
}

/** Why a move cannot be made now (its source changed or went, its destination is taken), or undefined. */
async function movePrecheck(root: string, change: DiskChange): Promise<string | undefined> {
  if (change.movedFrom === undefined) return 'the move has no source';
  const onDisk = await currentFile(await resolveInsideWorkspace(root, change.movedFrom));
  if (onDisk === undefined) return `${change.movedFrom} was deleted on disk since it was read`;
  if (change.original === null || !onDisk.bytes.equals(Buffer.from(change.original, 'utf8'))) return `${change.movedFrom} changed on disk since it was read (stale); run again to get a fresh proposal`;
  if ((await currentFile(await resolveInsideWorkspace(root, change.path))) !== undefined) return 'a file exists there already';
  return undefined;
}

function describeFailure(error: unknown): string {
  if (error instanceof Refusal) return error.message;
  switch (errorCode(error)) {
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return 'the file or its folder is read-only';
    case 'ENOSPC':
      return 'the disk is full';
    case 'ENOTDIR':
      return 'a parent of this path is a file, not a folder';
    default:
      return error instanceof Error ? error.message : String(error);
  }
}

export async function applyChangesToDisk(root: string, changes: DiskChange[]): Promise<DiskApplyOutcome> {
  const outcome: DiskApplyOutcome = { applied: [], refused: [] };
  // The files that import a moved file were rewritten for its new path: if a move cannot be made, none
  // of them may be written either, so moves are checked before anything is written.
  for (const change of changes.filter((c) => c.action === 'move')) {
    const problem = await movePrecheck(root, change).catch((error: unknown) => describeFailure(error));
    if (problem !== undefined) {
      outcome.refused.push({ path: change.path, reason: problem });
      for (const other of changes) if (other !== change) outcome.refused.push({ path: other.path, reason: `not written: the move of ${change.movedFrom ?? '?'} to ${change.path} was refused, and the imports depend on it` });
      return outcome;
    }
  }
  for (const change of changes) {
    try {
      await applyOne(root, change);
      outcome.applied.push(change.path);
    } catch (error) {
      outcome.refused.push({ path: change.path, reason: describeFailure(error) });
    }
  }
  return outcome;
}
