import type { MonoTypeOperatorFunction } from 'rxjs';
import { IssueCollector } from '../core/validate.js';
import type { StepEvent } from './events.js';
import { checkpointIssues, saveCheckpoints } from './save-checkpoints.js';
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
 * Node: passes step events through unchanged and, every `every` steps (`event.step % every === 0`,
 * so the cadence survives a resume), writes the learner's state — optimizer state, weights and (for
 * `learn`) the model state — to `path`, atomically: a temporary file is written, fsync'ed and
 * renamed over `path`. The write is synchronous, so the event is forwarded only once the file is
 * safe, and a restarted pipeline given `resume: readCheckpoint(path)` continues bit-identically
 * (feed it the input from frame `checkpoint.step` on). An I/O error errors the stream with
 * `CheckpointError`. This is `saveCheckpoints` with the atomic file writer `writeCheckpoint`; see
 * `encodeCheckpoint` for the format.
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
  const c = new IssueCollector();
  checkpointIssues(options, ['path'], c);
  if (c.issues.length === 0 && (typeof options.path !== 'string' || options.path.length === 0)) {
    c.add('path', '`path` must be a non-empty string.');
  }
  c.throwIfAny();
  const { path } = options;
  return saveCheckpoints({
    every: options.every,
    ...(options.final === undefined ? {} : { final: options.final }),
    save: (checkpoint) => writeCheckpoint(path, checkpoint),
  });
}
