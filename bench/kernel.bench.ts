/**
 * Micro benchmark of the elementwise kernels per parameter per step (single core), interleaved:
 *   - the same-math float32 JS loop (`adamaxUpdate`, the TS reference; the baseline),
 *   - the wasm SIMD Adamax kernel (bit-identical to it),
 *   - Adamax + the weight EMA: the fused SIMD kernel (`adamax_ema`) against the SIMD update followed
 *     by the float32 JS EMA loop (`emaUpdate`), which is what the engine did before the fusion,
 *   - the floor: a SIMD kernel doing the update's 7 streams in place (4 loads + 3 stores).
 * Every repetition runs each kernel once, in turn (order reversed every other repetition); the
 * table gives the median wall and CPU time with the min–max spread, and ratios paired per repetition.
 *
 * Run: node --import tsx bench/kernel.bench.ts [n ...]
 */

import { AdamaxScalars } from '../src/core/kernels/adamax-scalars.js';
import { adamaxUpdate } from '../src/core/kernels/adamax-update.js';
import { emaUpdate } from '../src/core/kernels/ema-update.js';
import { Random } from '../src/core/random.js';
import { arenaFloatBytes, KernelArena } from '../src/core/wasm/kernel-arena.js';

const f32 = Math.fround;
const REPS = 15;
const WARMUP_REPS = 3;
/** Parameters updated per repetition (steps × n), so that each repetition lasts milliseconds. */
const PARAMS_PER_REP = 1 << 22;

const LR = f32(0.001);
const BETA1 = f32(0.9);
const BETA2 = f32(0.999);
const EPS = f32(1e-7);
const C1 = f32(1 - 0.9);
const MOM = f32(0.99);
const OM = f32(1 - 0.99);

type Kernel =
  | 'f32 JS loop (baseline)'
  | 'wasm SIMD adamax'
  | 'SIMD adamax + JS EMA'
  | 'SIMD adamax+EMA fused'
  | 'floor (SIMD 7 streams)';
const KERNELS: readonly Kernel[] = [
  'f32 JS loop (baseline)',
  'wasm SIMD adamax',
  'SIMD adamax + JS EMA',
  'SIMD adamax+EMA fused',
  'floor (SIMD 7 streams)',
];

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** A scalar block (slots of AdamaxScalars) with this benchmark's constants; k is written per step. */
function scalarBlock(sc: Float32Array): Float32Array {
  sc.set([LR, C1, BETA2, EPS, 0, MOM, OM]);
  return sc;
}

/** One step of each kernel at size n, on its own buffers (the scalars in a block, as the engine keeps them). */
function steppers(n: number): Map<Kernel, () => void> {
  const rnd = new Random(42);
  const w0 = Float32Array.from({ length: n }, () => rnd.gaussian());
  const g0 = Float32Array.from({ length: n }, () => 0.1 * rnd.gaussian());
  let t = 0;
  /** Writes this step's bias correction k = f32(1 − β1^t) into the block (a float32 store rounds). */
  const k = (sc: Float32Array): void => {
    sc[AdamaxScalars.k] = 1 - f32(BETA1 ** ++t);
  };
  const out = new Map<Kernel, () => void>();
  {
    const [w, m, u] = [Float32Array.from(w0), new Float32Array(n), new Float32Array(n)];
    const sc = scalarBlock(new Float32Array(AdamaxScalars.length));
    out.set('f32 JS loop (baseline)', () => {
      k(sc);
      adamaxUpdate(w, 0, g0, 0, m, u, 0, n, sc, 0);
    });
  }
  const arena = (): { a: KernelArena; p: number[]; f: Float32Array[]; sc: Float32Array } => {
    const a = KernelArena.create(5 * arenaFloatBytes(n) + arenaFloatBytes(AdamaxScalars.length), 'wasm');
    const f = [0, 1, 2, 3, 4].map(() => a.allocF32(n));
    f[0]!.set(w0);
    f[1]!.set(g0);
    return { a, p: f.map((v) => v.byteOffset), f, sc: scalarBlock(a.allocF32(AdamaxScalars.length)) };
  };
  {
    const { a, p, sc } = arena();
    const [w, g, m, u] = p as [number, number, number, number];
    out.set('wasm SIMD adamax', () => {
      k(sc);
      a.kernels.adamax(w, g, m, u, n, sc.byteOffset);
    });
  }
  {
    const { a, p, f, sc } = arena();
    const [w, g, m, u] = p as [number, number, number, number];
    const [wv, avg] = [f[0]!, f[4]!];
    out.set('SIMD adamax + JS EMA', () => {
      k(sc);
      a.kernels.adamax(w, g, m, u, n, sc.byteOffset);
      emaUpdate(avg, 0, wv, 0, n, sc, 0);
    });
  }
  {
    const { a, p, sc } = arena();
    const [w, g, m, u, avg] = p as [number, number, number, number, number];
    out.set('SIMD adamax+EMA fused', () => {
      k(sc);
      a.kernels.adamaxEma(w, g, m, u, n, sc.byteOffset, avg);
    });
  }
  {
    const { a, p } = arena();
    const [w, g, m, u] = p as [number, number, number, number];
    const floor = a.kernels.stream7Floor!;
    out.set('floor (SIMD 7 streams)', () => floor(w, g, m, u, n));
  }
  return out;
}

const fmt = (x: number, digits = 3) => (Number.isFinite(x) ? x.toFixed(digits) : 'n/a');

const sizes = process.argv
  .slice(2)
  .map(Number)
  .filter((x) => Number.isInteger(x) && x > 0);
if (sizes.length === 0) sizes.push(1000, 100_000, 1 << 20, 1 << 23);
console.log(`node ${process.version}, ${REPS} interleaved reps (median, min–max) after ${WARMUP_REPS} warm-up`);
console.log('| n | kernel | ns/param/step (wall) | CPU ns/param/step | × baseline (CPU) | × floor (CPU) |');
console.log('|---:|---|---:|---:|---:|---:|');
for (const n of sizes) {
  const steps = Math.max(1, Math.round(PARAMS_PER_REP / n));
  const fns = steppers(n);
  const wall = new Map<Kernel, number[]>(KERNELS.map((k) => [k, []]));
  const cpu = new Map<Kernel, number[]>(KERNELS.map((k) => [k, []]));
  for (let r = -WARMUP_REPS; r < REPS; r++) {
    for (const kernel of r % 2 ? [...KERNELS].reverse() : KERNELS) {
      const fn = fns.get(kernel)!;
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      for (let s = 0; s < steps; s++) fn();
      const dt = (performance.now() - t0) * 1e6;
      const c = process.cpuUsage(c0);
      if (r < 0) continue;
      wall.get(kernel)!.push(dt / (steps * n));
      cpu.get(kernel)!.push(((c.user + c.system) * 1e3) / (steps * n));
    }
  }
  // ratios on CPU time (wall includes other jobs' time on a shared machine), paired per repetition
  const paired = (a: number[], b: number[]) => median(a.map((x, i) => x / b[i]!));
  for (const kernel of KERNELS) {
    const w = wall.get(kernel)!;
    console.log(
      `| ${n} | ${kernel} | ${fmt(median(w))} (${fmt(Math.min(...w))}–${fmt(Math.max(...w))}) | ${fmt(median(cpu.get(kernel)!))} | ${fmt(paired(cpu.get(kernel)!, cpu.get('f32 JS loop (baseline)')!), 2)} | ${fmt(paired(cpu.get(kernel)!, cpu.get('floor (SIMD 7 streams)')!), 2)} |`,
    );
  }
}
