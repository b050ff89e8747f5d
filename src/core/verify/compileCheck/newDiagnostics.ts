// "New" means: the proposal has more diagnostics of this kind in this file than the original had.
// Lines move when code is edited, so diagnostics are compared per file by code and message text,
// never by position, and as a multiset: a second copy of an error the file already had is new.

export interface KeyedDiagnostic {
  path: string;
  code: string;
  message: string;
}

export function diagnosticKey(d: KeyedDiagnostic): string {
  return `${d.path}|${d.code}|${d.message}`;
}

/**
 * The diagnostics of `proposed` that `baseline` does not account for. When a key occurs more often in
 * the proposal, the later occurrences are reported (the earlier ones most likely match the old ones).
 */
export function newDiagnostics<T extends KeyedDiagnostic>(baseline: readonly KeyedDiagnostic[], proposed: readonly T[]): T[] {
  const remaining = new Map<string, number>();
  for (const d of baseline) remaining.set(diagnosticKey(d), (remaining.get(diagnosticKey(d)) ?? 0) + 1);
  const fresh: T[] = [];
  for (const d of proposed) {
    const key = diagnosticKey(d);
    const left = remaining.get(key) ?? 0;
    if (left > 0) remaining.set(key, left - 1);
    else fresh.push(d);
  }
  return fresh;
}
