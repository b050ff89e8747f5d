// The workload of benchmarks 1–3: a rename across generated TypeScript files whose plan has dependency
// chains of depth 2 (D definition files, each imported by U files that wait for its diff), and a
// scripted model that answers the plan, each worker and the verifier like a model that does the job.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { jsonReply } from './out.mjs';

export const RENAME_REQUEST = 'Rename every StoreN class to RepoN';

/** Writes the files into a fresh folder under `parent`; `files` is in plan order (each definition before its users). */
export function writeRenameWorkspace(parent, definitions, usersPerDefinition) {
  const dir = fs.mkdtempSync(path.join(parent, 'rename-'));
  fs.mkdirSync(path.join(dir, 'src'));
  const files = [];
  for (let d = 0; d < definitions; d++) {
    const definition = `src/store${d}.ts`;
    fs.writeFileSync(path.join(dir, definition), `export class Store${d} {\n  private readonly items = new Map<string, string>();\n  get(id: string): string | undefined {\n    return this.items.get(id);\n  }\n}\n`);
    files.push({ id: `c${files.length + 1}`, path: definition, dependsOn: [], definition: d });
    const definitionId = files[files.length - 1].id;
    for (let u = 0; u < usersPerDefinition; u++) {
      const user = `src/feature${d}_${u}.ts`;
      fs.writeFileSync(path.join(dir, user), `import { Store${d} } from './store${d}';\n\nconst store = new Store${d}();\nexport function lookup${d}_${u}(id: string): string {\n  return store.get(id) ?? '';\n}\n`);
      files.push({ id: `c${files.length + 1}`, path: user, dependsOn: [definitionId], definition: d, user: u });
    }
  }
  return { dir, files };
}

export function renamePlan(files) {
  return {
    summary: 'Rename each StoreN class to RepoN; files that import one are done after it.',
    symbolRenames: [...new Set(files.map((f) => f.definition))].map((d) => ({ from: `Store${d}`, to: `Repo${d}` })),
    changes: files.map((f) => ({
      id: f.id,
      path: f.path,
      action: 'modify',
      description: f.dependsOn.length === 0 ? `Rename class Store${f.definition} to Repo${f.definition}.` : `Update the import and uses of Store${f.definition} to Repo${f.definition}.`,
      specialist: 'rename',
      dependsOn: f.dependsOn,
    })),
  };
}

export function renamedText(dir, filePath) {
  return fs.readFileSync(path.join(dir, filePath), 'utf8').replace(/Store(\d+)/g, 'Repo$1');
}

/** The reply each kind of call gets; the worker's is keyed by the file named in its prompt. */
export function renameReplies(dir, files) {
  return {
    plan: () => renamePlan(files),
    worker: (filePath) => ({ content: renamedText(dir, filePath), summary: 'Renamed the class and its uses.' }),
    verifier: () => ({ findings: [] }),
  };
}

/**
 * The fake server's script. `model.latencyMs` before the first byte and `model.tokensPerSecond` while
 * streaming, for every call; a worker's latency can be scaled per file (`latencyFactor(path)`).
 */
export function renameScript(dir, files, model, latencyFactor = () => 1) {
  const replies = renameReplies(dir, files);
  const pace = (factor = 1) => ({ delayMs: Math.round(model.latencyMs * factor), tokensPerSecond: model.tokensPerSecond });
  return (request) => {
    if (request.schemaName === 'plan') return jsonReply(replies.plan(), pace());
    if (request.schemaName === 'verifier_report') return jsonReply(replies.verifier(), pace());
    if (request.schemaName === 'whole_file') {
      const filePath = workerFile(request);
      if (filePath === undefined) return { status: 400, body: { error: { message: 'bench: no file named in the worker prompt' } } };
      return jsonReply(replies.worker(filePath), pace(latencyFactor(filePath)));
    }
    return { status: 400, headers: { 'x-should-retry': 'false' }, body: { error: { message: `bench: unexpected schema ${request.schemaName}` } } };
  };
}

/** The worker prompt names its file as "File: `path`". */
export function workerFile(request) {
  for (const message of request.messages) {
    const match = /^File: `([^`]+)`/m.exec(message.content);
    if (match) return match[1];
  }
  return undefined;
}

/**
 * Batch barriers only cost something when calls differ, so benchmark 2 makes some files slower, as
 * real models do (a longer prompt, a busier replica): every third definition and the first user of
 * each definition take 3× the latency, the second user of every odd definition 2×.
 */
export function variedLatencyFactor(files) {
  const byPath = new Map(files.map((f) => [f.path, f]));
  return (filePath) => {
    const f = byPath.get(filePath);
    if (!f) return 1;
    if (f.user === undefined) return f.definition % 3 === 0 ? 3 : 1;
    if (f.user === 0) return 3;
    if (f.user === 1 && f.definition % 2 === 1) return 2;
    return 1;
  };
}
