import { Observable, type SchedulerLike } from 'rxjs';
import { IssueCollector, pyRepr } from '../core/validate.js';
import { immediateScheduler } from './internal/immediate-scheduler.js';
import { checkScheduler } from './internal/options.js';

export interface ReplayFramesOptions {
  /** Frames emitted synchronously per scheduler task (≥ 1). Default 256. */
  readonly batch?: number;
  /**
   * Where each batch runs. Default: the next macrotask with no minimum delay (`setImmediate` in
   * Node, a `MessageChannel` in browsers), so the replay never sleeps while it has frames and
   * timers and I/O still run between batches. (`asyncScheduler`, the earlier default, waits ≥ 1 ms
   * per batch.)
   */
  readonly scheduler?: SchedulerLike;
}

/**
 * Replays frames from an iterable (a generator reading a file, an array, …) **pull-paced**: on each
 * scheduler task it pulls up to `batch` frames, one at a time, emitting each before pulling the
 * next, then yields to the scheduler. Nothing is read ahead or buffered, so memory stays flat
 * whatever the file size — provided the downstream processes each frame synchronously (as
 * {@link learn}, {@link gradients} and {@link applyGradients} do); an asynchronous downstream
 * (`observeOn`, `delay`) would buffer, so use a `queue` there instead. The iterator is started on
 * subscribe (each subscription calls `frames[Symbol.iterator]()` anew — a generator *object* can be
 * iterated once only, so pass an array or `{ [Symbol.iterator]: readFile }` to replay it twice) and
 * closed (`return()`) on unsubscribe, so a generator's `finally` releases its file. An error thrown by the iterator errors the stream.
 *
 * ```
 * iterable:  f1 f2 f3 f4 f5             replayFrames(frames, { batch: 2 })
 * output:    (f1 f2)-(f3 f4)-(f5|)      one group per scheduler task
 * ```
 *
 * @example
 * function* read() { for (let i = 0; i < n; i++) yield [primary.subarray(i * 512, i * 512 + 512), reference.subarray(i * 512, i * 512 + 512)]; }
 * replayFrames(read()).pipe(learn(fir, opt)).subscribe();
 */
export function replayFrames<T = Float32Array[]>(
  frames: Iterable<T>,
  options: ReplayFramesOptions = {},
): Observable<T> {
  const c = new IssueCollector();
  if (frames === null || typeof (frames as { [Symbol.iterator]?: unknown })?.[Symbol.iterator] !== 'function') {
    c.add('frames', `\`frames\` must be iterable. Received: ${pyRepr(frames)}`);
  }
  if (c.object('options', options)) {
    c.unknownKeys(options, ['batch', 'scheduler']);
    c.integer('batch', options.batch, 1, undefined, true);
    checkScheduler(options.scheduler, c);
  }
  c.throwIfAny();
  const batch = options.batch ?? 256;
  const scheduler = options.scheduler ?? immediateScheduler;

  // Arrays are read by index (no iterator result object per frame); other iterables through their iterator.
  if (Array.isArray(frames)) return replayArray(frames as readonly T[], batch, scheduler);
  return new Observable<T>((subscriber) => {
    let iterator: Iterator<T> | null = null;
    let done = false;
    const task = scheduler.schedule(function pull() {
      try {
        iterator ??= frames[Symbol.iterator]();
        for (let i = 0; i < batch; i++) {
          if (subscriber.closed) return;
          const r = iterator.next();
          if (r.done) {
            done = true;
            subscriber.complete();
            return;
          }
          subscriber.next(r.value);
        }
      } catch (e) {
        done = true;
        subscriber.error(e);
        return;
      }
      if (!subscriber.closed) this.schedule();
    });
    return () => {
      task.unsubscribe();
      if (!done && iterator) {
        done = true;
        iterator.return?.();
      }
      iterator = null;
    };
  });
}

/** {@link replayFrames} of an array: the same batches and pacing, frames read by index (length read live, as an array iterator does). */
function replayArray<T>(frames: readonly T[], batch: number, scheduler: SchedulerLike): Observable<T> {
  return new Observable<T>((subscriber) => {
    let next = 0;
    const task = scheduler.schedule(function pull() {
      const end = next + batch;
      while (next < end) {
        if (subscriber.closed) return;
        if (next >= frames.length) {
          subscriber.complete();
          return;
        }
        subscriber.next(frames[next++]!);
      }
      if (!subscriber.closed) this.schedule();
    });
    return () => task.unsubscribe();
  });
}
