// A plan is data from a model: nothing runs until it has been checked here. Each problem is one short
// sentence, written so it can be shown to the planner in its repair round and to the user as-is.
import { checkRelativePath, PathRejectedError } from '../workspace/paths';
import type { FileMove, Plan, PlannedChange } from '../schemas';

export interface PlanValidationContext {
  maxFiles: number;
  /** A language server will do the plan's renames (a plan may then rename with no change listed). */
  languageServer?: boolean;
  /** Rejects with PathRejectedError for a path that may not be looked up (e.g. through a symlink out). */
  fileExists(path: string): Promise<boolean>;
  /** The workspace's listed files, asked only when a move names a folder (to move each file in it). */
  listedFiles?(): Promise<readonly string[]>;
}

export type PlanValidation = { ok: true; plan: Plan } | { ok: false; problems: string[] };

/** The summary goes into every worker's and the verifier's prompt and onto the terminal. */
const MAX_SUMMARY_CHARS = 2_000;
/** Every rename is looked for in every workspace file; a real refactor renames far fewer. */
const MAX_RENAMES = 500;
const MAX_IDENTIFIER_CHARS = 200;

export async function validatePlan(plan: Plan, context: PlanValidationContext): Promise<PlanValidation> {
  const problems: string[] = [];
  // With a language server, a plain rename needs no change of its own: the server makes them all.
  const serverWork = context.languageServer === true && plan.symbolRenames.length > 0;
  if (plan.changes.length === 0 && plan.fileMoves.length === 0 && !serverWork) problems.push('The plan changes no files.');
  problems.push(...sizeProblems(plan));
  if (plan.changes.length > context.maxFiles) {
    problems.push(`The plan touches ${plan.changes.length} files; the limit is ${context.maxFiles} (setting refactorOrchestrator.maxFiles).`);
    return { ok: false, problems };
  }

  const changes: PlannedChange[] = [];
  const ids = new Set<string>();
  const paths = new Map<string, string>();
  for (const change of plan.changes) {
    if (ids.has(change.id)) problems.push(`Change id "${change.id}" is used twice.`);
    ids.add(change.id);
    const checked = checkRelativePath(change.path);
    if (!checked.ok) {
      problems.push(`Change ${change.id}: path ${checked.reason}.`);
      continue;
    }
    const firstId = paths.get(checked.path);
    if (firstId !== undefined) problems.push(`${checked.path} is planned twice (changes ${firstId} and ${change.id}); plan one change per file.`);
    paths.set(checked.path, change.id);
    changes.push({ ...change, path: checked.path, dependsOn: [...new Set(change.dependsOn)] });
  }

  for (const change of changes) {
    for (const dependency of change.dependsOn) {
      if (dependency === change.id) problems.push(`Change ${change.id} depends on itself.`);
      else if (!ids.has(dependency)) problems.push(`Change ${change.id} depends on "${dependency}", which is not a planned change.`);
    }
  }
  const cycle = findCycle(changes);
  if (cycle) problems.push(`Dependencies form a cycle: ${cycle.join(' → ')}.`);
  const moves = moveProblems(await expandFolderMoves(plan.fileMoves, context, problems), changes, problems);

  // A path the workspace refuses to look up (it leads out through a symlink) is a problem in its own
  // words, not an existing or missing file: "already exists" would send the user the wrong way.
  const existence = await Promise.all(
    changes.map((change) => context.fileExists(change.path).catch((error: unknown) => {
      if (error instanceof PathRejectedError) return error;
      throw error;
    })),
  );
  changes.forEach((change, index) => {
    const exists = existence[index];
    if (exists instanceof PathRejectedError) {
      problems.push(exists.message);
      return;
    }
    if (change.action === 'create' && exists) problems.push(`${change.path} already exists; use "modify" instead of "create".`);
    if (change.action !== 'create' && !exists) problems.push(`${change.path} does not exist, so it cannot be ${change.action === 'delete' ? 'deleted' : 'modified'}.`);
  });

  const moveExistence = await Promise.all(
    moves.map(async (move) => [await context.fileExists(move.from).catch((e: unknown) => e), await context.fileExists(move.to).catch((e: unknown) => e)] as const),
  );
  moves.forEach((move, index) => {
    const [from, to] = moveExistence[index] ?? [false, false];
    for (const answer of [from, to]) if (answer instanceof PathRejectedError) problems.push(answer.message);
    if (from === false) problems.push(`${move.from} does not exist, so it cannot be moved.`);
    if (to === true) problems.push(`${move.to} already exists; a move may not overwrite a file.`);
  });

  return problems.length > 0 ? { ok: false, problems } : { ok: true, plan: { ...plan, fileMoves: moves, changes } };
}

/** Most moves in one plan: each is a language-server request and a file operation at apply. */
const MAX_MOVES = 100;

/**
 * A move of a folder is a move of each listed file in it, to the same place under the new folder
 * ("move src/cache to src/lib/cache"): the review, the apply and the undo work per file, and the
 * language server still updates the imports for the folder as a whole (see languageRenames.ts). A file
 * moved onto an existing folder is refused with the path it probably meant, since guessing would be
 * `mv` semantics the planner may not have intended.
 */
async function expandFolderMoves(moves: readonly FileMove[], context: PlanValidationContext, problems: string[]): Promise<FileMove[]> {
  if (moves.length === 0 || !context.listedFiles) return [...moves];
  let listed: readonly string[] | undefined;
  const under = async (folder: string): Promise<string[]> => {
    listed ??= (await context.listedFiles?.()) ?? [];
    return listed.filter((file) => file.startsWith(`${folder}/`)).sort();
  };
  const expanded: FileMove[] = [];
  for (const move of moves) {
    const from = checkRelativePath(move.from);
    const to = checkRelativePath(move.to);
    // Unsafe paths are named by moveProblems.
    if (!from.ok || !to.ok) {
      expanded.push(move);
      continue;
    }
    const inside = await under(from.path);
    if (inside.length === 0) {
      if ((await under(to.path)).length > 0) {
        problems.push(`${to.path} is a folder; a move names the file's new path (e.g. ${to.path}/${from.path.slice(from.path.lastIndexOf('/') + 1)}).`);
      }
      expanded.push(move);
      continue;
    }
    if (to.path.startsWith(`${from.path}/`)) {
      problems.push(`The move of the folder ${from.path} goes into itself (${to.path}).`);
      continue;
    }
    // The new folder (or a folder above it) may not be a file: its files would land "inside" a file.
    const blocking = await firstExistingFile(to.path, context);
    if (blocking !== undefined) {
      problems.push(`The folder ${from.path} cannot move to ${to.path}: ${blocking} is a file.`);
      continue;
    }
    for (const file of inside) expanded.push({ from: file, to: `${to.path}${file.slice(from.path.length)}` });
  }
  return expanded;
}

/** `path` or the nearest folder above it that exists as a file (for a directory, fileExists may say yes too: the listing tells). */
async function firstExistingFile(path: string, context: PlanValidationContext): Promise<string | undefined> {
  const listed = (await context.listedFiles?.()) ?? [];
  for (let at = path.length; at > 0; at = path.lastIndexOf('/', at - 1)) {
    const candidate = path.slice(0, at);
    if (listed.some((file) => file.startsWith(`${candidate}/`))) return undefined;
    if (listed.includes(candidate) || (await context.fileExists(candidate).catch(() => false))) return candidate;
  }
  return undefined;
}

/** The plan's moves with confined paths; problems go to `problems`. */
function moveProblems(fileMoves: readonly FileMove[], changes: readonly PlannedChange[], problems: string[]): FileMove[] {
  if (fileMoves.length > MAX_MOVES) {
    problems.push(`The plan moves ${fileMoves.length} files; the limit is ${MAX_MOVES}.`);
    return [];
  }
  const moves: FileMove[] = [];
  const used = new Set<string>();
  const planned = new Map(changes.map((change) => [change.path, change]));
  for (const move of fileMoves) {
    const from = checkRelativePath(move.from);
    const to = checkRelativePath(move.to);
    if (!from.ok || !to.ok) {
      problems.push(`Move of ${move.from} to ${move.to}: path ${!from.ok ? from.reason : !to.ok ? to.reason : ''}.`);
      continue;
    }
    if (from.path === to.path) {
      problems.push(`The move of ${from.path} goes nowhere; leave it out.`);
      continue;
    }
    if (used.has(from.path) || used.has(to.path)) problems.push(`${used.has(from.path) ? from.path : to.path} is moved twice or moved onto; plan each file's move once.`);
    used.add(from.path);
    used.add(to.path);
    if (planned.has(to.path)) problems.push(`Change ${planned.get(to.path)?.id} names ${to.path}, where ${from.path} moves to; plan the moved file's change at its current path, ${from.path}.`);
    const atSource = planned.get(from.path);
    if (atSource && atSource.action !== 'modify') problems.push(`Change ${atSource.id} ${atSource.action}s ${from.path}, which the plan also moves.`);
    moves.push({ from: from.path, to: to.path });
  }
  return moves;
}

/** Free text a model may blow up to megabytes, which would then ride along in every later prompt. */
export function sizeProblems(plan: Plan): string[] {
  const problems: string[] = [];
  if (plan.summary.length > MAX_SUMMARY_CHARS) {
    problems.push(`The summary is ${plan.summary.length.toLocaleString('en-US')} characters long; keep it to one or two sentences (at most ${MAX_SUMMARY_CHARS.toLocaleString('en-US')}).`);
  }
  if (plan.symbolRenames.length > MAX_RENAMES) problems.push(`The plan lists ${plan.symbolRenames.length} symbol renames; the limit is ${MAX_RENAMES}.`);
  if (plan.symbolRenames.some((rename) => rename.from.length > MAX_IDENTIFIER_CHARS || rename.to.length > MAX_IDENTIFIER_CHARS)) {
    problems.push(`A symbol rename names an identifier longer than ${MAX_IDENTIFIER_CHARS} characters; list identifiers only.`);
  }
  return problems;
}

/**
 * The plan as quoted back in its repair round, with oversized free text cut to its limit: the problems
 * already say what was wrong, and echoing megabytes would only overflow the planner's context.
 */
export function clipForRepair(plan: Plan): Plan {
  const clip = (text: string, max: number): string => (text.length > max ? `${text.slice(0, max)}…` : text);
  return {
    ...plan,
    summary: clip(plan.summary, MAX_SUMMARY_CHARS),
    symbolRenames: plan.symbolRenames.slice(0, MAX_RENAMES).map((r) => ({ from: clip(r.from, MAX_IDENTIFIER_CHARS), to: clip(r.to, MAX_IDENTIFIER_CHARS) })),
  };
}

/** Depth-first search for a cycle; returns it as a closed list of ids (a → b → a) or undefined. */
function findCycle(changes: readonly PlannedChange[]): string[] | undefined {
  const dependsOn = new Map(changes.map((c) => [c.id, c.dependsOn.filter((d) => d !== c.id)]));
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (id: string): string[] | undefined => {
    if (state.get(id) === 'done') return undefined;
    if (state.get(id) === 'visiting') return [...stack.slice(stack.indexOf(id)), id];
    state.set(id, 'visiting');
    stack.push(id);
    for (const next of dependsOn.get(id) ?? []) {
      if (!dependsOn.has(next)) continue;
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(id, 'done');
    return undefined;
  };
  for (const change of changes) {
    const cycle = visit(change.id);
    if (cycle) return cycle;
  }
  return undefined;
}
