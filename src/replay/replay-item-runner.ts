import type { DatasetItem } from '../io/list-dataset.js';
import type { ReplayFileResult } from './replay-file-result.js';
import type { ReplayItemSettings } from './replay-item-settings.js';

/** Hooks of one file's run. */
export interface ReplayItemHooks {
  /** Stops the file between two batches of frames (rejects with an `AbortError`); a started write completes. */
  readonly signal?: AbortSignal;
  /** Fraction of the file done. */
  readonly onProgress?: (fraction: number) => void;
  /** The file continued from its checkpoint at this frame (of the model's hop) instead of from the start. */
  readonly onResumed?: (frame: number) => void;
}

/** Runs one item somewhere (this thread or a worker thread). */
export type ReplayItemRunner = (
  item: DatasetItem,
  settings: ReplayItemSettings,
  hooks: ReplayItemHooks,
) => Promise<ReplayFileResult>;

/** Where files run in parallel: a pool of threads, each running one file at a time. */
export interface ReplayPool {
  /** Runs one file in a thread (same contract as `replayItem`). */
  readonly run: ReplayItemRunner;
  /**
   * Resolves once every thread has started and loaded the replay modules (they load at start;
   * this only waits), so the first files do not pay for it.
   */
  readonly ready: () => Promise<void>;
  /** Waits for the threads to exit. */
  readonly close: () => Promise<void>;
}
