import type { SchedulerLike, Subscription } from 'rxjs';
import { type IssueCollector, pyRepr } from '../../core/validate.js';
import { immediateScheduler } from './immediate-scheduler.js';

/**
 * Bounded live-input queue options. Frames are queued on arrival and processed in one scheduled
 * drain; when `capacity` frames are waiting, the **oldest** is dropped (a live learner wants fresh
 * data) and the `dropped` counter on the step events grows.
 */
export interface QueueOptions {
  /** Frames that may wait (≥ 1). */
  readonly capacity: number;
  /**
   * Where the drain runs. Default: the next macrotask with no minimum delay (arrivals in between are
   * queued; no 1 ms timer per drain as with `asyncScheduler`).
   */
  readonly scheduler?: SchedulerLike;
}

/** Validates {@link QueueOptions}; adds problems to `c`. */
export function checkQueueOptions(queue: unknown, c: IssueCollector): void {
  if (queue === undefined) return;
  const q = queue as { capacity?: unknown } | null;
  if (typeof q !== 'object' || q === null) {
    c.add('queue', `\`queue\` must be an object { capacity }. Received: queue=${pyRepr(q)}`);
    return;
  }
  if (typeof q.capacity !== 'number' || !Number.isInteger(q.capacity) || q.capacity < 1) {
    c.add('queue.capacity', `\`queue.capacity\` must be an integer >= 1. Received: capacity=${pyRepr(q.capacity)}`);
  }
}

/** A ring buffer of frames with drop-oldest overflow and a scheduled drain. One per subscription. */
export class FrameQueue<T> {
  dropped = 0;
  private readonly ring: (T | undefined)[];
  private head = 0;
  private size = 0;
  private pending: Subscription | null = null;
  private readonly scheduler: SchedulerLike;

  constructor(
    options: QueueOptions,
    private readonly process: (item: T) => boolean,
  ) {
    this.ring = new Array<T | undefined>(options.capacity).fill(undefined);
    this.scheduler = options.scheduler ?? immediateScheduler;
  }

  push(item: T): void {
    const cap = this.ring.length;
    if (this.size === cap) {
      this.ring[this.head] = undefined;
      this.head = (this.head + 1) % cap;
      this.size--;
      this.dropped++;
    }
    this.ring[(this.head + this.size) % cap] = item;
    this.size++;
    if (!this.pending) this.pending = this.scheduler.schedule(() => this.drainScheduled());
  }

  private drainScheduled(): void {
    this.pending = null;
    this.drain();
  }

  /** Processes every queued frame now; stops early when `process` returns false. */
  drain(): void {
    const cap = this.ring.length;
    while (this.size > 0) {
      const item = this.ring[this.head] as T;
      this.ring[this.head] = undefined;
      this.head = (this.head + 1) % cap;
      this.size--;
      if (!this.process(item)) return;
    }
  }

  /** Cancels the pending drain and forgets the queued frames. */
  dispose(): void {
    this.pending?.unsubscribe();
    this.pending = null;
    this.ring.fill(undefined);
    this.size = 0;
  }

  /** Cancels the pending drain (the caller drains synchronously). */
  cancelPending(): void {
    this.pending?.unsubscribe();
    this.pending = null;
  }
}
