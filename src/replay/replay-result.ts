import type { DatasetItem } from '../io/list-dataset.js';
import type { ReplayAggregate } from './aggregate.js';
import type { ReplayFailure } from './replay-failure.js';
import type { ReplayFileResult } from './replay-file-result.js';

/** What a replay (local or distributed) resolves with. */
export interface ReplayResult {
  readonly items: readonly DatasetItem[];
  /** Results in dataset order (finished earlier or now). */
  readonly results: readonly ReplayFileResult[];
  readonly failures: readonly ReplayFailure[];
  /** Files skipped because the state said they were finished. */
  readonly skipped: number;
  /** Names of those files. */
  readonly resumed: readonly string[];
  readonly aggregate: ReplayAggregate;
  /** True when the run was aborted before the end. */
  readonly interrupted: boolean;
}
