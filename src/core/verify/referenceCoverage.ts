// A check that needs no model: every file the language server says references a symbol of the request
// should be in a plan that changes that symbol (its declaration). A file left out gets a `missing-change` finding, which
// the plan-growth setting turns into a proposed addition like any other check's.
import type { SymbolReferences } from '../language/languageTools';
import type { Finding } from '../schemas';

/** The finding's code, so plan growth can tell a reference count from a compiler error. */
export const UNPLANNED_REFERENCE = 'unplanned-reference';

export function referenceCoverage(references: readonly SymbolReferences[], planned: readonly { path: string; movedFrom?: string }[]): Finding[] {
  const inPlan = new Set(planned.flatMap((file) => (file.movedFrom !== undefined ? [file.path, file.movedFrom] : [file.path])));
  const findings: Finding[] = [];
  for (const symbol of references) {
    // Only a plan that changes the symbol itself (its declaring file: a rename, a new signature) must
    // cover every use. A plan that moves some callers off an API (its tests, one package) need not.
    const declaredIn = [...new Set(symbol.declarations.map((d) => d.path))];
    if (!declaredIn.some((path) => inPlan.has(path))) continue;
    for (const file of symbol.files) {
      if (inPlan.has(file.path)) continue;
      findings.push({
        path: file.path,
        line: 0,
        severity: 'warning',
        kind: 'missing-change',
        source: 'check',
        code: UNPLANNED_REFERENCE,
        message: `references ${symbol.name} (${file.count} time${file.count === 1 ? '' : 's'}), but the plan does not change this file`,
        relatedPaths: declaredIn.filter((p) => p !== file.path),
      });
    }
  }
  return findings;
}
