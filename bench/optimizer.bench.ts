/**
 * Optimizer benchmark: ns per parameter per step of one Adamax update, single core, for several
 * parameter counts, comparing
 *   - the class API `Adamax.apply([grad], [variable])` (backend auto = wasm SIMD, and 'js'), with a
 *     separate gradient array (`AdamaxCore.stepFrom`: streamed through a 64 KiB staging block) and with
 *     the engine's gradient slot (`gradientBuffer`: no copy);
 *     the variables are zero-copy (their values live in the engine's memory),
 *   - the engine `core.step()` from `buildFlat` (wasm and js), with and without refilling `core.grads`,
 *   - the same-math float32 JS loop (`adamaxUpdate`, the TS reference: the baseline) and, for
 *     reference, a fused float64 loop (not Keras' math),
 *   - TensorFlow.js 4.22 `tf.train.adamax(...).applyGradients` on the wasm backend (the fair peer) and cpu,
 *   - the floor: a SIMD kernel doing the update's 7 streams in place (4 loads + 3 stores per parameter).
 * The wasm, JS and floor methods are measured interleaved: every repetition runs each method once,
 * in turn; ratios (step ÷ floor, apply ÷ step) are per repetition, then the median. Wall time and
 * CPU time (`process.cpuUsage`) per repetition; medians with the min–max spread. tfjs runs after
 * (a backend switch per repetition would dominate), with the same repetition count.
 *
 * Run:   node --import tsx bench/optimizer.bench.ts [--quick] [--write] [--sizes=1000,1e5,2^20] [--reps=11]
 *        [--from-step=200]
 *        (`npm run bench`). `--write` replaces the optimizer section of BENCHMARKS.md.
 * Import: `runOptimizerBench({ quick: true })` returns the measured rows.
 */

import { createRequire } from 'node:module';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { AdamaxScalars } from '../src/core/kernels/adamax-scalars.js';
import { adamaxUpdate } from '../src/core/kernels/adamax-update.js';
import { createLayout } from '../src/core/param-layout.js';
import { Random } from '../src/core/random.js';
import { arenaFloatBytes, KernelArena, type SimdKernels } from '../src/core/wasm/kernel-arena.js';
import { Adamax } from '../src/optim/adamax.js';
import type { AdamaxCore } from '../src/optim/adamax-core.js';
import { Variable } from '../src/optim/variable.js';
import { replaceMarkedSection, writeMarkedSection } from './lib/benchmarks-md.js';
import { plainAdamaxLoop } from './lib/plain-adamax-loop.js';

type Tf = typeof import('@tensorflow/tfjs-core');

/** The measured methods, in table order. `floor` is the derived memory-traffic floor. */
export type MethodId =
  | 'apply-wasm'
  | 'apply-slot-wasm'
  | 'apply-js'
  | 'step-refill-wasm'
  | 'step-refill-js'
  | 'step-wasm'
  | 'step-js'
  | 'f32-loop'
  | 'plain-loop'
  | 'tfjs-wasm'
  | 'tfjs-cpu'
  | 'floor'
  | 'div-floor'
  | 'apply-slot-core'
  | 'step-shared'
  | 'floor-shared'
  | 'div-floor-shared';

export const METHOD_LABELS: Readonly<Record<MethodId, string>> = {
  'apply-wasm': '`Adamax.apply` (defaults: wasm), separate gradient array (streamed from 32,768 parameters on)',
  'apply-slot-wasm': '`Adamax.apply` (wasm), gradient in `gradientBuffer(v)`: zero-copy',
  'apply-slot-core': "`core.step()` of the zero-copy `apply`'s own optimizer (`opt.core`: the same buffers)",
  'apply-js': "`Adamax.apply` (backend 'js'), separate gradient array (read in place)",
  'step-refill-wasm': '`core.step()` + `grads.set(g)` (wasm)',
  'step-refill-js': "`core.step()` + `grads.set(g)` ('js')",
  'step-wasm': '`core.step()` alone, no refill (wasm)',
  'step-js': "`core.step()` alone, no refill ('js')",
  'f32-loop': 'same-math float32 JS loop (`adamaxUpdate`; baseline)',
  'plain-loop': 'fused float64 JS loop (not Keras math; reference)',
  'tfjs-wasm': 'tfjs 4.22 `adamax().applyGradients` (wasm)',
  'tfjs-cpu': 'tfjs 4.22 `adamax().applyGradients` (cpu)',
  floor: 'floor: SIMD kernel, the same 7 streams in place',
  'div-floor': 'division floor: the same 7 streams with one f32x4 division per 4 parameters, as the step must',
  'step-shared': '`core.step()` alone (wasm), a second engine whose buffers the two floors below share',
  'floor-shared': 'floor, in place on the buffers of the engine above',
  'div-floor-shared': 'division floor, in place on the buffers of the engine above',
};

/** One row of the table: one method at one parameter count. */
export interface Result {
  readonly method: MethodId;
  readonly label: string;
  /** Parameters updated per step. */
  readonly n: number;
  /** Median over the repetitions of (rep wall time ÷ (steps × n)). NaN when the method was skipped. */
  readonly nsPerParamStep: number;
  /** Min and max over the repetitions (wall). */
  readonly nsMin: number;
  readonly nsMax: number;
  /** Median CPU time (user + system) per param-step. */
  readonly cpuNsPerParamStep: number;
  /** Timed repetitions. */
  readonly reps: number;
  /** Steps per repetition. */
  readonly stepsPerRep: number;
  /** Median per-repetition ratio to the same-math float32 loop. */
  readonly vsBaseline: number;
  /** tfjs-cpu's time ÷ this time. */
  readonly speedupVsTfjsCpu: number;
  /** tfjs-wasm's time ÷ this time. */
  readonly speedupVsTfjsWasm: number;
  /** Median per-repetition ratio to the floor kernel (paired: same repetition). */
  readonly vsFloor: number;
  /** Median per-repetition ratio to the lower of the two floors (floor, division floor) in that repetition. */
  readonly vsBestFloor: number;
  /** Median per-repetition ratio to the lower of the two floors run on the shared engine's buffers. */
  readonly vsSharedFloor: number;
  /** `apply` with the gradient slot only: median per-repetition ratio to its own optimizer's `core.step()`. */
  readonly vsOwnStep: number;
  /** Median per-repetition ratio to `core.step()` alone (wasm), paired. */
  readonly vsStep: number;
}

export interface OptimizerBenchOptions {
  /** Few, short repetitions and smaller sizes: a smoke test, not a measurement. */
  readonly quick?: boolean;
  /** Parameter counts (default 1e3, 1e5, 2^20 and the DRAM-resident 2^23; quick: 1e3, 1e4). */
  readonly sizes?: readonly number[];
  /** Measured repetitions (default 11; quick 3). More repetitions narrow the medians of short steps. */
  readonly reps?: number;
  /**
   * Untimed steps of every interleaved method before the repetitions (default 200; quick 0). From
   * t = 165 on, the bias correction k = f32(1 − 0.9^t) is exactly 1 and the kernel skips its multiply:
   * the steady state of a long-running stream. 0 measures the first steps (k < 1).
   */
  readonly fromStep?: number;
  /** Whether to run the tfjs wasm backend (default true; its first init takes a moment). */
  readonly tfjsWasm?: boolean;
  /** Where progress and the final markdown go (default console.log). */
  readonly log?: (line: string) => void;
}

export interface MachineFacts {
  readonly node: string;
  readonly v8: string;
  readonly cpu: string;
  readonly cores: number;
  readonly platform: string;
  readonly memoryGiB: number;
  readonly date: string;
  readonly loadBefore: number;
  readonly loadAfter: number;
}

export interface OptimizerBenchReport {
  readonly results: Result[];
  readonly machine: MachineFacts;
  readonly config: RunConfig;
  /** Whether the targets were met at the measured target sizes (null if none was measured). */
  readonly targetsMet: boolean | null;
  readonly markdown: string;
}

interface RunConfig {
  readonly quick: boolean;
  readonly reps: number;
  readonly warmupReps: number;
  /** Minimum param-steps per repetition (steps = ceil(paramStepsPerRep / n)). */
  readonly paramStepsPerRep: number;
  /** Untimed steps of every interleaved method before the repetitions (see OptimizerBenchOptions). */
  readonly fromStep: number;
  /** tfjs-cpu is ~200 ns/param: fewer reps at large n. */
  readonly tfjsCpuLargeReps: number;
  readonly tfjsCpuLargeN: number;
}

const TARGET_SIZES = [1 << 20, 1 << 23];
const TARGET_STEP_VS_FLOOR = 1.2;
const TARGET_APPLY_VS_STEP = 1.1;
// Keras defaults.
const LR = 0.001;
const BETA1 = 0.9;
const BETA2 = 0.999;
const EPS = 1e-7;

const FULL: RunConfig = {
  quick: false,
  reps: 11,
  warmupReps: 2,
  paramStepsPerRep: 1 << 22,
  fromStep: 200,
  tfjsCpuLargeReps: 3,
  tfjsCpuLargeN: 1 << 20,
};
const QUICK: RunConfig = {
  quick: true,
  reps: 3,
  warmupReps: 1,
  paramStepsPerRep: 1 << 14,
  fromStep: 0,
  tfjsCpuLargeReps: 3,
  tfjsCpuLargeN: 1 << 20,
};

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Per-repetition samples of one method: wall and CPU ns per param-step. */
interface Samples {
  readonly wall: number[];
  readonly cpu: number[];
  stepsPerRep: number;
}

/** One repetition: `steps` calls of `step`; returns [wall ns, cpu ns]. */
function timeRep(step: () => void, steps: number): [number, number] {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let s = 0; s < steps; s++) step();
  const wall = (performance.now() - t0) * 1e6;
  const c = process.cpuUsage(c0);
  return [wall, (c.user + c.system) * 1e3];
}

/** Deterministic weights ~N(0, 1) and gradients ~N(0, 0.01). */
function initData(n: number, seed = 42): { w: Float32Array; g: Float32Array } {
  const rnd = new Random(seed);
  const w = new Float32Array(n);
  const g = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    w[i] = rnd.gaussian();
    g[i] = rnd.gaussian() * 0.1;
  }
  return { w, g };
}

/** One step of each interleaved method at size n (each owns its buffers). */
function runners(n: number): Map<MethodId, () => void> {
  const { w, g } = initData(n);
  const out = new Map<MethodId, () => void>();
  const apply = (backend: 'auto' | 'js', slot: boolean): (() => void) => {
    const v = new Variable(w, { name: 'w' });
    const opt = new Adamax({ backend });
    opt.build([v]);
    const grad = slot ? opt.gradientBuffer(v) : g;
    if (slot) grad.set(g);
    const grads = [grad];
    const vars = [v];
    if (slot && backend === 'auto') {
      // the same engine stepped directly: apply's overhead measured on the very same buffers
      const core = opt.core;
      out.set('apply-slot-core', () => core.step());
    }
    return () => opt.apply(grads, vars);
  };
  out.set('apply-wasm', apply('auto', false));
  out.set('apply-slot-wasm', apply('auto', true));
  out.set('apply-js', apply('js', false));
  // an engine of n parameters holding w and g
  const engine = (backend: 'wasm' | 'js'): AdamaxCore => {
    const core = new Adamax({ backend }).buildFlat(createLayout([{ name: 'w', length: n }]));
    if (core.backend !== backend) throw new Error(`step: backend ${core.backend}, expected ${backend}`);
    core.params.set(w);
    core.grads.set(g);
    return core;
  };
  // the two floors on the buffers at byte offsets (a, b, c, d) of an arena's memory, as `floor${suffix}`
  const floors = (k: SimdKernels, [a, b, c, d]: readonly number[], suffix: '' | '-shared'): void => {
    const floor = k.stream7Floor!;
    const divFloor = k.stream7DivFloor!;
    out.set(`floor${suffix}`, () => floor(a!, b!, c!, d!, n));
    out.set(`div-floor${suffix}`, () => divFloor(a!, b!, c!, d!, n));
  };
  const step = (backend: 'wasm' | 'js', refill: boolean): (() => void) => {
    const core = engine(backend);
    const grads = core.grads;
    // default options: step() leaves `grads` unchanged, so "alone" updates with the same gradient
    return refill
      ? () => {
          grads.set(g);
          core.step();
        }
      : () => core.step();
  };
  out.set('step-refill-wasm', step('wasm', true));
  out.set('step-refill-js', step('js', true));
  out.set('step-wasm', step('wasm', false));
  out.set('step-js', step('js', false));
  {
    const [wf, m, u] = [Float32Array.from(w), new Float32Array(n), new Float32Array(n)];
    const f32 = Math.fround;
    // the scalar block the kernels read (slots of AdamaxScalars; a float32 store rounds like f32)
    const sc = new Float32Array(AdamaxScalars.length);
    sc.set([LR, 1 - BETA1, BETA2, EPS]);
    let t = 0;
    out.set('f32-loop', () => {
      t++;
      sc[AdamaxScalars.k] = 1 - f32(f32(BETA1) ** t);
      adamaxUpdate(wf, 0, g, 0, m, u, 0, n, sc, 0);
    });
  }
  {
    const [wp, m, u] = [Float32Array.from(w), new Float32Array(n), new Float32Array(n)];
    let t = 0;
    out.set('plain-loop', () => {
      t++;
      plainAdamaxLoop(wp, g, m, u, n, BETA1, BETA2, LR / (1 - BETA1 ** t), EPS);
    });
  }
  {
    const arena = KernelArena.create(4 * arenaFloatBytes(n), 'wasm');
    const [pw, pg, pm, pu] = [0, 1, 2, 3].map(() => arena.allocF32(n));
    pw!.set(w);
    pg!.set(g);
    // the division floor on the floor's own buffers: at 2^20 the same loop runs 5–25 % apart on
    // different buffers (where the pages sit), which a ratio between two arenas would measure
    floors(arena.kernels, [pw!.byteOffset, pg!.byteOffset, pm!.byteOffset, pu!.byteOffset], '');
  }
  {
    // A second engine whose w, g, m, u the two floors update in place: step and floors then touch
    // the same pages (where they sit moves the same loop by 5–25 % at 2^20). The floors leave values
    // that are not a training run's in this engine (u may hold a negative g); its step's float32 ops
    // take the same time on them as long as none is subnormal, and none is: |u| stays within β2^t of
    // |g| (~N(0, 0.01), t < 500 steps here), and w, m stay within a few |g| of their start.
    const core = engine('wasm');
    out.set('step-shared', () => core.step());
    floors(
      core.arena.kernels,
      [core.params.byteOffset, core.grads.byteOffset, core.m.byteOffset, core.u.byteOffset],
      '-shared',
    );
  }
  return out;
}

let tfjsVarCounter = 0;

async function benchTfjs(tf: Tf, backend: 'cpu' | 'wasm', n: number, cfg: RunConfig): Promise<Samples> {
  if (!(await tf.setBackend(backend))) throw new Error(`tfjs backend '${backend}' failed to initialise`);
  await tf.ready();
  const before = tf.memory().numTensors;
  const { w, g } = initData(n);
  const name = `bench_w_${tfjsVarCounter++}`;
  const init = tf.tensor1d(w);
  const variable = tf.variable(init, true, name);
  init.dispose();
  const grad = tf.tensor1d(g);
  const opt = tf.train.adamax(LR, BETA1, BETA2, EPS, 0);
  const grads = [{ name, tensor: grad }];
  const samples: Samples = { wall: [], cpu: [], stepsPerRep: Math.max(1, Math.ceil(cfg.paramStepsPerRep / n)) };
  try {
    const reps = n >= cfg.tfjsCpuLargeN && backend === 'cpu' ? cfg.tfjsCpuLargeReps : cfg.reps;
    if (backend === 'cpu' && n >= cfg.tfjsCpuLargeN) samples.stepsPerRep = 1;
    const step = () => opt.applyGradients(grads);
    for (let i = 0; i < cfg.warmupReps; i++) timeRep(step, samples.stepsPerRep);
    for (let i = 0; i < reps; i++) {
      const [wall, cpu] = timeRep(step, samples.stepsPerRep);
      samples.wall.push(wall / (samples.stepsPerRep * n));
      samples.cpu.push(cpu / (samples.stepsPerRep * n));
    }
  } finally {
    opt.dispose();
    variable.dispose();
    grad.dispose();
  }
  const leaked = tf.memory().numTensors - before;
  if (leaked !== 0) throw new Error(`tfjs-${backend}: ${leaked} tensors leaked`);
  return samples;
}

/** Interleaved repetitions of the sync methods at size n, each timed run after one untimed step of it. */
function benchInterleaved(n: number, cfg: RunConfig): Map<MethodId, Samples> {
  const methods = runners(n);
  const steps = Math.max(1, Math.ceil(cfg.paramStepsPerRep / n));
  const samples = new Map<MethodId, Samples>();
  for (const id of methods.keys()) samples.set(id, { wall: [], cpu: [], stepsPerRep: steps });
  const ids = [...methods.keys()];
  for (let s = 0; s < cfg.fromStep; s++) for (const id of ids) methods.get(id)!();
  for (let r = -cfg.warmupReps; r < cfg.reps; r++) {
    const order = r % 2 ? [...ids].reverse() : ids;
    for (const id of order) {
      // one untimed step first: every timed run starts with its own buffers as warm as they get,
      // whatever ran before it (the methods at the ends of the order would otherwise run twice in a
      // row on warm buffers in every other repetition, and in-cache sizes pair them unevenly)
      methods.get(id)!();
      const [wall, cpu] = timeRep(methods.get(id)!, steps);
      if (r < 0) continue;
      samples.get(id)!.wall.push(wall / (steps * n));
      samples.get(id)!.cpu.push(cpu / (steps * n));
    }
  }
  return samples;
}

const BANNER = 'Hi, looks like you are running TensorFlow.js in Node.js';

/** Loads tfjs-core with the cpu and wasm backends; the cpu "install tfjs-node" banner is filtered out. */
async function loadTfjs(): Promise<{ tf: Tf; restoreWarn: () => void }> {
  const tf = (await import('@tensorflow/tfjs-core')) as Tf;
  await import('@tensorflow/tfjs-backend-cpu');
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const require = createRequire(import.meta.url);
  const wasmDist = `${join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist')}/`;
  wasm.setWasmPaths(wasmDist);
  const original = console.warn;
  console.warn = (...args: unknown[]) => {
    if (typeof args[0] === 'string' && args[0].includes(BANNER)) return;
    original(...args);
  };
  return { tf, restoreWarn: () => (console.warn = original) };
}

function machineFacts(): MachineFacts {
  const cs = cpus();
  return {
    node: process.version,
    v8: process.versions.v8,
    cpu: cs[0]?.model.trim() ?? 'unknown',
    cores: cs.length,
    platform: `${process.platform} ${process.arch}`,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    date: new Date().toISOString(),
    loadBefore: loadavg()[0]!,
    loadAfter: Number.NaN,
  };
}

const fmt = (x: number, digits = 2): string => (Number.isFinite(x) ? x.toFixed(digits) : 'n/a');
const fmtN = (n: number): string =>
  n === 1 << 20
    ? '2^20'
    : n === 1 << 23
      ? '2^23'
      : n >= 1000 && Number.isInteger(Math.log10(n))
        ? `1e${Math.log10(n)}`
        : String(n);

/** Median of per-repetition ratios a[i] / b[i] (paired: same repetition). */
function pairedRatio(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length) return median(a) / median(b);
  return median(a.map((x, i) => x / b[i]!));
}

function renderMarkdown(
  results: readonly Result[],
  machine: MachineFacts,
  cfg: RunConfig,
  targets: readonly string[],
  command: string,
): string {
  const lines: string[] = [];
  lines.push('## Optimizer step: ns per parameter per step', '');
  lines.push(
    `Command: \`${command}\` — date: ${machine.date}${cfg.quick ? ' — **QUICK MODE, not a measurement**' : ''}`,
  );
  lines.push('');
  lines.push(
    `Machine: node ${machine.node} (V8 ${machine.v8}), ${machine.cpu}, ${machine.cores} logical CPUs shared with other jobs (load average ${fmt(machine.loadBefore)} before, ${fmt(machine.loadAfter)} after), ${machine.platform}, ${machine.memoryGiB} GiB RAM. Single thread.`,
  );
  lines.push('');
  lines.push(
    `Method: ${cfg.fromStep > 0 ? `${cfg.fromStep} untimed steps of every interleaved method first (the steady state of a stream: from t = 165 on, the bias correction k = f32(1 − 0.9^t) is exactly 1, and the wasm kernel skips its multiply), then ` : 'from the first step (t = 1: k < 1 throughout at the large sizes); '}${cfg.reps} repetitions after ${cfg.warmupReps} warm-up; each repetition runs ⌈${cfg.paramStepsPerRep.toLocaleString('en-US')} / n⌉ steps of every method **in turn** (interleaved; order reversed every other repetition), so a load spike hits all methods of that repetition; each timed run follows one untimed step of the same method, so every method starts on its own warm buffers (without it, the methods at the two ends of the order ran twice in a row in every other repetition, and at 2^20 the floor alternated between 0.20 and 0.30 ns). ` +
      'Wall: median (min–max) over repetitions; CPU: median of `process.cpuUsage` (user + system) per param-step. **Ratios and speed-ups use CPU time** (medians of per-repetition ratios, paired): on this shared machine wall time includes the time other jobs held the CPU. ' +
      "The floor is a SIMD kernel that does the update's memory traffic in place (load w, g, m, u; store w, m, u) with trivial arithmetic: at 2^23 (128 MiB of state) it is a DRAM figure, at 1e3–1e5 a cache figure. The division floor is the same loop with one f32x4 division per 4 parameters, as the Keras update has (w ← g / u′ − w, on the floor's own buffers): its ratio to the floor is what the division alone costs. Where pages sit moves the same loop by 5–25 % at 2^20, so the targets pair each method with what runs on its own buffers: a second `core.step()` engine whose w, g, m, u the two floors also update in place (\"shared\" rows; the floors leave values that are not a training run's there, on which float32 ops take the same time), and the zero-copy `apply` against `core.step()` of its own optimizer (`opt.core`). " +
      'Variables are zero-copy (their values live in the engine memory); "separate gradient array" passes one that `apply` copies into `grads` below 32,768 parameters and from there on streams through a 64 KiB staging block of the engine (`stepFrom`: each chunk copied, then updated while in cache; `core.step()` + `grads.set(g)` is how `apply` copied before), "zero-copy" writes it into `gradientBuffer(v)`. ' +
      `tfjs: one \`tf.variable\` and one fixed gradient tensor, measured after the others (not interleaved: a backend switch per repetition would dominate); tfjs-cpu at n ≥ ${fmtN(cfg.tfjsCpuLargeN)}: ${cfg.tfjsCpuLargeReps} repetitions of one step. Same gradient every step; Keras defaults (lr 0.001, β1 0.9, β2 0.999, ε 1e-7).`,
  );
  lines.push('');
  lines.push(
    '| n | method | ns/param/step (wall) | CPU ns/param/step | × floor | × `step` | × f32 loop | speed-up vs tfjs-wasm | vs tfjs-cpu |',
  );
  lines.push('|---:|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of results) {
    const d = r.nsPerParamStep < 10 ? 3 : 1;
    lines.push(
      `| ${fmtN(r.n)} | ${r.label} | ${fmt(r.nsPerParamStep, d)} (${fmt(r.nsMin, d)}–${fmt(r.nsMax, d)}) | ${fmt(r.cpuNsPerParamStep, d)} | ${fmt(r.vsFloor)} | ${fmt(r.vsStep)} | ${fmt(r.vsBaseline)} | ${fmt(r.speedupVsTfjsWasm, 1)} | ${fmt(r.speedupVsTfjsCpu, 1)} |`,
    );
  }
  lines.push('');
  if (targets.length > 0) {
    lines.push(
      `Targets (paired, same run): \`core.step()\` ≤ ${TARGET_STEP_VS_FLOOR}× the lower of the two floors (per repetition, both run in place on the step's own buffers) at 2^20 and 2^23; \`Adamax.apply\` ≤ ${TARGET_APPLY_VS_STEP}× \`core.step()\` (zero-copy: against its own optimizer's step, on the same buffers):`,
      '',
    );
    for (const t of targets) lines.push(`- ${t}`);
    lines.push('');
  }
  return lines.join('\n');
}

function checkTargets(results: readonly Result[]): { lines: string[]; met: boolean | null } {
  const lines: string[] = [];
  let met = true;
  let any = false;
  for (const n of TARGET_SIZES) {
    const at = (m: MethodId): Result | undefined => results.find((r) => r.method === m && r.n === n);
    const step = at('step-wasm');
    const shared = at('step-shared');
    if (!step || !shared) continue;
    any = true;
    const ok = shared.vsSharedFloor <= TARGET_STEP_VS_FLOOR;
    if (!ok) met = false;
    const div = at('div-floor');
    lines.push(
      `n = ${fmtN(n)}: \`core.step()\` = ${fmt(shared.vsSharedFloor)}× the lower of the two floors on its own buffers ${ok ? 'PASS' : 'FAIL'} (on separate buffers: ${fmt(step.vsBestFloor)}× the lower floor, ${fmt(step.vsFloor)}× the floor; the division floor ${div ? fmt(div.vsFloor) : '—'}× the floor)`,
    );
    const slot = at('apply-slot-wasm');
    if (slot) {
      const okA = slot.vsOwnStep <= TARGET_APPLY_VS_STEP;
      if (!okA) met = false;
      lines.push(
        `n = ${fmtN(n)}: ${slot.label} = ${fmt(slot.vsOwnStep)}× its own optimizer's \`core.step()\` ${okA ? 'PASS' : 'FAIL'} (${fmt(slot.vsStep)}× the separate engine's)`,
      );
    }
    const copied = at('apply-wasm');
    if (copied) {
      const okC = copied.vsStep <= TARGET_APPLY_VS_STEP;
      if (!okC) met = false;
      lines.push(`n = ${fmtN(n)}: ${copied.label} = ${fmt(copied.vsStep)}× \`core.step()\` ${okC ? 'PASS' : 'FAIL'}`);
    }
  }
  return { lines, met: any ? met : null };
}

const ORDER: readonly MethodId[] = [
  'apply-wasm',
  'apply-slot-wasm',
  'apply-slot-core',
  'apply-js',
  'step-refill-wasm',
  'step-refill-js',
  'step-wasm',
  'step-js',
  'f32-loop',
  'plain-loop',
  'tfjs-wasm',
  'tfjs-cpu',
  'floor',
  'div-floor',
  'step-shared',
  'floor-shared',
  'div-floor-shared',
];

/** Runs the whole benchmark and returns the rows plus the rendered markdown. */
export async function runOptimizerBenchReport(
  opts: OptimizerBenchOptions & { command?: string } = {},
): Promise<OptimizerBenchReport> {
  const base = opts.quick ? QUICK : FULL;
  const cfg = {
    ...base,
    ...(opts.reps === undefined ? {} : { reps: opts.reps }),
    ...(opts.fromStep === undefined ? {} : { fromStep: opts.fromStep }),
  };
  const log = opts.log ?? ((line: string) => console.log(line));
  const sizes = opts.sizes ?? (cfg.quick ? [1000, 10_000] : [1000, 100_000, 1 << 20, 1 << 23]);
  const machine = machineFacts();
  log(`node ${machine.node}, ${machine.cpu}, ${machine.date}${cfg.quick ? ' (quick)' : ''}`);
  const all = new Map<string, Samples>();
  const key = (m: MethodId, n: number): string => `${m}@${n}`;
  for (const n of sizes) {
    for (const [id, s] of benchInterleaved(n, cfg)) {
      all.set(key(id, n), s);
      log(
        `  ${id.padEnd(17)} n=${String(n).padEnd(8)} ${fmt(median(s.wall), 3)} ns/param/step (cpu ${fmt(median(s.cpu), 3)})`,
      );
    }
  }
  const { tf, restoreWarn } = await loadTfjs();
  try {
    for (const n of sizes) {
      if (opts.tfjsWasm ?? true) all.set(key('tfjs-wasm', n), await benchTfjs(tf, 'wasm', n, cfg));
      all.set(key('tfjs-cpu', n), await benchTfjs(tf, 'cpu', n, cfg));
      log(`  tfjs n=${n} done`);
    }
  } finally {
    restoreWarn();
  }
  const done: MachineFacts = { ...machine, loadAfter: loadavg()[0]! };
  const results: Result[] = [];
  for (const n of sizes) {
    const get = (m: MethodId): Samples | undefined => all.get(key(m, n));
    const base = get('f32-loop')!;
    const floor = get('floor')!;
    const step = get('step-wasm')!;
    const div = get('div-floor');
    // per repetition, the lower of the two floors: both are lower bounds of an exact step
    const best =
      div && div.cpu.length === floor.cpu.length ? floor.cpu.map((x, i) => Math.min(x, div.cpu[i]!)) : floor.cpu;
    const sf = get('floor-shared');
    const sd = get('div-floor-shared');
    const shared = sf && sd ? sf.cpu.map((x, i) => Math.min(x, sd.cpu[i]!)) : null;
    const ownCore = get('apply-slot-core');
    const tfCpu = get('tfjs-cpu');
    const tfWasm = get('tfjs-wasm');
    for (const method of ORDER) {
      const s = get(method);
      const ns = s ? median(s.wall) : Number.NaN;
      const cpuNs = s ? median(s.cpu) : Number.NaN;
      const interleaved = s !== undefined && !method.startsWith('tfjs');
      results.push({
        method,
        label: METHOD_LABELS[method],
        n,
        nsPerParamStep: ns,
        nsMin: s ? Math.min(...s.wall) : Number.NaN,
        nsMax: s ? Math.max(...s.wall) : Number.NaN,
        cpuNsPerParamStep: s ? median(s.cpu) : Number.NaN,
        reps: s?.wall.length ?? 0,
        stepsPerRep: s?.stepsPerRep ?? 0,
        vsBaseline: interleaved ? pairedRatio(s.cpu, base.cpu) : cpuNs / median(base.cpu),
        speedupVsTfjsCpu: tfCpu ? median(tfCpu.cpu) / cpuNs : Number.NaN,
        speedupVsTfjsWasm: tfWasm ? median(tfWasm.cpu) / cpuNs : Number.NaN,
        vsFloor: interleaved ? pairedRatio(s.cpu, floor.cpu) : cpuNs / median(floor.cpu),
        vsBestFloor: interleaved ? pairedRatio(s.cpu, best) : cpuNs / median(best),
        vsSharedFloor: interleaved && shared ? pairedRatio(s.cpu, shared) : Number.NaN,
        vsOwnStep: method === 'apply-slot-wasm' && s && ownCore ? pairedRatio(s.cpu, ownCore.cpu) : Number.NaN,
        vsStep: interleaved ? pairedRatio(s.cpu, step.cpu) : cpuNs / median(step.cpu),
      });
    }
  }
  const targets = checkTargets(results);
  const command = opts.command ?? `node --import tsx bench/optimizer.bench.ts${cfg.quick ? ' --quick' : ''}`;
  const markdown = renderMarkdown(results, done, cfg, targets.lines, command);
  return { results, machine: done, config: cfg, targetsMet: targets.met, markdown };
}

/** Runs the benchmark (printing progress through `opts.log`) and returns the table rows. */
export async function runOptimizerBench(opts: OptimizerBenchOptions = {}): Promise<Result[]> {
  return (await runOptimizerBenchReport(opts)).results;
}

/** Replaces (or appends) the marked optimizer section of a BENCHMARKS.md text. */
export function replaceSection(existing: string | null, markdown: string): string {
  return replaceMarkedSection(existing, 'optimizer-bench', markdown);
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const quick = argv.includes('--quick');
  const write = argv.includes('--write');
  const sizesArg = argv.find((a) => a.startsWith('--sizes='));
  // --sizes=1000,1e5,2^20: plain numbers or powers of two written as 2^k.
  const parseSize = (x: string): number => (x.startsWith('2^') ? 2 ** Number(x.slice(2)) : Number(x));
  const sizes = sizesArg ? sizesArg.slice('--sizes='.length).split(',').map(parseSize) : undefined;
  if (sizes?.some((n) => !Number.isInteger(n) || n < 1))
    throw new Error(`--sizes needs positive integers, got ${sizesArg}`);
  const repsArg = argv.find((a) => a.startsWith('--reps='));
  const reps = repsArg ? Number(repsArg.slice('--reps='.length)) : undefined;
  if (reps !== undefined && !(Number.isInteger(reps) && reps >= 1))
    throw new Error(`--reps needs an integer >= 1, got ${repsArg}`);
  const fromArg = argv.find((a) => a.startsWith('--from-step='));
  const fromStep = fromArg ? Number(fromArg.slice('--from-step='.length)) : undefined;
  if (fromStep !== undefined && !(Number.isInteger(fromStep) && fromStep >= 0))
    throw new Error(`--from-step needs an integer >= 0, got ${fromArg}`);
  const command = ['node --import tsx bench/optimizer.bench.ts', ...argv].join(' ');
  const report = await runOptimizerBenchReport({
    quick,
    command,
    ...(sizes ? { sizes } : {}),
    ...(reps ? { reps } : {}),
    ...(fromStep === undefined ? {} : { fromStep }),
  });
  console.log(`\n${report.markdown}`);
  if (write) console.log(`wrote ${writeMarkedSection('optimizer-bench', report.markdown)}`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main();
}
