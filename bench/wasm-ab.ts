/**
 * A/B of the Adamax kernel between two builds of the wasm module: the kernel module of a git revision
 * (its src/core/wasm/adamax-simd.wat, compiled here with wabt) against the working tree's, both
 * instantiated on ONE memory and run on the SAME buffers, interleaved with the 7-stream floor
 * (`stream7_floor`), so that where the pages sit cancels out of the ratios. Each repetition runs
 * ⌈4,194,304 / n⌉ steps of every method in turn (order reversed every other repetition), after
 * one untimed call of the same method; CPU time (`process.cpuUsage`) per parameter per step.
 * The step is the steady state of a stream (k = f32(1 − β1ᵗ) = 1, the `$adamax_unit_k` loop) unless
 * `--k` gives another bias correction; `--kernel ema` measures `adamax_ema` (the step fused with the
 * weight EMA, momentum 0.99) instead of `adamax`. Prints median ns per parameter and median paired ratios.
 *
 * Run: node --import tsx bench/wasm-ab.ts [--base REV] [--reps N] [--k K] [--kernel adamax|ema] [n ...]
 *      (defaults: --base HEAD~1, --reps 43, --k 1, --kernel adamax, sizes 1000 100000 262144 1048576)
 */

import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileKernelWat } from '../scripts/build-wasm.mjs';
import { ADAMAX_SIMD_WASM_BASE64 } from '../src/core/wasm/adamax-simd.generated.js';
import { median } from './lib/reference-metrics.js';

type Kernel = (w: number, g: number, m: number, u: number, n: number, s: number, avg?: number) => void;
interface Exports {
  adamax: Kernel;
  adamax_ema: Kernel;
  stream7_floor: (w: number, g: number, m: number, u: number, n: number) => void;
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const flag = (name: string, fallback: string): string => {
  const i = argv.indexOf(name);
  if (i < 0) return fallback;
  const v = argv[i + 1];
  argv.splice(i, 2);
  if (v === undefined) throw new Error(`${name} needs a value`);
  return v;
};
const base = flag('--base', 'HEAD~1');
const reps = Number(flag('--reps', '43'));
const k = Number(flag('--k', '1'));
const kernel = flag('--kernel', 'adamax');
const sizes = argv.length > 0 ? argv.map(Number) : [1000, 100000, 262144, 1048576];
if (
  !sizes.every((n) => Number.isInteger(n) && n > 0) ||
  !(reps >= 3) ||
  !(k > 0 && k <= 1) ||
  (kernel !== 'adamax' && kernel !== 'ema')
) {
  throw new Error(
    `bad arguments: sizes ${sizes.join(',')}, --reps ${reps} (≥ 3), --k ${k} (in (0, 1]), --kernel ${kernel} (adamax or ema)`,
  );
}

/** The module bytes of `rev`'s kernel source, compiled as `npm run build:wasm` compiles the working tree's. */
async function moduleAt(rev: string): Promise<Uint8Array> {
  const wat = execFileSync('git', ['show', `${rev}:src/core/wasm/adamax-simd.wat`], { cwd: root, encoding: 'utf8' });
  return compileKernelWat(wat);
}

const maxN = Math.max(...sizes);
const memory = new WebAssembly.Memory({ initial: Math.ceil((20 * maxN + 4096) / 65536) + 1 });
const instantiate = async (bytes: Uint8Array): Promise<Exports> => {
  const module = await WebAssembly.compile(new Uint8Array(bytes));
  return (await WebAssembly.instantiate(module, { env: { memory } })).exports as unknown as Exports;
};
const A = await instantiate(await moduleAt(base));
const B = await instantiate(new Uint8Array(Buffer.from(ADAMAX_SIMD_WASM_BASE64, 'base64')));
const heap = new Float32Array(memory.buffer);
// the scalar block at byte 0: lr, c1 = 1 − β1, β2, ε, k (Keras defaults), EMA momentum and 1 − momentum
heap.set([0.001, Math.fround(1 - 0.9), 0.999, 1e-7, k, 0.99, Math.fround(1 - 0.99)].map(Math.fround), 0);

console.log(
  `A = ${base}, B = working tree; kernel ${kernel}, k = ${k}; ${reps} repetitions (2 warm-up); CPU ns per parameter per step`,
);
console.log('| n | floor | A | B | A / floor | B / floor | B / A |');
console.log('|---|---|---|---|---|---|---|');
for (const n of sizes) {
  const w = 64;
  const g = w + 4 * n;
  const m = g + 4 * n;
  const u = m + 4 * n;
  const avg = u + 4 * n;
  for (let i = 0; i < n; i++) {
    heap[avg / 4 + i] = 0;
    heap[w / 4 + i] = 0.1 * Math.sin(i);
    heap[g / 4 + i] = 0.01 * Math.cos(1.3 * i);
    heap[m / 4 + i] = 0;
    heap[u / 4 + i] = 0.01;
  }
  const methods: Record<string, () => void> = {
    floor: () => A.stream7_floor(w, g, m, u, n),
    A: kernel === 'ema' ? () => A.adamax_ema(w, g, m, u, n, 0, avg) : () => A.adamax(w, g, m, u, n, 0),
    B: kernel === 'ema' ? () => B.adamax_ema(w, g, m, u, n, 0, avg) : () => B.adamax(w, g, m, u, n, 0),
  };
  const names = Object.keys(methods);
  const times: Record<string, number[]> = { floor: [], A: [], B: [] };
  const steps = Math.max(1, Math.ceil(4194304 / n));
  for (let r = 0; r < reps; r++) {
    for (const name of r % 2 === 1 ? [...names].reverse() : names) {
      const run = methods[name]!;
      run();
      const t0 = process.cpuUsage();
      for (let s = 0; s < steps; s++) run();
      const c = process.cpuUsage(t0);
      if (r >= 2) times[name]!.push(((c.user + c.system) * 1e3) / (steps * n));
    }
  }
  const ratio = (a: string, b: string): string => median(times[a]!.map((t, i) => t / times[b]![i]!)).toFixed(3);
  const ns = (a: string): string => median(times[a]!).toFixed(3);
  console.log(
    `| ${n} | ${ns('floor')} | ${ns('A')} | ${ns('B')} | ${ratio('A', 'floor')} | ${ratio('B', 'floor')} | ${ratio('B', 'A')} |`,
  );
}
