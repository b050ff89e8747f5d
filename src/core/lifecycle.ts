// Lifetimes as values, after VS Code's own `src/vs/base/common/lifecycle.ts`: whatever must be undone
// (a subscription, a panel, an abort) is a disposable, and a scope holds them so that ending the scope
// ends them all, once, in reverse order. Structurally these are `vscode.Disposable`s too, so the VS Code
// side uses them as they are; the core needs no `vscode` for them.

export interface Disposable {
  dispose(): void;
}

export function toDisposable(dispose: () => void): Disposable {
  let done = false;
  return {
    dispose: () => {
      if (done) return;
      done = true;
      dispose();
    },
  };
}

/** Disposes each of its members once. Adding to a disposed store disposes the newcomer at once, so a
 *  late subscription cannot outlive the scope it was meant for. */
export class DisposableStore implements Disposable {
  private readonly members: Disposable[] = [];
  private disposed = false;

  get isDisposed(): boolean {
    return this.disposed;
  }

  add<T extends Disposable>(member: T): T {
    if (this.disposed) member.dispose();
    else this.members.push(member);
    return member;
  }

  /** Disposes the members but keeps the store usable. */
  clear(): void {
    const errors: unknown[] = [];
    for (const member of this.members.splice(0).reverse()) {
      try {
        member.dispose();
      } catch (error) {
        errors.push(error);
      }
    }
    // One member that throws must not leave the others alive; the first error is still reported.
    if (errors.length > 0) throw errors[0];
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.clear();
  }
}

/** Holds at most one disposable: setting a new value disposes the old one. */
export class MutableDisposable<T extends Disposable> implements Disposable {
  private current: T | undefined;
  private disposed = false;

  get value(): T | undefined {
    return this.current;
  }

  set value(next: T | undefined) {
    if (this.disposed) {
      next?.dispose();
      return;
    }
    if (next === this.current) return;
    const previous = this.current;
    this.current = next;
    previous?.dispose();
  }

  clear(): void {
    this.value = undefined;
  }

  dispose(): void {
    this.clear();
    this.disposed = true;
  }
}
