// Bundles the replay pool's thread module into one ES module next to it
// (dist/pipelines/replay-pool-worker.bundle.js), rxjs included. Why: a pool thread starts by loading
// its module graph, and as ~260 compiled files plus rxjs's CommonJS build (which Node picks over its
// ES build) that load cost ≈ 0.35–0.45 CPU s per thread on this machine; one bundled file costs
// ≈ 0.07 s. `createReplayPool` uses the bundle when it is there, the plain module otherwise.
// Packages with native code or their own loaders stay external (they are resolved from the
// package's node_modules as before).
// Usage: node scripts/build-pool-worker.mjs [distdir]   (default dist). The scale benchmark and the
// tests call bundlePoolWorker().
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Bundles `<dist>/pipelines/replay-pool-worker.js` into `<dist>/pipelines/replay-pool-worker.bundle.js`. */
export async function bundlePoolWorker(dist) {
  const outfile = join(dist, 'pipelines', 'replay-pool-worker.bundle.js');
  await build({
    entryPoints: [join(dist, 'pipelines', 'replay-pool-worker.js')],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    logLevel: 'warning',
    legalComments: 'none',
    external: ['node-web-audio-api', 'piscina', 'bullmq', 'ioredis', '@jitsi/rnnoise-wasm'],
  });
  return outfile;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const out = await bundlePoolWorker(process.argv[2] ?? join(root, 'dist'));
  console.log(`bundled the replay pool's thread module into ${out}`);
}
