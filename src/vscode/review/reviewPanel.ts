// The review webview's host side: builds the page (strict CSP, per-load nonce, assets only from dist/
// and media/), keeps it in sync with a ReviewSession, and turns the webview's validated messages into
// actions. The webview holds no state worth keeping: whenever it (re)loads it says `ready` and gets
// everything again, so the panel needs no retainContextWhenHidden.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { DisposableStore } from '../../core/lifecycle';
import { parseFromWebview, type FromWebview, type ToWebview } from '../../protocol/webviewProtocol';
import type { ReviewSession } from './reviewSession';

export interface ReviewActions {
  /** `allowPartial`: the user confirmed applying although planned files failed. */
  apply(allowPartial: boolean): Promise<void>;
  savePatch(): Promise<void>;
  rerun(id: string): Promise<void>;
  addSuggestion(id: string): Promise<void>;
  openDiff(id: string, line?: number): Promise<void>;
  openAllDiffs(): Promise<void>;
  copyCommitMessage(): Promise<void>;
  cancelRun(): void;
  showLog(): void;
}

export class ReviewPanel implements vscode.Disposable {
  static readonly viewType = 'refactorOrchestrator.review';

  private readonly panel: vscode.WebviewPanel;
  private readonly disposables = new DisposableStore();
  private readonly sentVersions = new Map<string, number>();
  private readonly disposeEmitter = new vscode.EventEmitter<void>();
  readonly onDidDispose = this.disposeEmitter.event;
  private disposed = false;

  constructor(
    extensionUri: vscode.Uri,
    readonly review: ReviewSession,
    private readonly actions: ReviewActions,
    private readonly log: vscode.LogOutputChannel,
  ) {
    const dist = vscode.Uri.joinPath(extensionUri, 'dist');
    const media = vscode.Uri.joinPath(extensionUri, 'media');
    this.panel = vscode.window.createWebviewPanel(
      ReviewPanel.viewType,
      'Refactor Review',
      { viewColumn: vscode.ViewColumn.Active, preserveFocus: false },
      { enableScripts: true, localResourceRoots: [dist, media], enableFindWidget: true },
    );
    this.panel.webview.html = reviewHtml(this.panel.webview, dist, media);
    this.disposables.add(this.panel.onDidDispose(() => this.dispose()));
    this.disposables.add(this.panel.webview.onDidReceiveMessage((raw: unknown) => void this.receive(raw)));
    this.disposables.add(
      review.onDidChange((change) => {
        if (change.kind === 'session') this.post({ type: 'session', session: review.sessionView() });
        else if (change.kind === 'file') this.sendFile(change.id);
        else if (change.kind === 'findings') this.post({ type: 'findings', findings: review.findingViews() });
        else this.post({ type: 'notice', level: change.level, message: change.message });
      }),
    );
  }

  reveal(): void {
    this.panel.reveal(undefined, false);
  }

  get visible(): boolean {
    return !this.disposed && this.panel.visible;
  }

  /** The entry point of every webview message; public so tests can drive the panel without a browser. */
  async receive(raw: unknown): Promise<void> {
    const parsed = parseFromWebview(raw);
    if (!parsed.ok) {
      this.log.warn(`Review: dropped an invalid message from the webview (${parsed.problem}).`);
      return;
    }
    const message = parsed.message;
    // Suggestion ids name files outside the plan the review offered; every other id is a change id.
    const known = message.type === 'addSuggestion' ? this.review.session.suggestions.some((s) => s.id === message.id) : 'id' in message && this.review.has(message.id);
    if ('id' in message && !known) {
      this.log.warn(`Review: dropped a '${message.type}' message for unknown change id '${message.id}'.`);
      return;
    }
    try {
      await this.handle(message);
    } catch (error) {
      const text = error instanceof Error ? error.message : String(error);
      this.log.error(`Review: '${message.type}' failed: ${text}`);
      this.post({ type: 'notice', level: 'error', message: text });
    }
  }

  private async handle(message: FromWebview): Promise<void> {
    switch (message.type) {
      case 'ready':
        this.sendEverything();
        return;
      // Decisions need no reply here: the review announces the file's new state, and a change of what
      // can be applied, itself.
      case 'setFileDecision':
        this.review.setFileDecision(message.id, message.decision);
        return;
      case 'setHunkDecision':
        this.review.setHunkDecision(message.id, message.hunkId, message.accepted);
        return;
      case 'setAllDecisions':
        this.review.setAllDecisions(message.decision);
        return;
      case 'openDiff':
        await this.actions.openDiff(message.id, message.line);
        return;
      case 'openAllDiffs':
        await this.actions.openAllDiffs();
        return;
      case 'copyCommitMessage':
        await this.actions.copyCommitMessage();
        return;
      case 'rerun':
        await this.actions.rerun(message.id);
        return;
      case 'addSuggestion':
        await this.actions.addSuggestion(message.id);
        return;
      case 'apply':
        await this.actions.apply(message.allowPartial === true);
        return;
      case 'savePatch':
        await this.actions.savePatch();
        return;
      case 'cancelRun':
        this.actions.cancelRun();
        return;
      case 'showLog':
        this.actions.showLog();
        return;
    }
  }

  private sendEverything(): void {
    this.sentVersions.clear();
    this.post({ type: 'session', session: this.review.sessionView() });
    for (const file of this.review.session.files) this.sendFile(file.id);
    this.post({ type: 'findings', findings: this.review.findingViews() });
  }

  private sendFile(id: string): void {
    const view = this.review.fileView(id);
    if (!view) return;
    this.post({ type: 'file', file: view });
    // Hunks go once per proposal: decisions change often, the diff only with a new proposal.
    if (view.hunkCount > 0 && this.sentVersions.get(id) !== view.proposalVersion) {
      this.sentVersions.set(id, view.proposalVersion);
      this.post({ type: 'hunks', id, proposalVersion: view.proposalVersion, hunks: this.review.hunks(id) });
    }
  }

  private post(message: ToWebview): void {
    if (this.disposed) return;
    void this.panel.webview.postMessage(message);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.disposables.dispose();
    this.panel.dispose();
    this.disposeEmitter.fire();
    this.disposeEmitter.dispose();
  }
}

function reviewHtml(webview: vscode.Webview, dist: vscode.Uri, media: vscode.Uri): string {
  const nonce = randomBytes(16).toString('base64');
  const script = webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.js'));
  const style = webview.asWebviewUri(vscode.Uri.joinPath(media, 'review.css'));
  const csp = `default-src 'none'; style-src ${webview.cspSource}; script-src 'nonce-${nonce}';`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${style.toString()}">
<title>Refactor Review</title>
</head>
<body>
<main id="app" aria-label="Refactor review"><p class="loading">Loading the review…</p></main>
<script nonce="${nonce}" src="${script.toString()}"></script>
</body>
</html>`;
}
