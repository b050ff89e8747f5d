// What the planner sees of the workspace: every file it may plan for (path and size, folded by folder
// when the tree is too big), where the request's identifiers occur, then the text of the files the
// request most likely concerns, within a token budget. Relevance comes from the request itself
// (identifiers, quoted or backticked words, path fragments) and from the files and folders the user
// selected as scope, which always come first.
import { checkRelativePath, isSecretPath } from '../workspace/paths';
import type { WorkspaceAccess, WorkspaceFileEntry } from '../workspace/workspace';

export interface WorkspaceSummaryOptions {
  tokenBudget: number;
  /** Workspace-relative files or folders the user selected; they come first. */
  scope?: string[];
}

const CHARS_PER_TOKEN = 4;
// The listing may use this share of the budget; past it, quiet folders are folded into one line each.
const LISTING_SHARE = 0.35;
// The share the "where the request's words appear" section may use.
const MENTIONS_SHARE = 0.15;
// The content search is bounded so a huge tree costs about a second, not a full read of every file:
// scope and path matches are read first, then the rest smallest first, until one of these is reached.
// The time goal covers listing and search together (listing a 50,000-file tree takes most of a
// second), but the search always gets a minimum so a slow disk still finds something.
const SCAN_MAX_FILES = 5000;
const SCAN_MAX_BYTES = 24 * 1024 * 1024;
const SUMMARY_TIME_GOAL_MS = 1500;
const SCAN_MIN_MS = 300;
const READ_CONCURRENCY = 16;
// How many paths the "where the words appear" section names per term before it only counts.
const MENTIONS_PER_TERM = 60;
// An outline keeps top-level declarations, and functions or classes one level in (methods in Python,
// nested classes), but not the locals and statements of their bodies.
const OUTLINE_LINE = [
  /^(export\s+)?(default\s+)?(declare\s+)?(abstract\s+)?(async\s+)?(class|interface|type|enum|function\*?|const|let|var|namespace|module|def|fn|pub(\(crate\))?\s+(fn|struct|enum|trait)|struct|impl|trait)\b/,
  /^( {2,4}|\t)(export\s+)?(public\s+|private\s+|protected\s+|static\s+|async\s+)*(class|interface|function\*?|def|fn)\b/,
];
const STOP_WORDS = new Set(['the', 'and', 'for', 'into', 'from', 'with', 'everywhere', 'rename', 'extract', 'shared', 'helper', 'logic', 'file', 'files', 'all', 'use', 'make', 'move', 'replace', 'this', 'that', 'each', 'every', 'add', 'remove', 'change', 'update']);

/** The words of a request worth searching the workspace for. */
export function requestTerms(request: string): string[] {
  const terms = new Set<string>();
  for (const match of request.matchAll(/[`'"]([^`'"\n]{2,80})[`'"]/g)) terms.add(match[1]!.trim());
  for (const match of request.matchAll(/[A-Za-z_$][\w$./-]{2,}/g)) {
    const word = match[0].replace(/[./-]+$/, '');
    // Code-shaped words (camelCase, PascalCase, snake_case, paths) say far more than prose words.
    const codeShaped = /[A-Z_$./]/.test(word.slice(1)) || /^[A-Z]/.test(word) || /\d/.test(word);
    if (codeShaped && !STOP_WORDS.has(word.toLowerCase())) terms.add(word);
  }
  return [...terms].filter((t) => t.length >= 3);
}

/** Scope entries as listing paths: `./src/` → `src`; the workspace itself → ''. Unsafe entries are dropped. */
function normalizeScope(scope: readonly string[]): string[] {
  const normalized: string[] = [];
  for (const entry of scope) {
    const trimmed = entry.trim();
    if (trimmed === '' || trimmed === '.' || trimmed === './') normalized.push('');
    else {
      const checked = checkRelativePath(trimmed);
      if (checked.ok) normalized.push(checked.path);
    }
  }
  return normalized;
}

function inScope(filePath: string, scope: readonly string[]): boolean {
  return scope.some((s) => s === '' || filePath === s || filePath.startsWith(`${s}/`));
}

function countOccurrences(text: string, term: string): number {
  let count = 0;
  for (let at = text.indexOf(term); at !== -1; at = text.indexOf(term, at + term.length)) count++;
  return count;
}

function parentFolder(filePath: string): string {
  const slash = filePath.lastIndexOf('/');
  return slash === -1 ? '' : filePath.slice(0, slash);
}

/** The folder `depth` levels down that holds the file ('' for a file at the top level). */
function folderAtDepth(filePath: string, depth: number): string {
  let end = -1;
  for (let level = 0; level < depth; level++) {
    const next = filePath.indexOf('/', end + 1);
    if (next === -1) break;
    end = next;
  }
  return end === -1 ? '' : filePath.slice(0, end);
}

/** Lines that fit in `budgetChars`, cut at a line and saying how many were left out. */
function fitLines(lines: readonly string[], budgetChars: number, what: string): string {
  const kept: string[] = [];
  let size = 0;
  for (const line of lines) {
    if (size + line.length + 1 > budgetChars - 40) break;
    kept.push(line);
    size += line.length + 1;
  }
  if (kept.length < lines.length) kept.push(`… ${lines.length - kept.length} more ${what}`);
  return kept.join('\n');
}

/**
 * Every file with its size when that fits. Otherwise the folders holding relevant files keep their
 * files listed one by one (the planner must name real paths there), and every other folder becomes
 * one line with its file count, at the deepest folder level that fits.
 */
function formatListing(files: readonly WorkspaceFileEntry[], relevant: ReadonlySet<string>, budgetChars: number): string {
  const line = (f: WorkspaceFileEntry): string => `${f.path} (${f.size} B)`;
  // Measure before building: a 50,000-line listing is only built when it would be kept.
  const fullLength = files.reduce((n, f) => n + f.path.length + String(f.size).length + 6, 0);
  if (fullLength <= budgetChars) return files.map(line).join('\n');

  const hotFolders = new Set([...relevant].map(parentFolder));
  const hot: WorkspaceFileEntry[] = [];
  const rest: WorkspaceFileEntry[] = [];
  for (const file of files) (hotFolders.has(parentFolder(file.path)) ? hot : rest).push(file);
  const hotText = fitLines(hot.map(line), Math.floor(budgetChars / 2), 'files in these folders');
  const restBudget = budgetChars - hotText.length;
  let folded: string[] = [];
  for (const depth of [4, 3, 2, 1]) {
    const folders = new Map<string, { count: number; bytes: number }>();
    for (const file of rest) {
      const key = folderAtDepth(file.path, depth);
      const entry = folders.get(key);
      if (entry) {
        entry.count++;
        entry.bytes += file.size;
      } else folders.set(key, { count: 1, bytes: file.size });
    }
    folded = [...folders].map(([key, v]) => `${key === '' ? '(top level)' : `${key}/`} (${v.count} files, ${v.bytes} B)`);
    if (folded.reduce((n, l) => n + l.length + 1, 0) <= restBudget) break;
  }
  const parts = [];
  if (hot.length > 0) parts.push(hotText);
  if (folded.length > 0) parts.push(`Other folders (${rest.length} files, listed by folder):\n${fitLines(folded, restBudget, 'folders')}`);
  return parts.join('\n');
}

/** A code fence longer than any run of backticks in the text, so the text cannot close it. */
function fenceFor(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  return '`'.repeat(Math.max(3, longest + 1));
}

function outline(text: string, terms: readonly string[], maxChars: number): string {
  const lines = text.split('\n');
  const picked: string[] = [];
  let size = 0;
  for (let i = 0; i < lines.length && size < maxChars; i++) {
    const line = lines[i]!;
    if (OUTLINE_LINE.some((pattern) => pattern.test(line)) || terms.some((t) => line.includes(t))) {
      const entry = `${i + 1}: ${line.slice(0, 200)}`;
      picked.push(entry);
      size += entry.length + 1;
    }
  }
  return picked.join('\n');
}

interface Candidate {
  entry: WorkspaceFileEntry;
  score: number;
  /** Occurrences of each request word, once the file has been searched and named any. */
  hits?: Map<string, number>;
  text?: string;
}

interface ContentSearch {
  scannedFiles: number;
  complete: boolean;
}

/** Reads candidates in priority order with bounded concurrency, scoring content matches, within the scan limits. */
async function searchContents(
  workspace: WorkspaceAccess,
  order: readonly Candidate[],
  terms: readonly string[],
  deadline: number,
  signal: AbortSignal,
): Promise<ContentSearch> {
  let scannedFiles = 0;
  let scannedBytes = 0;
  let next = 0;
  let complete = true;
  const worker = async (): Promise<void> => {
    while (next < order.length) {
      signal.throwIfAborted();
      if (scannedFiles >= SCAN_MAX_FILES || scannedBytes >= SCAN_MAX_BYTES || Date.now() > deadline) {
        complete = false;
        return;
      }
      const candidate = order[next++]!;
      scannedFiles++;
      scannedBytes += candidate.entry.size;
      // Files that vanished or cannot be read (binary, too large) simply do not rank.
      const text = await workspace.readText(candidate.entry.path).catch(() => undefined);
      if (text === undefined) continue;
      let hits = 0;
      for (const term of terms) {
        const count = countOccurrences(text, term);
        if (count > 0) (candidate.hits ??= new Map()).set(term, count);
        hits += count;
      }
      if (hits > 0) candidate.score += 10 + Math.min(hits, 20);
      if (candidate.score > 0) candidate.text = text;
    }
  };
  await Promise.all(Array.from({ length: READ_CONCURRENCY }, worker));
  return { scannedFiles, complete };
}

export async function buildWorkspaceSummary(
  workspace: WorkspaceAccess,
  request: string,
  options: WorkspaceSummaryOptions,
  signal: AbortSignal,
): Promise<string> {
  signal.throwIfAborted();
  const startedAt = Date.now();
  // The workspace filters already; checking again costs little and keeps secrets out whatever the adapter
  // (every read goes through the workspace's own path checks as well).
  const files = (await workspace.listFiles(signal)).filter((f) => !isSecretPath(f.path));
  const scope = normalizeScope(options.scope ?? []);
  const terms = requestTerms(request);
  const budgetChars = Math.max(2000, options.tokenBudget * CHARS_PER_TOKEN);

  // Rank: scope and path matches are free to compute; content matches need a read.
  const candidates: Candidate[] = files.map((entry) => {
    let score = 0;
    if (scope.length > 0 && inScope(entry.path, scope)) score += 100;
    const lowerPath = entry.path.toLowerCase();
    for (const term of terms) if (lowerPath.includes(term.toLowerCase())) score += 20;
    return { entry, score };
  });
  // Without words to search for, only the selected and path-matched files are worth reading.
  const toRead = terms.length > 0 ? candidates : candidates.filter((c) => c.score > 0);
  const readOrder = [...toRead].sort((a, b) => b.score - a.score || a.entry.size - b.entry.size);
  const deadline = Math.max(startedAt + SUMMARY_TIME_GOAL_MS, Date.now() + SCAN_MIN_MS);
  const search = await searchContents(workspace, readOrder, terms, deadline, signal);

  const ranked = candidates
    .filter((c) => c.score > 0 && c.text !== undefined)
    .sort((a, b) => b.score - a.score || a.entry.path.localeCompare(b.entry.path));

  const header = [
    `Workspace ${workspace.label}: ${files.length} files.`,
    scope.length > 0 ? `The user selected: ${(options.scope ?? []).join(', ')}.` : '',
  ].filter(Boolean).join(' ');
  const listing = formatListing(files, new Set(ranked.map((c) => c.entry.path)), Math.floor(budgetChars * LISTING_SHARE));
  const mentions = formatMentions(candidates, terms, search, files.length, Math.floor(budgetChars * MENTIONS_SHARE));

  let remaining = budgetChars - header.length - listing.length - mentions.length;
  const sections: string[] = [];
  for (const candidate of ranked) {
    if (remaining < 400) break;
    const text = candidate.text!;
    const whole = text.length <= remaining * 0.6;
    const body = whole ? text : `(outline of ${text.split('\n').length} lines: declarations and lines naming the request's words)\n${outline(text, terms, Math.floor(remaining * 0.3))}`;
    const fence = fenceFor(body);
    const section = `### ${candidate.entry.path}${whole ? '' : ' (outline)'}\n${fence}\n${body.endsWith('\n') ? body : `${body}\n`}${fence}`;
    sections.push(section);
    remaining -= section.length;
  }

  return [
    header,
    '## Files (path and size)',
    listing,
    ...(mentions ? [mentions] : []),
    sections.length > 0 ? '## Files most likely involved' : '## No file matched the request; choose from the listing above',
    ...sections,
  ].join('\n\n');
}

/** Which files name each of the request's words, so the planner sees every file a rename must touch. */
function formatMentions(candidates: readonly Candidate[], terms: readonly string[], search: ContentSearch, total: number, budgetChars: number): string {
  if (terms.length === 0) return '';
  const coverage = search.complete ? `all ${total} files` : `${search.scannedFiles} of ${total} files (selected and best-matching first, then smallest)`;
  const lines: string[] = [];
  for (const term of terms) {
    const paths = candidates.filter((c) => c.hits?.has(term)).map((c) => c.entry.path).sort();
    if (paths.length === 0) {
      lines.push(`${term}: not found`);
      continue;
    }
    const shown = paths.slice(0, MENTIONS_PER_TERM).join(', ');
    lines.push(`${term} (${paths.length} files): ${shown}${paths.length > MENTIONS_PER_TERM ? `, … ${paths.length - MENTIONS_PER_TERM} more` : ''}`);
  }
  return `## Where the request's words appear (searched ${coverage})\n${fitLines(lines, budgetChars, 'words')}`;
}
