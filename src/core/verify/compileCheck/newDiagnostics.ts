// "New" means: the proposal has more diagnostics of this kind in this file than the original had.
// Lines move when code is edited, so diagnostics are compared per file by code and message text,
// never by position, and as a multiset: a second copy of an error the file already had is new.
//
// A rename also changes the names an error the file already had quotes ("Property 'size' does not
// exist on type 'UserStore'" becomes "... type 'AccountRepository'"): that is the same error, not a new
// one. So what the exact comparison leaves over is compared once more with the quoted names blanked,
// against the original's diagnostics that found no exact partner. The cost: an old error that the
// change removes can hide a new one of the same code and wording in the same file.

export interface KeyedDiagnostic {
  path: string;
  code: string;
  message: string;
}

export function diagnosticKey(d: KeyedDiagnostic): string {
  return `${d.path}|${d.code}|${d.message}`;
}

/** The key with the names a message quotes blanked out. */
function shapeKey(d: KeyedDiagnostic): string {
  return `${d.path}|${d.code}|${d.message.replace(/'[^'\n]*'/g, "'…'").replace(/"[^"\n]*"/g, '"…"')}`;
}

/**
 * The diagnostics of `proposed` that `baseline` does not account for. When a key occurs more often in
 * the proposal, the later occurrences are reported (the earlier ones most likely match the old ones).
 */
export function newDiagnostics<T extends KeyedDiagnostic>(baseline: readonly KeyedDiagnostic[], proposed: readonly T[]): T[] {
  const unmatched = new Map<string, KeyedDiagnostic[]>();
  for (const d of baseline) unmatched.set(diagnosticKey(d), [...(unmatched.get(diagnosticKey(d)) ?? []), d]);
  const leftOver: T[] = [];
  for (const d of proposed) {
    const partners = unmatched.get(diagnosticKey(d));
    if (partners && partners.length > 0) partners.pop();
    else leftOver.push(d);
  }
  const shapes = new Map<string, number>();
  for (const partners of unmatched.values()) for (const d of partners) shapes.set(shapeKey(d), (shapes.get(shapeKey(d)) ?? 0) + 1);
  return leftOver.filter((d) => {
    const left = shapes.get(shapeKey(d)) ?? 0;
    if (left === 0) return true;
    shapes.set(shapeKey(d), left - 1);
    return false;
  });
}
