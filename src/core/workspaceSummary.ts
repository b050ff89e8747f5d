// What the planner sees of the workspace: every file it may plan for (path and size), then the text
// of the files the request most likely concerns, within a token budget. Relevance comes from the
// request itself: identifiers, quoted or backticked words and path fragments it names, and the files
// and folders the user selected as scope.
import { estimateTokens } from './llm/tokenEstimate';
import { isSecretPath } from './paths';
import type { WorkspaceAccess, WorkspaceFileEntry } from './workspace';

export interface WorkspaceSummaryOptions {
  tokenBudget: number;
  /** Workspace-relative files or folders the user selected; they come first. */
  scope?: string[];
}

// The listing may use this share of the budget before it is folded into per-folder lines.
const LISTING_SHARE = 0.35;
// Reading every file of a huge tree to rank it would cost more than it tells: content is searched in
// at most this many bytes, path matches and scope first.
const CONTENT_SCAN_BYTES = 48 * 1024 * 1024;
const READ_CONCURRENCY = 32;
const OUTLINE_LINE = /^\s*(export\s+)?(default\s+)?(declare\s+)?(abstract\s+)?(async\s+)?(class|interface|type|enum|function|const|let|var|namespace|module|def|fn|pub\s+fn|struct|impl|trait)\b/;
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

function inScope(path: string, scope: readonly string[]): boolean {
  return scope.some((s) => path === s || path.startsWith(s.endsWith('/') ? s : `${s}/`) || s === '' || s === '.');
}

function countOccurrences(text: string, term: string): number {
  let count = 0;
  for (let at = text.indexOf(term); at !== -1; at = text.indexOf(term, at + term.length)) count++;
  return count;
}

function formatListing(files: readonly WorkspaceFileEntry[], budgetChars: number): string {
  const full = files.map((f) => `${f.path} (${f.size} B)`).join('\n');
  if (full.length <= budgetChars) return full;
  // Too many to list one by one: one line per folder, at the depth that fits.
  for (const depth of [3, 2, 1]) {
    const folders = new Map<string, { count: number; bytes: number }>();
    for (const file of files) {
      const parts = file.path.split('/');
      const key = parts.length > depth ? `${parts.slice(0, depth).join('/')}/` : file.path;
      const entry = folders.get(key) ?? { count: 0, bytes: 0 };
      entry.count++;
      entry.bytes += file.size;
      folders.set(key, entry);
    }
    const folded = [...folders].map(([key, v]) => (key.endsWith('/') ? `${key} (${v.count} files, ${v.bytes} B)` : `${key} (${v.bytes} B)`)).join('\n');
    if (folded.length <= budgetChars || depth === 1) return folded.slice(0, budgetChars);
  }
  return full.slice(0, budgetChars);
}

function outline(text: string, terms: readonly string[], maxChars: number): string {
  const lines = text.split('\n');
  const picked: string[] = [];
  let size = 0;
  for (let i = 0; i < lines.length && size < maxChars; i++) {
    const line = lines[i]!;
    if (OUTLINE_LINE.test(line) || terms.some((t) => line.includes(t))) {
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
  text?: string;
}

export async function buildWorkspaceSummary(
  workspace: WorkspaceAccess,
  request: string,
  options: WorkspaceSummaryOptions,
  signal: AbortSignal,
): Promise<string> {
  const files = (await workspace.listFiles(signal)).filter((f) => !isSecretPath(f.path));
  const scope = options.scope ?? [];
  const terms = requestTerms(request);
  const budgetChars = Math.max(2000, options.tokenBudget * 4);

  const listing = formatListing(files, Math.floor(budgetChars * LISTING_SHARE));
  const header = `Workspace ${workspace.label}: ${files.length} files.${scope.length ? ` The user selected: ${scope.join(', ')}.` : ''}`;

  // Rank: scope and path matches are free to compute; content matches need a read.
  const candidates: Candidate[] = files.map((entry) => {
    let score = 0;
    if (scope.length && inScope(entry.path, scope)) score += 100;
    for (const term of terms) if (entry.path.includes(term) || entry.path.toLowerCase().includes(term.toLowerCase())) score += 20;
    return { entry, score };
  });
  const readOrder = [...candidates].sort((a, b) => b.score - a.score || a.entry.size - b.entry.size);
  let scanned = 0;
  let next = 0;
  const readOne = async (): Promise<void> => {
    while (next < readOrder.length) {
      signal.throwIfAborted();
      const candidate = readOrder[next++]!;
      if (terms.length === 0 && candidate.score === 0) continue;
      if (scanned + candidate.entry.size > CONTENT_SCAN_BYTES) continue;
      scanned += candidate.entry.size;
      const text = await workspace.readText(candidate.entry.path).catch(() => undefined);
      if (text === undefined) continue;
      let hits = 0;
      for (const term of terms) hits += countOccurrences(text, term);
      if (hits > 0) candidate.score += 10 + Math.min(hits, 20);
      if (candidate.score > 0) candidate.text = text;
    }
  };
  await Promise.all(Array.from({ length: READ_CONCURRENCY }, readOne));

  const ranked = candidates.filter((c) => c.score > 0 && c.text !== undefined).sort((a, b) => b.score - a.score || a.entry.path.localeCompare(b.entry.path));
  let remaining = budgetChars - listing.length - header.length;
  const sections: string[] = [];
  for (const candidate of ranked) {
    if (remaining < 400) break;
    const text = candidate.text!;
    const body = estimateTokens(text) * 4 <= remaining * 0.6 ? text : `(outline: ${text.split('\n').length} lines)\n${outline(text, terms, Math.floor(remaining * 0.3))}`;
    const section = `### ${candidate.entry.path}\n\`\`\`\n${body}\n\`\`\``;
    sections.push(section);
    remaining -= section.length;
  }

  return [
    header,
    '## Files (path and size)',
    listing,
    sections.length ? '## Files most likely involved' : '## No file matched the request; choose from the listing above',
    ...sections,
  ].join('\n\n');
}
