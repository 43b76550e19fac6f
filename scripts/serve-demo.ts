/**
 * `npm run demo`: builds the demo page (samples/web/) with the browser bundle and serves it on
 * http://127.0.0.1:8787 (PORT to change). Microphone or file in, denoised out, live plots, WAV
 * download. Ctrl-C stops.
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildWeb } from './build-web.mjs';
import { serveDir } from './serve-static.js';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Builds the demo into `dir` (index.html, demo.js, index.js, denoiser-processor.js). */
export async function buildDemo(dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  await buildWeb(dir, { extra: { demo: 'samples/web/demo.ts' } });
  copyFileSync(join(root, 'samples', 'web', 'index.html'), join(dir, 'index.html'));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const dir = join(root, '.tmp', 'demo');
  await buildDemo(dir);
  const { url } = await serveDir(dir, Number(process.env.PORT ?? 8787));
  console.log(`adamax-stream demo: ${url}  (Ctrl-C to stop)`);
}
