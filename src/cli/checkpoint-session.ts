import { cleanStaleTemps } from '../io/clean-stale-temps.js';
import { acquireFileLock } from '../io/file-lock.js';
import { SINGLE_CHANNEL_DEFAULTS } from '../models/defaults/single-channel-defaults.js';
import { removeCheckpointFiles } from '../node/index.js';
import type { CommandContext } from './io.js';

/** The CLI's hold on a `--checkpoint` path for one run. */
export interface CheckpointSession {
  /** Says on stderr that the run resumed, and from where. */
  resumed(frame: number, result: { readonly settings: Record<string, unknown> }): void;
  /** The output is durable: remove the checkpoint files. */
  done(): void;
  /** Releases the lock (idempotent). */
  release(): void;
}

/**
 * Takes `<checkpoint>.lock` for the whole run — learning, writing the output and removing the
 * checkpoint — so a second run on the same path refuses (exit 1, naming the holder) instead of
 * appending to the same partial output. Temp files that dead runs left next to the checkpoint and
 * the output are removed first (and listed on stderr).
 */
export function openCheckpointSession(path: string, output: string, ctx: CommandContext): CheckpointSession {
  const lock = acquireFileLock(path);
  try {
    const removed = [path, `${path}.partial`, output].flatMap((p) => cleanStaleTemps(p));
    if (removed.length > 0)
      ctx.err(`denoise: removed ${removed.length} temp file(s) left by a crashed run: ${removed.join(', ')}`);
  } catch (e) {
    lock.release();
    throw e;
  }
  return {
    resumed(frame, result) {
      const hop = Number(result.settings.hop);
      // the prior runs at the file's rate (settings.modelRate); the online model at its own
      const rate = Number(result.settings.modelRate ?? SINGLE_CHANNEL_DEFAULTS.online.sampleRate);
      const at = Number.isFinite(hop) ? ` (${((frame * hop) / rate).toFixed(2)} s of audio)` : '';
      ctx.err(`denoise: resumed from checkpoint ${path} at frame ${frame}${at}; the frames before it were not redone.`);
    },
    done() {
      removeCheckpointFiles(path);
    },
    release() {
      lock.release();
    },
  };
}
