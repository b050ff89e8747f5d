// The review webview. It renders what the extension sends and sends back what the user decides; the
// extension owns all state (decisions included), so a reload just asks for everything again. Every
// message is validated against the shared protocol; invalid ones are dropped. Files are named only by
// their change ids. Only the view's own state (expanded cards, "Show more", the plan open or closed)
// is kept here, and saved with setState so it survives hide/show (see uiState.ts).
import { parseToWebview, type FileView, type FindingView, type FromWebview, type HunkView, type SessionView, type ToWebview } from '../protocol/webviewProtocol';
import { h, replaceChildrenKeepingFocus, type Child } from './dom';
import { COLLAPSE_ABOVE_LINES, LINES_PER_BATCH, diffLineCount, findingSummaryItem, renderCardContent, type CardActions, type CardUiState } from './fileCard';
import { restoreUiState, type SavedUiState } from './uiState';

interface VsCodeApi {
  postMessage(message: FromWebview): void;
  getState(): unknown;
  setState(state: SavedUiState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const post = (message: FromWebview): void => vscode.postMessage(message);
const saved = restoreUiState(vscode.getState());

const state = {
  session: undefined as SessionView | undefined,
  receivedAt: 0,
  files: new Map<string, FileView>(),
  hunks: new Map<string, { version: number; hunks: HunkView[] }>(),
  findings: [] as FindingView[],
  ui: new Map<string, CardUiState>(Object.entries(saved.cards)),
  /** Files whose diff size has been seen once (decides collapsed or open at first sight only). */
  sized: new Set<string>(saved.sized),
  planOpen: saved.planOpen,
  notice: undefined as { level: 'info' | 'warning' | 'error'; message: string } | undefined,
  /** A first click on Apply in a partial run arms it; the second click ("Apply N of M anyway") applies. */
  applyArmed: false,
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
    saveUiState();
    renderCard(id);
  },
  showMore: (id) => {
    uiFor(id).lineBudget += LINES_PER_BATCH;
    saveUiState();
    renderCard(id);
  },
};

/** Kept by VS Code while the panel is hidden and handed back when its script starts again. */
function saveUiState(): void {
  vscode.setState({ cards: Object.fromEntries(state.ui), sized: [...state.sized], ...(state.planOpen === undefined ? {} : { planOpen: state.planOpen }) });
}

// ---------------------------------------------------------------------------------------------
// Layout: static sections filled in by the render functions below.

const app = document.getElementById('app') ?? document.body;
const header = h('header', { class: 'top' });
const noticeArea = h('div', { class: 'notice', role: 'status', 'aria-live': 'polite' });
const synthesisSection = h('section', { class: 'synthesis', 'aria-label': 'Summary of the change' });
const languageServerSection = h('section', { class: 'language-server', 'aria-label': 'Language server' });
const planSection = h('section', { class: 'plan', 'aria-label': 'Plan' });
const findingsSection = h('section', { class: 'findings-summary', 'aria-label': 'Findings' });
const suggestionsSection = h('section', { class: 'suggestions', 'aria-label': 'Files the changes break outside the plan' });
const usageSection = h('section', { class: 'usage', 'aria-label': 'Usage' });
const filesSection = h('section', { class: 'files', 'aria-label': 'Files' });
const cards = new Map<string, HTMLElement>();
app.replaceChildren(header, noticeArea, synthesisSection, languageServerSection, planSection, findingsSection, suggestionsSection, filesSection, usageSection);

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
    session.partial ? partialWarning(session.partial, state.applyArmed) : null,
    session.compileCheck
      ? h('p', { class: `compile-verdict verdict-${session.compileCheck.state}`, 'data-key': 'compile-verdict' }, h('span', { class: 'label' }, 'Compile check: '), session.compileCheck.verdict)
      : null,
    h(
      'div',
      { class: 'toolbar', role: 'toolbar', 'aria-label': 'Review actions' },
      h('button', { class: 'secondary', 'data-key': 'accept-all', disabled: proposed === 0, onClick: () => post({ type: 'setAllDecisions', decision: 'accepted' }) }, '✓ Accept all'),
      h('button', { class: 'secondary', 'data-key': 'reject-all', disabled: proposed === 0, onClick: () => post({ type: 'setAllDecisions', decision: 'rejected' }) }, '✕ Reject all'),
      applyButton(session),
      h(
        'button',
        {
          class: 'secondary',
          'data-key': 'save-patch',
          disabled: !session.canApply,
          title: session.canApply ? 'Save the accepted files and hunks as one unified diff, without changing any file' : 'Available once something is accepted and the run has finished',
          onClick: () => post({ type: 'savePatch' }),
        },
        'Save as patch…',
      ),
      session.running ? h('button', { class: 'secondary', 'data-key': 'cancel', onClick: () => post({ type: 'cancelRun' }) }, '■ Cancel run') : null,
      h('button', { class: 'secondary', 'data-key': 'all-diffs', disabled: proposed === 0, title: 'Every proposed file in VS Code\'s multi-file diff editor', onClick: () => post({ type: 'openAllDiffs' }) }, 'Open all diffs'),
      h('button', { class: 'secondary', 'data-key': 'log', onClick: () => post({ type: 'showLog' }) }, 'Show log'),
    ),
  ]);
}

/**
 * In a run where planned files failed, Apply asks for a confirmation inside the panel: the first click
 * turns it into "Apply N of M anyway", the second applies. (A modal dialog would hang scripted callers.)
 */
function applyButton(session: SessionView): HTMLButtonElement {
  const partial = session.partial;
  const armed = partial !== undefined && state.applyArmed;
  const label = partial === undefined ? 'Apply accepted changes' : armed ? `Apply ${partial.planned - partial.failed.length} of ${partial.planned} anyway` : 'Apply accepted changes…';
  const title = !session.canApply
    ? session.running ? 'Available when the run has finished' : 'Accept a file or some hunks first'
    : partial !== undefined && !armed ? 'Some planned files failed: you will be asked to confirm' : 'Write the accepted files and hunks in one undoable edit';
  return h(
    'button',
    {
      class: armed ? 'primary danger' : 'primary',
      'data-key': 'apply',
      disabled: !session.canApply,
      title,
      onClick: () => {
        if (partial !== undefined && !state.applyArmed) {
          state.applyArmed = true;
          renderHeader();
          return;
        }
        state.applyArmed = false;
        post(partial !== undefined ? { type: 'apply', allowPartial: true } : { type: 'apply' });
      },
    },
    label,
  );
}

function partialWarning(partial: NonNullable<SessionView['partial']>, armed: boolean): HTMLElement {
  return h(
    'div',
    { class: 'partial-warning', role: 'alert' },
    h('p', {}, `${partial.summary}.`),
    h('p', { class: 'failed-list' }, 'Failed: ', partial.failed.join(', ')),
    h('p', { class: 'muted' }, armed ? 'Click “Apply … anyway” again to write the accepted changes of the other files; the failed files keep their old code.' : 'Re-run the failed files, or apply the rest after confirming.'),
  );
}

function renderNotice(): void {
  const notice = state.notice;
  noticeArea.className = notice ? `notice notice-${notice.level}` : 'notice';
  noticeArea.replaceChildren(...(notice ? [document.createTextNode(notice.message)] : []));
}

/** The run's closing synthesis heads the review once it has settled; it is also the commit message. */
function renderSynthesis(): void {
  const text = state.session?.synthesis;
  if (!text) {
    synthesisSection.replaceChildren();
    return;
  }
  replaceChildrenKeepingFocus(synthesisSection, [
    h('h2', {}, 'Summary of the change'),
    h('pre', { class: 'synthesis-text' }, text),
    h('button', { class: 'secondary', 'data-key': 'copy-commit-message', title: 'Copy it, and fill the Source Control message box when it is empty', onClick: () => post({ type: 'copyCommitMessage' }) }, 'Copy commit message'),
  ]);
}

/** What the language server did (renames, with how many places) and where the models took over, and why. */
function renderLanguageServer(): void {
  const notes = state.session?.languageServer ?? [];
  if (notes.length === 0) {
    languageServerSection.replaceChildren();
    return;
  }
  replaceChildrenKeepingFocus(languageServerSection, [
    h('h2', {}, 'Language server'),
    h(
      'ul',
      { class: 'language-server-notes' },
      ...notes.map((note) =>
        h('li', { class: `ls-note ls-note-${note.level}` }, h('span', { class: 'glyph', 'aria-hidden': 'true' }, note.level === 'warn' ? '⚠' : 'ℹ'), h('span', { class: 'visually-hidden' }, note.level === 'warn' ? 'fallback: ' : ''), ' ', note.message),
      ),
    ),
  ]);
}

function renderPlan(): void {
  const plan = state.session?.plan;
  if (!plan) {
    planSection.replaceChildren(h('p', { class: 'muted' }, 'Waiting for the plan…'));
    return;
  }
  const details = h(
    'details',
    {
      onToggle: () => {
        if (state.planOpen === details.open) return;
        state.planOpen = details.open;
        saveUiState();
      },
    },
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
  // A short plan starts open; after that the user's choice stays, across hide/show too.
  details.open = state.planOpen ?? plan.changes.length <= 8;
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

/** extendPlan "ask": each file outside the plan that the changes break, with why and a button to add it. */
function renderSuggestions(): void {
  const suggestions = state.session?.suggestions ?? [];
  if (suggestions.length === 0) {
    suggestionsSection.replaceChildren();
    return;
  }
  const busy = state.session?.running ?? false;
  replaceChildrenKeepingFocus(suggestionsSection, [
    h('h2', {}, `Outside the plan (${suggestions.length})`),
    h(
      'ul',
      { class: 'suggestion-list' },
      ...suggestions.map((suggestion) =>
        h(
          'li',
          {},
          h('span', { class: 'path' }, suggestion.path),
          h('div', { class: 'description' }, suggestion.reason),
          h(
            'button',
            { class: 'secondary', 'data-key': `add-${suggestion.id}`, disabled: busy, title: busy ? 'Available when the run has finished' : 'Give this file its own change, then check everything again', onClick: () => post({ type: 'addSuggestion', id: suggestion.id }) },
            'Add to refactor',
          ),
        ),
      ),
    ),
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
    saveUiState();
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
      if (!message.session.partial) state.applyArmed = false;
      state.session = message.session;
      state.receivedAt = Date.now();
      renderHeader();
      renderSynthesis();
      renderLanguageServer();
      renderPlan();
      renderSuggestions();
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
        saveUiState();
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
