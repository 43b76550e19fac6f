import type { DatasetItem } from '../io/list-dataset.js';
import type { ReplayFileResult } from './replay-file-result.js';
import type { ReplayItemSettings } from './replay-item-settings.js';

/** Default queue name. */
export const REPLAY_QUEUE = 'adamax-stream-replay';

/** What a job carries: the file (absolute paths on shared storage) and how to denoise it. */
export interface ReplayJobData {
  readonly item: DatasetItem;
  readonly settings: ReplayItemSettings;
}

/** What a finished job returns. */
export interface ReplayJobResult {
  readonly result: ReplayFileResult;
  /** Frame the last attempt continued from (a checkpoint of an earlier attempt), or null. */
  readonly resumedFromFrame: number | null;
  /** The worker that finished it. */
  readonly worker: string;
}
