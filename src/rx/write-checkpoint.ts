import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { CheckpointError } from '../core/errors.js';
import { fsyncDirectory } from '../io/fsync-directory.js';
import { encodeCheckpoint } from './encode-checkpoint.js';
import type { Checkpoint } from './events.js';

let tempCounter = 0;

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
  const temp = `${path}.${process.pid}.${tempCounter++}.tmp`;
  let fd = -1;
  try {
    fd = openSync(temp, 'w');
    let written = 0;
    while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
    fsyncSync(fd);
    closeSync(fd);
    fd = -1;
    renameSync(temp, path);
    fsyncDirectory(path);
  } catch (cause) {
    try {
      if (fd !== -1) closeSync(fd);
      rmSync(temp, { force: true });
    } catch {
      // nothing more to clean up (e.g. the directory does not exist)
    }
    throw new CheckpointError(`Cannot write checkpoint ${path}: ${(cause as Error).message}`, { cause });
  }
}
