import { isAbortError } from '../core/abort-error.js';
import type { DatasetItem } from '../io/list-dataset.js';
import { type ReplayFailure, replayFailure } from './replay-failure.js';
import type { ReplayFileResult } from './replay-file-result.js';
import type { ReplayItemRunner } from './replay-item-runner.js';
import type { ReplayItemSettings } from './replay-item-settings.js';

/** How the lanes run each file, and the run's hooks. */
export interface LaneOptions {
  /** The settings every file runs with. */
  readonly settings: ReplayItemSettings;
  /** Stops the lanes: no file starts after it fired (the in-flight ones get it too). */
  readonly signal?: AbortSignal | undefined;
  /** Called before each file (index in the dataset, count). */
  readonly onFileStart?: ((item: DatasetItem, index: number, count: number) => void) | undefined;
  /** Fraction of an in-flight file done. */
  readonly onProgress?: ((fraction: number, item: DatasetItem) => void) | undefined;
}

/**
 * Runs `pending` on concurrent lanes, one per runner in `runners` (e.g. this thread's `replayItem`
 * and the pool threads' `run`), each lane taking the next file in dataset order when it is free.
 * Resolves true when the signal stopped the run before the end.
 */
export async function runLanes(
  pending: readonly { item: DatasetItem; index: number }[],
  total: number,
  runners: readonly ReplayItemRunner[],
  options: LaneOptions,
  on: { done: (item: DatasetItem, r: ReplayFileResult) => void; failed: (item: DatasetItem, f: ReplayFailure) => void },
): Promise<boolean> {
  const settings = options.settings;
  const signal = options.signal;
  let next = 0;
  let interrupted = false;
  const lane = async (run: ReplayItemRunner) => {
    while (next < pending.length) {
      if (signal?.aborted || interrupted) {
        interrupted = true;
        return;
      }
      const { item, index } = pending[next++]!;
      options.onFileStart?.(item, index, total);
      const onProgress = options.onProgress;
      try {
        const r = await run(item, settings, {
          ...(signal ? { signal } : {}),
          ...(onProgress ? { onProgress: (f: number) => onProgress(f, item) } : {}),
        });
        on.done(item, r);
      } catch (e) {
        if (isAbortError(e)) {
          interrupted = true;
          return;
        }
        on.failed(item, replayFailure(item, e));
      }
    }
  };
  await Promise.all(runners.map(lane));
  return interrupted || (signal?.aborted === true && next < pending.length);
}
