// When callers break on a planned file they import (a name, export or signature there that the
// callers disagree with), revising only the callers cannot fix it: that file goes back to its worker
// too, with the callers' errors quoted as findings about it.
import type { Finding } from '../../schemas';

/**
 * Compile errors in other planned files that trace back to `path`, restated as findings on `path`.
 * Errors in files outside the plan do not send a planned file back; they grow the plan instead.
 */
export function callerErrorsCausedBy(findings: readonly Finding[], path: string, planned: ReadonlySet<string>): Finding[] {
  return findings
    .filter((f) => f.kind === 'compile-error' && f.severity === 'error' && f.path !== path && planned.has(f.path) && f.relatedPaths.includes(path))
    .map((f) => ({ ...f, path, line: 0, relatedPaths: [f.path], message: `a file that uses this one breaks: ${f.path} line ${f.line}: ${f.message}` }));
}
