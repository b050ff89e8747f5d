// Benchmark 11 (issue 13): one rename done by model workers and by the rename specialist that is not a
// model (the TypeScript language service on the compile check's thread). The engine runs twice with a
// `checkRoot`, as the CLI does: `languageServer: false` (every planned file goes to a worker) and
// `languageServer: true` (the language server renames every reference, files the plan left out join it,
// and a worker runs only where the old name is left in comments or strings).
//
// The scripted model behaves like a real one: the planner names the declaration and the source files
// that use it but leaves out the tests (and, in the generated project, the barrel `index.ts`); a worker
// renames the whole word wherever it stands in the file it is given (comments and strings included),
// answering with the whole file, or for a file of `searchReplaceMinLines` lines or more with one short
// search block per line that names the symbol.
//
// Two projects: (a) a generated strict TypeScript project in which an exported class is used in ~150
// files, and (b) superstruct as vendored in test/fixtures/real/ (MIT, its license kept there), renaming
// its exported `StructError`. Per mode: files proposed (and how many of them changed), files failed,
// worker and total tokens, wall time, the session's compile-check verdict, a separate type check of the
// applied tree (every .ts file, src and tests, the project's compiler options; errors not in the
// original tree) and the references of the old name left in code (identifier tokens, so comments and
// strings do not count).
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { DEFAULT_ENGINE_SETTINGS, createNodeWorkspace, jsonReply, repoRoot, startFakeOpenAIServer, startRefactor } from './out.mjs';
import { benchProvider } from './modelCalls.mjs';

const ts = createRequire(import.meta.url)('typescript');

/** The generated project: `UserStore` declared once, used by features, two large registries, a barrel and tests. */
function writeGeneratedProject(dir, { features, tests, registries, registryLines }) {
  const write = (file, text) => {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  };
  write('tsconfig.json', `${JSON.stringify({ compilerOptions: { target: 'ES2020', module: 'ESNext', moduleResolution: 'Node', lib: ['ES2020'], strict: true, noEmit: true, types: [] }, include: ['src', 'test'] }, null, 2)}\n`);
  write(
    'src/userStore.ts',
    `export interface User {\n  id: string;\n  name: string;\n}\n\n/** Keeps users in memory, by id. */\nexport class UserStore {\n  private readonly users = new Map<string, User>();\n\n  add(user: User): void {\n    this.users.set(user.id, user);\n  }\n\n  get(id: string): User | undefined {\n    return this.users.get(id);\n  }\n\n  get size(): number {\n    return this.users.size;\n  }\n}\n\nexport function createStore(): UserStore {\n  return new UserStore();\n}\n`,
  );
  const planned = ['src/userStore.ts'];
  const missed = [];
  for (let i = 0; i < features; i++) {
    // Every 20th feature names the class in a comment: the language server leaves that to a model.
    const comment = i % 20 === 0 ? `// Feature ${i} shares one UserStore with the others.\n` : '';
    write(
      `src/features/feature${i}.ts`,
      `import { UserStore, type User } from '../userStore';\n\n${comment}export function register${i}(store: UserStore, name: string): User {\n  const user: User = { id: 'u${i}', name };\n  store.add(user);\n  return user;\n}\n\nexport class Feature${i} {\n  constructor(private readonly store: UserStore = new UserStore()) {}\n\n  count(): number {\n    return this.store.size;\n  }\n}\n`,
    );
    planned.push(`src/features/feature${i}.ts`);
  }
  for (let r = 0; r < registries; r++) {
    const lines = [`import { UserStore } from '../userStore';`, ''];
    for (let j = 0; lines.length < registryLines; j++) {
      lines.push(j % 25 === 0 ? `export const store${r}_${j}: UserStore = new UserStore();` : `export const slot${r}_${j} = { id: 'slot-${r}-${j}', weight: ${j % 7} };`);
    }
    write(`src/registry/registry${r}.ts`, `${lines.join('\n')}\n`);
    planned.push(`src/registry/registry${r}.ts`);
  }
  write('src/index.ts', `export { UserStore, createStore, type User } from './userStore';\n${Array.from({ length: Math.min(features, 10) }, (_, i) => `export { register${i} } from './features/feature${i}';\n`).join('')}`);
  missed.push('src/index.ts');
  for (let i = 0; i < tests; i++) {
    write(
      `test/feature${i}.test.ts`,
      `import { UserStore } from '../src/userStore';\nimport { register${i} } from '../src/features/feature${i}';\n\nconst store = new UserStore();\nregister${i}(store, 'Ada');\nif (store.size !== 1) throw new Error('feature${i}: expected one user');\n`,
    );
    missed.push(`test/feature${i}.test.ts`);
  }
  return { planned, missed };
}

function copyTree(from, to) {
  fs.cpSync(from, to, { recursive: true });
}

const SCENARIOS = {
  generated: (size) => ({
    title: `generated strict TS project: exported class used in ${1 + size.features + size.registries + 1 + size.tests} files (${size.registries} of them ${size.registryLines} lines long)`,
    from: 'UserStore',
    to: 'AccountRepository',
    request: 'Rename the class `UserStore` to `AccountRepository` everywhere',
    write: (dir) => writeGeneratedProject(dir, size),
  }),
  superstruct: () => ({
    title: 'superstruct (vendored, MIT): exported class `StructError`',
    from: 'StructError',
    to: 'ValidationError',
    request: 'Rename the error class `StructError` to `ValidationError` everywhere',
    write: (dir) => {
      copyTree(path.join(repoRoot, 'test', 'fixtures', 'real', 'superstruct'), dir);
      // What a planner reading the summary names: the declaration and the source that throws it.
      return { planned: ['src/error.ts', 'src/struct.ts'], missed: ['test/api/assert.test.ts', 'test/api/mask.test.ts', 'test/api/validate.test.ts', 'test/index.test.ts'] };
    },
  }),
};

function renamePlan(scenario, planned) {
  return {
    summary: `Rename ${scenario.from} to ${scenario.to}; the files that use it follow the declaration.`,
    symbolRenames: [{ from: scenario.from, to: scenario.to }],
    changes: planned.map((file, i) => ({
      id: `c${i + 1}`,
      path: file,
      action: 'modify',
      description: i === 0 ? `Rename ${scenario.from} to ${scenario.to} where it is declared.` : `Update the uses of ${scenario.from} to ${scenario.to}.`,
      specialist: 'rename',
      dependsOn: i === 0 ? [] : ['c1'],
    })),
  };
}

const word = (name) => new RegExp(`(?<![\\w$])${name}(?![\\w$])`, 'g');

/** The file text the worker prompt shows (the original, or the language server's renamed text). */
function promptedContent(request) {
  const text = request.messages.map((m) => m.content).join('\n');
  const file = /^File: `([^`]+)`/m.exec(text)?.[1];
  const match = /^Current content[^\n]* of `[^`]+`:\n(`{3,})\n([\s\S]*?)^\1$/m.exec(text);
  return { file, content: match?.[2] };
}

function modelScript(scenario, planned, model) {
  const pace = { delayMs: model.latencyMs, tokensPerSecond: model.tokensPerSecond };
  const refuse = (message) => ({ status: 400, headers: { 'x-should-retry': 'false' }, body: { error: { message: `bench: ${message}` } } });
  return (request) => {
    if (request.schemaName === 'plan') return jsonReply(renamePlan(scenario, planned), pace);
    if (request.schemaName === 'verifier_report') return jsonReply({ findings: [] }, pace);
    const { file, content } = promptedContent(request);
    if (file === undefined || content === undefined) return refuse('no file content in the worker prompt');
    const summary = `Renamed ${scenario.from} to ${scenario.to}.`;
    if (request.schemaName === 'whole_file') return jsonReply({ content: content.replace(word(scenario.from), scenario.to), summary }, pace);
    if (request.schemaName === 'search_replace') {
      // One short block per line that names the symbol, in file order (a repeated line is given as often as it occurs).
      const edits = content
        .split('\n')
        .filter((line) => word(scenario.from).test(line))
        .map((line) => ({ search: line, replace: line.replace(word(scenario.from), scenario.to) }));
      return jsonReply({ edits, summary }, pace);
    }
    return refuse(`unexpected schema ${request.schemaName}`);
  };
}

function listFiles(dir, ext) {
  return fs
    .readdirSync(dir, { recursive: true })
    .map((f) => f.split(path.sep).join('/'))
    .filter((f) => f.endsWith(ext) && fs.statSync(path.join(dir, f)).isFile());
}

/** Diagnostics of every .ts file under `dir` with the project's compiler options, as "file: TScode message" (no positions). */
function typeCheck(dir) {
  const config = ts.readConfigFile(path.join(dir, 'tsconfig.json'), ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, dir);
  const program = ts.createProgram(listFiles(dir, '.ts').map((f) => path.join(dir, f)), parsed.options);
  return ts.getPreEmitDiagnostics(program).map((d) => `${d.file ? path.relative(dir, d.file.fileName) : ''}: TS${d.code} ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`);
}

/** Identifier tokens spelled `name` in the .ts files under `dir` (comments and strings are not code). */
function codeReferences(dir, name) {
  const out = {};
  for (const file of listFiles(dir, '.ts')) {
    const scanner = ts.createScanner(ts.ScriptTarget.Latest, true, ts.LanguageVariant.Standard, fs.readFileSync(path.join(dir, file), 'utf8'));
    let count = 0;
    for (let token = scanner.scan(); token !== ts.SyntaxKind.EndOfFileToken; token = scanner.scan()) {
      if (token === ts.SyntaxKind.Identifier && scanner.getTokenValue() === name) count++;
    }
    if (count > 0) out[file] = count;
  }
  return out;
}

async function runMode({ scenario, original, planned, scratch, name, languageServer, model, concurrency, log }) {
  const dir = path.join(scratch, `${name}-${languageServer ? 'ls' : 'models'}`);
  copyTree(original, dir);
  const server = await startFakeOpenAIServer(modelScript(scenario, planned, model));
  try {
    const started = performance.now();
    const { session, done } = startRefactor({
      request: scenario.request,
      workspace: createNodeWorkspace(dir, { maxFileBytes: 1 << 20, extraExcludes: [] }),
      provider: benchProvider(server.baseURL),
      settings: { ...DEFAULT_ENGINE_SETTINGS, concurrency, maxFiles: 400, languageServer },
      signal: new AbortController().signal,
      checkRoot: dir,
    });
    await done;
    const wallMs = performance.now() - started;
    if (session.stage !== 'done') throw new Error(`bench: the ${name} rename ended at ${session.stage}: ${session.error ?? ''}`);
    // Apply the proposals, as accepting them all would.
    for (const file of session.files) if (file.status === 'proposed' && file.proposed !== null) fs.writeFileSync(path.join(dir, file.path), file.proposed);
    const usage = session.usage;
    const tokens = (role) => usage[role].promptTokens + usage[role].completionTokens;
    const proposed = session.files.filter((f) => f.status === 'proposed');
    const performedBy = {};
    for (const f of proposed) performedBy[f.performedBy ?? 'model'] = (performedBy[f.performedBy ?? 'model'] ?? 0) + 1;
    const left = codeReferences(dir, scenario.from);
    const result = {
      planned: planned.length,
      filesInRun: session.files.length,
      proposed: proposed.length,
      changed: proposed.filter((f) => f.proposed !== f.original).length,
      failed: session.files.filter((f) => f.status !== 'proposed').map((f) => `${f.path}: ${f.status}${f.error ? ` (${f.error.slice(0, 120)})` : ''}`),
      joinedByRename: session.files.filter((f) => f.addedBecause !== undefined).length,
      performedBy,
      workerCalls: usage.worker.requests,
      workerTokens: tokens('worker'),
      totalTokens: tokens('planner') + tokens('worker') + tokens('verifier'),
      wallMs: Math.round(wallMs),
      compileCheck: { state: session.compileCheck?.state ?? 'none', verdict: session.compileCheck?.verdict ?? '' },
      oldNameInCode: Object.values(left).reduce((a, b) => a + b, 0),
      oldNameInCodeFiles: Object.keys(left).sort(),
      languageServerNotes: session.languageServerNotes.map((n) => n.message),
      // Where the wall time went (session timings, ms from the start).
      phasesMs: phases(session.timings),
    };
    const errors = typeCheck(dir);
    const before = new Set(typeCheck(original));
    result.typeCheck = { newErrors: errors.filter((e) => !before.has(e)).length, firstNewErrors: errors.filter((e) => !before.has(e)).slice(0, 3) };
    log(`rename ${name}, language server ${languageServer ? 'on' : 'off'}: ${result.proposed}/${result.filesInRun} proposed, ${result.failed.length} failed, ${result.workerCalls} worker calls, ${result.workerTokens} worker tokens, ${result.wallMs} ms (${JSON.stringify(result.phasesMs)}), compile check ${result.compileCheck.state}, ${result.typeCheck.newErrors} new type errors, ${result.oldNameInCode} references of ${scenario.from} left`);
    return result;
  } finally {
    await server.close();
  }
}

function phases(t) {
  const at = (x) => (x === undefined ? undefined : Math.round(x - t.startedAt));
  return { planned: at(t.plannedAt), firstProposal: at(t.firstProposalAt), workersDone: at(t.workersDoneAt), finished: at(t.finishedAt), compileCheck: t.compileCheckMs === undefined ? undefined : Math.round(t.compileCheckMs) };
}

export async function measureLanguageServerRename({ scratch, model, concurrency, generated, log }) {
  const out = {};
  for (const [name, make] of Object.entries(SCENARIOS)) {
    const scenario = make(generated);
    const original = path.join(scratch, `${name}-original`);
    fs.mkdirSync(original, { recursive: true });
    const { planned, missed } = scenario.write(original);
    const references = codeReferences(original, scenario.from);
    const entry = { title: scenario.title, from: scenario.from, to: scenario.to, filesWithReferences: Object.keys(references).length, references: Object.values(references).reduce((a, b) => a + b, 0), planned: planned.length, missedByPlan: missed.length };
    entry.models = await runMode({ scenario, original, planned, scratch, name, languageServer: false, model, concurrency, log });
    entry.languageServer = await runMode({ scenario, original, planned, scratch, name, languageServer: true, model, concurrency, log });
    // What the planner is told when a language server will rename: plan a file only where more than the
    // rename must change. A planner that follows it names the declaration alone, and its call is short.
    entry.languageServerLeanPlan = await runMode({ scenario, original, planned: planned.slice(0, 1), scratch, name: `${name}-lean`, languageServer: true, model, concurrency, log });
    out[name] = entry;
  }
  return out;
}
