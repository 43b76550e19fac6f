/**
 * Per-block cost of the two-path reference canceller: 48 kHz, 128-sample blocks, a 43 ms filter
 * (17 partitions, 2176 taps) and the 64 ms default (24 partitions), against FD-NLMS and the v1
 * FD-Adamax+EMA at the same geometry, measured in the same run (interleaved repetitions, medians
 * of p50/p99/p99.9 over repetitions; steady state = last three quarters). Also a heap-growth check:
 * `process.memoryUsage().heapUsed` before/after a GC-free stretch of the canceller's steady state
 * (run with --expose-gc for the forced GCs around it).
 *
 * Run: node --expose-gc --import tsx bench/canceller-speed.ts [--seconds S] [--repeats R] [--config JSON]
 */
import { loadavg } from 'node:os';
import { GCProfiler } from 'node:v8';
import type { AdaptiveFilter } from '../src/models/adaptive-filter.js';
import { makeFdAdamax } from './lib/reference-methods.js';
import { median } from './lib/reference-metrics.js';
import { makeSpeedSignal } from './lib/speed-signal.js';
import {
  CANCELLER_METHOD,
  type CancellerKnobs,
  FD_NLMS_METHOD,
  makeCanceller,
  V1_DEFAULT_FD,
} from './lib/v2-methods.js';

const argv = process.argv.slice(2);
const num = (f: string, d: number): number => (argv.includes(f) ? Number(argv[argv.indexOf(f) + 1]) : d);
const seconds = num('--seconds', 10);
const repeats = num('--repeats', 3);
const cfgArg = argv.includes('--config') ? argv[argv.indexOf('--config') + 1] : null;
const knobs: CancellerKnobs = cfgArg ? JSON.parse(cfgArg) : (CANCELLER_METHOD.seedConfig as CancellerKnobs);
const FS = 48000;
const B = 128;

const taps43 = Math.ceil((43 * FS) / 1000 / B) * B;
const cases: [string, () => AdaptiveFilter][] = [
  ['two-path canceller, 43 ms', () => makeCanceller(FS, { ...knobs, filterMs: 43 })],
  ['two-path canceller, 64 ms (default length)', () => makeCanceller(FS, { ...knobs, filterMs: 64 })],
  [
    'v1 FD-Adamax+EMA, 43 ms',
    () => makeFdAdamax({ sampleRate: FS, blockSize: B, taps: taps43, rlsTaps: 32 }, V1_DEFAULT_FD),
  ],
  [
    'FD-NLMS (constrained), 43 ms',
    () => FD_NLMS_METHOD.make(FS, { mu: 0.1, smoothing: 0.9, regularization: 1e-8, constrained: true }),
  ],
];

interface Row {
  p50: number;
  p99: number;
  p999: number;
}

function timeCase(make: () => AdaptiveFilter, d: Float32Array, x: Float32Array): Row {
  const f = make();
  const blocks = Math.floor((seconds * FS) / B);
  const times = new Float64Array(blocks);
  const frame = [new Float32Array(B), new Float32Array(B)];
  const out = new Float32Array(B);
  for (let b = 0; b < blocks; b++) {
    const off = (b * B) % (d.length - B);
    frame[0].set(d.subarray(off, off + B));
    frame[1].set(x.subarray(off, off + B));
    const t0 = performance.now();
    f.process(frame, out);
    times[b] = (performance.now() - t0) * 1000;
  }
  const s = Array.from(times.subarray(Math.floor(blocks / 4))).sort((a, c) => a - c);
  const q = (p: number): number => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return { p50: q(0.5), p99: q(0.99), p999: q(0.999) };
}

/** Heap growth per block over the canceller's steady state (best of three GC-free windows after re-settling). */
function heapPerBlock(d: Float32Array, x: Float32Array): { bytesPerBlock: number; blocks: number } {
  const f = makeCanceller(FS, { ...knobs, filterMs: 43 });
  const frame = [new Float32Array(B), new Float32Array(B)];
  const out = new Float32Array(B);
  const run = (n: number): void => {
    for (let b = 0; b < n; b++) {
      const off = (b * B) % (d.length - B);
      for (let i = 0; i < B; i++) {
        frame[0][i] = d[off + i];
        frame[1][i] = x[off + i];
      }
      f.process(frame, out);
    }
  };
  const gc = (globalThis as { gc?: () => void }).gc;
  run(2000);
  gc?.();
  gc?.();
  // a forced GC can drop optimised code that embeds objects it collected; the code then runs
  // unoptimised (boxing doubles) until re-optimised: re-settle, then the best of three windows
  // without a scavenge (a per-block allocation shows in every window)
  run(2000);
  const n = 4000;
  let best = Number.POSITIVE_INFINITY;
  for (let w = 0; w < 3; w++) {
    const profiler = new GCProfiler();
    profiler.start();
    const before = process.memoryUsage().heapUsed;
    run(n);
    const after = process.memoryUsage().heapUsed;
    const scavenges = (profiler.stop()?.statistics ?? []).filter((e) => e.gcType === 'Scavenge').length;
    if (scavenges === 0) best = Math.min(best, (after - before) / n);
  }
  return { bytesPerBlock: best, blocks: n };
}

const { d, x } = makeSpeedSignal(FS);
const load0 = loadavg()[0];
const runs: Row[][] = cases.map(() => []);
for (let r = 0; r < repeats; r++) {
  cases.forEach(([, make], c) => {
    runs[c].push(timeCase(make, d, x));
  });
}
const heap = heapPerBlock(d, x);
const load1 = loadavg()[0];
const base = median(runs[3].map((r) => r.p99));
console.log(
  `Speed (48 kHz, 128-sample blocks; ${seconds} s of audio per case, ${repeats} interleaved repetitions, medians; µs per block, budget 2,667 µs; load average ${load0.toFixed(1)} before / ${load1.toFixed(1)} after on 2 CPUs):\n`,
);
console.log('| filter | p50 | p99 | p99.9 | p99 / FD-NLMS p99 |');
console.log('|---|---|---|---|---|');
cases.forEach(([name], c) => {
  const m = (k: keyof Row): number => median(runs[c].map((r) => r[k]));
  console.log(
    `| ${name} | ${m('p50').toFixed(1)} | ${m('p99').toFixed(1)} | ${m('p999').toFixed(1)} | ${(m('p99') / base).toFixed(2)} |`,
  );
});
console.log(
  `\nHeap growth of the canceller (43 ms) over ${heap.blocks} steady-state blocks (best of 3 windows without a scavenge): ${heap.bytesPerBlock.toFixed(2)} B/block${(globalThis as { gc?: unknown }).gc ? '' : ' (run with --expose-gc for forced GCs around it)'}.`,
);
