import * as assert from 'node:assert/strict';
import { Emitter } from '../../src/core/emitter';
import { DisposableStore, MutableDisposable, toDisposable } from '../../src/core/lifecycle';

describe('lifecycle: disposables and the emitter', () => {
  it('disposes a store once, members in reverse order, and a late member at once', () => {
    const log: string[] = [];
    const store = new DisposableStore();
    store.add(toDisposable(() => log.push('first')));
    store.add(toDisposable(() => log.push('second')));
    store.dispose();
    store.dispose();
    assert.deepEqual(log, ['second', 'first']);
    store.add(toDisposable(() => log.push('late')));
    assert.deepEqual(log, ['second', 'first', 'late']);
  });

  it('disposes every member of a store even when one throws, then reports the error', () => {
    const log: string[] = [];
    const store = new DisposableStore();
    store.add(toDisposable(() => log.push('a')));
    store.add(toDisposable(() => {
      throw new Error('broken');
    }));
    store.add(toDisposable(() => log.push('c')));
    assert.throws(() => store.dispose(), /broken/);
    assert.deepEqual(log, ['c', 'a']);
  });

  it('keeps one value in a MutableDisposable: replacing disposes the old one, disposing the holder the last', () => {
    const log: string[] = [];
    const holder = new MutableDisposable();
    holder.value = toDisposable(() => log.push('one'));
    holder.value = toDisposable(() => log.push('two'));
    assert.deepEqual(log, ['one']);
    holder.dispose();
    assert.deepEqual(log, ['one', 'two']);
    holder.value = toDisposable(() => log.push('after'));
    assert.deepEqual(log, ['one', 'two', 'after'], 'a value set after dispose is disposed at once');
    assert.equal(holder.value, undefined);
  });

  it('subscribes with a disposable, keeps other listeners when one throws, and stops after dispose', () => {
    const emitter = new Emitter<number>();
    const seen: number[] = [];
    const subscription = emitter.event((value) => seen.push(value));
    emitter.event(() => {
      throw new Error('observer bug');
    });
    emitter.event((value) => seen.push(value * 10));
    emitter.fire(1);
    subscription.dispose();
    emitter.fire(2);
    assert.deepEqual(seen, [1, 10, 20]);
    emitter.dispose();
    emitter.fire(3);
    emitter.event((value) => seen.push(value)).dispose();
    assert.deepEqual(seen, [1, 10, 20]);
    assert.equal(emitter.hasListeners, false);
  });
});
