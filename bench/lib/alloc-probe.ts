/**
 * Steady-state allocation probe of the speed benchmark (target: zero allocations in the steady state,
 * checked with heap and GC counters over 60 s of audio). Each method runs in its OWN child process, so the
 * benchmark's own background allocation (tuning results, timing arrays, observers, the other methods'
 * garbage) cannot leak into the measurement, and the driving call site stays monomorphic.
 *
 * In the child: build the filter, pre-generate the input (1 s, looped) and preallocate the frame and
 * output buffers, warm up (`--warmup` s of audio, default 5), force two GCs, snapshot
 * `process.memoryUsage()` and `v8.getHeapStatistics()`, then process `--seconds` of 48 kHz audio
 * (default 60) WITHOUT forcing GC, with a `PerformanceObserver` on 'gc' entries and a `v8.GCProfiler`
 * running. Real allocation therefore shows up as heap growth or as GC events. The loop copies the
 * samples into the preallocated frame (no `subarray`/`slice`), keeps no timing arrays and folds the
 * output into one checksum. Calibration: `control` allocates a `Float32Array(8)` per block that
 * escapes (≥ 32 B/block must show), `empty` is the driving loop with a no-op filter (the floor).
 *
 * Run: node --expose-gc --import tsx bench/lib/alloc-probe.ts <method> [--seconds S] [--warmup S] [--config JSON]
 * Prints one JSON line ({@link AllocProbeResult}).
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { GCProfiler, getHeapStatistics } from 'node:v8';
import { FD_ADAMAX_V1, type FdAdamaxConfig, makeFdAdamax, makeFdNlms, makeNlms } from './reference-methods.js';
import { makeSpeedSignal, SPEED_GEOMETRY } from './speed-signal.js';

export /** Blocks per `drive` call. */
const CHUNK = 16;

export const PROBE_METHODS = ['fd-adamax-ema', 'fd-adamax-ema-all', 'fd-nlms', 'nlms', 'control', 'empty'] as const;
export type ProbeMethod = (typeof PROBE_METHODS)[number];

export interface AllocProbeResult {
  readonly method: ProbeMethod;
  /** Measured blocks (after the warm-up). */
  readonly blocks: number;
  readonly seconds: number;
  /** `process.memoryUsage().heapUsed` growth over the measured blocks, per block (bytes). */
  readonly heapBytesPerBlock: number;
  /** `v8.getHeapStatistics().used_heap_size` growth per block (bytes; same quantity, second reading). */
  readonly v8BytesPerBlock: number;
  /** Off-heap growth per block: `external` (includes ArrayBuffer backing stores), bytes. */
  readonly externalBytesPerBlock: number;
  /** GC events seen by the `PerformanceObserver` during the measured blocks. */
  readonly gcs: number;
  /** GC events recorded by `v8.GCProfiler` during the measured blocks (cross-check). */
  readonly gcsProfiler: number;
  /** Sum of the outputs (keeps the work observable; not a result). */
  readonly checksum: number;
}

/** The driven object: the one method of {@link AdaptiveFilter} the loop calls. */
interface BlockProcessor {
  readonly frameSize: number;
  process(frame: readonly Float32Array[], output: Float32Array): void;
}

/** Calibration: allocates one escaping `Float32Array(8)` (≥ 32 B of data plus its headers) per block. */
class AllocatingControl implements BlockProcessor {
  readonly frameSize = SPEED_GEOMETRY.blockSize;
  last: Float32Array = new Float32Array(8);
  process(frame: readonly Float32Array[], output: Float32Array): void {
    const a = new Float32Array(8);
    a[0] = frame[0][0];
    this.last = a;
    output[0] = a[0] - this.last[1];
  }
}

/** Floor: the driving loop with a filter that does (almost) nothing. */
class EmptyFilter implements BlockProcessor {
  readonly frameSize = SPEED_GEOMETRY.blockSize;
  process(frame: readonly Float32Array[], output: Float32Array): void {
    output[0] = frame[0][0];
  }
}

function build(method: ProbeMethod, fd: FdAdamaxConfig): BlockProcessor {
  const g = SPEED_GEOMETRY;
  switch (method) {
    case 'fd-adamax-ema':
      return makeFdAdamax(g, fd);
    case 'fd-adamax-ema-all':
      return makeFdAdamax(g, { ...fd, alternateConstraint: false });
    case 'fd-nlms':
      return makeFdNlms(g, 0.1);
    case 'nlms':
      return makeNlms(g, 0.05);
    case 'control':
      return new AllocatingControl();
    case 'empty':
      return new EmptyFilter();
  }
}

/**
 * Blocks `start … start + blocks − 1` of the looped input through `f`; adds the output sum to
 * `sink[0]` (returns nothing: a double returned to an unoptimised caller would be boxed).
 */
function drive(
  f: BlockProcessor,
  d: Float32Array,
  x: Float32Array,
  frame: readonly Float32Array[],
  out: Float32Array,
  start: number,
  blocks: number,
  sink: Float64Array,
): void {
  const B = f.frameSize;
  const f0 = frame[0];
  const f1 = frame[1];
  const span = d.length - B;
  let acc = 0;
  for (let b = start; b < start + blocks; b++) {
    const off = (b * B) % span;
    for (let i = 0; i < B; i++) {
      f0[i] = d[off + i];
      f1[i] = x[off + i];
    }
    f.process(frame, out);
    acc += out[0];
  }
  sink[0] += acc;
}

/**
 * `blocks` blocks in calls of {@link CHUNK} blocks: the measured loop has the same call pattern as the
 * warm-up, so it runs the regularly optimised `drive` (a single long call could start in the
 * interpreter after an OSR-only optimisation or a late deopt, boxing every sample it reads).
 */
function driveChunks(
  f: BlockProcessor,
  d: Float32Array,
  x: Float32Array,
  frame: readonly Float32Array[],
  out: Float32Array,
  start: number,
  blocks: number,
  sink: Float64Array,
): void {
  for (let b = 0; b < blocks; b += CHUNK) drive(f, d, x, frame, out, start + b, Math.min(CHUNK, blocks - b), sink);
}

/**
 * One measured stretch: snapshots, `blocks` blocks, snapshots. `window[0..1]` receives the loop's
 * start/end times only when `record` (the observer counts GC entries inside it).
 */
function measure(
  f: BlockProcessor,
  d: Float32Array,
  x: Float32Array,
  frame: readonly Float32Array[],
  out: Float32Array,
  start: number,
  blocks: number,
  profiler: GCProfiler,
  window: Float64Array,
  record: number,
  sink: Float64Array,
): { heap: number; v8: number; external: number; gcsProfiler: number } {
  profiler.start();
  const v0 = getHeapStatistics();
  const m0 = process.memoryUsage();
  const t0 = performance.now();
  driveChunks(f, d, x, frame, out, start, blocks, sink);
  const t1 = performance.now();
  const m1 = process.memoryUsage();
  const v1 = getHeapStatistics();
  const prof = profiler.stop();
  if (record) {
    window[0] = t0;
    window[1] = t1;
  }
  return {
    heap: m1.heapUsed - m0.heapUsed,
    v8: v1.used_heap_size - v0.used_heap_size,
    external: m1.external - m0.external,
    gcsProfiler: prof.statistics.length,
  };
}

/** The probe itself (in the current process: run it in a fresh `node --expose-gc` child). */
export async function probeInProcess(
  method: ProbeMethod,
  seconds = 60,
  warmupSeconds = 5,
  fd: FdAdamaxConfig = FD_ADAMAX_V1,
): Promise<AllocProbeResult> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('alloc-probe needs node --expose-gc');
  const g = SPEED_GEOMETRY;
  const B = g.blockSize;
  const f = build(method, fd);
  // everything the measured loop touches exists before the baseline snapshot
  const { d, x } = makeSpeedSignal(g.sampleRate);
  const frame = [new Float32Array(B), new Float32Array(B)];
  const out = new Float32Array(B);
  const warm = Math.round((warmupSeconds * g.sampleRate) / B);
  const blocks = Math.round((seconds * g.sampleRate) / B);
  const window = new Float64Array(2); // [t0, t1] of the measured loop (performance.now, ms)
  let gcs = 0;
  const obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if (e.startTime >= window[0] && e.startTime <= window[1]) gcs++;
  });
  obs.observe({ entryTypes: ['gc'] });
  const profiler = new GCProfiler();
  const sink = new Float64Array(1);
  // warm-up in two halves with a pause between (background compile jobs land), then a rehearsal of
  // the measurement (the first calls of the snapshot functions allocate lazily)
  driveChunks(f, d, x, frame, out, 0, warm >> 1, sink);
  await new Promise<void>((resolve) => setTimeout(resolve, 250));
  driveChunks(f, d, x, frame, out, warm >> 1, warm - (warm >> 1), sink);
  measure(f, d, x, frame, out, warm, 64, profiler, window, 0, sink);
  gc();
  gc();
  // let concurrent sweeping finish and the forced collections' entries reach the observer
  // (they fall outside the window)
  await new Promise<void>((resolve) => setTimeout(resolve, 250));
  const m = measure(f, d, x, frame, out, warm + 64, blocks, profiler, window, 1, sink);
  // GC entries are delivered from the event loop: yield before reading the count
  await new Promise<void>((resolve) => setTimeout(resolve, 100));
  obs.disconnect();
  return {
    method,
    blocks,
    seconds,
    heapBytesPerBlock: m.heap / blocks,
    v8BytesPerBlock: m.v8 / blocks,
    externalBytesPerBlock: m.external / blocks,
    gcs,
    gcsProfiler: m.gcsProfiler,
    checksum: sink[0],
  };
}

const PROBE_FILE = fileURLToPath(import.meta.url);
const ROOT = join(dirname(PROBE_FILE), '..', '..');

/** Several runs of one method: the median run (by heap growth), the worst GC counts, every run's growth. */
export interface AllocProbeSummary extends AllocProbeResult {
  /** Heap growth per block of every run (B/block), in run order. */
  readonly runs: readonly number[];
}

/** One {@link probeInProcess} of `method` in a fresh `node --expose-gc --import tsx` child process. */
function spawnProbe(
  method: ProbeMethod,
  options: { readonly seconds?: number; readonly warmupSeconds?: number; readonly fd?: FdAdamaxConfig },
): AllocProbeResult {
  const args = ['--expose-gc', '--import', 'tsx', PROBE_FILE, method];
  if (options.seconds !== undefined) args.push('--seconds', String(options.seconds));
  if (options.warmupSeconds !== undefined) args.push('--warmup', String(options.warmupSeconds));
  if (options.fd) args.push('--config', JSON.stringify(options.fd));
  const r = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(`alloc-probe ${method} failed (${r.status}): ${r.stderr}`);
  const lines = r.stdout.trim().split('\n');
  const parsed: unknown = JSON.parse(lines[lines.length - 1]);
  return parsed as AllocProbeResult;
}

/**
 * Runs the probe of `method` `runs` times (default 3), each in a fresh child process, and returns the
 * median run by heap growth with the largest GC counts of all runs. A real per-block allocation is
 * deterministic and shows in every run; a one-off (late JIT code, sweeper accounting under load) in one.
 */
export function runAllocProbe(
  method: ProbeMethod,
  options: {
    readonly seconds?: number;
    readonly warmupSeconds?: number;
    readonly fd?: FdAdamaxConfig;
    readonly runs?: number;
  } = {},
): AllocProbeSummary {
  const results: AllocProbeResult[] = [];
  for (let i = 0; i < Math.max(1, options.runs ?? 3); i++) results.push(spawnProbe(method, options));
  const sorted = [...results].sort((a, b) => a.heapBytesPerBlock - b.heapBytesPerBlock);
  const mid = sorted[(sorted.length - 1) >> 1];
  return {
    ...mid,
    gcs: Math.max(...results.map((r) => r.gcs)),
    gcsProfiler: Math.max(...results.map((r) => r.gcsProfiler)),
    runs: results.map((r) => r.heapBytesPerBlock),
  };
}

/**
 * "Allocation-free": ≤ 1 B/block and 0 GCs over the measured audio, or no more than the empty
 * loop's floor (within 1 B/block, no more GCs than it).
 */
export function isAllocationFree(r: AllocProbeResult, empty?: AllocProbeResult): boolean {
  const gcs = Math.max(r.gcs, r.gcsProfiler);
  if (r.heapBytesPerBlock <= 1 && gcs === 0) return true;
  return (
    empty !== undefined &&
    r.heapBytesPerBlock <= empty.heapBytesPerBlock + 1 &&
    gcs <= Math.max(empty.gcs, empty.gcsProfiler)
  );
}

const isMain = process.argv[1] !== undefined && PROBE_FILE === process.argv[1];
if (isMain) {
  const args = process.argv.slice(2);
  const opt = (flag: string): string | undefined => {
    const i = args.indexOf(flag);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const method = args[0] as ProbeMethod;
  if (!PROBE_METHODS.includes(method)) {
    console.error(`usage: alloc-probe.ts <${PROBE_METHODS.join('|')}> [--seconds S] [--warmup S] [--config JSON]`);
    process.exit(2);
  }
  const cfg = opt('--config');
  const fd = cfg ? (JSON.parse(cfg) as FdAdamaxConfig) : FD_ADAMAX_V1;
  const r = await probeInProcess(method, Number(opt('--seconds') ?? 60), Number(opt('--warmup') ?? 5), fd);
  console.log(JSON.stringify(r));
}
