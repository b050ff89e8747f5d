// The replay model: a scripted stand-in for a real model, derived from each task's reference solution,
// served by the loopback OpenAI-compatible test server so the whole set runs without a network. The
// planner names the reference's files; each worker answers in the format the engine asks for: the whole
// reference file, or search/replace edits written the way models write them, as short as the file
// allows (often one line that occurs elsewhere too, placed by file order) and every third one
// mis-indented. The verifier reports nothing; the engine's own deterministic checks still run.
import { diffArrays } from 'diff';
import { applySearchReplace } from '../src/core/edit/searchReplace';
import type { FakeReply, RecordedRequest, ReplyScript } from '../test/support/fakeOpenAIServer';
import type { LoadedTask } from './taskSet';

interface Edit {
  search: string;
  replace: string;
}

const json = (value: unknown): FakeReply => ({ content: JSON.stringify(value) });

export function replayScript(tasks: readonly LoadedTask[]): ReplyScript {
  return (request: RecordedRequest): FakeReply => {
    const text = request.messages.map((message) => message.content).join('\n');
    // The longest request first, so a request that contains another one's text is not mistaken for it.
    const task = [...tasks].sort((a, b) => b.request.length - a.request.length).find((candidate) => text.includes(candidate.request));
    if (!task) return { status: 400, body: { error: { message: 'the replay model knows no task with this request' } } };
    switch (request.schemaName) {
      case 'plan':
        return json(planFor(task));
      case 'whole_file':
      case 'search_replace': {
        const prompt = request.messages.find((message) => message.role === 'user')?.content ?? '';
        const file = /^File: `([^`]+)`/m.exec(prompt)?.[1] ?? '';
        // A moved file's worker is named the file at its current path; the reference has it at the new one.
        const target = task.after.get(file) ?? task.after.get(destination(task, file) ?? '');
        if (target === undefined) return { status: 400, body: { error: { message: `the reference does not change ${file}` } } };
        if (request.schemaName === 'whole_file') return json({ content: target, summary: `reference solution of ${file}` });
        // Edits against the text the prompt shows: after the language server's rename it is not the original.
        return json({ edits: searchReplaceEdits(shownContent(prompt, file, task.before.get(file)) ?? task.before.get(file) ?? '', target), summary: `reference solution of ${file}` });
      }
      case 'verifier_report':
        return json({ findings: [] });
      default:
        return { status: 400, body: { error: { message: `the replay model cannot answer ${request.schemaName ?? 'this request'}` } } };
    }
  };
}

/**
 * The file's text as the worker prompt shows it ("Current content … of `path`:" and a fence, see
 * prompts.ts). The fence ends the text with a newline; a file without one gets it dropped again.
 */
function shownContent(prompt: string, file: string, original: string | undefined): string | undefined {
  const heading = prompt.split('\n').findIndex((line) => line.startsWith('Current content') && line.endsWith(` of \`${file}\`:`));
  if (heading === -1) return undefined;
  const match = /^(`{3,})\n([\s\S]*?)^\1$/m.exec(prompt.split('\n').slice(heading + 1).join('\n'));
  if (!match?.[2]) return undefined;
  return original !== undefined && !original.endsWith('\n') ? match[2].slice(0, -1) : match[2];
}

/** Where the task's moves take `path` (a moved file, or one inside a moved folder). */
function destination(task: LoadedTask, path: string): string | undefined {
  for (const move of task.fileMoves ?? []) {
    if (path === move.from) return move.to;
    if (path.startsWith(`${move.from}/`)) return `${move.to}${path.slice(move.from.length)}`;
  }
  return undefined;
}

function planFor(task: LoadedTask) {
  const { modified, created, deleted } = task.reference;
  // A moved file is the plan's move, not a create and a delete of its own.
  const moves = task.fileMoves ?? [];
  const moved = (path: string, side: 'from' | 'to'): boolean => moves.some((move) => path === move[side] || path.startsWith(`${move[side]}/`));
  // A moved file whose content changes too (its own imports) is also a change, listed at its current
  // path as a planner lists it; the engine makes it that move's card.
  const origin = (path: string): string | undefined => {
    for (const move of moves) {
      if (path === move.to) return move.from;
      if (path.startsWith(`${move.to}/`)) return `${move.from}${path.slice(move.to.length)}`;
    }
    return undefined;
  };
  const movedAndChanged = created.flatMap((path) => {
    const from = origin(path);
    return from !== undefined && task.after.get(path) !== task.before.get(from) ? [from] : [];
  });
  const entries = [
    ...[...modified, ...movedAndChanged].map((path) => ({ path, action: 'modify' as const })),
    ...created.filter((path) => !moved(path, 'to')).map((path) => ({ path, action: 'create' as const })),
    ...deleted.filter((path) => !moved(path, 'from')).map((path) => ({ path, action: 'delete' as const })),
  ];
  // In the schema's key order, as a model answering with the strict schema writes it: the renames and
  // moves stream before the changes, so early-started workers already have the language server's work.
  return {
    summary: `Reference solution of ${task.id}`,
    symbolRenames: task.symbolRenames ?? [],
    fileMoves: moves,
    changes: entries.map((entry, index) => ({
      id: `c${index + 1}`,
      path: entry.path,
      action: entry.action,
      description: `${entry.action === 'modify' ? 'Update' : entry.action === 'create' ? 'Create' : 'Delete'} ${entry.path} for: ${task.request}`,
      specialist: specialistFor(task, entry.path, entry.action),
      dependsOn: [],
    })),
  };
}

/**
 * As a planner labels the change: a modified script of a task that renames symbols or moves modules
 * is the rename specialist's (so the language server's exact rename or import update stands alone
 * where it is the whole change, and a model runs where the server did not reach, e.g. an alias import).
 */
function specialistFor(task: LoadedTask, path: string, action: 'modify' | 'create' | 'delete'): 'rename' | 'general' {
  const serverWork = (task.symbolRenames?.length ?? 0) > 0 || (task.fileMoves?.length ?? 0) > 0;
  return action === 'modify' && serverWork && /\.[cm]?[jt]sx?$/.test(path) ? 'rename' : 'general';
}

/** One changed region: lines [start, end) of the original become `added`. */
interface Region {
  start: number;
  end: number;
  added: string[];
}

function regions(originalLines: readonly string[], targetLines: readonly string[]): Region[] {
  const found: Region[] = [];
  let line = 0;
  let open: Region | undefined;
  for (const part of diffArrays([...originalLines], [...targetLines])) {
    const count = part.value.length;
    if (!part.added && !part.removed) {
      if (open) found.push(open);
      open = undefined;
      line += count;
      continue;
    }
    open ??= { start: line, end: line, added: [] };
    if (part.removed) {
      open.end += count;
      line += count;
    } else {
      open.added.push(...part.value);
    }
  }
  if (open) found.push(open);
  return found;
}

/**
 * Edits in file order, each with the shortest search block that the engine places where it belongs
 * (checked by applying the edits so far), grown by a line of context at a time when it is not.
 */
export function searchReplaceEdits(original: string, target: string): Edit[] {
  const lines = original.split('\n');
  const changed = regions(lines, target.split('\n'));
  const edits: Edit[] = [];
  changed.forEach((region, index) => {
    const expected = applyRegions(lines, changed.slice(0, index + 1));
    const drift = index % 3 === 2;
    let edit: Edit | undefined;
    for (let context = 0; edit === undefined && context <= lines.length; context++) {
      for (const candidate of candidates(lines, region, context, drift)) {
        const result = applySearchReplace(original, [...edits, candidate]);
        if (result.ok && result.content === expected) {
          edit = candidate;
          break;
        }
      }
    }
    edits.push(edit ?? { search: original, replace: expected });
  });
  return edits;
}

function applyRegions(lines: readonly string[], applied: readonly Region[]): string {
  const out = [...lines];
  for (const region of [...applied].reverse()) out.splice(region.start, region.end - region.start, ...region.added);
  return out.join('\n');
}

/** The block around a region with `context` lines above or below; with `drift`, mis-indented versions first. */
function candidates(lines: readonly string[], region: Region, context: number, drift: boolean): Edit[] {
  const make = (from: number, to: number): Edit | undefined => {
    if (from < 0 || to > lines.length || to <= from) return undefined;
    const search = lines.slice(from, to);
    const replace = [...lines.slice(from, region.start), ...region.added, ...lines.slice(region.end, to)];
    if (search.every((line) => line.trim() === '')) return undefined;
    const block = (text: string[]) => `${text.join('\n')}\n`;
    return { search: block(search), replace: replace.length === 0 ? '' : block(replace) };
  };
  const above = make(region.start - Math.max(context, region.start === region.end ? 1 : 0), region.end);
  const below = make(region.start, region.end + Math.max(context, region.start === region.end ? 1 : 0));
  const exact = [above, below].filter((edit): edit is Edit => edit !== undefined);
  return drift ? [...exact.map(drifted), ...exact] : exact;
}

/**
 * Models often get a block's indentation wrong (here: two spaces too deep), so it is no longer a
 * substring of the file; the engine's whitespace-tolerant match finds it and re-indents the replacement.
 */
function drifted(edit: Edit): Edit {
  const indent = (text: string) => text.split('\n').map((line) => (line.trim() === '' ? line : `  ${line}`)).join('\n');
  return { search: indent(edit.search), replace: indent(edit.replace) };
}
