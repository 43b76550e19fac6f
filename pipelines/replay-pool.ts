/**
 * The replay pool of the pipelines: `threads` worker threads, each running the thread module next
 * to this one (`replay-pool-worker`: one file through `replayItem`).
 */
import type { ReplayPool } from '../src/replay/replay-item-runner.js';
import { startReplayPool } from '../src/replay/start-replay-pool.js';

/** Starts a pool of `threads` worker threads that replay one file each at a time. */
export function createReplayPool(threads: number): Promise<ReplayPool> {
  // The sources' thread module is TypeScript, the built package's JavaScript: the same as this one's.
  const ext = import.meta.url.endsWith('.ts') ? 'ts' : 'js';
  return startReplayPool(threads, new URL(`./replay-pool-worker.${ext}`, import.meta.url));
}
