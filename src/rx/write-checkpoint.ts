import { CheckpointError } from '../core/errors.js';
import { writeFileAtomic } from '../io/write-file-atomic.js';
import { encodeCheckpoint } from './encode-checkpoint.js';
import type { Checkpoint } from './events.js';

/**
 * Writes a checkpoint atomically (synchronous): the bytes go to a temporary file next to `path`,
 * are flushed (`fsync`), then renamed over `path`. A reader (or a crash) sees the old file or the
 * new one, never a partial one. Throws `CheckpointError` on I/O failure (the temp file is removed).
 *
 * @example
 * writeCheckpoint('run/model.ckpt', event.source.checkpoint());
 */
export function writeCheckpoint(path: string, checkpoint: Checkpoint): void {
  const bytes = encodeCheckpoint(checkpoint);
  try {
    writeFileAtomic(path, bytes);
  } catch (cause) {
    throw new CheckpointError(`Cannot write checkpoint ${path}: ${(cause as Error).message}`, { cause });
  }
}
