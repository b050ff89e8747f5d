// One card per planned file: status, decision, actions, findings and the diff. Diffs render lazily:
// a big file starts collapsed, and an expanded one renders its hunks in batches of lines with a
// "Show more" button, so a huge proposal never blocks the panel.
import type { FileView, FindingView, HunkView } from '../protocol/webviewProtocol';
import { h, type Child } from './dom';

export interface CardUiState {
  expanded: boolean;
  /** How many diff lines are rendered (grows with "Show more"). */
  lineBudget: number;
}

export interface CardActions {
  decide(id: string, decision: 'accepted' | 'rejected'): void;
  decideHunk(id: string, hunkId: number, accepted: boolean): void;
  openDiff(id: string, line?: number): void;
  rerun(id: string): void;
  toggle(id: string): void;
  showMore(id: string): void;
}

export const LINES_PER_BATCH = 400;
/** Files with more diff lines than this start collapsed. */
export const COLLAPSE_ABOVE_LINES = 600;

const STATUS_TEXT: Record<FileView['status'], string> = {
  queued: 'Queued',
  working: 'Working…',
  proposed: 'Ready',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

/** Who made the proposal, as the card's badge says it, with a tooltip saying what that means. */
const PERFORMER: Record<NonNullable<FileView['performedBy']>, { text: string; title: string }> = {
  'language-server': { text: 'language server', title: 'An exact rename by the language server: no model wrote this file' },
  model: { text: 'model', title: 'Written by a model worker' },
  both: { text: 'language server + model', title: 'The language server renamed the symbol; a model then changed what it could not (comments, strings, docs, related names)' },
};

const SEVERITY_GLYPH: Record<FindingView['severity'], string> = { error: '✖', warning: '⚠', info: 'ℹ' };

export function renderCardContent(file: FileView, hunks: HunkView[] | undefined, findings: FindingView[], ui: CardUiState, actions: CardActions): Child[] {
  const bodyId = `body-${file.id}`;
  const decidable = file.status === 'proposed' && !file.applied && !file.stale;
  const hasDiff = file.hunkCount > 0;
  const inline = ui.expanded ? inlineFindingLines(hunks, findings) : new Set<number>();
  const looseFindings = findings.filter((finding) => !inline.has(finding.line) || finding.line === 0);

  const head = h(
    'div',
    { class: 'card-head' },
    h(
      'button',
      {
        class: 'toggle',
        'aria-expanded': String(ui.expanded && hasDiff),
        'aria-controls': bodyId,
        'aria-label': `${ui.expanded ? 'Collapse' : 'Expand'} diff ${file.path}`,
        'data-key': `toggle:${file.id}`,
        disabled: !hasDiff,
        onClick: () => actions.toggle(file.id),
      },
      ui.expanded && hasDiff ? '▾' : '▸',
    ),
    h('span', { class: `action action-${file.action}` }, file.action),
    file.movedFrom !== undefined
      ? h('span', { class: 'path', title: `${file.movedFrom} → ${file.path}` }, `${file.movedFrom} → ${file.path}`)
      : h('span', { class: 'path', title: file.path }, file.path),
    file.performedBy ? h('span', { class: `badge performer performer-${file.performedBy}`, title: PERFORMER[file.performedBy].title }, PERFORMER[file.performedBy].text) : null,
    hasDiff ? h('span', { class: 'stats', 'aria-label': `${file.added} lines added, ${file.removed} removed` }, h('span', { class: 'added' }, `+${file.added}`), ' ', h('span', { class: 'removed' }, `−${file.removed}`)) : null,
    h('span', { class: `badge status status-${file.stale ? 'stale' : file.status}` }, file.stale ? 'Changed since read' : STATUS_TEXT[file.status]),
    file.revisions > 0 ? h('span', { class: 'badge revised', title: 'Verification sent this file back to its worker' }, file.revisions > 1 ? `revised ×${file.revisions}` : 'revised') : null,
    file.applied ? h('span', { class: 'badge applied' }, '✓ Applied') : decisionBadge(file),
    h(
      'span',
      { class: 'card-actions' },
      h(
        'button',
        {
          class: 'accept',
          'aria-label': `Accept ${file.path}`,
          'aria-pressed': String(file.decision === 'accepted'),
          'data-key': `accept:${file.id}`,
          disabled: !decidable,
          onClick: () => actions.decide(file.id, 'accepted'),
        },
        '✓ Accept',
      ),
      h(
        'button',
        {
          class: 'reject secondary',
          'aria-label': `Reject ${file.path}`,
          'aria-pressed': String(file.decision === 'rejected'),
          'data-key': `reject:${file.id}`,
          disabled: !decidable,
          onClick: () => actions.decide(file.id, 'rejected'),
        },
        '✕ Reject',
      ),
      h(
        'button',
        {
          class: 'secondary',
          'aria-label': `Open diff ${file.path}`,
          'data-key': `diff:${file.id}`,
          disabled: file.status !== 'proposed' && !file.applied,
          onClick: () => actions.openDiff(file.id),
        },
        '⇄ Open diff',
      ),
      file.stale || file.status === 'failed'
        ? h(
            'button',
            { class: 'secondary', 'aria-label': `Re-run ${file.path}`, 'data-key': `rerun:${file.id}`, disabled: file.applied, onClick: () => actions.rerun(file.id) },
            '↻ Re-run',
          )
        : null,
    ),
  );

  const details: Child[] = [
    h('p', { class: 'description' }, h('span', { class: 'specialist' }, file.specialist), ' ', file.description),
    file.dependsOn.length > 0 ? h('p', { class: 'depends' }, `After: ${file.dependsOn.join(', ')}`) : null,
    file.addedBecause ? h('p', { class: 'added-because' }, addedBecauseText(file.addedBecause)) : null,
    file.error ? h('p', { class: 'error-text', role: 'alert' }, file.error) : null,
    file.stale ? h('p', { class: 'stale-text' }, 'This file changed after the worker read it, so its proposal would overwrite those edits. Re-run it to start from the current text.') : null,
    file.status === 'proposed' && !hasDiff && file.action === 'modify' ? h('p', { class: 'muted' }, 'The worker proposed no change to this file.') : null,
    looseFindings.length > 0 ? h('ul', { class: 'findings file-findings' }, ...looseFindings.map((finding) => findingItem(finding, file, actions))) : null,
  ];

  let body: Child = null;
  if (hasDiff && ui.expanded) {
    body = h('div', { class: 'diff', id: bodyId, role: 'region', 'aria-label': `Diff of ${file.path}` }, ...renderHunks(file, hunks, findings, ui, actions));
  } else if (hasDiff) {
    const lines = totalLines(hunks);
    body = h('p', { class: 'muted collapsed-note', id: bodyId }, `${file.hunkCount} ${file.hunkCount === 1 ? 'hunk' : 'hunks'}${lines ? `, ${lines} lines` : ''} — expand to show the diff.`);
  }
  return [head, ...details, body];
}

/** "Added to the plan because the language server's rename of A → B changes it (3 places)." */
export function addedBecauseText(reason: string): string {
  const sentence = /^(the|a|an)\s/i.test(reason) ? `Added to the plan because ${reason}` : `Added to the plan: ${reason}`;
  return /[.!?]$/.test(sentence) ? sentence : `${sentence}.`;
}

function decisionBadge(file: FileView): Child {
  if (file.decision === 'pending') return null;
  const text =
    file.decision === 'accepted' ? 'Accepted' : file.decision === 'rejected' ? 'Rejected' : `${file.acceptedHunks.length} of ${file.hunkCount} hunks accepted`;
  return h('span', { class: `badge decision decision-${file.decision}` }, text);
}

function findingItem(finding: FindingView, file: FileView | undefined, actions: CardActions, lead: Child = null): HTMLElement {
  return h(
    'li',
    { class: `finding finding-${finding.severity}` },
    h('span', { class: 'glyph', 'aria-hidden': 'true' }, SEVERITY_GLYPH[finding.severity]),
    h('span', { class: 'visually-hidden' }, `${finding.severity}: `),
    lead,
    lead ? ' ' : null,
    finding.line > 0 && file && file.status === 'proposed'
      ? h('button', { class: 'link', 'aria-label': `Open diff ${file.path} at line ${finding.line}`, onClick: () => actions.openDiff(file.id, finding.line) }, `line ${finding.line}`)
      : finding.line > 0
        ? h('span', { class: 'where' }, `line ${finding.line}`)
        : null,
    ' ',
    h('span', { class: 'kind' }, finding.kind),
    ' ',
    h('span', { class: 'message' }, finding.message),
    finding.relatedPaths.length > 0 ? h('span', { class: 'related' }, ` (also: ${finding.relatedPaths.join(', ')})`) : null,
  );
}

/** Proposal lines that a hunk shows, so findings on them can sit right under the line. */
function inlineFindingLines(hunks: HunkView[] | undefined, findings: FindingView[]): Set<number> {
  const covered = new Set<number>();
  if (!hunks) return covered;
  for (const finding of findings) {
    if (finding.line > 0 && hunks.some((hunk) => finding.line >= hunk.newStart && finding.line < hunk.newStart + hunk.newLines)) covered.add(finding.line);
  }
  return covered;
}

function totalLines(hunks: HunkView[] | undefined): number {
  return hunks ? hunks.reduce((sum, hunk) => sum + hunk.lines.length, 0) : 0;
}

export function diffLineCount(hunks: HunkView[] | undefined): number {
  return totalLines(hunks);
}

function renderHunks(file: FileView, hunks: HunkView[] | undefined, findings: FindingView[], ui: CardUiState, actions: CardActions): Child[] {
  if (!hunks) return [h('p', { class: 'muted' }, 'Loading the diff…')];
  const byLine = new Map<number, FindingView[]>();
  for (const finding of findings) {
    if (finding.line > 0) byLine.set(finding.line, [...(byLine.get(finding.line) ?? []), finding]);
  }
  const accepted = new Set(file.acceptedHunks);
  const decidable = file.status === 'proposed' && !file.applied && !file.stale && file.hunksSelectable;
  const out: Child[] = [];
  let budget = ui.lineBudget;
  let shown = 0;
  for (const hunk of hunks) {
    if (budget <= 0) break;
    out.push(renderHunk(file, hunk, hunks.length, accepted.has(hunk.id), decidable, byLine, budget, actions));
    budget -= hunk.lines.length;
    shown++;
  }
  if (shown < hunks.length) {
    const remaining = hunks.slice(shown).reduce((sum, hunk) => sum + hunk.lines.length, 0);
    out.push(
      h(
        'button',
        { class: 'secondary show-more', 'data-key': `more:${file.id}`, onClick: () => actions.showMore(file.id) },
        `Show more (${hunks.length - shown} more ${hunks.length - shown === 1 ? 'hunk' : 'hunks'}, ${remaining} lines)`,
      ),
    );
  }
  return out;
}

function renderHunk(
  file: FileView,
  hunk: HunkView,
  hunkTotal: number,
  accepted: boolean,
  decidable: boolean,
  findingsByLine: Map<number, FindingView[]>,
  budget: number,
  actions: CardActions,
): HTMLElement {
  const label = `hunk ${hunk.id + 1} of ${hunkTotal} in ${file.path}`;
  const checkbox = h('input', {
    type: 'checkbox',
    'aria-label': `Accept ${label}`,
    'data-key': `hunk:${file.id}:${hunk.id}`,
    disabled: !decidable,
    onChange: (event: Event) => actions.decideHunk(file.id, hunk.id, (event.target as HTMLInputElement).checked),
  });
  checkbox.checked = accepted;
  const head = h(
    'div',
    { class: 'hunk-head' },
    file.hunksSelectable ? h('label', { class: 'hunk-choice' }, checkbox, ` Hunk ${hunk.id + 1} of ${hunkTotal}`) : h('span', {}, `Hunk ${hunk.id + 1} of ${hunkTotal}`),
    h('code', { class: 'range' }, `@@ −${hunk.oldStart},${hunk.oldLines} +${hunk.newStart},${hunk.newLines} @@`),
  );
  const rows: Child[] = [];
  let oldLine = hunk.oldStart;
  let newLine = hunk.newStart;
  const limit = Math.max(budget, 20); // a started hunk shows at least a screenful
  for (const [index, line] of hunk.lines.entries()) {
    if (index >= limit) {
      rows.push(h('div', { class: 'line note' }, `… ${hunk.lines.length - index} more lines in this hunk — open the diff to see them all`));
      break;
    }
    const sign = line[0] ?? ' ';
    const text = line.slice(1);
    if (sign === '\\') {
      rows.push(h('div', { class: 'line note' }, text.trim()));
      continue;
    }
    const kind = sign === '+' ? 'added' : sign === '-' ? 'removed' : 'context';
    const oldNumber = sign === '+' ? '' : String(oldLine++);
    const newNumber = sign === '-' ? '' : String(newLine);
    rows.push(
      h(
        'div',
        { class: `line ${kind}` },
        h('span', { class: 'ln', 'aria-hidden': 'true' }, oldNumber),
        h('span', { class: 'ln', 'aria-hidden': 'true' }, newNumber),
        h('span', { class: 'sign', 'aria-hidden': 'true' }, sign === ' ' ? '' : sign === '-' ? '−' : '+'),
        h('span', { class: 'text' }, text),
      ),
    );
    if (sign !== '-') {
      for (const finding of findingsByLine.get(newLine) ?? []) {
        rows.push(
          h(
            'div',
            { class: `line inline-finding finding-${finding.severity}`, role: 'note' },
            h('span', { class: 'glyph', 'aria-hidden': 'true' }, SEVERITY_GLYPH[finding.severity]),
            h('span', { class: 'message' }, `${finding.severity} (${finding.kind}): ${finding.message}`),
          ),
        );
      }
      newLine++;
    }
  }
  return h('section', { class: `hunk ${file.hunksSelectable ? (accepted ? 'hunk-accepted' : 'hunk-pending') : ''}`, 'aria-label': label }, head, h('div', { class: 'lines' }, ...rows));
}

export function findingSummaryItem(finding: FindingView, file: FileView | undefined, jump: (id: string) => void, actions: CardActions): HTMLElement {
  const where = file
    ? h('button', { class: 'link path-link', 'aria-label': `Show ${finding.path}`, onClick: () => jump(file.id) }, finding.path)
    : h('span', { class: 'path' }, finding.path);
  return findingItem(finding, file, actions, where);
}
