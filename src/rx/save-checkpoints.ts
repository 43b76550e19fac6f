import type { MonoTypeOperatorFunction } from 'rxjs';
import { IssueCollector } from '../core/validate.js';
import type { Checkpoint, StepEvent, StepSource } from './events.js';
import { operate } from './internal/operate.js';

export interface SaveCheckpointsOptions {
  /** Save when `event.step` is a multiple of `every` (≥ 1). */
  readonly every: number;
  /**
   * Stores one checkpoint (synchronously: the event is forwarded only once it returns). Throwing
   * errors the stream. Anywhere: IndexedDB, a Map, `postMessage`, a file (`adamax-stream/node`'s
   * `checkpoints` is this operator with an atomic file writer).
   */
  readonly save: (checkpoint: Checkpoint, step: number) => void;
  /** Also save when the source completes (if the last event was not just saved). Default `true`. */
  readonly final?: boolean;
}

/** Validates the options shared by {@link saveCheckpoints} and the file variant. */
export function checkpointIssues(options: unknown, extra: readonly string[], c: IssueCollector): void {
  if (!c.object('options', options)) return;
  const o = options as { every?: unknown; final?: unknown };
  c.unknownKeys(options as object, ['every', 'final', ...extra]);
  if (o.every === undefined) c.add('every', '`every` is required.');
  c.integer('every', o.every, 1, undefined, true);
  c.boolean('final', o.final);
}

/**
 * Passes step events through unchanged and, every `every` steps (`event.step % every === 0`, so
 * the cadence survives a resume), hands the learner's state — optimizer state, weights and (for
 * `learn`) the model state — to `save`. A restarted pipeline given `resume: checkpoint` continues
 * bit-identically (feed it the input from frame `checkpoint.step` on). An error thrown by `save`
 * errors the stream. Isomorphic: no file system involved.
 *
 * ```
 * steps:   --s1--s2--s3--s4--|       saveCheckpoints({ every: 2, save })
 * output:  --s1--s2--s3--s4--|       (save called at s2 and s4)
 * ```
 *
 * @example
 * const saved: Checkpoint[] = [];
 * frames$.pipe(learn(fir, opt), saveCheckpoints({ every: 1000, save: (c) => saved.push(c) }));
 */
export function saveCheckpoints(options: SaveCheckpointsOptions): MonoTypeOperatorFunction<StepEvent> {
  const c = new IssueCollector();
  checkpointIssues(options, ['save'], c);
  if (c.issues.length === 0 && typeof options.save !== 'function') {
    c.add('save', '`save` must be a function (checkpoint, step) => void.');
  }
  c.throwIfAny();
  const { every, save } = options;
  const final = options.final ?? true;

  return operate<StepEvent, StepEvent>((subscriber) => {
    let latest: StepSource | null = null;
    let latestStep = 0;
    let written = true;
    return {
      next: (event) => {
        latest = event.source;
        latestStep = event.step;
        written = false;
        if (event.step % every === 0) {
          save(event.source.checkpoint(), event.step);
          written = true;
        }
        subscriber.next(event);
      },
      complete: () => {
        if (final && latest && !written) save(latest.checkpoint(), latestStep);
      },
      finalize: () => {
        latest = null;
      },
    };
  });
}
