// Reference-grounded planning: before the planner is asked, the language server says where the
// request's symbols are declared and which files use them, and the summary lists those files with
// counts. A planner that reads "formatPrice: used in 7 files" does not miss the seventh caller; a plan
// that still leaves one out gets a finding (see verify/referenceCoverage.ts).
import type { SymbolReferences } from '../language/languageTools';
import { requestTerms } from './workspaceSummary';

/** Most names asked about per run: a request names a few symbols, not dozens. */
const MAX_NAMES = 8;
/** Most files listed per symbol before the rest are only counted. */
const FILES_PER_SYMBOL = 60;

/** The request's words that could name a symbol: identifiers, or `Container.member`. */
export function requestSymbols(request: string): string[] {
  const names = requestTerms(request).filter((term) => /^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)?$/.test(term));
  return [...new Set(names)].slice(0, MAX_NAMES);
}

/** The summary's section on references, or '' when the server found none. */
export function describeReferences(references: readonly SymbolReferences[], label: string): string {
  const found = references.filter((symbol) => symbol.files.length > 0);
  if (found.length === 0) return '';
  const lines = found.map((symbol) => {
    const declared = symbol.declarations.slice(0, 3).map((d) => `${d.kind} in ${d.path}:${d.line}`).join('; ');
    const shown = symbol.files.slice(0, FILES_PER_SYMBOL).map((file) => `${file.path} (${file.count})`).join(', ');
    const more = symbol.files.length > FILES_PER_SYMBOL ? `, +${symbol.files.length - FILES_PER_SYMBOL} more files` : '';
    return `- ${symbol.name} (${declared}): referenced in ${symbol.files.length} file${symbol.files.length === 1 ? '' : 's'}: ${shown}${more}`;
  });
  return `References found by the ${label} (every file that uses the symbol, with how many references; a change to the symbol may need each of them):\n${lines.join('\n')}`;
}
