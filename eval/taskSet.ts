// The evaluation set: refactoring tasks on vendored real projects (test/fixtures/real/<project>/), each
// with its request, a reference solution (a unified diff of every file it changes, in
// eval/tasks/<id>/reference.patch) and the conditions the checker applies. task.json is validated with zod.
import { applyPatch, parsePatch } from 'diff';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const TASKS_DIR = path.join(REPO_ROOT, 'eval', 'tasks');
export const FIXTURES_DIR = path.join(REPO_ROOT, 'test', 'fixtures', 'real');

const Pattern = z.string().min(1).refine((source) => {
  try {
    new RegExp(source);
    return true;
  } catch {
    return false;
  }
}, 'not a valid regular expression');

const AbsentSchema = z.strictObject({
  pattern: Pattern,
  /** `code`: .ts/.js files; `all`: also Markdown. */
  in: z.enum(['code', 'all']),
  except: z.array(z.string()).optional(),
  /** Only files under this folder (e.g. "test/"): a migration of the tests leaves src/ as it is. */
  under: z.string().regex(/\/$/, 'a folder path ending in /').optional(),
  why: z.string().min(1),
});
const PresentSchema = z.strictObject({
  path: z.string().min(1),
  pattern: Pattern,
  /** At least this many matches (default 1): the new API at every former call site. */
  count: z.number().int().positive().optional(),
  /** At most this many: the old API only where the task keeps it (a migration with an exception). */
  max: z.number().int().nonnegative().optional(),
  why: z.string().min(1),
});

export const TaskSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9-]+$/),
  project: z.string().regex(/^[a-z0-9-]+$/),
  kind: z.string().min(1),
  request: z.string().min(1),
  symbolRenames: z.array(z.strictObject({ from: z.string().min(1), to: z.string().min(1) })).optional(),
  /** What the planner moves (files or whole folders); the reference lists the moved files as created and deleted. */
  fileMoves: z.array(z.strictObject({ from: z.string().min(1), to: z.string().min(1) })).optional(),
  reference: z.strictObject({ modified: z.array(z.string()), created: z.array(z.string()), deleted: z.array(z.string()) }),
  checks: z.strictObject({
    absent: z.array(AbsentSchema).optional(),
    present: z.array(PresentSchema).optional(),
    /** Files that must no longer exist (a moved module's old path). */
    missing: z.array(z.string()).optional(),
  }),
});
export type Task = z.infer<typeof TaskSchema>;

/** A file tree as relative path → text. */
export type Files = Map<string, string>;

export interface LoadedTask extends Task {
  /** The project's files before the change. */
  before: Files;
  /** The reference post-state of the files it modifies or creates. */
  after: Files;
}

export function readTree(root: string): Files {
  const files: Files = new Map();
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) files.set(path.relative(root, full).split(path.sep).join('/'), fs.readFileSync(full, 'utf8'));
    }
  };
  walk(root);
  return files;
}

export function writeTree(root: string, files: Files): void {
  for (const [relative, text] of files) {
    const full = path.join(root, ...relative.split('/'));
    fs.mkdirSync(path.dirname(full), { recursive: true });
    fs.writeFileSync(full, text);
  }
}

/** Every task, in id order; `only` narrows them (an unknown id is an error, not silently skipped). */
export function loadTasks(only?: readonly string[]): LoadedTask[] {
  const ids = fs.readdirSync(TASKS_DIR).filter((name) => fs.existsSync(path.join(TASKS_DIR, name, 'task.json'))).sort();
  const unknown = (only ?? []).filter((id) => !ids.includes(id));
  if (unknown.length > 0) throw new Error(`unknown task(s): ${unknown.join(', ')} (known: ${ids.join(', ')})`);
  const projects = new Map<string, Files>();
  return ids
    .filter((id) => !only || only.length === 0 || only.includes(id))
    .map((id) => {
      const dir = path.join(TASKS_DIR, id);
      const parsed = TaskSchema.safeParse(JSON.parse(fs.readFileSync(path.join(dir, 'task.json'), 'utf8')));
      if (!parsed.success) throw new Error(`eval/tasks/${id}/task.json: ${parsed.error.issues[0]?.message ?? 'invalid'} at ${parsed.error.issues[0]?.path.join('.') ?? ''}`);
      const task = parsed.data;
      let before = projects.get(task.project);
      if (!before) {
        before = readTree(path.join(FIXTURES_DIR, task.project));
        projects.set(task.project, before);
      }
      return { ...task, before, after: referenceFiles(id, task, before, fs.readFileSync(path.join(dir, 'reference.patch'), 'utf8')) };
    });
}

/** The reference post-state of the whole project. */
export function referenceTree(task: LoadedTask): Files {
  const tree = new Map(task.before);
  for (const file of task.reference.deleted) tree.delete(file);
  for (const [file, text] of task.after) tree.set(file, text);
  return tree;
}

/**
 * The reference's modified and created files: the task's reference.patch (one unified diff per file,
 * against the vendored project) applied to the project's text. Kept as a patch so the set does not
 * hold a second copy of every file it touches; a patch that no longer applies is an error.
 */
function referenceFiles(id: string, task: { reference: { modified: string[]; created: string[] } }, before: Files, patchText: string): Files {
  const after: Files = new Map();
  const byFile = new Map(parsePatch(patchText).map((index) => [(index.newFileName ?? '').replace(/^b\//, ''), index]));
  for (const file of [...task.reference.modified, ...task.reference.created]) {
    const index = byFile.get(file);
    const original = task.reference.created.includes(file) ? '' : before.get(file);
    const text = index && original !== undefined ? applyPatch(original, index) : false;
    if (text === false) throw new Error(`eval/tasks/${id}/reference.patch does not apply to ${file}`);
    after.set(file, text);
  }
  return after;
}
