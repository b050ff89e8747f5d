// What a finished (or failed) run proposes, in a few lines of Markdown-safe text: the chat reply ends
// with it and the language-model tool returns it to the agent. Both say plainly that nothing has been
// written and that the user decides in the review, because an agent reading "renamed X" would
// otherwise report the refactoring as done.
import type { RefactorSession } from '../../core/engine/session';

export interface RunSummary {
  /** One paragraph for people and agents alike. */
  text: string;
  proposed: string[];
  failed: { path: string; error: string }[];
  findings: number;
}

export function summarizeRun(session: RefactorSession): RunSummary {
  const proposed = session.files.filter((file) => file.status === 'proposed').map((file) => file.path);
  const failed = session.files.filter((file) => file.status === 'failed').map((file) => ({ path: file.path, error: file.error ?? 'failed' }));
  const findings = session.findings.length;
  const lines: string[] = [];
  if (session.stage === 'failed') {
    lines.push(`The refactoring failed: ${session.error ?? 'no reason given'}. Nothing was written.`);
  } else if (session.stage === 'cancelled') {
    lines.push('The refactoring was cancelled. Nothing was written.');
  } else if (session.plan && session.plan.changes.length === 0) {
    lines.push('The planner found nothing to change for this request. Nothing was written.');
  } else {
    lines.push(`Proposed changes to ${proposed.length} ${proposed.length === 1 ? 'file' : 'files'}: ${proposed.join(', ') || 'none'}.`);
    const exact = session.files.filter((file) => file.status === 'proposed' && (file.performedBy === 'language-server' || file.performedBy === 'both'));
    const finished = exact.filter((file) => file.performedBy === 'both').length;
    if (exact.length > 0) lines.push(`${exact.length} of them ${exact.length === 1 ? 'comes' : 'come'} from the language server's exact rename${finished > 0 ? ` (${finished} then finished by a model)` : ''}.`);
    if (failed.length > 0) lines.push(`${failed.length} planned ${failed.length === 1 ? 'file' : 'files'} failed: ${failed.map((file) => `${file.path} (${file.error})`).join('; ')}.`);
    if (findings > 0) lines.push(`The checks raised ${findings} ${findings === 1 ? 'finding' : 'findings'}; they are shown in the review.`);
    lines.push('Nothing has been written yet: the user reviews each file in the Refactor Orchestrator review panel and decides what to apply.');
  }
  return { text: lines.join(' '), proposed, failed, findings };
}
