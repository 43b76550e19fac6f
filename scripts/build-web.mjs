// Builds the browser side of adamax-stream/web with esbuild: a self-contained ES module
// (dist/web/index.js: no bare imports, rxjs and the core bundled in, loadable by a
// <script type="module">) and the AudioWorklet processor beside it (dist/web/denoiser-processor.js),
// which index.js finds through new URL('./denoiser-processor.js', import.meta.url).
// Usage: node scripts/build-web.mjs [outdir]   (default dist/web). The test suite calls buildWeb().
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Bundles the web entry and the processor (plus any `extra` entry points) into `outdir`. */
export async function buildWeb(outdir, { extra = {}, minify = false } = {}) {
  const common = {
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    logLevel: 'warning',
    minify,
    legalComments: 'none',
  };
  await build({
    ...common,
    absWorkingDir: root,
    entryPoints: { index: 'src/web/index.ts', 'denoiser-processor': 'src/web/denoiser-processor.ts', ...extra },
    outdir,
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await buildWeb(process.argv[2] ?? `${root}/dist/web`);
  console.log(`built adamax-stream/web into ${process.argv[2] ?? 'dist/web'}`);
}
