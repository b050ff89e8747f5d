// An offline stand-in model for `npm start` and the end-to-end tests, served by the loopback fake
// OpenAI server: it really carries out identifier renames ("rename `UserStore` to
// `AccountRepository`") by reading the workspace on disk, code and Markdown alike (a rename that left
// the README behind would be flagged by the consistency checks), and says plainly that it can do
// nothing else. It makes the extension demonstrable on a fresh machine with no key and no model server.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { jsonReply, startFakeOpenAIServer, type FakeOpenAIServer, type FakeReply, type RecordedRequest } from '../support/fakeOpenAIServer';

const RENAME = /rename\s+`?([A-Za-z_$][\w$]*)`?\s+(?:to|into|as)\s+`?([A-Za-z_$][\w$]*)`?/i;
const SKIP_DIRS = new Set(['.git', 'node_modules', 'dist', 'out', '.vscode']);

export interface DemoModelOptions {
  /** Latency per call, so progress and live-filling cards are visible. */
  delayMs?: number;
}

function userText(request: RecordedRequest): string {
  return request.messages.filter((m) => m.role === 'user').map((m) => m.content).join('\n');
}

function filesUnder(root: string, dir = ''): string[] {
  return fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const relative = dir ? `${dir}/${entry.name}` : entry.name;
    if (entry.isDirectory()) return SKIP_DIRS.has(entry.name) ? [] : filesUnder(root, relative);
    return entry.isFile() && /\.(ts|tsx|js|jsx|mjs|cjs|md)$/.test(entry.name) && !entry.name.startsWith('.env') ? [relative] : [];
  });
}

function wordPattern(identifier: string, flags = ''): RegExp {
  return new RegExp(`(?<![\\w$])${identifier.replace(/\$/g, '\\$')}(?![\\w$])`, flags);
}

export function demoModelScript(workspaceRoot: string, options: DemoModelOptions = {}) {
  const delayMs = options.delayMs ?? 400;
  let rename: { from: string; to: string } | undefined;
  return (request: RecordedRequest): FakeReply => {
    const text = userText(request);
    if (request.schemaName === 'plan') {
      const match = RENAME.exec(text);
      if (!match) {
        return { status: 400, body: { error: { message: 'The offline demo model only does renames, e.g. "rename `UserStore` to `AccountRepository` everywhere". Point refactorOrchestrator.baseUrl at a real model for anything else.' } }, headers: { 'x-should-retry': 'false' } };
      }
      rename = { from: match[1]!, to: match[2]! };
      // Without the g flag: a global RegExp's test() keeps its position from one file to the next.
      const pattern = wordPattern(rename.from);
      const touched = filesUnder(workspaceRoot).filter((file) => pattern.test(fs.readFileSync(path.join(workspaceRoot, file), 'utf8')));
      // The file that declares the symbol goes first; the files that use it depend on it.
      const declaring = touched.find((file) => new RegExp(`(class|interface|type|function|const)\\s+${rename!.from}\\b`).test(fs.readFileSync(path.join(workspaceRoot, file), 'utf8')));
      const changes = touched.map((file, index) => ({
        id: `c${index + 1}`,
        path: file,
        action: 'modify' as const,
        description: file === declaring ? `Rename the declaration of ${rename!.from} to ${rename!.to}.` : `Update every use of ${rename!.from} to ${rename!.to}.`,
        specialist: 'rename' as const,
        dependsOn: declaring && file !== declaring ? [`c${touched.indexOf(declaring) + 1}`] : [],
      }));
      return jsonReply({ summary: `Rename ${rename.from} to ${rename.to} in ${touched.length} files.`, changes, symbolRenames: [rename] }, { delayMs });
    }
    const file = /^File: `([^`]+)`/m.exec(text)?.[1];
    if ((request.schemaName === 'whole_file' || request.schemaName === 'search_replace') && file && rename) {
      const original = fs.readFileSync(path.join(workspaceRoot, file), 'utf8').replace(/\r\n/g, '\n');
      const mentions = wordPattern(rename.from);
      const pattern = wordPattern(rename.from, 'g');
      if (request.schemaName === 'whole_file') {
        return jsonReply({ content: original.replace(pattern, rename.to), summary: `Renamed ${rename.from} to ${rename.to}` }, { delayMs });
      }
      const edits = original.split('\n').filter((line) => mentions.test(line)).map((line) => ({ search: line, replace: line.replace(pattern, rename!.to) }));
      return jsonReply({ edits: [...new Map(edits.map((e) => [e.search, e])).values()], summary: `Renamed ${rename.from} to ${rename.to}` }, { delayMs });
    }
    if (request.schemaName === 'verifier_report') return jsonReply({ findings: [] }, { delayMs });
    return { status: 400, body: { error: { message: 'The offline demo model did not understand this request.' } }, headers: { 'x-should-retry': 'false' } };
  };
}

export function startDemoModel(workspaceRoot: string, options: DemoModelOptions = {}): Promise<FakeOpenAIServer> {
  return startFakeOpenAIServer(demoModelScript(workspaceRoot, options));
}
