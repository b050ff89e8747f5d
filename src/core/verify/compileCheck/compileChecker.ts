// The engine's handle on the compile-check worker thread: start it when a run starts (TypeScript
// loads and the baseline builds while the models work), tell it the planned files as soon as the plan
// is known, then ask it to check proposals. A check that runs past its budget or is cancelled
// terminates the thread: the language service cannot be interrupted any other way.
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { isScriptPath, type CheckOutcome, type TreeChange, type TypeScriptIdentity } from './proposedTree';
import type { FromCheckWorker, NavigationAnswer, NavigationQuestion, ToCheckWorker } from './workerMessages';

export type NavigationReply = { kind: 'answered'; answer: NavigationAnswer } | { kind: 'over-budget'; budgetMs: number } | { kind: 'unavailable'; reason: string };

export type CheckReply =
  | { kind: 'checked'; outcome: CheckOutcome }
  | { kind: 'over-budget'; budgetMs: number }
  | { kind: 'unavailable'; reason: string };

/** Where the worker script sits: beside the bundle in dist/, or beside this file when run from tsc output. */
export function workerScriptPath(): string | undefined {
  const candidate = path.join(__dirname, 'compileCheckWorker.js');
  return existsSync(candidate) ? candidate : undefined;
}

/**
 * The checker for a run whose plan names `paths`, started at once so TypeScript loads and the baseline
 * builds while the models work. None without a folder on disk, or when no TypeScript or JavaScript file
 * is planned (JSON is checked in place, without the thread).
 */
export function startCompileChecker(root: string | undefined, paths: readonly string[]): CompileChecker | undefined {
  if (!root || !paths.some(isScriptPath)) return undefined;
  const checker = CompileChecker.start(root);
  checker.prepare(paths);
  return checker;
}

export class CompileChecker {
  private worker: Worker | undefined;
  private dead: string | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, (reply: CheckReply | NavigationReply) => void>();
  private identity: TypeScriptIdentity | undefined;

  private constructor(script: string | undefined, root: string) {
    if (!script) {
      this.dead = 'the compile-check worker script is missing from this build';
      return;
    }
    const worker = new Worker(script);
    this.worker = worker;
    // The run may end while the worker still prepares; it must not keep the process alive.
    worker.unref();
    worker.on('message', (message: FromCheckWorker) => this.onMessage(message));
    worker.on('error', (error) => this.fail(`the compile check crashed: ${error.message}`));
    worker.on('exit', () => this.fail(this.dead ?? 'the compile check stopped'));
    this.post({ type: 'init', root });
  }

  static start(root: string, script: string | undefined = workerScriptPath()): CompileChecker {
    return new CompileChecker(script, root);
  }

  get typescript(): TypeScriptIdentity | undefined {
    return this.identity;
  }

  /** A head start: build the baseline of these workspace paths while the workers run. */
  prepare(paths: readonly string[]): void {
    if (paths.length > 0) this.post({ type: 'prepare', paths: [...paths] });
  }

  check(changes: readonly TreeChange[], signal: AbortSignal, budgetMs: number): Promise<CheckReply> {
    signal.throwIfAborted();
    if (this.dead || !this.worker) return Promise.resolve({ kind: 'unavailable', reason: this.dead ?? 'no worker' });
    const id = this.nextId++;
    return new Promise<CheckReply>((resolve, reject) => {
      const finish = (reply: CheckReply | NavigationReply | Error) => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        this.pending.delete(id);
        if (reply instanceof Error) reject(reply);
        else if (reply.kind === 'answered') resolve({ kind: 'unavailable', reason: 'the thread answered a check with a navigation answer' });
        else resolve(reply);
      };
      const timer = setTimeout(() => {
        this.stop(`an earlier check ran past its ${budgetMs} ms budget`);
        finish({ kind: 'over-budget', budgetMs });
      }, budgetMs);
      const onAbort = () => {
        this.stop('the run was cancelled');
        finish(signal.reason instanceof Error ? signal.reason : new Error('cancelled'));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.pending.set(id, finish);
      this.post({ type: 'check', id, changes: [...changes] });
    });
  }

  /**
   * Asks the thread's TypeScript language service (references, renames). A question past its budget is
   * given up, not killed: the thread stays for the compile check, and its late answer is dropped.
   */
  navigate(question: NavigationQuestion, signal: AbortSignal, budgetMs: number): Promise<NavigationReply> {
    signal.throwIfAborted();
    if (this.dead || !this.worker) return Promise.resolve({ kind: 'unavailable', reason: this.dead ?? 'no worker' });
    const id = this.nextId++;
    return new Promise<NavigationReply>((resolve, reject) => {
      const finish = (reply: CheckReply | NavigationReply | Error) => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        this.pending.delete(id);
        if (reply instanceof Error) reject(reply);
        else if (reply.kind === 'checked') resolve({ kind: 'unavailable', reason: 'the thread answered a question with a check' });
        else resolve(reply);
      };
      const timer = setTimeout(() => finish({ kind: 'over-budget', budgetMs }), budgetMs);
      const onAbort = () => finish(signal.reason instanceof Error ? signal.reason : new Error('cancelled'));
      signal.addEventListener('abort', onAbort, { once: true });
      this.pending.set(id, finish);
      this.post({ type: 'navigate', id, question });
    });
  }

  /** Ends the worker thread; later checks answer "unavailable". */
  dispose(): void {
    this.stop('the run is over');
  }

  private stop(reason: string): void {
    this.dead ??= reason;
    const worker = this.worker;
    this.worker = undefined;
    if (worker) void worker.terminate();
  }

  private post(message: ToCheckWorker): void {
    this.worker?.postMessage(message);
  }

  private onMessage(message: FromCheckWorker): void {
    if (message.type === 'ready') {
      this.identity = message.typescript;
      return;
    }
    if (message.type === 'result') {
      this.pending.get(message.id)?.({ kind: 'checked', outcome: message.outcome });
      return;
    }
    if (message.type === 'answer') {
      this.pending.get(message.id)?.({ kind: 'answered', answer: message.answer });
      return;
    }
    if (message.id === undefined) {
      this.fail(message.message);
      return;
    }
    this.pending.get(message.id)?.({ kind: 'unavailable', reason: message.message });
  }

  private fail(reason: string): void {
    this.dead ??= reason;
    for (const resolve of [...this.pending.values()]) resolve({ kind: 'unavailable', reason: this.dead });
  }
}
