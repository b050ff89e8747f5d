// Serves a review's original and proposed texts as read-only documents on a scheme of our own, so
// `vscode.diff` can show a proposal before anything is written, and findings can be shown on it as
// diagnostics. URIs look like `refactor-review:/r1/proposed/c2/src/a.ts`: review, side, change id, and
// the path last so the editor shows the right file name and language.
import * as vscode from 'vscode';
import type { ReviewSession } from './reviewSession';

export const REVIEW_SCHEME = 'refactor-review';
export type ContentSide = 'original' | 'proposed';

export function reviewContentUri(review: ReviewSession, side: ContentSide, id: string): vscode.Uri | undefined {
  const file = review.session.file(id);
  if (!file) return undefined;
  return vscode.Uri.from({ scheme: REVIEW_SCHEME, path: `/${review.reviewId}/${side}/${id}/${file.path}` });
}

export class ReviewContentProvider implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changeEmitter.event;
  private review: ReviewSession | undefined;
  private subscription: vscode.Disposable | undefined;

  /** The review whose documents are served; documents of earlier reviews read as empty. */
  setReview(review: ReviewSession | undefined): void {
    this.subscription?.dispose();
    this.review = review;
    this.subscription = review?.onDidChange((change) => {
      if (change.kind !== 'file') return;
      for (const side of ['original', 'proposed'] as const) {
        const uri = reviewContentUri(review, side, change.id);
        if (uri) this.changeEmitter.fire(uri);
      }
    });
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    const [, reviewId, side, id] = uri.path.split('/');
    const review = this.review;
    if (!review || reviewId !== review.reviewId || !id) return '';
    const file = review.session.file(id);
    if (!file) return '';
    return (side === 'original' ? file.original : file.proposed) ?? '';
  }

  dispose(): void {
    this.subscription?.dispose();
    this.changeEmitter.dispose();
  }
}
