/**
 * Browser side of the Chromium tests: renders a generated scene through `createDenoiserNode` in an
 * OfflineAudioContext at 48 kHz and measures the SI-SDR improvement in the page. Bundled by the
 * test (esbuild) beside denoiser-processor.js and exposed as `window.adamaxTest`.
 */
import { createDenoiserNode, type DenoiserStats, type SingleChannelNodeModel } from '../../src/web/index.js';
import { secondHalfImprovement, singleChannelScene, twoMicScene } from './scenes.js';

export interface SceneResult {
  readonly mode: 'reference' | 'single';
  readonly seconds: number;
  readonly renderMs: number;
  readonly input: number;
  readonly output: number;
  readonly improvement: number;
  readonly reports: number;
  readonly lastStats: DenoiserStats | null;
  readonly snapshots: number;
}

async function runScene(
  mode: 'reference' | 'single',
  seconds: number,
  model?: SingleChannelNodeModel,
): Promise<SceneResult> {
  const options = { mode, ...(model ? { model } : {}) };
  const sampleRate = 48000;
  const scene = mode === 'reference' ? twoMicScene(sampleRate, seconds) : singleChannelScene(sampleRate, seconds);
  const n = scene.primary.length;
  const probe = new OfflineAudioContext({ numberOfChannels: 1, length: 128, sampleRate });
  const latency = (await createDenoiserNode(probe, options)).latency;
  const ctx = new OfflineAudioContext({ numberOfChannels: 1, length: n + latency, sampleRate });
  const buffer = ctx.createBuffer(scene.reference ? 2 : 1, n, sampleRate);
  buffer.copyToChannel(scene.primary as Float32Array<ArrayBuffer>, 0);
  if (scene.reference) buffer.copyToChannel(scene.reference as Float32Array<ArrayBuffer>, 1);
  const source = new AudioBufferSourceNode(ctx, { buffer });
  const dn = await createDenoiserNode(ctx, { ...options, reportIntervalMs: 100 });
  const stats: DenoiserStats[] = [];
  let snapshots = 0;
  let failure: unknown = null;
  dn.stats$.subscribe({ next: (s) => stats.push(s), error: (e: unknown) => (failure = e) });
  dn.snapshots$.subscribe(() => snapshots++);
  source.connect(dn.node).connect(ctx.destination);
  source.start();
  const t0 = performance.now();
  const rendered = await ctx.startRendering();
  const renderMs = performance.now() - t0;
  await new Promise((r) => setTimeout(r, 50)); // let the last port messages arrive
  if (failure) throw failure;
  const m = secondHalfImprovement(scene, rendered.getChannelData(0), dn.latency);
  dn.dispose();
  return { mode, seconds, renderMs, ...m, reports: stats.length, lastStats: stats.at(-1) ?? null, snapshots };
}

/**
 * Render time only (benchmark): a `seconds` clip of the scene of `mode` through the denoiser in an
 * OfflineAudioContext at 48 kHz, timed around `startRendering()`; `'none'` renders the same source
 * straight to the destination (the context's own cost, the baseline).
 */
async function renderMs(
  mode: 'reference' | 'single' | 'none',
  seconds: number,
  model?: SingleChannelNodeModel,
): Promise<number> {
  const sampleRate = 48000;
  const scene = mode === 'reference' ? twoMicScene(sampleRate, seconds) : singleChannelScene(sampleRate, seconds);
  const n = scene.primary.length;
  const ctx = new OfflineAudioContext({ numberOfChannels: 1, length: n, sampleRate });
  const buffer = ctx.createBuffer(scene.reference ? 2 : 1, n, sampleRate);
  buffer.copyToChannel(scene.primary as Float32Array<ArrayBuffer>, 0);
  if (scene.reference) buffer.copyToChannel(scene.reference as Float32Array<ArrayBuffer>, 1);
  const source = new AudioBufferSourceNode(ctx, { buffer });
  if (mode === 'none') source.connect(ctx.destination);
  else {
    const options = { mode, reportIntervalMs: 100, ...(model ? { model } : {}) };
    source.connect((await createDenoiserNode(ctx, options)).node).connect(ctx.destination);
  }
  source.start();
  const t0 = performance.now();
  await ctx.startRendering();
  return performance.now() - t0;
}

(globalThis as { adamaxTest?: unknown }).adamaxTest = { runScene, renderMs };
