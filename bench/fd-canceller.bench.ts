/**
 * Audio-path speed: the FD-Adamax reference canceller and the single-channel denoiser at 48 kHz.
 *
 * 1. Streams per core: R resident cancellers (default 100; 128-sample blocks, 1024 taps, the
 *    REFERENCE_DEFAULTS through `createReferenceCanceller`, the one factory the CLI uses: the
 *    two-path canceller), all fed block by block in turn; streams per core = R · audio seconds / CPU
 *    seconds of the process (`process.cpuUsage`, user + system; wall time reported beside it). Rows,
 *    interleaved: the default; the same without its coherence term (`coherenceSeconds: 0`: that term's paired
 *    cost); the same with its one-call learning pass and fused ring pass off; the same with its
 *    proportionate steps as the TypeScript passes the fused kernels replaced (bit-identical output);
 *    the one-path design (v1 knobs) on the SIMD kernels; and that one-path filter in float64 JS
 *    (bench/lib/legacy-fd-filter.ts), the implementation the SIMD kernels replaced (the baseline).
 * 2. One stream, per block: p50 / p99 / p99.9 of `process` (µs, after the warm-up of the resident streams), 1024 and
 *    2048 taps, both filters, interleaved. Beside the default canceller, the machine floor: a fixed
 *    wasm loop over a working set of the canceller's arena size, repeated so that its p50 matches
 *    the canceller's, timed exactly like the blocks and alternating with them block by block (every
 *    sample is kept: the p99 of the floor is the machine's own tail at that block length).
 * 3. Single-channel denoiser (`OnlineDenoiser`, SINGLE_CHANNEL_DEFAULTS at 48 kHz): CPU time of
 *    `process` on a speech + noise clip as a fraction of the clip's duration.
 * Every figure is the median over interleaved repetitions, with the min–max spread.
 *
 * Run: node --import tsx bench/fd-canceller.bench.ts [--streams R] [--reps N] [--quick] [--write]
 */
import { availableParallelism, loadavg } from 'node:os';
import { Random } from '../src/core/random.js';
import { arenaFloatBytes, KernelArena } from '../src/core/wasm/kernel-arena.js';
import type { AdaptiveFilter } from '../src/models/adaptive-filter.js';
import { createReferenceCanceller } from '../src/models/create-reference-canceller.js';
import { SINGLE_CHANNEL_DEFAULTS } from '../src/models/defaults/single-channel-defaults.js';
import { OnlineDenoiser } from '../src/models/online-denoiser.js';
import { OptimizedFilter } from '../src/models/optimized-filter.js';
import {
  type ReferenceCancellerConfig,
  referenceCancellerConfig,
  referencePartitions,
} from '../src/models/reference-canceller-config.js';
import { Adamax } from '../src/optim/adamax.js';
import { writeMarkedSection } from './lib/benchmarks-md.js';
import { LegacyFdFilter } from './lib/legacy-fd-filter.js';
import { FD_ADAMAX_V1, fdOverrides } from './lib/reference-methods.js';
import { loadSpeechFixtureFiles } from './lib/speech.js';
import { makeSpeedSignal } from './lib/speed-signal.js';

const args = process.argv.slice(2);
const flag = (name: string, fallback: number): number => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const quick = args.includes('--quick');
const STREAMS = flag('--streams', quick ? 20 : 100);
const REPS = flag('--reps', quick ? 2 : 5);
const RATE = 48000;
const B = 128;
/** The CLI's canceller configuration at 48 kHz with 128-sample blocks and `taps` taps. */
const configFor = (taps: number): ReferenceCancellerConfig =>
  referenceCancellerConfig(RATE, { model: { blockSize: B, filterMs: (taps * 1000) / RATE } });
/** The default without its coherence term (the paired cost of that term). */
const noCoherenceConfigFor = (taps: number): ReferenceCancellerConfig =>
  referenceCancellerConfig(RATE, {
    model: { blockSize: B, filterMs: (taps * 1000) / RATE, twoPath: { coherenceSeconds: 0 } },
  });
/** The one-path design with the v1 knobs (FD-Adamax + 0.3 s weight EMA), same geometry. */
const onePathConfigFor = (taps: number): ReferenceCancellerConfig =>
  referenceCancellerConfig(RATE, fdOverrides({ sampleRate: RATE, blockSize: B, taps, rlsTaps: 32 }, FD_ADAMAX_V1));

type Impl = 'simd' | 'nocoh' | 'unfused' | 'propts' | 'onepath' | 'legacy';
const IMPLS: readonly Impl[] = ['legacy', 'onepath', 'propts', 'unfused', 'nocoh', 'simd'];
const LABEL: Record<Impl, string> = {
  simd: 'two-path canceller, float32 SIMD kernels (library default: `createReferenceCanceller`)',
  nocoh:
    "the same without the coherence term of the background's error (`coherenceSeconds: 0`: no `coherent_power` kernel call, which includes one FFT)",
  unfused:
    'the same, one-call learning pass and fused ring pass off (input FFT, two spectral MACs, two inverse FFTs, block energies in JS loops: separate calls)',
  propts:
    'the same, proportionate steps as TypeScript passes (norms, copy of the weights, step, scaling pass: the code before the fused kernels; same output bits)',
  onepath: 'one-path FD-Adamax+EMA (v1 knobs), float32 SIMD kernels',
  legacy: 'one-path FD-Adamax+EMA, float64 JS filter (before the SIMD kernels; baseline)',
};
const FLOOR_LABEL =
  "**machine floor**: a fixed wasm loop (`stream7_floor` over 4 buffers of the canceller's arena size), repeated to the p50 of the row above, timed like its blocks and alternating with them";
/** Warm-up of the resident streams: V8 runs JS→wasm calls through its generic wrapper until an exported function has had ~1000 calls (per stream instance; one call per block ≈ 2.7 s at 48 kHz). */
const WARM_SECONDS = quick ? 0.5 : 3;

/**
 * The baseline: the same adapter and options as `createReferenceCanceller` builds, around the
 * frozen float64 filter (the tracker, off in the defaults, is not mirrored: refused).
 */
function makeLegacy(config: ReferenceCancellerConfig): AdaptiveFilter {
  const m = config.model;
  if (m.tracker) throw new Error('legacy baseline: the defaults now enable a tracker; mirror it here');
  const blockRate = RATE / m.blockSize;
  const useEma = config.optimizer.use_ema;
  return new OptimizedFilter({
    model: new LegacyFdFilter({
      blockSize: m.blockSize,
      partitions: referencePartitions(m, RATE),
      constrained: m.constrained,
      projectGradient: m.projectGradient,
    }),
    optimizer: Adamax.fromConfig(config.optimizer),
    emaOutput: useEma,
    ...(useEma && m.emaWarmupSeconds > 0 ? { emaWarmupFrames: Math.round(m.emaWarmupSeconds * blockRate) } : {}),
    alternateConstraint: m.alternateConstraint,
    levelNormalizedLr: m.levelNormalizedLr,
    activityFloor: m.activityFloor,
    maxGainDb: m.maxGainDb,
    ...(m.warmupBoost > 1
      ? { warmupBoost: m.warmupBoost, warmupFrames: Math.max(1, m.warmupSeconds * blockRate) }
      : {}),
  });
}

/** The library's canceller with its one-call learning pass and fused ring pass switched off (the fallback path; bit-identical output, tested). */
function makeUnfused(config: ReferenceCancellerConfig): AdaptiveFilter {
  const f = createReferenceCanceller(config, RATE) as unknown as {
    learnPass: unknown;
    model: { learnWithOutput: () => boolean };
  };
  f.learnPass = null;
  f.model.learnWithOutput = () => false;
  return f as unknown as AdaptiveFilter;
}

/** The library's canceller with the fused proportionate step off (the TypeScript passes; bit-identical output, tested). */
function makePropTs(config: ReferenceCancellerConfig): AdaptiveFilter {
  const f = createReferenceCanceller(config, RATE) as unknown as { fusedStep: () => boolean };
  f.fusedStep = () => false;
  return f as unknown as AdaptiveFilter;
}

const make = (impl: Impl, taps: number): AdaptiveFilter =>
  impl === 'simd'
    ? createReferenceCanceller(configFor(taps), RATE)
    : impl === 'nocoh'
      ? createReferenceCanceller(noCoherenceConfigFor(taps), RATE)
      : impl === 'unfused'
        ? makeUnfused(configFor(taps))
        : impl === 'propts'
          ? makePropTs(configFor(taps))
          : impl === 'onepath'
            ? createReferenceCanceller(onePathConfigFor(taps), RATE)
            : makeLegacy(onePathConfigFor(taps));

const { d, x } = makeSpeedSignal(RATE);

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

function stats(xs: number[]): { med: number; min: number; max: number } {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return { med: s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2, min: s[0]!, max: s[s.length - 1]! };
}

/** Block `off` of the loop into the frame (no per-block allocation). */
function copyBlock(frame: Float32Array[], off: number): void {
  const f0 = frame[0]!;
  const f1 = frame[1]!;
  for (let i = 0; i < B; i++) {
    f0[i] = d[off + i]!;
    f1[i] = x[off + i]!;
  }
}

/** Feeds `blocks` blocks to every filter in turn (stream s reads the loop at its own offset). */
function feed(filters: AdaptiveFilter[], blocks: number, start: number): void {
  const frame = [new Float32Array(B), new Float32Array(B)];
  const out = new Float32Array(B);
  const len = d.length - B;
  for (let b = 0; b < blocks; b++) {
    for (let s = 0; s < filters.length; s++) {
      const off = ((start + b) * B + s * 997) % len;
      copyBlock(frame, off);
      filters[s]!.process(frame, out);
    }
  }
}

/** R resident streams per filter kind, built and warmed up once (WARM_SECONDS of audio each). */
const resident = new Map<Impl, AdaptiveFilter[]>();
function residentStreams(impl: Impl): AdaptiveFilter[] {
  let filters = resident.get(impl);
  if (!filters) {
    filters = Array.from({ length: STREAMS }, () => make(impl, 1024));
    feed(filters, Math.round((WARM_SECONDS * RATE) / B), 0);
    resident.set(impl, filters);
  }
  return filters;
}

/** Streams per core of R resident streams over the next `seconds` of audio of repetition `rep`. */
function streamsPerCore(impl: Impl, seconds: number, rep: number): { perCore: number; wallPerCore: number } {
  const filters = residentStreams(impl);
  const blocks = Math.round((seconds * RATE) / B);
  const start = Math.round((WARM_SECONDS * RATE) / B) + rep * blocks;
  const c0 = cpuMs();
  const w0 = performance.now();
  feed(filters, blocks, start);
  const cpu = (cpuMs() - c0) / 1000;
  const wall = (performance.now() - w0) / 1000;
  const audio = (blocks * B) / RATE;
  return { perCore: (STREAMS * audio) / cpu, wallPerCore: (STREAMS * audio) / wall };
}

/** p50 / p99 / p99.9 of per-block times (µs): order statistics of every sample. */
function percentiles(times: Float64Array): { p50: number; p99: number; p999: number } {
  const s = Array.from(times).sort((a, b) => a - b);
  const q = (p: number): number => s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
  return { p50: q(0.5), p99: q(0.99), p999: q(0.999) };
}

/**
 * The machine floor: a fixed, data-independent wasm loop (`stream7_floor`: 4 loads, 3 stores of
 * trivial arithmetic per float) over four buffers of the canceller's arena size (≈ its working
 * set), `reps` times. Deterministic work; any spread of its time is the machine's.
 */
class MachineFloor {
  private readonly kernel: (w: number, g: number, m: number, u: number, n: number) => void;
  private readonly ptrs: number[];
  private readonly n: number;
  reps = 1;

  static create(arenaBytes: number): MachineFloor | null {
    const n = Math.max(64, Math.ceil(arenaBytes / 16));
    const arena = KernelArena.create(4 * arenaFloatBytes(n), 'auto');
    const kernel = arena.kernels.stream7Floor;
    if (kernel === null) return null;
    const bufs = [0, 1, 2, 3].map(() => arena.allocF32(n));
    for (let i = 0; i < n; i++) bufs[1]![i] = ((i % 17) - 8) / 8;
    return new MachineFloor(
      kernel,
      bufs.map((b) => b.byteOffset),
      n,
    );
  }

  private constructor(
    kernel: (w: number, g: number, m: number, u: number, n: number) => void,
    ptrs: number[],
    n: number,
  ) {
    this.kernel = kernel;
    this.ptrs = ptrs;
    this.n = n;
  }

  run(): void {
    const [w, g, m, u] = this.ptrs as [number, number, number, number];
    for (let r = 0; r < this.reps; r++) this.kernel(w, g, m, u, this.n);
  }

  /** Sets `reps` so that one run takes `targetUs` (median over batches of single runs). */
  calibrate(targetUs: number): void {
    this.reps = 1;
    for (let i = 0; i < 3000; i++) this.run();
    const per: number[] = [];
    for (let k = 0; k < 50; k++) {
      const t0 = performance.now();
      for (let i = 0; i < 40; i++) this.run();
      per.push(((performance.now() - t0) * 1000) / 40);
    }
    per.sort((a, b) => a - b);
    this.reps = Math.max(1, Math.round(targetUs / per[per.length >> 1]!));
  }
}

/**
 * The machine's own interruptions: a loop that only reads the clock for `seconds`; every gap
 * between two consecutive readings longer than 5 µs is time the thread did not run (interrupts,
 * preemption by other jobs, the hypervisor). Gaps per second and their median length (µs).
 */
function clockGaps(seconds: number): { perSecond: number; medianUs: number } {
  const gaps: number[] = [];
  let last = performance.now();
  const end = last + seconds * 1000;
  for (;;) {
    const t = performance.now();
    if (t - last > 0.005) gaps.push((t - last) * 1000);
    last = t;
    if (t > end) break;
  }
  gaps.sort((a, b) => a - b);
  return { perSecond: gaps.length / seconds, medianUs: gaps.length ? gaps[gaps.length >> 1]! : 0 };
}

/** Bytes of a canceller's kernel arena (its state and learners), for the floor's working set. */
function arenaBytesOf(f: AdaptiveFilter): number {
  const core = (f as unknown as { core?: { arena?: KernelArena } }).core;
  return core?.arena ? core.arena.capacity : 64 * 1024;
}

/**
 * Per-block latency percentiles (µs) of one stream over `seconds`, after WARM_SECONDS of blocks
 * (the same warm-up as the resident streams: until V8 has tiered up its JS→wasm calls, a block runs
 * through the generic wrapper and costs up to several times its steady-state time). With `floor`,
 * the machine floor is calibrated to the warm-up's p50 and timed after every block (before it on
 * odd blocks), the same way.
 */
function latency(
  impl: Impl,
  taps: number,
  seconds: number,
  floor: boolean,
): { filter: ReturnType<typeof percentiles>; floor: ReturnType<typeof percentiles> | null; reps: number } {
  const f = make(impl, taps);
  const warm = Math.round((WARM_SECONDS * RATE) / B);
  const blocks = Math.round((seconds * RATE) / B);
  const times = new Float64Array(blocks);
  const floorTimes = new Float64Array(blocks);
  const frame = [new Float32Array(B), new Float32Array(B)];
  const out = new Float32Array(B);
  const len = d.length - B;
  const warmTimes = new Float64Array(warm);
  for (let b = 0; b < warm; b++) {
    copyBlock(frame, (b * B) % len);
    const t0 = performance.now();
    f.process(frame, out);
    warmTimes[b] = (performance.now() - t0) * 1000;
  }
  const m = floor ? MachineFloor.create(arenaBytesOf(f)) : null;
  m?.calibrate(percentiles(warmTimes.subarray(warm >> 1)).p50);
  for (let b = 0; b < blocks; b++) {
    copyBlock(frame, ((warm + b) * B) % len);
    if (m && b % 2 === 1) floorTimes[b] = timeFloor(m);
    const t0 = performance.now();
    f.process(frame, out);
    times[b] = (performance.now() - t0) * 1000;
    if (m && b % 2 === 0) floorTimes[b] = timeFloor(m);
  }
  return { filter: percentiles(times), floor: m ? percentiles(floorTimes) : null, reps: m ? m.reps : 0 };
}

/** One run of the floor, timed like a block (µs). */
function timeFloor(m: MachineFloor): number {
  const t0 = performance.now();
  m.run();
  return (performance.now() - t0) * 1000;
}

/** 48 kHz speech (the fixtures, linearly upsampled) plus white noise at 5 dB SNR, `seconds` long. */
function noisySpeech48k(seconds: number): Float32Array {
  const speech = loadSpeechFixtureFiles();
  const n = Math.round(seconds * RATE);
  const out = new Float32Array(n);
  let pos = 0;
  for (let i = 0; pos < n; i++) {
    const f = speech[i % speech.length]!;
    const ratio = f.sampleRate / RATE;
    const len = Math.min(n - pos, Math.floor(f.samples.length / ratio) - 1);
    for (let j = 0; j < len; j++) {
      const t = j * ratio;
      const k = Math.floor(t);
      out[pos + j] = f.samples[k]! + (t - k) * (f.samples[k + 1]! - f.samples[k]!);
    }
    pos += len;
  }
  let p = 0;
  for (let i = 0; i < n; i++) p += out[i]! * out[i]!;
  const sigma = Math.sqrt(p / n / 10 ** 0.5);
  const rng = new Random(3);
  for (let i = 0; i < n; i++) out[i]! += sigma * rng.gaussian();
  return out;
}

/** CPU seconds of `OnlineDenoiser.process` per second of audio (fraction of real time). */
function denoiserRealTime(clip: Float32Array): number {
  const den = new OnlineDenoiser({ ...SINGLE_CHANNEL_DEFAULTS.online, sampleRate: RATE });
  const c0 = cpuMs();
  den.process(clip, RATE);
  return (cpuMs() - c0) / 1000 / (clip.length / RATE);
}

const fmt = (x: number, digits = 1): string => x.toFixed(digits);
const spread = (s: { med: number; min: number; max: number }, digits = 1): string =>
  `${fmt(s.med, digits)} (${fmt(s.min, digits)}–${fmt(s.max, digits)})`;

const load0 = loadavg()[0]!;
const gaps0 = clockGaps(1);
const seconds = quick ? 0.5 : 2;
const per: Record<Impl, number[]> = { simd: [], nocoh: [], unfused: [], propts: [], onepath: [], legacy: [] };
const perWall: Record<Impl, number[]> = { simd: [], nocoh: [], unfused: [], propts: [], onepath: [], legacy: [] };
const lat: Record<string, { p50: number[]; p99: number[]; p999: number[] }> = {};
const ratios: number[] = [];
const onePathRatios: number[] = [];
const fusedRatios: number[] = [];
const propRatios: number[] = [];
const cohRatios: number[] = [];
const floorReps: number[] = [];
const clip = noisySpeech48k(quick ? 5 : 20);
const rt: number[] = [];
function pushLatency(key: string, l: { p50: number; p99: number; p999: number }): void {
  lat[key] ??= { p50: [], p99: [], p999: [] };
  lat[key].p50.push(l.p50);
  lat[key].p99.push(l.p99);
  lat[key].p999.push(l.p999);
}
for (let r = 0; r < REPS; r++) {
  const pair: Record<Impl, number> = { simd: 0, nocoh: 0, unfused: 0, propts: 0, onepath: 0, legacy: 0 };
  for (const impl of r % 2 ? [...IMPLS].reverse() : IMPLS) {
    const s = streamsPerCore(impl, seconds, r);
    per[impl].push(s.perCore);
    perWall[impl].push(s.wallPerCore);
    pair[impl] = s.perCore;
    for (const taps of impl === 'unfused' || impl === 'propts' ? [] : impl === 'nocoh' ? [1024] : [1024, 2048]) {
      const l = latency(impl, taps, quick ? 3 : 10, impl === 'simd');
      pushLatency(`${impl}/${taps}`, l.filter);
      if (l.floor) {
        pushLatency(`floor/${taps}`, l.floor);
        if (taps === 1024) floorReps.push(l.reps);
      }
    }
  }
  ratios.push(pair.simd / pair.legacy);
  onePathRatios.push(pair.onepath / pair.legacy);
  fusedRatios.push(pair.simd / pair.unfused);
  propRatios.push(pair.simd / pair.propts);
  cohRatios.push(pair.simd / pair.nocoh);
  rt.push(denoiserRealTime(clip));
  console.log(
    `rep ${r + 1}/${REPS}: streams/core simd ${fmt(pair.simd)}, coherence off ${fmt(pair.nocoh)}, unfused ${fmt(pair.unfused)}, proportionate in TS ${fmt(pair.propts)}, one-path ${fmt(pair.onepath)}, legacy ${fmt(pair.legacy)}`,
  );
}
const load1 = loadavg()[0]!;
const gaps1 = clockGaps(1);

const lines: string[] = [];
lines.push('## Audio path: FD canceller streams per core, block latency, single-channel real-time factor');
lines.push('');
lines.push(
  `Command: \`${['node --import tsx bench/fd-canceller.bench.ts', ...args].join(' ')}\` — node ${process.version}, ${availableParallelism()} logical CPUs shared with other jobs (load average ${fmt(load0, 2)} before / ${fmt(load1, 2)} after). ${REPS} interleaved repetitions (the filters alternate, order reversed every other repetition); median (min–max). CPU time = \`process.cpuUsage\` (user + system) of this single-threaded process, which counts only the time the process ran; wall time is inflated by the other jobs.`,
);
lines.push('');
lines.push(
  `48 kHz, 128-sample blocks (2,667 µs budget), the CLI's canceller (\`createReferenceCanceller\` from \`referenceCancellerConfig(48000)\`, REFERENCE_DEFAULTS — the two-path canceller — with 128-sample blocks and the filter length of the row); beside it the one-path design with the v1 knobs, on the SIMD kernels and in float64 JS (the implementation the kernels replaced). ${STREAMS} resident streams per row, built once and warmed up with ${WARM_SECONDS} s of audio (V8 calls wasm through a generic JS-to-wasm wrapper until each exported function of each stream's instance has had ~1000 calls, ≈ 2.7 s of blocks: a long-running stream is measured, not its start-up), fed block by block in turn, ${seconds} s of audio per repetition:`,
);
lines.push('');
lines.push(
  '| filter (1024 taps) | streams per core (CPU time) | streams per core (wall) | × baseline (paired) | × coherence term off (paired) | × learning-pass fusion off (paired) | × proportionate kernels off (paired) |',
);
lines.push('|---|---:|---:|---:|---:|---:|---:|');
for (const impl of ['simd', 'nocoh', 'unfused', 'propts', 'onepath', 'legacy'] as const) {
  const vsBase =
    impl === 'simd'
      ? spread(stats(ratios), 2)
      : impl === 'onepath'
        ? spread(stats(onePathRatios), 2)
        : impl === 'legacy'
          ? '1'
          : '—';
  lines.push(
    `| ${LABEL[impl]} | ${spread(stats(per[impl]))} | ${spread(stats(perWall[impl]))} | ${vsBase} | ${impl === 'simd' ? spread(stats(cohRatios), 2) : impl === 'nocoh' ? '1' : '—'} | ${impl === 'simd' ? spread(stats(fusedRatios), 2) : impl === 'unfused' ? '1' : '—'} | ${impl === 'simd' ? spread(stats(propRatios), 2) : impl === 'propts' ? '1' : '—'} |`,
  );
}
lines.push('');
lines.push(
  `One stream, µs per \`process\` call (after ${WARM_SECONDS} s of warm-up, as the resident streams; ${quick ? 3 : 10} s of audio per repetition):`,
);
lines.push('');
lines.push('| filter | taps | p50 | p99 | p99.9 |');
lines.push('|---|---:|---:|---:|---:|');
for (const taps of [1024, 2048]) {
  for (const impl of ['simd', 'floor', 'nocoh', 'onepath', 'legacy'] as const) {
    const l = lat[`${impl}/${taps}`];
    if (!l) continue;
    const label = impl === 'floor' ? FLOOR_LABEL : LABEL[impl];
    lines.push(`| ${label} | ${taps} | ${spread(stats(l.p50))} | ${spread(stats(l.p99))} | ${spread(stats(l.p999))} |`);
  }
}
lines.push('');
if (floorReps.length) {
  const fl = lat['floor/1024']!;
  const sl = lat['simd/1024']!;
  lines.push(
    `Machine floor (1024 taps): ${stats(floorReps).med} runs of the fixed loop per sample; p99 − p50 of the floor ${fmt(stats(fl.p99).med - stats(fl.p50).med)} µs vs ${fmt(stats(sl.p99).med - stats(sl.p50).med)} µs for the canceller (medians over the repetitions).`,
  );
  lines.push('');
}
lines.push(
  `Clock gaps (a loop that only reads \`performance.now()\` for 1 s; a gap > 5 µs is time the thread did not run): ${fmt(gaps0.perSecond, 0)} per second (median ${fmt(gaps0.medianUs)} µs) before the run, ${fmt(gaps1.perSecond, 0)} per second (median ${fmt(gaps1.medianUs)} µs) after.`,
);
lines.push('');
const rts = stats(rt.map((v) => 100 * v));
lines.push(
  `Single-channel denoiser (\`OnlineDenoiser\`, SINGLE_CHANNEL_DEFAULTS at 48 kHz, ${quick ? 5 : 20} s of speech + white noise at 5 dB): **${spread(rts, 2)} % of real time** (CPU time / audio time; it runs on its own float64 STFT, not on the SIMD kernels).`,
);
lines.push('');
const simd = stats(per.simd).med;
const p99 = stats(lat['simd/1024']!.p99).med;
lines.push('| target | measured | met |');
lines.push('|---|---|---|');
lines.push(
  `| ≥ 200 FD-canceller streams per core (1024 taps, CPU time) | ${fmt(simd)} | ${simd >= 200 ? 'yes' : '**no**'} |`,
);
lines.push(`| one-stream p99 ≤ 40 µs per block (1024 taps) | ${fmt(p99)} µs | ${p99 <= 40 ? 'yes' : '**no**'} |`);
lines.push(
  `| single-channel denoiser ≤ 5 % of real time at 48 kHz | ${fmt(rts.med, 2)} % | ${rts.med <= 5 ? 'yes' : '**no**'} |`,
);
const md = lines.join('\n');
console.log(`\n${md}\n`);
if (args.includes('--write')) console.log(`wrote ${writeMarkedSection('fd-speed', md)}`);
