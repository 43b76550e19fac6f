/**
 * Child process of the allocation test (run with --expose-gc --max-semi-space-size=1): counts the
 * young-generation collections (scavenges) during 8 000 hops (64 s of audio) of the PriorDenoiser
 * stream at 16 kHz (argv[3] === '48000': at 48 kHz) with adaptation on, after a 4 000-hop warm-up and two forced GCs. With a 1 MB young
 * generation, a few hundred bytes per hop would force scavenges; argv[2] === 'control' also allocates a
 * 64-number array per hop, ≈ 0.5 kB (the calibration: it must show scavenges). Prints one JSON line.
 */
import { PerformanceObserver, performance } from 'node:perf_hooks';
import { Random } from '../../src/core/random.js';
import { SINGLE_CHANNEL_DEFAULTS } from '../../src/models/defaults/single-channel-defaults.js';
import { PriorDenoiser } from '../../src/models/prior-denoiser.js';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');
const control = process.argv[2] === 'control';
const stream = new PriorDenoiser(
  process.argv[2] === 'none' ? { adaptation: null } : SINGLE_CHANNEL_DEFAULTS.prior,
).createStream(process.argv[3] === '48000' ? 48000 : 16000);
const h = stream.hop;
const rng = new Random(3);
const signal = new Float32Array(16000);
for (let i = 0; i < signal.length; i++)
  signal[i] = 0.05 * rng.gaussian() + 0.1 * Math.sin(i / 20) * (i % 9000 < 4000 ? 1 : 0);
const frame = new Float32Array(h);
const out = new Float32Array(h);
const sink: number[][] = [[0]];
let finite = true;
let pos = 0;
// One hop, in a function of its own, and the warm-up calls `run` 40 times: V8 has optimized both as whole
// functions before the measured call, which therefore starts in optimized code. The measured loop only counts
// (small integers, nothing boxed). A harness that copied samples in a loop warmed up by one call entered the
// measured call in the interpreter and allocated there until on-stack replacement (32 scavenges with
// --no-use-osr on Node 20/22/24; the 16–18 seen under load on Node 22/24 fit on-stack replacement pending).
const hop = (f: number): void => {
  if (pos + h > signal.length) pos = 0;
  for (let i = 0; i < h; i++) frame[i] = signal[pos + i]!;
  pos += h;
  stream.process(frame, out);
  if (!Number.isFinite(out[0]!)) finite = false;
  if (control) sink[0] = new Array<number>(64).fill(f + 0.5); // ≈ 0.5 kB on the JS heap
};
const run = (hops: number): void => {
  for (let f = 0; f < hops; f++) hop(f);
};
for (let k = 0; k < 40; k++) run(100);
gc();
gc();
let gcs = 0;
let t0 = Number.POSITIVE_INFINITY;
let t1 = Number.POSITIVE_INFINITY;
const MINOR = 1; // NODE_PERFORMANCE_GC_MINOR: a scavenge of the young generation, where per-hop garbage goes
const obs = new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    const kind = (e as unknown as { detail?: { kind?: number } }).detail?.kind;
    // only scavenges that started during the measured hops (not in the timer wait that delivers the entries)
    if (kind === MINOR && e.startTime >= t0 && e.startTime <= t1) gcs++;
  }
});
obs.observe({ entryTypes: ['gc'] });
const hops = 8000;
t0 = performance.now();
run(hops);
t1 = performance.now();
await new Promise((r) => setTimeout(r, 50));
obs.disconnect();
console.log(JSON.stringify({ gcs, hops, finite, kept: sink.length }));
