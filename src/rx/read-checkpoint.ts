import { readFileSync } from 'node:fs';
import { CheckpointError } from '../core/errors.js';
import { decodeCheckpoint } from './decode-checkpoint.js';
import type { Checkpoint } from './events.js';

/**
 * Reads a checkpoint file written by {@link checkpoints} / `writeCheckpoint` (synchronous).
 * Throws `CheckpointError` when the file cannot be read or is not a valid checkpoint.
 *
 * @example
 * const resume = readCheckpoint('run/model.ckpt');
 * frames$.pipe(learn(fir, () => new Adamax({ learningRate: 0.01 }), { resume }));
 */
export function readCheckpoint(path: string): Checkpoint {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (cause) {
    throw new CheckpointError(`Cannot read checkpoint ${path}: ${(cause as Error).message}`, { cause });
  }
  return decodeCheckpoint(bytes);
}
