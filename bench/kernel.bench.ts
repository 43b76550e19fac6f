/**
 * Micro benchmark of one Adamax step per parameter (single core):
 *   - the TS reference kernel `adamaxUpdate` (float32 via Math.fround, Keras order),
 *   - a plain fused float64 JS loop (no fround; the "plain loop" baseline),
 *   - the wasm SIMD kernel (bit-identical to the reference),
 *   - a memory copy probe (Float32Array.set of 2^22 floats, counted 8 bytes per element moved),
 *     giving the memory-traffic floor = 28 bytes/param ÷ copy bandwidth.
 *
 * Run: node --import tsx bench/kernel.bench.ts [n ...]
 */

import { adamaxUpdate } from '../src/core/kernels/adamax-update.js';
import { Random } from '../src/core/random.js';
import { createAdamaxWasm, createWasmMemory } from '../src/core/wasm/adamax-wasm.js';
import { plainAdamaxLoop } from './lib/plain-adamax-loop.js';

const f32 = Math.fround;
const REPS = 21;
const WARMUP_REPS = 5;
/** Parameters updated per repetition (steps × n), so that each repetition lasts milliseconds. */
const PARAMS_PER_REP = 1 << 22;
const BYTES_PER_PARAM = 28; // read w, g, m, u (16) + write w, m, u (12)

const LR = f32(0.001);
const BETA1 = 0.9;
const BETA2 = f32(0.999);
const EPS = f32(1e-7);
const C1 = f32(1 - BETA1);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Median over repetitions of the time (ns) of one call of `rep`, after warm-up. */
function timeReps(rep: () => void): number {
  for (let i = 0; i < WARMUP_REPS; i++) rep();
  const times: number[] = [];
  for (let i = 0; i < REPS; i++) {
    const t0 = performance.now();
    rep();
    times.push((performance.now() - t0) * 1e6);
  }
  return median(times);
}

function randomInit(rnd: Random, w: Float32Array, g: Float32Array): void {
  for (let i = 0; i < w.length; i++) {
    w[i] = rnd.gaussian();
    g[i] = rnd.gaussian() * 0.1;
  }
}

type Kernel = 'ts reference (fround)' | 'plain f64 loop' | 'wasm SIMD f32x4';

/** ns per parameter per step. */
function benchKernel(kernel: Kernel, n: number): number {
  const steps = Math.max(1, Math.round(PARAMS_PER_REP / n));
  const rnd = new Random(42);
  let t = 0;
  if (kernel === 'wasm SIMD f32x4') {
    const memory = createWasmMemory(16 * n + 64);
    const k = memory === null ? null : createAdamaxWasm(memory);
    if (memory === null || k === null) return Number.NaN;
    const heap = new Float32Array(memory.buffer);
    const [pw, pg, pm, pu] = [0, n, 2 * n, 3 * n];
    randomInit(rnd, heap.subarray(pw, pw + n), heap.subarray(pg, pg + n));
    const adamax = k.adamax;
    return (
      timeReps(() => {
        for (let s = 0; s < steps; s++) {
          t++;
          const kt = f32(1 - f32(BETA1 ** t));
          adamax(4 * pw, 4 * pg, 4 * pm, 4 * pu, n, LR, C1, BETA2, EPS, kt);
        }
      }) /
      (steps * n)
    );
  }
  const w = new Float32Array(n);
  const g = new Float32Array(n);
  const m = new Float32Array(n);
  const u = new Float32Array(n);
  randomInit(rnd, w, g);
  if (kernel === 'ts reference (fround)') {
    return (
      timeReps(() => {
        for (let s = 0; s < steps; s++) {
          t++;
          const kt = f32(1 - f32(BETA1 ** t));
          adamaxUpdate(w, 0, g, 0, m, u, 0, n, LR, C1, BETA2, EPS, kt);
        }
      }) /
      (steps * n)
    );
  }
  return (
    timeReps(() => {
      for (let s = 0; s < steps; s++) {
        t++;
        plainAdamaxLoop(w, g, m, u, n, BETA1, BETA2, LR / (1 - BETA1 ** t), EPS);
      }
    }) /
    (steps * n)
  );
}

/** Copy bandwidth in bytes per ns (= GB/s), counting 8 bytes (read + write) per float moved. */
function copyBandwidth(): number {
  const len = 1 << 22;
  const src = new Float32Array(len);
  const dst = new Float32Array(len);
  for (let i = 0; i < len; i++) src[i] = i;
  const ns = timeReps(() => {
    dst.set(src);
    src[0] = dst[len - 1]!;
  });
  return (8 * len) / ns;
}

const fmt = (x: number, digits = 2) => (Number.isFinite(x) ? x.toFixed(digits) : 'n/a');

const sizes = process.argv
  .slice(2)
  .map(Number)
  .filter((x) => Number.isInteger(x) && x > 0);
if (sizes.length === 0) sizes.push(1000, 100_000, 1 << 20);
const kernels: Kernel[] = ['ts reference (fround)', 'plain f64 loop', 'wasm SIMD f32x4'];

const bw = copyBandwidth();
const floor = BYTES_PER_PARAM / bw;
console.log(
  `node ${process.version}, ${REPS} reps (median) after ${WARMUP_REPS} warm-up, ~${PARAMS_PER_REP} params/rep`,
);
console.log(`copy probe (Float32Array.set, 2^22 floats, 8 B/elem): ${fmt(bw, 1)} GB/s`);
console.log(`memory-traffic floor: ${BYTES_PER_PARAM} B/param ÷ ${fmt(bw, 1)} GB/s = ${fmt(floor, 3)} ns/param/step\n`);
console.log('| n | kernel | ns/param/step | effective GB/s (28 B/param) | × plain loop | × floor |');
console.log('|---:|---|---:|---:|---:|---:|');
for (const n of sizes) {
  const results = new Map<Kernel, number>();
  for (const kernel of kernels) results.set(kernel, benchKernel(kernel, n));
  const plain = results.get('plain f64 loop')!;
  for (const kernel of kernels) {
    const ns = results.get(kernel)!;
    console.log(
      `| ${n} | ${kernel} | ${fmt(ns, 3)} | ${fmt(BYTES_PER_PARAM / ns, 1)} | ${fmt(ns / plain)} | ${fmt(ns / floor)} |`,
    );
  }
}
