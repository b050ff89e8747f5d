// What the user is reviewing, as the VS Code side sees it: the core's review rules (ReviewState:
// decisions, stale and applied files, what can be applied) plus the views the webview renders. Each
// review has its own id, so its proposed-content URIs never show an earlier review's text.
import type * as vscode from 'vscode';
import { partialRunSummary } from '../../core/review/partialRun';
import { ReviewState } from '../../core/review/reviewState';
import type { FileView, FindingView, SessionView } from '../../protocol/webviewProtocol';

export type { ReviewChange } from '../../core/review/reviewState';

let nextReviewNumber = 1;

export class ReviewSession extends ReviewState implements vscode.Disposable {
  /** Distinguishes this review's proposed-content URIs from an earlier review's. */
  readonly reviewId = `r${nextReviewNumber++}`;

  fileView(id: string): FileView | undefined {
    const file = this.session.file(id);
    if (!file || !this.tracks(id)) return undefined;
    const hunks = file.status === 'proposed' || file.proposed !== null ? this.hunks(id) : [];
    let added = 0;
    let removed = 0;
    for (const hunk of hunks) {
      for (const line of hunk.lines) {
        if (line.startsWith('+')) added++;
        else if (line.startsWith('-')) removed++;
      }
    }
    return {
      id: file.id,
      path: file.path,
      action: file.action,
      ...(file.movedFrom ? { movedFrom: file.movedFrom } : {}),
      description: file.description,
      specialist: file.specialist,
      dependsOn: file.dependsOn,
      status: file.status,
      ...(file.error ? { error: file.error } : {}),
      revisions: file.revisions,
      stale: this.isStale(id),
      applied: this.isApplied(id),
      decision: this.decision(id),
      acceptedHunks: this.acceptedHunkIds(id),
      hunkCount: hunks.length,
      hunksSelectable: file.action === 'modify' && hunks.length > 0,
      added,
      removed,
      proposalVersion: this.proposalVersion(id),
      ...(file.performedBy ? { performedBy: file.performedBy } : {}),
      ...(file.addedBecause ? { addedBecause: file.addedBecause } : {}),
    };
  }

  sessionView(): SessionView {
    const { session } = this;
    const end = session.timings.finishedAt && !this.running ? session.timings.finishedAt : Date.now();
    return {
      request: session.request,
      stage: session.stage,
      ...(session.error ? { error: session.error } : {}),
      ...(session.plan
        ? {
            plan: {
              summary: session.plan.summary,
              changes: session.plan.changes.map(({ id, path, action, description, specialist, dependsOn }) => ({ id, path, action, description, specialist, dependsOn })),
            },
          }
        : {}),
      usage: session.usage,
      elapsedMs: Math.max(0, end - session.timings.startedAt),
      running: this.running,
      canApply: this.canApply,
      ...(this.running ? {} : { synthesis: this.synthesis().message }),
      ...(session.compileCheck ? { compileCheck: { state: session.compileCheck.state, verdict: session.compileCheck.verdict } } : {}),
      suggestions: session.suggestions.map(({ id, path, reason }) => ({ id, path, reason })),
      ...(session.languageServerNotes.length > 0 ? { languageServer: session.languageServerNotes.slice(-200).map(({ level, message }) => ({ level, message })) } : {}),
      ...this.partialView(),
    };
  }

  private partialView(): Pick<SessionView, 'partial'> {
    const partial = this.partialRun();
    return partial ? { partial: { planned: partial.planned, failed: partial.failed, summary: partialRunSummary(partial) } } : {};
  }

  findingViews(): FindingView[] {
    return this.session.findings.map((finding) => {
      const file = this.session.files.find((candidate) => candidate.path === finding.path);
      return {
        ...(file ? { fileId: file.id } : {}),
        path: finding.path,
        line: finding.line,
        severity: finding.severity,
        kind: finding.kind,
        message: finding.message,
        relatedPaths: finding.relatedPaths,
        ...(finding.source ? { source: finding.source } : {}),
        ...(finding.code ? { code: finding.code } : {}),
      };
    });
  }
}
