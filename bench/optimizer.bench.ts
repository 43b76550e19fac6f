/**
 * Optimizer benchmark: ns per parameter per step of one Adamax update, single core, for several
 * parameter counts, comparing
 *   - the class API `Adamax.apply([grad], [variable])` (backend auto = wasm SIMD, and 'js'),
 *   - the engine `core.step()` from `buildFlat` (wasm and js), with and without refilling `core.grads`,
 *   - a plain fused float64 JS loop over Float32Arrays (the baseline),
 *   - TensorFlow.js 4.22 `tf.train.adamax(...).applyGradients` on the cpu and wasm backends,
 *   - the memory-traffic floor: 28 B/param/step ÷ the bandwidth of a large `Float32Array.set` copy.
 *
 * Run:   node --import tsx bench/optimizer.bench.ts [--quick] [--write] [--sizes=1000,1e5,2^20]
 *        (`npm run bench`). `--write` replaces the optimizer section of BENCHMARKS.md.
 * Import: `runOptimizerBench({ quick: true })` returns the measured rows.
 */

import { createRequire } from 'node:module';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createLayout } from '../src/core/param-layout.js';
import { Random } from '../src/core/random.js';
import { Adamax } from '../src/optim/adamax.js';
import { Variable } from '../src/optim/variable.js';
import { replaceMarkedSection, writeMarkedSection } from './lib/benchmarks-md.js';
import { plainAdamaxLoop } from './lib/plain-adamax-loop.js';

type Tf = typeof import('@tensorflow/tfjs-core');

/** The measured methods, in table order. `floor` is the derived memory-traffic floor. */
export type MethodId =
  | 'apply-wasm'
  | 'apply-js'
  | 'step-refill-wasm'
  | 'step-refill-js'
  | 'step-wasm'
  | 'step-js'
  | 'plain-loop'
  | 'tfjs-cpu'
  | 'tfjs-wasm'
  | 'floor';

export const METHOD_LABELS: Readonly<Record<MethodId, string>> = {
  'apply-wasm': '`Adamax.apply` (defaults: backend auto → wasm)',
  'apply-js': "`Adamax.apply` (backend 'js')",
  'step-refill-wasm': '`core.step()` + `grads.set(g)` (wasm)',
  'step-refill-js': "`core.step()` + `grads.set(g)` ('js')",
  'step-wasm': '`core.step()` alone, no refill (wasm)',
  'step-js': "`core.step()` alone, no refill ('js')",
  'plain-loop': 'plain fused float64 JS loop (baseline)',
  'tfjs-cpu': 'tfjs 4.22 `adamax().applyGradients` (cpu)',
  'tfjs-wasm': 'tfjs 4.22 `adamax().applyGradients` (wasm)',
  floor: 'memory-traffic floor (28 B ÷ copy bandwidth)',
};

/** One row of the table: one method at one parameter count. */
export interface Result {
  readonly method: MethodId;
  readonly label: string;
  /** Parameters updated per step. */
  readonly n: number;
  /** Median over the repetitions of (rep time ÷ (steps × n)). NaN when the method was skipped. */
  readonly nsPerParamStep: number;
  /** Timed repetitions (0 for the derived floor or a skipped method). */
  readonly reps: number;
  /** Steps per repetition. */
  readonly stepsPerRep: number;
  /** This time ÷ the plain loop's time (≤ 1.3 is the target for apply/step at 2^20). */
  readonly vsPlainLoop: number;
  /** tfjs-cpu's time ÷ this time (speed-up over tfjs-cpu; ≥ 25 is the target at 2^20). */
  readonly speedupVsTfjsCpu: number;
  /** This time ÷ the memory-traffic floor. */
  readonly vsFloor: number;
}

export interface OptimizerBenchOptions {
  /** Few, short repetitions and smaller sizes: a smoke test, not a measurement. */
  readonly quick?: boolean;
  /** Parameter counts (default 1e3, 1e5, 2^20 and the DRAM-resident 2^23; quick: 1e3, 1e4). */
  readonly sizes?: readonly number[];
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
}

export interface OptimizerBenchReport {
  readonly results: Result[];
  readonly machine: MachineFacts;
  /** Copy bandwidth in GB/s (8 B per element moved). */
  readonly copyGBps: number;
  readonly copyElements: number;
  /** 28 B ÷ copy bandwidth, ns/param/step. */
  readonly floorNs: number;
  readonly config: RunConfig;
  /** Whether the targets at 2^20 were met (null if 2^20 was not measured). */
  readonly targetsMet: boolean | null;
  readonly markdown: string;
}

interface RunConfig {
  readonly quick: boolean;
  readonly reps: number;
  readonly warmupReps: number;
  /** Minimum param-steps per repetition (steps = ceil(paramStepsPerRep / n)). */
  readonly paramStepsPerRep: number;
  /** tfjs-cpu is ~200 ns/param: fewer reps at large n. */
  readonly tfjsCpuLargeReps: number;
  readonly tfjsCpuLargeN: number;
  readonly copyElements: number;
}

const BYTES_PER_PARAM = 28; // read w, g, m, u (16) + write w, m, u (12)
const N_TARGET = 1 << 20;
const TARGET_VS_PLAIN = 1.3;
const TARGET_SPEEDUP_TFJS_CPU = 25;
// Keras defaults.
const LR = 0.001;
const BETA1 = 0.9;
const BETA2 = 0.999;
const EPS = 1e-7;

const FULL: RunConfig = {
  quick: false,
  reps: 15,
  warmupReps: 3,
  paramStepsPerRep: 1 << 22,
  tfjsCpuLargeReps: 9,
  tfjsCpuLargeN: 1 << 20,
  copyElements: 1 << 24,
};
const QUICK: RunConfig = {
  quick: true,
  reps: 3,
  warmupReps: 1,
  paramStepsPerRep: 1 << 14,
  tfjsCpuLargeReps: 3,
  tfjsCpuLargeN: 1 << 20,
  copyElements: 1 << 20,
};

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

interface Timing {
  readonly ns: number;
  readonly reps: number;
  readonly stepsPerRep: number;
}

/** Median ns/param/step over `reps` repetitions of `stepsPerRep` calls of `step`, after warm-up reps. */
function timeSteps(step: () => void, n: number, cfg: RunConfig, reps = cfg.reps): Timing {
  const stepsPerRep = Math.max(1, Math.ceil(cfg.paramStepsPerRep / n));
  const rep = (): number => {
    const t0 = performance.now();
    for (let s = 0; s < stepsPerRep; s++) step();
    return (performance.now() - t0) * 1e6;
  };
  for (let i = 0; i < cfg.warmupReps; i++) rep();
  const times: number[] = [];
  for (let i = 0; i < reps; i++) times.push(rep());
  return { ns: median(times) / (stepsPerRep * n), reps, stepsPerRep };
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

function benchPlain(n: number, cfg: RunConfig): Timing {
  const { w, g } = initData(n);
  const m = new Float32Array(n);
  const u = new Float32Array(n);
  let t = 0;
  return timeSteps(
    () => {
      t++;
      plainAdamaxLoop(w, g, m, u, n, BETA1, BETA2, LR / (1 - BETA1 ** t), EPS);
    },
    n,
    cfg,
  );
}

function benchApply(n: number, backend: 'auto' | 'js', cfg: RunConfig): Timing {
  const { w, g } = initData(n);
  const variable = new Variable(w, { name: 'w' });
  const opt = new Adamax({ backend });
  const grads = [g];
  const vars = [variable];
  opt.apply(grads, vars);
  const expected = backend === 'auto' ? 'wasm' : 'js';
  if (opt.core.backend !== expected) throw new Error(`apply: backend ${opt.core.backend}, expected ${expected}`);
  return timeSteps(() => opt.apply(grads, vars), n, cfg);
}

function benchStep(n: number, backend: 'wasm' | 'js', refill: boolean, cfg: RunConfig): Timing {
  const { w, g } = initData(n);
  const core = new Adamax({ backend }).buildFlat(createLayout([{ name: 'w', length: n }]));
  if (core.backend !== backend) throw new Error(`step: backend ${core.backend}, expected ${backend}`);
  core.params.set(w);
  core.grads.set(g);
  const grads = core.grads;
  // With default options step() leaves `grads` unchanged (no clipping / loss scaling), so the
  // no-refill variant still updates with the same gradient every step.
  return refill
    ? timeSteps(
        () => {
          grads.set(g);
          core.step();
        },
        n,
        cfg,
      )
    : timeSteps(() => core.step(), n, cfg);
}

let tfjsVarCounter = 0;

async function benchTfjs(tf: Tf, backend: 'cpu' | 'wasm', n: number, cfg: RunConfig): Promise<Timing> {
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
  let timing: Timing;
  try {
    const reps = n >= cfg.tfjsCpuLargeN && backend === 'cpu' ? cfg.tfjsCpuLargeReps : cfg.reps;
    timing = timeSteps(() => opt.applyGradients(grads), n, cfg, reps);
  } finally {
    opt.dispose();
    variable.dispose();
    grad.dispose();
  }
  const leaked = tf.memory().numTensors - before;
  if (leaked !== 0) throw new Error(`tfjs-${backend}: ${leaked} tensors leaked`);
  return timing;
}

/** Times (ns) of repeated `Float32Array.set` copies of `elements` floats, after warm-up. */
function copyProbe(elements: number, cfg: RunConfig): number[] {
  const src = new Float32Array(elements);
  const dst = new Float32Array(elements);
  for (let i = 0; i < elements; i++) src[i] = i;
  const rep = (): number => {
    const t0 = performance.now();
    dst.set(src);
    src[0] = dst[elements - 1]!;
    return (performance.now() - t0) * 1e6;
  };
  // The first copies fault pages in and are several times slower: warm up longer than the methods.
  for (let i = 0; i < Math.max(cfg.warmupReps, 5); i++) rep();
  const times: number[] = [];
  for (let i = 0; i < Math.max(cfg.reps, 5); i++) times.push(rep());
  return times;
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

function renderMarkdown(
  results: readonly Result[],
  machine: MachineFacts,
  cfg: RunConfig,
  copyGBps: number,
  copyRange: string,
  floorNs: number,
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
    `Machine: node ${machine.node} (V8 ${machine.v8}), ${machine.cpu}, ${machine.cores} logical CPUs, ${machine.platform}, ${machine.memoryGiB} GiB RAM. Single thread.`,
  );
  lines.push('');
  const cpuLarge = results.find((r) => r.method === 'tfjs-cpu' && r.n >= cfg.tfjsCpuLargeN && r.reps > 0);
  lines.push(
    `Method: median over ${cfg.reps} timed repetitions after ${cfg.warmupReps} warm-up repetitions; each repetition runs ⌈${cfg.paramStepsPerRep.toLocaleString('en-US')} / n⌉ steps (≥ ${cfg.paramStepsPerRep.toLocaleString('en-US')} param-steps)` +
      (cpuLarge ? `, except tfjs-cpu at n ≥ ${fmtN(cfg.tfjsCpuLargeN)}: ${cpuLarge.reps} repetitions.` : '.') +
      ' Same gradient every step; Keras defaults (lr 0.001, β1 0.9, β2 0.999, ε 1e-7). ' +
      '`apply` copies the gradient and the variable into the engine and the result back (≈ 24 B/param more than the bare update). ' +
      '"+ `grads.set(g)`" refills `core.grads` from a source array before each step and counts that copy; "alone" does not (with default options `step()` leaves `grads` intact). ' +
      'tfjs: one `tf.variable` and one fixed gradient tensor kept across steps.',
  );
  lines.push('');
  lines.push(
    `Memory probe: \`Float32Array.set\` copy of 2^${Math.log2(cfg.copyElements)} floats (${(cfg.copyElements * 4) / 2 ** 20} MiB), median of ${2 * Math.max(cfg.reps, 5)} copies run before and after the methods (${copyRange} GB/s) = ${fmt(copyGBps, 1)} GB/s counting 8 B per element → floor = ${BYTES_PER_PARAM} B ÷ ${fmt(copyGBps, 1)} GB/s = **${fmt(floorNs, 3)} ns/param/step** (each copy moves ${(cfg.copyElements * 8) / 2 ** 20} MiB, far more than the L3 cache: a DRAM figure). The optimizer state at n = 2^20 is 16 MiB (w, g, m, u; \`apply\` and the refill add 4–8 MiB of source arrays), which stays in cache on CPUs with a large L3, so a method can run below this floor; × floor < 1 means the data was served from cache.`,
  );
  lines.push('');
  lines.push('| n | method | ns/param/step | × plain loop (time) | speed-up vs tfjs-cpu | × floor (time) |');
  lines.push('|---:|---|---:|---:|---:|---:|');
  for (const r of results) {
    lines.push(
      `| ${fmtN(r.n)} | ${r.label} | ${fmt(r.nsPerParamStep, r.nsPerParamStep < 10 ? 3 : 1)} | ${fmt(r.vsPlainLoop)} | ${fmt(r.speedupVsTfjsCpu, 1)} | ${fmt(r.vsFloor)} |`,
    );
  }
  lines.push('');
  if (targets.length > 0) {
    lines.push(
      `Targets at n = 2^20 with default options (apply and step ≤ ${TARGET_VS_PLAIN}× the plain loop's time, ≥ ${TARGET_SPEEDUP_TFJS_CPU}× faster than tfjs-cpu):`,
      '',
    );
    for (const t of targets) lines.push(`- ${t}`);
    lines.push('');
  }
  return lines.join('\n');
}

function checkTargets(results: readonly Result[]): { lines: string[]; met: boolean | null } {
  const at = (m: MethodId): Result | undefined => results.find((r) => r.method === m && r.n === N_TARGET);
  const lines: string[] = [];
  let met = true;
  let any = false;
  for (const m of ['apply-wasm', 'step-refill-wasm', 'step-wasm'] as const) {
    const r = at(m);
    if (!r) continue;
    any = true;
    const okPlain = r.vsPlainLoop <= TARGET_VS_PLAIN;
    const okTf = r.speedupVsTfjsCpu >= TARGET_SPEEDUP_TFJS_CPU;
    if (!okPlain || !okTf) met = false;
    lines.push(
      `${r.label}: ${fmt(r.vsPlainLoop)}× plain loop ${okPlain ? 'PASS' : 'FAIL'}; ${fmt(r.speedupVsTfjsCpu, 1)}× faster than tfjs-cpu ${okTf ? 'PASS' : 'FAIL'}`,
    );
  }
  return { lines, met: any ? met : null };
}

/** Runs the whole benchmark and returns the rows plus the rendered markdown. */
export async function runOptimizerBenchReport(
  opts: OptimizerBenchOptions & { command?: string } = {},
): Promise<OptimizerBenchReport> {
  const cfg = opts.quick ? QUICK : FULL;
  const log = opts.log ?? ((line: string) => console.log(line));
  const sizes = opts.sizes ?? (cfg.quick ? [1000, 10_000] : [1000, 100_000, 1 << 20, 1 << 23]);
  const machine = machineFacts();
  log(`node ${machine.node}, ${machine.cpu}, ${machine.date}${cfg.quick ? ' (quick)' : ''}`);

  // The probe runs before and after the methods; the floor uses the median of both runs pooled.
  const gbps = (ns: number): number => (8 * cfg.copyElements) / ns;
  const probeBefore = copyProbe(cfg.copyElements, cfg);
  log(`copy probe (before): ${fmt(gbps(median(probeBefore)), 1)} GB/s`);

  const timings = new Map<string, Timing>();
  const key = (m: MethodId, n: number): string => `${m}@${n}`;
  const record = (m: MethodId, n: number, t: Timing): void => {
    timings.set(key(m, n), t);
    log(`  ${m.padEnd(17)} n=${String(n).padEnd(8)} ${fmt(t.ns, 3)} ns/param/step (${t.reps}×${t.stepsPerRep} steps)`);
  };

  for (const n of sizes) {
    record('apply-wasm', n, benchApply(n, 'auto', cfg));
    record('apply-js', n, benchApply(n, 'js', cfg));
    record('step-refill-wasm', n, benchStep(n, 'wasm', true, cfg));
    record('step-refill-js', n, benchStep(n, 'js', true, cfg));
    record('step-wasm', n, benchStep(n, 'wasm', false, cfg));
    record('step-js', n, benchStep(n, 'js', false, cfg));
    record('plain-loop', n, benchPlain(n, cfg));
  }

  const { tf, restoreWarn } = await loadTfjs();
  try {
    for (const n of sizes) record('tfjs-cpu', n, await benchTfjs(tf, 'cpu', n, cfg));
    if (opts.tfjsWasm ?? true) {
      for (const n of sizes) record('tfjs-wasm', n, await benchTfjs(tf, 'wasm', n, cfg));
    }
  } finally {
    restoreWarn();
  }

  const probeAfter = copyProbe(cfg.copyElements, cfg);
  const copyGBps = gbps(median([...probeBefore, ...probeAfter]));
  const copyRange = `before ${fmt(gbps(median(probeBefore)), 1)}, after ${fmt(gbps(median(probeAfter)), 1)}`;
  const floorNs = BYTES_PER_PARAM / copyGBps;
  log(
    `copy probe (after): ${fmt(gbps(median(probeAfter)), 1)} GB/s → pooled ${fmt(copyGBps, 1)} GB/s, floor ${fmt(floorNs, 3)} ns`,
  );

  const order: MethodId[] = [
    'apply-wasm',
    'apply-js',
    'step-refill-wasm',
    'step-refill-js',
    'step-wasm',
    'step-js',
    'plain-loop',
    'tfjs-cpu',
    'tfjs-wasm',
    'floor',
  ];
  const results: Result[] = [];
  for (const n of sizes) {
    const plain = timings.get(key('plain-loop', n))!.ns;
    const tfCpu = timings.get(key('tfjs-cpu', n))?.ns ?? Number.NaN;
    for (const method of order) {
      const t: Timing | undefined =
        method === 'floor' ? { ns: floorNs, reps: 0, stepsPerRep: 0 } : timings.get(key(method, n));
      const ns = t?.ns ?? Number.NaN;
      results.push({
        method,
        label: METHOD_LABELS[method],
        n,
        nsPerParamStep: ns,
        reps: t?.reps ?? 0,
        stepsPerRep: t?.stepsPerRep ?? 0,
        vsPlainLoop: ns / plain,
        speedupVsTfjsCpu: tfCpu / ns,
        vsFloor: ns / floorNs,
      });
    }
  }
  const targets = checkTargets(results);
  const command = opts.command ?? `node --import tsx bench/optimizer.bench.ts${cfg.quick ? ' --quick' : ''}`;
  const markdown = renderMarkdown(results, machine, cfg, copyGBps, copyRange, floorNs, targets.lines, command);
  return {
    results,
    machine,
    copyGBps,
    copyElements: cfg.copyElements,
    floorNs,
    config: cfg,
    targetsMet: targets.met,
    markdown,
  };
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
  const command = ['node --import tsx bench/optimizer.bench.ts', ...argv].join(' ');
  const report = await runOptimizerBenchReport({ quick, command, ...(sizes ? { sizes } : {}) });
  console.log(`\n${report.markdown}`);
  if (write) console.log(`wrote ${writeMarkedSection('optimizer-bench', report.markdown)}`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main();
}
