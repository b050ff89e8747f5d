// The one thing the chat participant and the language-model tool need from the extension: start a
// refactoring the way the command does (trust, settings, provider, review panel) and hear about its
// review as soon as it exists. A seam rather than the controller itself, so the chat side does not
// depend on how the command and the review are put together.
import type * as vscode from 'vscode';
import type { ReviewSession } from '../review/reviewSession';

export interface RefactorRequest {
  request: string;
  scope?: vscode.Uri[];
  /** Called once, when the run's review exists (before planning ends), so callers can follow it. */
  onStart?: (review: ReviewSession) => void;
}

export interface RefactorRunner {
  /** Resolves when the run has settled; undefined when nothing ran (untrusted, no folder, already running). */
  refactor(request: RefactorRequest): Promise<ReviewSession | undefined>;
  cancelRun(): void;
}
