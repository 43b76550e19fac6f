/** Bundles `<dist>/pipelines/replay-pool-worker.js` into `<dist>/pipelines/replay-pool-worker.bundle.js`; returns its path. */
export function bundlePoolWorker(dist: string): Promise<string>;
