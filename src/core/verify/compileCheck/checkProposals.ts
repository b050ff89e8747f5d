// One compile check of a run's proposals, as the engine sees it: the proposed tree from the session's
// files, JSON syntax on this thread (cheap), TypeScript/JavaScript on the worker thread, and the answer
// as findings of kind `compile-error` plus one verdict the user can read at a glance.
import type { Finding } from '../../schemas';
import type { CompileCheckSummary, FileChangeState } from '../../engine/session';
import type { CompileChecker } from './compileChecker';
import { checkJsonChanges } from './jsonSyntax';
import { isScriptPath, type NewDiagnostic, type TreeChange } from './proposedTree';

export interface CompileCheckResult {
  findings: Finding[];
  summary: CompileCheckSummary;
}

/** The proposed tree: every file with a proposal (a changed text, a creation, a deletion, a move). */
export function proposedTree(files: readonly FileChangeState[]): TreeChange[] {
  return files
    .filter((file) => file.status === 'proposed' && (file.diff !== '' || file.action === 'delete' || file.action === 'move'))
    .flatMap((file): TreeChange[] =>
      file.action === 'move' && file.movedFrom !== undefined
        ? // A move is its source gone and its destination created: importers left on the old path break.
          [
            { path: file.movedFrom, original: file.original, proposed: null },
            { path: file.path, original: null, proposed: file.proposed },
          ]
        : [{ path: file.path, original: file.original, proposed: file.action === 'delete' ? null : file.proposed }],
    );
}

export async function checkProposals(
  checker: CompileChecker | undefined,
  files: readonly FileChangeState[],
  signal: AbortSignal,
  budgetMs: number,
  unavailableReason = 'no workspace folder on disk',
): Promise<CompileCheckResult> {
  const started = Date.now();
  const changes = proposedTree(files);
  const json = checkJsonChanges(changes);
  const scripts = changes.some((change) => isScriptPath(change.path));
  const diagnostics: NewDiagnostic[] = [...json.diagnostics];
  const extra: Finding[] = [];
  let typescript: string | undefined;
  let notChecked: string | undefined;
  let stopped = false;
  let scriptFiles = 0;

  if (scripts) {
    const reply = checker ? await checker.check(changes, signal, budgetMs) : { kind: 'unavailable' as const, reason: unavailableReason };
    if (reply.kind === 'checked') {
      diagnostics.push(...reply.outcome.diagnostics);
      scriptFiles = reply.outcome.checkedFiles;
      const ts = reply.outcome.typescript;
      if (ts) typescript = `TypeScript ${ts.version} (${ts.source === 'workspace' ? "the workspace's" : 'bundled'}${ts.note ? `: ${ts.note}` : ''})`;
      if (reply.outcome.inferred > 0 && reply.outcome.configured === 0) typescript = `${typescript ?? 'TypeScript'}, default options: no tsconfig.json or jsconfig.json covers the changed files`;
    } else if (reply.kind === 'over-budget') {
      stopped = true;
      extra.push({
        path: changes.find((change) => isScriptPath(change.path))?.path ?? '',
        line: 0,
        severity: 'info',
        kind: 'compile-error',
        message: `The compile check stopped after its ${reply.budgetMs} ms budget (refactorOrchestrator.compileCheckBudgetMs / --check-budget-ms), so the TypeScript and JavaScript changes were not checked.`,
        relatedPaths: [],
        source: 'check',
      });
    } else {
      notChecked = reply.reason;
    }
  }

  const findings = [...diagnostics.map(toFinding), ...extra];
  const errorFiles = new Set(diagnostics.filter((d) => d.severity === 'error').map((d) => d.path));
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const summary: CompileCheckSummary = {
    ...verdict({ scripts, json: json.checked, errors, errorFiles: errorFiles.size, stopped, notChecked }),
    newErrors: errors,
    files: scriptFiles + json.checked,
    ...(typescript ? { typescript } : {}),
    durationMs: Date.now() - started,
  };
  return { findings, summary };
}

function verdict(facts: { scripts: boolean; json: number; errors: number; errorFiles: number; stopped: boolean; notChecked: string | undefined }): Pick<CompileCheckSummary, 'state' | 'verdict'> {
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  if (facts.errors > 0) {
    const note = facts.stopped ? ' (TypeScript not checked: over the time budget)' : facts.notChecked ? ` (TypeScript not checked: ${facts.notChecked})` : '';
    return { state: 'errors', verdict: `${plural(facts.errors, 'new error')} in ${plural(facts.errorFiles, 'file')}${note}` };
  }
  if (facts.stopped) return { state: 'stopped', verdict: 'not checked: the compile check ran past its time budget' };
  if (facts.scripts && facts.notChecked) return { state: 'not-checked', verdict: `not checked: ${facts.notChecked}` };
  if (facts.scripts) return { state: 'passed', verdict: 'the proposed changes type-check' };
  if (facts.json > 0) return { state: 'passed', verdict: 'the proposed JSON files parse (no TypeScript or JavaScript changed)' };
  return { state: 'not-checked', verdict: 'not checked: no TypeScript project (no TypeScript, JavaScript or JSON file changed)' };
}

function toFinding(d: NewDiagnostic): Finding {
  return { path: d.path, line: d.line, severity: d.severity, kind: 'compile-error', message: `${d.code}: ${d.message}`, relatedPaths: d.causes, source: 'check', code: d.code };
}
