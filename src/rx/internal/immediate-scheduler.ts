import { asyncScheduler, type SchedulerAction, type SchedulerLike, Subscription } from 'rxjs';

type Handle = { readonly kind: 'immediate' | 'timeout' | 'channel'; readonly id: unknown };

interface MacrotaskHost {
  setImmediate?: (fn: () => void) => unknown;
  clearImmediate?: (id: unknown) => void;
  MessageChannel?: new () => {
    port1: { onmessage: ((e: unknown) => void) | null; close(): void };
    port2: { postMessage(v: unknown): void; close(): void };
  };
}

const host = globalThis as unknown as MacrotaskHost;

/** Queue of callbacks for the MessageChannel path (browsers): one port, FIFO. */
let channelQueue: (() => void)[] | null = null;
let channelPost: (() => void) | null = null;

/** Runs `fn` as a macrotask with no minimum delay (setImmediate, else a MessageChannel, else setTimeout 0). */
function macrotask(fn: () => void): Handle {
  if (typeof host.setImmediate === 'function') return { kind: 'immediate', id: host.setImmediate(fn) };
  if (typeof host.MessageChannel === 'function') {
    if (channelQueue === null) {
      const ch = new host.MessageChannel();
      const queue: (() => void)[] = [];
      ch.port1.onmessage = () => queue.shift()?.();
      channelQueue = queue;
      channelPost = () => ch.port2.postMessage(0);
    }
    const box = { fn: fn as (() => void) | null };
    channelQueue.push(() => box.fn?.());
    channelPost!();
    return { kind: 'channel', id: box };
  }
  return { kind: 'timeout', id: setTimeout(fn, 0) };
}

function cancel(h: Handle): void {
  if (h.kind === 'immediate') host.clearImmediate?.(h.id);
  else if (h.kind === 'timeout') clearTimeout(h.id as ReturnType<typeof setTimeout>);
  else (h.id as { fn: (() => void) | null }).fn = null;
}

class ImmediateAction<T> extends Subscription implements SchedulerAction<T> {
  private handle: Handle | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  constructor(private readonly work: (this: SchedulerAction<T>, state?: T) => void) {
    super(() => this.clear());
  }

  schedule(state?: T, delay = 0): Subscription {
    if (this.closed) return this;
    this.clear();
    if (delay > 0) this.timer = setTimeout(() => this.run(state), delay);
    else this.handle = macrotask(() => this.run(state));
    return this;
  }

  private clear(): void {
    if (this.handle) cancel(this.handle);
    if (this.timer !== null) clearTimeout(this.timer);
    this.handle = null;
    this.timer = null;
  }

  private run(state?: T): void {
    this.handle = null;
    this.timer = null;
    if (this.closed) return;
    this.work.call(this, state);
    // not rescheduled by the work: done
    if (this.handle === null && this.timer === null) this.unsubscribe();
  }
}

/**
 * A scheduler whose zero-delay tasks run as the next macrotask **without a minimum delay**
 * (`setImmediate` in Node, a `MessageChannel` in browsers, else `setTimeout(0)`), so a producer that
 * yields between batches does not sleep while it has work, and timers and I/O still run between
 * batches. (`asyncScheduler` runs zero-delay tasks on `setInterval(0)`, which waits ≥ 1 ms per
 * task; `asapScheduler` uses microtasks, which starve timers and I/O.) Delayed tasks use `setTimeout`.
 * Under `TestScheduler.run` (virtual time) it is `asyncScheduler`.
 */
export const immediateScheduler: SchedulerLike = {
  now: () => asyncScheduler.now(),
  schedule<T>(work: (this: SchedulerAction<T>, state?: T) => void, delay = 0, state?: T): Subscription {
    // Inside `TestScheduler.run` the async scheduler runs on virtual time (its clock starts near 0):
    // delegate to it there, so marble tests see the same frames as with `asyncScheduler`.
    if (Math.abs(asyncScheduler.now() - Date.now()) > 60_000) return asyncScheduler.schedule(work, delay, state);
    return new ImmediateAction(work).schedule(state, delay);
  },
};
