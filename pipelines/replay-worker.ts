/**
 * A dataset-replay worker (`adamax-stream worker`): the replay queue's worker with a pool of worker
 * threads, each denoising its file as a local replay does (`replayItem`).
 */
import type { ReplayWorker, ReplayWorkerOptions } from '../src/replay/start-replay-queue-worker.js';
import { startReplayQueueWorker } from '../src/replay/start-replay-queue-worker.js';

/** Starts a worker that takes jobs of the replay queue (see `replayDistributed`). */
export function startReplayWorker(options: ReplayWorkerOptions): Promise<ReplayWorker> {
  // Loaded on demand: the thread pool is only needed once jobs are taken.
  return startReplayQueueWorker(options, async (threads) =>
    (await import('./replay-pool.js')).createReplayPool(threads),
  );
}
