// `@refactor` in VS Code's chat: the message is the request. The reply follows the run as it happens
// (the plan's summary and files, each file as its proposal is ready or fails), then says what was
// proposed and links to the review panel, where accepting and applying happen exactly as for the
// command: the chat itself never writes a file. A follow-up in the same conversation ("also update
// the tests") runs a new round whose request carries the earlier one, so the planner sees both.
import * as vscode from 'vscode';
import type { FileChangeState } from '../../core/engine/session';
import type { ReviewSession } from '../review/reviewSession';
import type { RefactorRunner } from './refactorRunner';
import { summarizeRun } from './runSummary';

export const CHAT_PARTICIPANT_ID = 'refactorOrchestrator.refactor';

/** What a reply remembers, so a follow-up can build on it. */
interface RefactorChatMetadata {
  request: string;
}

export function registerChatParticipant(runner: RefactorRunner): vscode.Disposable {
  const participant = vscode.chat.createChatParticipant(CHAT_PARTICIPANT_ID, (request, context, stream, token) => answer(runner, request, context, stream, token));
  participant.iconPath = new vscode.ThemeIcon('files');
  return participant;
}

/** The request this turn asks for: the message, or the earlier request plus this follow-up. */
export function requestForTurn(prompt: string, history: readonly (vscode.ChatRequestTurn | vscode.ChatResponseTurn)[]): string {
  const earlier = previousRequest(history);
  return earlier ? `${earlier}\n\nFollow-up to that refactoring: ${prompt}` : prompt;
}

function previousRequest(history: readonly (vscode.ChatRequestTurn | vscode.ChatResponseTurn)[]): string | undefined {
  for (let i = history.length - 1; i >= 0; i--) {
    const turn = history[i];
    if (!(turn instanceof vscode.ChatResponseTurn) || turn.participant !== CHAT_PARTICIPANT_ID) continue;
    const metadata = turn.result.metadata as Partial<RefactorChatMetadata> | undefined;
    if (typeof metadata?.request === 'string') return metadata.request;
  }
  return undefined;
}

export async function answer(
  runner: RefactorRunner,
  request: vscode.ChatRequest,
  context: vscode.ChatContext,
  stream: vscode.ChatResponseStream,
  token: vscode.CancellationToken,
): Promise<vscode.ChatResult> {
  const prompt = request.prompt.trim();
  if (prompt.length < 3) {
    stream.markdown('Describe the refactoring, e.g. `@refactor rename UserStore to AccountRepository everywhere`. I plan it, write each file, check the result, and open a review: nothing is written until you accept it there.');
    return {};
  }
  const fullRequest = requestForTurn(prompt, context.history);
  const scope = request.references.map((reference) => reference.value).filter((value): value is vscode.Uri => value instanceof vscode.Uri);
  stream.progress(fullRequest === prompt ? 'Reading the workspace…' : 'Refining the last refactoring…');
  const follow = new ReplyFollower(stream);
  const onCancel = token.onCancellationRequested(() => runner.cancelRun());
  let review: ReviewSession | undefined;
  try {
    review = await runner.refactor({ request: fullRequest, ...(scope.length > 0 ? { scope } : {}), onStart: (started) => follow.attach(started) });
  } finally {
    onCancel.dispose();
    follow.dispose();
  }
  if (!review) {
    stream.markdown('The refactoring did not start (see the notification: the workspace may be untrusted, have no folder, or another refactoring is running).');
    return { errorDetails: { message: 'The refactoring did not start.' } };
  }
  const summary = summarizeRun(review.session);
  stream.markdown(`\n\n${escapeMarkdown(summary.text)}\n`);
  if (summary.proposed.length > 0) stream.button({ command: 'refactorOrchestrator.reopenReview', title: 'Open the review' });
  const metadata: RefactorChatMetadata = { request: fullRequest };
  return review.session.stage === 'failed' ? { errorDetails: { message: review.session.error ?? 'The refactoring failed.' }, metadata } : { metadata };
}

/** Streams the plan and each file's outcome into the reply while the run goes on. */
class ReplyFollower implements vscode.Disposable {
  private subscription: vscode.Disposable | undefined;
  private planShown = false;
  private readonly reported = new Set<string>();

  constructor(private readonly stream: vscode.ChatResponseStream) {}

  attach(review: ReviewSession): void {
    this.subscription = review.onDidChange(() => this.update(review));
  }

  private update(review: ReviewSession): void {
    const { session } = review;
    if (!this.planShown && session.plan) {
      this.planShown = true;
      const plan = session.plan;
      this.stream.markdown(`**Plan:** ${escapeMarkdown(plan.summary)}\n\n`);
      for (const change of plan.changes) this.stream.markdown(`- \`${inlineCode(change.path)}\` (${change.action}): ${escapeMarkdown(change.description)}\n`);
      if (plan.changes.length > 0) this.stream.progress('Writing the changes…');
    }
    for (const file of session.files) this.report(file);
  }

  private report(file: FileChangeState): void {
    if (this.reported.has(file.id) || (file.status !== 'proposed' && file.status !== 'failed')) return;
    this.reported.add(file.id);
    this.stream.progress(file.status === 'proposed' ? `Proposed ${file.path}` : `Failed ${file.path}: ${file.error ?? ''}`);
  }

  dispose(): void {
    this.subscription?.dispose();
  }
}

/** Model text goes into Markdown: its markup must show as text, not become links or images. */
function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+!|<>~]/g, (c) => `\\${c}`);
}

function inlineCode(text: string): string {
  return text.replace(/`/g, 'ˋ');
}
