// The pattern's closing step: one account of the whole change across files, written when a run
// settles. It heads the review and doubles as the commit message. It is assembled from what the run
// actually holds (the plan, each worker's own summary, failures, open findings) rather than asked of a
// model, so it cannot smooth over a failure or a disagreement: every failed file and every open
// finding is named, and conflicts between files are listed apart.
import type { RefactorSession } from '../engine/session';

export interface Synthesis {
  /** The commit subject: one line of at most 72 characters. */
  subject: string;
  /** The body: blank-line separated sections, lines of plain text. */
  body: string;
  /** Subject, blank line, body: what "Copy commit message" copies. */
  message: string;
}

export interface SynthesisOptions {
  /** Paths the user kept in the review; the others are named as left out. Absent: every proposal. */
  included?: ReadonlySet<string>;
}

const SUBJECT_LIMIT = 72;

export function synthesizeChange(session: RefactorSession, options: SynthesisOptions = {}): Synthesis {
  const subject = subjectOf(session.plan?.summary || session.request);
  const sections: string[] = [];
  sections.push(`Requested: ${oneLine(session.request)}`);

  const proposed = session.files.filter((file) => file.status === 'proposed' && file.proposed !== file.original);
  const kept = options.included ? proposed.filter((file) => options.included?.has(file.path)) : proposed;
  const left = options.included ? proposed.filter((file) => !options.included?.has(file.path)) : [];
  if (kept.length > 0) {
    sections.push(['Changes:', ...kept.map((file) => `- ${file.path}${actionNote(file.action)}: ${oneLine(file.summary || file.description)}`)].join('\n'));
  }
  if (left.length > 0) sections.push(['Left out in review:', ...left.map((file) => `- ${file.path}`)].join('\n'));

  const failed = session.files.filter((file) => file.status === 'failed');
  if (failed.length > 0) {
    sections.push([`Not done (${failed.length} planned ${failed.length === 1 ? 'file' : 'files'} failed):`, ...failed.map((file) => `- ${file.path}: ${oneLine(file.error ?? 'failed')}`)].join('\n'));
  }

  const conflicts = session.findings.filter((finding) => finding.kind === 'conflict');
  const open = session.findings.filter((finding) => finding.kind !== 'conflict');
  if (conflicts.length > 0) {
    sections.push(['Disagreements between files:', ...conflicts.map((finding) => `- ${where(finding.path, finding.line)}${finding.relatedPaths.length > 0 ? ` vs ${finding.relatedPaths.join(', ')}` : ''}: ${oneLine(finding.message)}`)].join('\n'));
  }
  if (open.length > 0) {
    sections.push([
      'Open findings:',
      ...open.map((finding) => `- ${where(finding.path, finding.line)} [${finding.severity}, ${finding.kind}${finding.source === 'check' ? ', check' : finding.source === 'model' ? ', verifier' : ''}]: ${oneLine(finding.message)}${revisedNote(session, finding.path)}`),
    ].join('\n'));
  }
  if (session.stage === 'cancelled') sections.push('The run was cancelled before it finished.');
  if (session.stage === 'failed') sections.push(`The run failed: ${oneLine(session.error ?? 'no reason given')}`);

  const body = sections.join('\n\n');
  return { subject, body, message: `${subject}\n\n${body}\n` };
}

function subjectOf(text: string): string {
  const first = oneLine(text).split(/(?<=[.!?])\s/)[0] ?? '';
  const bare = first.replace(/[.\s]+$/, '');
  return bare.length <= SUBJECT_LIMIT ? bare : `${bare.slice(0, SUBJECT_LIMIT - 1).trimEnd()}…`;
}

/** Model text on one line, without control characters: it ends up in a commit message. */
function oneLine(text: string): string {
  return (
    text
      // eslint-disable-next-line no-control-regex
      .replace(/\u001b\[[0-9;?]*[ -/]*[@-~]/g, '') // a terminal escape sequence, whole
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]+/g, ' ')
      .replace(/\s+/g, ' ')
      .trim()
  );
}

function actionNote(action: string): string {
  return action === 'create' ? ' (new)' : action === 'delete' ? ' (deleted)' : '';
}

function where(path: string, line: number): string {
  return line > 0 ? `${path}:${line}` : path;
}

function revisedNote(session: RefactorSession, path: string): string {
  const revisions = session.files.find((file) => file.path === path)?.revisions ?? 0;
  return revisions > 0 ? ` (still open after ${revisions} ${revisions === 1 ? 'revision' : 'revisions'})` : '';
}
