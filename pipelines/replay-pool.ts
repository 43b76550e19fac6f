/**
 * The replay pool of the pipelines: `threads` worker threads, each running the thread module next
 * to this one (`replay-pool-worker`: one file through `replayItem`). The built package also has that
 * module bundled into one file (`replay-pool-worker.bundle.js`, made by the build), which a thread
 * loads about 5× faster than the ~260 compiled files it bundles; it is used when present.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ReplayPool } from '../src/replay/replay-item-runner.js';
import { startReplayPool } from '../src/replay/start-replay-pool.js';

/** Starts a pool of `threads` worker threads that replay one file each at a time. */
export function createReplayPool(threads: number): Promise<ReplayPool> {
  // The sources' thread module is TypeScript, the built package's JavaScript: the same as this one's.
  if (import.meta.url.endsWith('.ts'))
    return startReplayPool(threads, new URL('./replay-pool-worker.ts', import.meta.url));
  const bundle = new URL('./replay-pool-worker.bundle.js', import.meta.url);
  return startReplayPool(
    threads,
    existsSync(fileURLToPath(bundle)) ? bundle : new URL('./replay-pool-worker.js', import.meta.url),
  );
}
