import { type MonoTypeOperatorFunction, Observable } from 'rxjs';
import { InvalidOptionError, type OptionIssue } from '../core/errors.js';
import type { StepEvent, StepSource } from './events.js';
import { checkBoolean, checkInt, checkObject, checkUnknown } from './internal/options.js';
import { writeCheckpoint } from './write-checkpoint.js';

export interface CheckpointsOptions {
  /** Write when `event.step` is a multiple of `every` (≥ 1). */
  readonly every: number;
  /** File to (over)write; written atomically (temp file + rename). */
  readonly path: string;
  /** Also write when the source completes (if the last event was not just written). Default `true`. */
  readonly final?: boolean;
}

/**
 * Passes step events through unchanged and, every `every` steps (`event.step % every === 0`, so
 * the cadence survives a resume), writes the learner's state — optimizer state, weights and (for
 * `learn`) the model state — to `path`, atomically: a temporary file is written, fsync'ed and
 * renamed over `path`. The write is synchronous, so the event is forwarded only once the file is
 * safe, and a restarted pipeline given `resume: readCheckpoint(path)` continues bit-identically
 * (feed it the input from frame `checkpoint.step` on). An I/O error errors the stream with
 * `CheckpointError`. See `encodeCheckpoint` for the format.
 *
 * ```
 * steps:   --s1--s2--s3--s4--|       checkpoints({ every: 2, path })
 * output:  --s1--s2--s3--s4--|       (path written at s2 and s4)
 * ```
 *
 * @example
 * frames$.pipe(learn(fir, opt, { resume: existsSync(p) ? readCheckpoint(p) : undefined }), checkpoints({ every: 1000, path: p }));
 */
export function checkpoints(options: CheckpointsOptions): MonoTypeOperatorFunction<StepEvent> {
  const issues: OptionIssue[] = [];
  if (checkObject('options', options, issues)) {
    checkUnknown(options, ['every', 'path', 'final'], issues);
    if (options.every === undefined) issues.push({ option: 'every', message: '`every` is required.' });
    checkInt('every', options.every, 1, issues);
    if (typeof options.path !== 'string' || options.path.length === 0) {
      issues.push({ option: 'path', message: '`path` must be a non-empty string.' });
    }
    checkBoolean('final', options.final, issues);
  }
  if (issues.length > 0) throw new InvalidOptionError(issues);
  const { every, path } = options;
  const final = options.final ?? true;

  return (source) =>
    new Observable<StepEvent>((subscriber) => {
      let latest: StepSource | null = null;
      let written = true;
      const subscription = source.subscribe({
        next: (event) => {
          if (subscriber.closed) return;
          try {
            latest = event.source;
            written = false;
            if (event.step % every === 0) {
              writeCheckpoint(path, event.source.checkpoint());
              written = true;
            }
          } catch (e) {
            subscriber.error(e);
            return;
          }
          subscriber.next(event);
        },
        error: (e) => subscriber.error(e),
        complete: () => {
          if (subscriber.closed) return;
          if (final && latest && !written) {
            try {
              writeCheckpoint(path, latest.checkpoint());
            } catch (e) {
              subscriber.error(e);
              return;
            }
          }
          subscriber.complete();
        },
      });
      return () => {
        subscription.unsubscribe();
        latest = null;
      };
    });
}
