// A tiny event emitter in the shape of VS Code's `Event<T>`: subscribing returns a disposable, so a
// subscription joins a DisposableStore like anything else with a lifetime. The core uses it where
// VS Code would use `vscode.EventEmitter`, which it cannot import.
import { toDisposable, type Disposable } from './lifecycle';

export type Event<T> = (listener: (value: T) => void) => Disposable;

export class Emitter<T> implements Disposable {
  private readonly listeners = new Set<(value: T) => void>();
  private disposed = false;

  readonly event: Event<T> = (listener) => {
    if (this.disposed) return toDisposable(() => undefined);
    // A wrapper per subscription, so subscribing the same function twice needs two disposes.
    const entry = (value: T): void => listener(value);
    this.listeners.add(entry);
    return toDisposable(() => this.listeners.delete(entry));
  };

  /** Calls every listener with `value`. A listener that throws does not stop the others, nor the
   *  code that fired: an observer's bug is the observer's problem. */
  fire(value: T): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(value);
      } catch {
        // Dropped on purpose, see above.
      }
    }
  }

  get hasListeners(): boolean {
    return this.listeners.size > 0;
  }

  dispose(): void {
    this.disposed = true;
    this.listeners.clear();
  }
}
