// Where the history lives: one JSON file per saved review plus an index, in the extension's workspace
// storage (`context.storageUri`), so reviews stay with the workspace and out of the user's files.
// With no folder open there is no workspace storage, and history is off. Writes are queued one after
// another so an index update never races another; what is read back goes through the core's parsers
// (src/core/review/reviewHistory.ts), and a file that does not parse is dropped with one log line.
import * as vscode from 'vscode';
import {
  addToHistory,
  historyEntry,
  isHistoryId,
  MAX_SAVED_REVIEW_BYTES,
  parseHistoryIndex,
  parseSavedReview,
  serializeHistoryIndex,
  type HistoryEntry,
  type SavedReview,
} from '../../core/review/reviewHistory';

const INDEX = 'index.json';

export class ReviewHistoryStore {
  private readonly folder: vscode.Uri | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    storageUri: vscode.Uri | undefined,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.folder = storageUri ? vscode.Uri.joinPath(storageUri, 'review-history') : undefined;
  }

  /** False when no folder is open: VS Code gives no workspace storage then. */
  get enabled(): boolean {
    return this.folder !== undefined;
  }

  /** Saves (or saves again) one review and trims the history to its limit. Never rejects. */
  save(saved: SavedReview): Promise<void> {
    return this.enqueue(async (folder) => {
      const json = JSON.stringify(saved);
      if (json.length > MAX_SAVED_REVIEW_BYTES) {
        this.log.warn(`History: the review “${saved.request.slice(0, 80)}” is too large to keep (${json.length} bytes).`);
        return;
      }
      await vscode.workspace.fs.createDirectory(folder);
      await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(folder, `${saved.id}.json`), new TextEncoder().encode(json));
      const { entries, dropped } = addToHistory(await this.readIndex(folder), historyEntry(saved));
      await this.writeIndex(folder, entries);
      for (const id of dropped) await this.deleteReview(folder, id);
    });
  }

  /** The saved reviews, newest first. */
  async list(): Promise<HistoryEntry[]> {
    return (await this.enqueue((folder) => this.readIndex(folder))) ?? [];
  }

  /** One saved review, or undefined (with one log line) when it is gone or does not parse; a bad one leaves the index. */
  async load(id: string): Promise<SavedReview | undefined> {
    if (!isHistoryId(id)) return undefined;
    return this.enqueue(async (folder) => {
      let json: string;
      try {
        json = new TextDecoder('utf-8').decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(folder, `${id}.json`)));
      } catch {
        this.log.warn(`History: the saved review ${id} is gone; it was removed from the history.`);
        await this.forget(folder, id);
        return undefined;
      }
      const parsed = parseSavedReview(json);
      if (!parsed.ok || parsed.review.id !== id) {
        this.log.warn(`History: dropped the saved review ${id}: ${parsed.ok ? 'its id does not match its file' : parsed.reason}.`);
        await this.forget(folder, id);
        return undefined;
      }
      return parsed.review;
    });
  }

  /** Resolves when every queued write has been made (tests, and before reading what was just saved). */
  async flush(): Promise<void> {
    await this.queue;
  }

  private enqueue<T>(work: (folder: vscode.Uri) => Promise<T>): Promise<T | undefined> {
    const folder = this.folder;
    if (!folder) return Promise.resolve(undefined);
    const next = this.queue.then(
      () => work(folder),
      () => work(folder),
    );
    // History is a convenience: a failed write is logged, never surfaced as a failed review.
    const settled = next.catch((error: unknown) => {
      this.log.warn(`History: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    });
    this.queue = settled;
    return settled;
  }

  private async readIndex(folder: vscode.Uri): Promise<HistoryEntry[]> {
    let json: string | undefined;
    try {
      json = new TextDecoder('utf-8').decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(folder, INDEX)));
    } catch {
      json = undefined; // no history yet
    }
    const { entries, dropped } = parseHistoryIndex(json);
    if (dropped > 0) this.log.warn(`History: dropped ${dropped} unreadable ${dropped === 1 ? 'entry' : 'entries'} from the index.`);
    return entries;
  }

  private async writeIndex(folder: vscode.Uri, entries: readonly HistoryEntry[]): Promise<void> {
    await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(folder, INDEX), new TextEncoder().encode(serializeHistoryIndex(entries)));
  }

  private async forget(folder: vscode.Uri, id: string): Promise<void> {
    await this.writeIndex(folder, (await this.readIndex(folder)).filter((entry) => entry.id !== id));
    await this.deleteReview(folder, id);
  }

  private async deleteReview(folder: vscode.Uri, id: string): Promise<void> {
    try {
      await vscode.workspace.fs.delete(vscode.Uri.joinPath(folder, `${id}.json`));
    } catch {
      // Already gone.
    }
  }
}
