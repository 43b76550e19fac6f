import { take } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { InvalidOptionError } from '../../src/core/errors.js';
import { replayFrames } from '../../src/rx/index.js';
import { testScheduler } from './helpers.js';

describe('replayFrames', () => {
  it('marble: empty, many (batches in one virtual frame), early unsubscription', () => {
    testScheduler().run(({ expectObservable }) => {
      expectObservable(replayFrames<string>([])).toBe('|');
      expectObservable(replayFrames(['a', 'b', 'c'], { batch: 2 })).toBe('(abc|)');
      expectObservable(replayFrames(['a', 'b', 'c'], { batch: 1 }), '!').toBe('');
    });
  });

  it('never-ending iterable: emits forever, stops when unsubscribed', () => {
    function* forever() {
      let i = 0;
      while (true) yield String(i++ % 3);
    }
    testScheduler().run(({ expectObservable }) => {
      // (rescheduling happens at the same virtual time, so unsubscribe from inside with take)
      expectObservable(replayFrames(forever(), { batch: 4 }).pipe(take(5))).toBe('(01201|)');
    });
  });

  it('is pull-paced: yields after each batch and never reads ahead', async () => {
    let pulled = 0;
    function* gen() {
      for (let i = 0; i < 10; i++) {
        pulled++;
        yield i;
      }
    }
    const seen: number[] = [];
    const done = new Promise<void>((resolve) => {
      replayFrames(gen(), { batch: 3 }).subscribe({
        next: (x) => {
          expect(pulled).toBe(x + 1); // the next item is pulled only after this one was handled
          seen.push(x);
        },
        complete: resolve,
      });
    });
    expect(seen).toEqual([]); // nothing synchronously: the first batch is a scheduled task
    // the default pacing runs each batch as its own macrotask (setImmediate in Node, FIFO): one
    // immediate queued after subscribe runs after exactly the first batch
    await new Promise((r) => setImmediate(r));
    expect(seen).toEqual([0, 1, 2]); // one whole batch per task
    await done;
    expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('closes the iterator on unsubscribe; errors thrown by the iterator error the stream', async () => {
    let closed = false;
    function* gen() {
      try {
        yield 1;
        yield 2;
        yield 3;
      } finally {
        closed = true;
      }
    }
    const sub = replayFrames(gen(), { batch: 1 }).subscribe();
    await new Promise((r) => setTimeout(r, 5));
    sub.unsubscribe();
    expect(closed).toBe(true);

    function* failing() {
      yield 1;
      throw new Error('disk');
    }
    const err = await new Promise<unknown>((resolve) => replayFrames(failing()).subscribe({ error: resolve }));
    expect((err as Error).message).toBe('disk');
  });

  it('each subscription iterates the iterable anew; validates options', () => {
    testScheduler().run(({ expectObservable }) => {
      const src = replayFrames(['a', 'b']);
      expectObservable(src).toBe('(ab|)');
      expectObservable(src).toBe('(ab|)');
    });
    expect(() => replayFrames([], { batch: 0 })).toThrow(InvalidOptionError);
    expect(() => replayFrames(42 as unknown as number[])).toThrow(InvalidOptionError);
  });
});
