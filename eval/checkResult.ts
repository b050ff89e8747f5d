// The automatic checker of one task's result: the project type-checks (with this repository's
// TypeScript, through its compiler API so the standard library is parsed once for the whole set),
// the project's own tests pass (eval/projectTests.ts, where they can run offline), the task's
// conditions hold (old name gone, new signature at the call sites, moved file gone), and no file
// outside the reference solution's files changed.
import * as path from 'node:path';
import * as ts from 'typescript';
import { runProjectTests, type TestsOutcome } from './projectTests';
import { REPO_ROOT, type Files, type LoadedTask } from './taskSet';

const CODE = /\.(ts|tsx|js|mjs|cjs)$/;
const DOCS = /\.md$/;

export interface CheckOutcome {
  passed: boolean;
  /** Why it failed, one short phrase per problem; empty when it passed. */
  problems: string[];
  /** The project's own tests on the result; "not run" with the reason when they were not. */
  tests: TestsOutcome;
}

/**
 * `root` holds the result on disk (for the type-check and the tests); `result` is the same tree in
 * memory. `typeCheck: false` checks only the conditions (for tests of the conditions themselves);
 * `tests: false` skips the project's tests (reported as not run).
 */
export function checkResult(task: LoadedTask, root: string, result: Files, options: { typeCheck?: boolean; tests?: boolean } = {}): CheckOutcome {
  const problems: string[] = [];

  const expectedChanges = new Set([...task.reference.modified, ...task.reference.created, ...task.reference.deleted]);
  const paths = new Set([...task.before.keys(), ...result.keys()]);
  const unrelated = [...paths].filter((file) => task.before.get(file) !== result.get(file) && !expectedChanges.has(file)).sort();
  if (unrelated.length > 0) problems.push(`changed unrelated file(s): ${unrelated.slice(0, 3).join(', ')}${unrelated.length > 3 ? ` +${unrelated.length - 3}` : ''}`);

  for (const rule of task.checks.absent ?? []) {
    const pattern = new RegExp(rule.pattern, 'm');
    for (const [file, text] of result) {
      if (!(CODE.test(file) || (rule.in === 'all' && DOCS.test(file))) || rule.except?.includes(file)) continue;
      if (rule.under !== undefined && !file.startsWith(rule.under)) continue;
      const match = pattern.exec(text);
      if (match) {
        problems.push(`${rule.why} (${file}:${text.slice(0, match.index).split('\n').length})`);
        break;
      }
    }
  }
  for (const rule of task.checks.present ?? []) {
    const text = result.get(rule.path);
    const found = text === undefined ? 0 : (text.match(new RegExp(rule.pattern, 'g')) ?? []).length;
    if (found < (rule.count ?? 1)) problems.push(`${rule.why} (${rule.path}${text === undefined ? ' is missing' : rule.count ? `: ${found} of ${rule.count}` : ''})`);
    else if (rule.max !== undefined && found > rule.max) problems.push(`${rule.why} (${rule.path}: ${found}, at most ${rule.max})`);
  }
  for (const file of task.checks.missing ?? []) if (result.has(file)) problems.push(`${file} still exists`);

  const errors = options.typeCheck === false ? [] : typeCheck(root);
  if (errors.length > 0) problems.push(`tsc: ${errors.length} error(s), first: ${errors[0] ?? ''}`);
  const tests = options.tests === false || options.typeCheck === false ? { state: 'not run' as const, detail: 'not asked for', short: 'not asked for' } : runProjectTests(task.project, root);
  if (tests.state === 'failed') problems.push(`tests: ${tests.detail}`);
  return { passed: problems.length === 0, problems, tests };
}

// Library files (lib.*.d.ts, @types/node) are the same for every task: parse them once.
const sharedSourceFiles = new Map<string, ts.SourceFile>();

/** `tsc --noEmit -p root` through the compiler API; returns "file(line): message" per error. */
export function typeCheck(root: string): string[] {
  const configPath = path.join(root, 'tsconfig.json');
  const config = ts.readConfigFile(configPath, (file) => ts.sys.readFile(file));
  if (config.error) return [ts.flattenDiagnosticMessageText(config.error.messageText, ' ')];
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, root);
  // The copy under test lives in a temporary folder with no node_modules above it: take @types from here.
  const options: ts.CompilerOptions = { ...parsed.options, noEmit: true, typeRoots: [path.join(REPO_ROOT, 'node_modules', '@types')] };
  const host = ts.createCompilerHost(options);
  const read = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
    if (fileName.startsWith(root)) return read(fileName, languageVersion, onError, shouldCreate);
    const key = `${fileName}\0${JSON.stringify(languageVersion)}`;
    let file = sharedSourceFiles.get(key);
    if (!file) {
      file = read(fileName, languageVersion, onError, shouldCreate);
      if (file) sharedSourceFiles.set(key, file);
    }
    return file;
  };
  const program = ts.createProgram(parsed.fileNames, options, host);
  return ts.getPreEmitDiagnostics(program)
    .filter((diagnostic) => diagnostic.category === ts.DiagnosticCategory.Error)
    .map((diagnostic) => {
      const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ');
      if (!diagnostic.file || diagnostic.start === undefined) return message;
      const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
      return `${path.relative(root, diagnostic.file.fileName)}(${line + 1}): ${message}`;
    });
}
