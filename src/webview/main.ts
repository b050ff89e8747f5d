// The review webview. It renders what the extension sends and sends back what the user decides; the
// extension owns all state (decisions included), so a reload just asks for everything again. Every
// message is validated against the shared protocol; invalid ones are dropped. Files are named only by
// their change ids.
import { parseToWebview, type FileView, type FindingView, type FromWebview, type HunkView, type SessionView, type ToWebview } from '../protocol/webviewProtocol';
import { h, replaceChildrenKeepingFocus, type Child } from './dom';
import { COLLAPSE_ABOVE_LINES, LINES_PER_BATCH, diffLineCount, findingSummaryItem, renderCardContent, type CardActions, type CardUiState } from './fileCard';

interface VsCodeApi {
  postMessage(message: FromWebview): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const post = (message: FromWebview): void => vscode.postMessage(message);

const state = {
  session: undefined as SessionView | undefined,
  receivedAt: 0,
  files: new Map<string, FileView>(),
  hunks: new Map<string, { version: number; hunks: HunkView[] }>(),
  findings: [] as FindingView[],
  ui: new Map<string, CardUiState>(),
  /** Files whose diff size has been seen once (decides collapsed or open at first sight only). */
  sized: new Set<string>(),
  notice: undefined as { level: 'info' | 'warning' | 'error'; message: string } | undefined,
};

const STAGE_TEXT: Record<SessionView['stage'], string> = {
  reading: 'Reading the workspace',
  planning: 'Planning',
  working: 'Writing changes',
  verifying: 'Checking consistency',
  revising: 'Revising flagged files',
  done: 'Ready for review',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

const actions: CardActions = {
  decide: (id, decision) => post({ type: 'setFileDecision', id, decision }),
  decideHunk: (id, hunkId, accepted) => post({ type: 'setHunkDecision', id, hunkId, accepted }),
  openDiff: (id, line) => post(line ? { type: 'openDiff', id, line } : { type: 'openDiff', id }),
  rerun: (id) => post({ type: 'rerun', id }),
  toggle: (id) => {
    const ui = uiFor(id);
    ui.expanded = !ui.expanded;
    renderCard(id);
  },
  showMore: (id) => {
    uiFor(id).lineBudget += LINES_PER_BATCH;
    renderCard(id);
  },
};

// ---------------------------------------------------------------------------------------------
// Layout: static sections filled in by the render functions below.

const app = document.getElementById('app') ?? document.body;
const header = h('header', { class: 'top' });
const noticeArea = h('div', { class: 'notice', role: 'status', 'aria-live': 'polite' });
const planSection = h('section', { class: 'plan', 'aria-label': 'Plan' });
const findingsSection = h('section', { class: 'findings-summary', 'aria-label': 'Findings' });
const usageSection = h('section', { class: 'usage', 'aria-label': 'Usage' });
const filesSection = h('section', { class: 'files', 'aria-label': 'Files' });
const cards = new Map<string, HTMLElement>();
app.replaceChildren(header, noticeArea, planSection, findingsSection, filesSection, usageSection);

function uiFor(id: string): CardUiState {
  let ui = state.ui.get(id);
  if (!ui) {
    ui = { expanded: true, lineBudget: LINES_PER_BATCH };
    state.ui.set(id, ui);
  }
  return ui;
}

function renderHeader(): void {
  const session = state.session;
  if (!session) return;
  const proposed = [...state.files.values()].filter((file) => file.status === 'proposed').length;
  replaceChildrenKeepingFocus(header, [
    h('h1', {}, 'Refactor review'),
    h('p', { class: 'request' }, h('span', { class: 'label' }, 'Request: '), session.request),
    h(
      'div',
      { class: 'status-line' },
      h('span', { class: `badge stage stage-${session.stage}` }, session.running && session.stage === 'done' ? 'Re-running' : STAGE_TEXT[session.stage]),
      h('span', { class: 'counts' }, `${proposed} of ${state.files.size} files ready`),
      h('span', { class: 'elapsed', 'aria-label': 'Elapsed time' }, formatElapsed(currentElapsed())),
    ),
    session.error ? h('p', { class: 'error-text', role: 'alert' }, session.error) : null,
    h(
      'div',
      { class: 'toolbar', role: 'toolbar', 'aria-label': 'Review actions' },
      h('button', { class: 'secondary', 'data-key': 'accept-all', disabled: proposed === 0, onClick: () => post({ type: 'setAllDecisions', decision: 'accepted' }) }, '✓ Accept all'),
      h('button', { class: 'secondary', 'data-key': 'reject-all', disabled: proposed === 0, onClick: () => post({ type: 'setAllDecisions', decision: 'rejected' }) }, '✕ Reject all'),
      h(
        'button',
        {
          class: 'primary',
          'data-key': 'apply',
          disabled: !session.canApply,
          title: session.canApply ? 'Write the accepted files and hunks in one undoable edit' : session.running ? 'Available when the run has finished' : 'Accept a file or some hunks first',
          onClick: () => post({ type: 'apply' }),
        },
        'Apply accepted changes',
      ),
      session.running ? h('button', { class: 'secondary', 'data-key': 'cancel', onClick: () => post({ type: 'cancelRun' }) }, '■ Cancel run') : null,
      h('button', { class: 'secondary', 'data-key': 'log', onClick: () => post({ type: 'showLog' }) }, 'Show log'),
    ),
  ]);
}

function renderNotice(): void {
  const notice = state.notice;
  noticeArea.className = notice ? `notice notice-${notice.level}` : 'notice';
  noticeArea.replaceChildren(...(notice ? [document.createTextNode(notice.message)] : []));
}

function renderPlan(): void {
  const plan = state.session?.plan;
  if (!plan) {
    planSection.replaceChildren(h('p', { class: 'muted' }, 'Waiting for the plan…'));
    return;
  }
  const details = h(
    'details',
    {},
    h('summary', {}, h('h2', {}, `Plan — ${plan.changes.length} ${plan.changes.length === 1 ? 'change' : 'changes'}`)),
    h(
      'ol',
      { class: 'plan-list' },
      ...plan.changes.map((change) =>
        h(
          'li',
          {},
          h('span', { class: `action action-${change.action}` }, change.action),
          ' ',
          h('span', { class: 'path' }, change.path),
          ' ',
          h('span', { class: 'specialist' }, change.specialist),
          change.dependsOn.length > 0 ? h('span', { class: 'depends' }, ` after ${change.dependsOn.join(', ')}`) : null,
          h('div', { class: 'description' }, change.description),
        ),
      ),
    ),
  );
  // A short plan starts open; after that the user's choice stays.
  const previous = planSection.querySelector('details');
  details.open = previous ? previous.open : plan.changes.length <= 8;
  planSection.replaceChildren(h('p', { class: 'plan-summary' }, plan.summary), details);
}

function renderFindings(): void {
  if (state.findings.length === 0) {
    findingsSection.replaceChildren();
    return;
  }
  const order = { error: 0, warning: 1, info: 2 } as const;
  const sorted = [...state.findings].sort((a, b) => order[a.severity] - order[b.severity] || a.path.localeCompare(b.path) || a.line - b.line);
  replaceChildrenKeepingFocus(findingsSection, [
    h('h2', {}, `Findings (${sorted.length})`),
    h('ul', { class: 'findings' }, ...sorted.map((finding) => findingSummaryItem(finding, finding.fileId ? state.files.get(finding.fileId) : undefined, jumpToCard, actions))),
  ]);
}

function renderUsage(): void {
  const usage = state.session?.usage;
  if (!usage) return;
  const roles = ['planner', 'worker', 'verifier'] as const;
  const total = roles.reduce((sum, role) => sum + usage[role].promptTokens + usage[role].completionTokens, 0);
  usageSection.replaceChildren(
    h('h2', {}, 'Usage'),
    h(
      'table',
      {},
      h(
        'thead',
        {},
        h('tr', {}, h('th', { scope: 'col' }, 'Role'), h('th', { scope: 'col' }, 'Requests'), h('th', { scope: 'col' }, 'Prompt tokens'), h('th', { scope: 'col' }, 'of which cached'), h('th', { scope: 'col' }, 'Completion tokens')),
      ),
      h(
        'tbody',
        {},
        ...roles.map((role) =>
          h(
            'tr',
            {},
            h('th', { scope: 'row' }, role),
            h('td', {}, String(usage[role].requests)),
            h('td', {}, usage[role].promptTokens.toLocaleString()),
            h('td', {}, (usage[role].cachedPromptTokens ?? 0).toLocaleString()),
            h('td', {}, usage[role].completionTokens.toLocaleString()),
          ),
        ),
      ),
    ),
    h('p', { class: 'muted' }, `${total.toLocaleString()} tokens in all · `, h('span', { class: 'elapsed' }, formatElapsed(currentElapsed())), ' elapsed'),
  );
}

function renderCard(id: string): void {
  const file = state.files.get(id);
  if (!file) return;
  let card = cards.get(id);
  if (!card) {
    card = h('article', { id: `file-${id}`, class: 'card', tabindex: '-1' });
    cards.set(id, card);
    filesSection.appendChild(card);
  }
  card.className = `card status-${file.stale ? 'stale' : file.status} decision-${file.decision}${file.applied ? ' applied' : ''}`;
  card.setAttribute('aria-label', file.path);
  const cached = state.hunks.get(id);
  const hunks = cached && cached.version === file.proposalVersion ? cached.hunks : undefined;
  const findings = state.findings.filter((finding) => finding.fileId === id);
  replaceChildrenKeepingFocus(card, renderCardContent(file, hunks, findings, uiFor(id), actions) as Child[]);
}

function jumpToCard(id: string): void {
  const card = cards.get(id);
  if (!card) return;
  const ui = uiFor(id);
  if (!ui.expanded) {
    ui.expanded = true;
    renderCard(id);
  }
  card.scrollIntoView({ block: 'start' });
  card.focus();
}

// ---------------------------------------------------------------------------------------------
// Messages

function receive(message: ToWebview): void {
  switch (message.type) {
    case 'session':
      state.session = message.session;
      state.receivedAt = Date.now();
      renderHeader();
      renderPlan();
      renderUsage();
      orderCards();
      return;
    case 'file': {
      const previous = state.files.get(message.file.id);
      state.files.set(message.file.id, message.file);
      renderCard(message.file.id);
      if (!previous || previous.status !== message.file.status) renderHeader();
      return;
    }
    case 'hunks': {
      state.hunks.set(message.id, { version: message.proposalVersion, hunks: message.hunks });
      const ui = uiFor(message.id);
      // Big diffs start collapsed; small ones open, so the review reads top to bottom.
      if (!state.sized.has(message.id)) {
        state.sized.add(message.id);
        ui.expanded = diffLineCount(message.hunks) <= COLLAPSE_ABOVE_LINES;
      }
      renderCard(message.id);
      return;
    }
    case 'findings':
      state.findings = message.findings;
      for (const id of state.files.keys()) renderCard(id);
      renderFindings();
      return;
    case 'notice':
      state.notice = { level: message.level, message: message.message };
      renderNotice();
      return;
  }
}

/** Cards follow the plan's order, whatever order their updates arrived in. */
function orderCards(): void {
  const changes = state.session?.plan?.changes ?? [];
  for (const change of changes) {
    const card = cards.get(change.id);
    if (card) filesSection.appendChild(card);
  }
}

function currentElapsed(): number {
  const session = state.session;
  if (!session) return 0;
  return session.running ? session.elapsedMs + (Date.now() - state.receivedAt) : session.elapsedMs;
}

function formatElapsed(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  return seconds < 60 ? `${seconds}s` : `${Math.floor(seconds / 60)}m ${String(seconds % 60).padStart(2, '0')}s`;
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const parsed = parseToWebview(event.data);
  if (!parsed.ok) {
    console.warn(`Refactor review: dropped an invalid message (${parsed.problem}).`);
    return;
  }
  receive(parsed.message);
});

// The elapsed time keeps counting while the run is going, without a message per second.
setInterval(() => {
  if (!state.session?.running) return;
  for (const element of document.querySelectorAll('.elapsed')) element.textContent = formatElapsed(currentElapsed());
}, 1000);

post({ type: 'ready' });
