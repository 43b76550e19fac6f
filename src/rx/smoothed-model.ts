import { asyncScheduler, type OperatorFunction, type SchedulerLike } from 'rxjs';
import { IssueCollector } from '../core/validate.js';
import type { ModelSnapshot, StepEvent, StepSource } from './events.js';
import { operate } from './internal/operate.js';
import { checkScheduler } from './internal/options.js';

export interface SmoothedModelOptions {
  /** At most one snapshot per this many step events. Default 1 (when `everyMs` is not set either). */
  readonly every?: number;
  /** At most one snapshot per this many ms (scheduler time). */
  readonly everyMs?: number;
  /** Clock of `everyMs`. Default `asyncScheduler` (use a `TestScheduler` in tests). */
  readonly scheduler?: SchedulerLike;
}

/**
 * Turns step events into copies of the model: the EMA weights when the optimizer uses EMA (Keras
 * `use_ema`), else the raw weights. Each snapshot is a fresh copy, never a buffer that changes later.
 *
 * Rate limit: a step event yields a snapshot when at least `every` step events (of any outcome) and
 * at least `everyMs` ms (`scheduler.now()`) have passed since the last snapshot; the first snapshot
 * is due after `every` events. When the source completes it emits the final model (unless the last
 * event already produced it) — after the learner's `finalizeOnComplete`, which has run by then.
 *
 * The snapshot is read from `event.source` when the event arrives, so place this operator
 * synchronously after the learner (no `observeOn`/`delay` in between).
 *
 * ```
 * steps:      --s1--s2--s3--s4--s5--|
 * smoothedModel({ every: 2 })
 * snapshots:  --------m2------m4----(m5|)
 * ```
 *
 * @example
 * frames$.pipe(learn(fir, opt), smoothedModel({ everyMs: 1000 })).subscribe((m) => deploy(m.weights));
 */
export function smoothedModel(options: SmoothedModelOptions = {}): OperatorFunction<StepEvent, ModelSnapshot> {
  const c = new IssueCollector();
  if (c.object('options', options)) {
    c.unknownKeys(options, ['every', 'everyMs', 'scheduler']);
    c.integer('every', options.every, 1, undefined, true);
    c.positive('everyMs', options.everyMs, true);
    checkScheduler(options.scheduler, c);
  }
  c.throwIfAny();
  const every = options.every ?? 1;
  const everyMs = options.everyMs ?? 0;
  const scheduler = options.scheduler ?? asyncScheduler;

  return operate<StepEvent, ModelSnapshot>((subscriber) => {
    let sinceLast = 0;
    let lastTime = Number.NEGATIVE_INFINITY;
    let latest: StepSource | null = null;
    let lastWasEmitted = false;
    return {
      next: (event) => {
        latest = event.source;
        sinceLast++;
        lastWasEmitted = false;
        if (sinceLast < every) return;
        if (everyMs > 0) {
          const now = scheduler.now();
          if (now - lastTime < everyMs) return;
          lastTime = now;
        }
        sinceLast = 0;
        lastWasEmitted = true;
        subscriber.next(latest.snapshot());
      },
      complete: () => {
        if (latest && !lastWasEmitted) subscriber.next(latest.snapshot());
      },
      finalize: () => {
        latest = null;
      },
    };
  });
}
