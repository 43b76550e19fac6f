/**
 * Reference-track benchmark (abrupt-noise-v1, Track R: a noise reference microphone is available):
 * Widrow reference-microphone noise cancellation with ONE abrupt change per clip.
 *
 * 1. Tune every method on the VALIDATION split with a grid of the same size (6 values each);
 *    criterion: median over clips of (SI-SDR whole clip + SI-SDR in the 2 s after the change) / 2.
 * 2. Score the tuned methods on the TEST split, prequentially (output before learning).
 * 3. Robustness: randomised short clips (near-silent dithered reference, 60 dB jumps, DC, clipping,
 *    injected NaN) through FD-Adamax with its defaults: non-finite / exploding outputs.
 * 4. Speed: 48 kHz, 128-sample blocks, 1024 taps: per-block latency; heap growth per block and GC count
 *    over 60 s of audio, each method in its own child process (bench/lib/alloc-probe.ts).
 *
 * Run: node --import tsx bench/quality-reference.ts [--quick] [--clips N] [--val N] [--robust N]
 *      [--speed S] [--repeats R] [--alloc S] [--write]
 *      (--write: the BENCHMARKS.md section only; the proposed defaults are printed, never written to src/)
 *      node --import tsx bench/quality-reference.ts --speed-only [--speed S] [--repeats R] [--alloc S] [--write]
 *      (speed section alone with REFERENCE_DEFAULTS; --write splices only the speed subsection and its goal rows)
 */

import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Random } from '../src/core/random.js';
import type { AdaptiveFilter } from '../src/models/adaptive-filter.js';
import { REFERENCE_DEFAULTS } from '../src/models/defaults/reference-defaults.js';
import { makeScenario, type Scenario } from '../src/signal/abrupt-noise-scenario.js';
import { type AllocProbeSummary, isAllocationFree, type ProbeMethod, runAllocProbe } from './lib/alloc-probe.js';
import { readBenchmarksMd, writeBenchmarksMd, writeMarkedSection } from './lib/benchmarks-md.js';
import {
  defaultGeometry,
  FD_ADAMAX_BASE,
  FD_ADAMAX_V1,
  type FdAdamaxConfig,
  type Geometry,
  makeFdAdamax,
  makeFdNlms,
  makeNlms,
  makeRls,
  makeTdAdamax,
  runClip,
} from './lib/reference-methods.js';
import { type ClipScore, isDiverged, median, quantile, scoreClip } from './lib/reference-metrics.js';
import { loadSpeechFixtures } from './lib/speech.js';
import { makeSpeedSignal, SPEED_GEOMETRY } from './lib/speed-signal.js';

const SEED = 20260401;
/** Every method at the geometry of the defaults (the factory's block size and taps at 16 kHz). */
const GEOMETRY: Geometry = defaultGeometry(16000);

interface MethodSpec {
  readonly name: string;
  readonly knob: string;
  readonly grid: readonly number[];
  readonly make: (g: Geometry, v: number) => AdaptiveFilter;
  readonly fdConfig?: (v: number) => FdAdamaxConfig;
}

/** The v1 one-path setting (the CLI's canceller before the two-path default); `lr` is the tuned knob. */
const FD_EMA: FdAdamaxConfig = FD_ADAMAX_V1;

export const METHODS: readonly MethodSpec[] = [
  { name: 'NLMS', knob: 'μ', grid: [0.003, 0.005, 0.01, 0.02, 0.05, 0.1], make: makeNlms },
  { name: 'FD-NLMS', knob: 'μ', grid: [0.02, 0.05, 0.1, 0.2, 0.3, 0.5], make: makeFdNlms },
  {
    name: `RLS (${GEOMETRY.rlsTaps} taps)`,
    knob: 'λ',
    grid: [0.99, 0.995, 0.998, 0.999, 0.9995, 0.9999],
    make: makeRls,
  },
  { name: 'TD-Adamax', knob: 'lr', grid: [1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2], make: (g, v) => makeTdAdamax(g, v) },
  {
    name: 'FD-Adamax',
    knob: 'lr',
    grid: [0.002, 0.003, 0.005, 0.01, 0.02, 0.03],
    make: (g, v) => makeFdAdamax(g, { ...FD_ADAMAX_BASE, lr: v }),
    fdConfig: (v) => ({ ...FD_ADAMAX_BASE, lr: v }),
  },
  {
    name: 'FD-Adamax+EMA',
    knob: 'lr',
    grid: [0.002, 0.003, 0.005, 0.01, 0.02, 0.03],
    make: (g, v) => makeFdAdamax(g, { ...FD_EMA, lr: v }),
    fdConfig: (v) => ({ ...FD_EMA, lr: v }),
  },
];

interface MethodResult {
  readonly spec: MethodSpec;
  readonly best: number;
  readonly validationScore: number;
  readonly scores: readonly ClipScore[];
}

function criterion(scores: readonly ClipScore[]): number {
  return median(scores.map((s) => (s.siSdr + s.siSdrPost) / 2));
}

function evaluate(make: () => AdaptiveFilter, clips: readonly Scenario[]): ClipScore[] {
  return clips.map((c) => scoreClip(c, runClip(make(), c.primary, c.reference!)));
}

const fmt = (v: number, d = 2): string => (Number.isFinite(v) ? v.toFixed(d) : v > 0 ? '∞' : v < 0 ? '−∞' : 'n/a');

/** Robustness: randomised short clips through FD-Adamax defaults; counts non-finite / exploding outputs. */
export function robustnessRun(
  count: number,
  seconds = 0.5,
  seed = 99,
): { clips: number; bad: number; details: string[] } {
  const rng = new Random(seed);
  const g = GEOMETRY;
  const n = Math.round(seconds * g.sampleRate);
  let bad = 0;
  const details: string[] = [];
  for (let c = 0; c < count; c++) {
    const x = new Float32Array(n);
    const d = new Float32Array(n);
    const kind = c % 6;
    let level = 10 ** (rng.uniform(-100, 0) / 20);
    if (kind === 0) level = 1e-6; // near-silent but dithered reference
    const jumpAt = rng.int(0, n - 1);
    const jumpDb = kind === 1 ? (rng.next() < 0.5 ? 60 : -60) : 0;
    const taps = rng.int(1, 256);
    const path = new Float64Array(taps);
    for (let k = 0; k < taps; k++) path[k] = rng.gaussian() * Math.exp((-5 * k) / taps);
    const dc = kind === 2 ? rng.uniform(-0.5, 0.5) : 0;
    const clipGain = kind === 3 ? 10 ** (rng.uniform(0, 40) / 20) : 1;
    for (let i = 0; i < n; i++) {
      const l = i >= jumpAt ? level * 10 ** (jumpDb / 20) : level;
      x[i] = l * rng.gaussian() + (kind === 0 ? 1e-7 * rng.gaussian() : 0);
    }
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let k = 0; k < taps && k <= i; k++) s += path[k] * x[i - k];
      d[i] = s + 0.01 * Math.sin(i * 0.05) * rng.uniform(0, 1);
    }
    for (let i = 0; i < n; i++) {
      x[i] += dc;
      d[i] += dc * 0.5;
      if (kind === 3) {
        x[i] = Math.max(-1, Math.min(1, x[i] * clipGain));
        d[i] = Math.max(-1, Math.min(1, d[i] * clipGain));
      }
    }
    if (kind === 4) x[rng.int(0, n - 1)] = Number.NaN; // injected NaN: the frame is skipped, the stream recovers
    const f = makeFdAdamax(g, { ...FD_ADAMAX_BASE, ...chosenFd });
    const out = runClip(f, d, x);
    // the primary's NaN-free copy is the yardstick for "exploding"
    const ok = !isDiverged(out, d);
    if (!ok) {
      bad++;
      if (details.length < 5) details.push(`clip ${c} kind ${kind}`);
    }
  }
  return { clips: count, bad, details };
}

/** The FD-Adamax configuration chosen on validation (updated by the tuning step). */
let chosenFd: FdAdamaxConfig = FD_ADAMAX_V1;

interface SpeedRow {
  readonly name: string;
  readonly p50: number;
  readonly p99: number;
  readonly p999: number;
  readonly rtf: number;
}

/**
 * Speed: 48 kHz, 128-sample blocks, 1024 taps, `seconds` of audio per method and repetition
 * (per-block latency of `process`, steady state after the first quarter). Each case runs `repeats`
 * times, interleaved; the table reports the median of each statistic over the repetitions.
 * Allocation is measured separately, each method in its own process ({@link allocRun}).
 */
export function speedRun(seconds = 20, repeats = 3): SpeedRow[] {
  const g = SPEED_GEOMETRY;
  const B = g.blockSize;
  const blocks = Math.floor((seconds * g.sampleRate) / B);
  // 1 s of signal, looped (the filter sees a stationary scene)
  const { d, x } = makeSpeedSignal(g.sampleRate);
  const len = d.length;
  const cases: [string, () => AdaptiveFilter][] = [
    ['FD-Adamax+EMA default (alternating constraint)', () => makeFdAdamax(g, speedFd())],
    [
      'FD-Adamax+EMA (every partition constrained)',
      () => makeFdAdamax(g, { ...speedFd(), alternateConstraint: false }),
    ],
    ['FD-NLMS (constrained)', () => makeFdNlms(g, 0.1)],
    ['NLMS (time domain, 1024 taps)', () => makeNlms(g, 0.05)],
  ];
  const runs: SpeedRow[][] = cases.map(() => []);
  const times = new Float64Array(blocks);
  const frame = [new Float32Array(B), new Float32Array(B)];
  const out = new Float32Array(B);
  for (let r = 0; r < repeats; r++) {
    for (let c = 0; c < cases.length; c++) {
      const [name, make] = cases[c];
      const f = make();
      const warm = Math.floor(blocks / 4);
      let total = 0;
      const f0 = frame[0];
      const f1 = frame[1];
      for (let b = 0; b < blocks; b++) {
        const off = (b * B) % (len - B);
        for (let i = 0; i < B; i++) {
          f0[i] = d[off + i];
          f1[i] = x[off + i];
        }
        const t0 = performance.now();
        f.process(frame, out);
        const dt = (performance.now() - t0) * 1000;
        times[b] = dt;
        total += dt;
      }
      const steady = Array.from(times.subarray(warm)).sort((a, b2) => a - b2);
      const q = (p: number): number => steady[Math.min(steady.length - 1, Math.floor(p * steady.length))];
      runs[c].push({ name, p50: q(0.5), p99: q(0.99), p999: q(0.999), rtf: total / 1e6 / seconds });
    }
  }
  const med = (rows: SpeedRow[], k: 'p50' | 'p99' | 'p999' | 'rtf'): number => median(rows.map((row) => row[k]));
  return runs.map((rows) => ({
    name: rows[0].name,
    p50: med(rows, 'p50'),
    p99: med(rows, 'p99'),
    p999: med(rows, 'p999'),
    rtf: med(rows, 'rtf'),
  }));
}

/** The FD-Adamax configuration of the speed cases (the chosen structure at lr 0.01). */
const speedFd = (): FdAdamaxConfig => ({ ...chosenFd, lr: 0.01 });

interface AllocRow {
  readonly name: string;
  readonly probe: AllocProbeSummary;
  readonly allocationFree: boolean;
}

const ALLOC_CASES: readonly [ProbeMethod, string][] = [
  ['fd-adamax-ema', 'FD-Adamax+EMA default (alternating constraint)'],
  ['fd-adamax-ema-all', 'FD-Adamax+EMA (every partition constrained)'],
  ['fd-nlms', 'FD-NLMS (constrained)'],
  ['nlms', 'NLMS (time domain, 1024 taps)'],
  ['control', 'control: `new Float32Array(8)` per block'],
  ['empty', 'empty loop (no-op filter): the floor'],
];

/**
 * Steady-state allocation: every method in its own `node --expose-gc` child process
 * (`bench/lib/alloc-probe.ts`): `warmupSeconds` of warm-up, forced GC, then `seconds` of 48 kHz audio
 * with heap snapshots around the loop and GC counters (PerformanceObserver + v8.GCProfiler), no GC forced.
 */
export function allocRun(seconds = 60, warmupSeconds = 5, runs = 3): AllocRow[] {
  const probes = ALLOC_CASES.map(([method]) => runAllocProbe(method, { seconds, warmupSeconds, fd: speedFd(), runs }));
  const empty = probes[ALLOC_CASES.findIndex(([m]) => m === 'empty')];
  return probes.map((probe, i) => ({ name: ALLOC_CASES[i][1], probe, allocationFree: isAllocationFree(probe, empty) }));
}

interface SpeedReport {
  readonly lines: string[];
  readonly goals: { goal: string; value: string; met: boolean }[];
}

interface SpeedMeta {
  readonly seconds: number;
  readonly repeats: number;
  readonly allocSeconds: number;
  readonly allocWarmup: number;
  readonly allocRuns: number;
  readonly load0: readonly number[];
  readonly load1: readonly number[];
  readonly command?: string;
}

/** The speed subsection (starts with `Speed (48 kHz`) and its two goal rows. */
function speedReport(speed: readonly SpeedRow[], alloc: readonly AllocRow[], meta: SpeedMeta): SpeedReport {
  const goals: { goal: string; value: string; met: boolean }[] = [];
  const lines: string[] = [];
  if (speed.length) {
    const def = speed[0];
    goals.push({
      goal: 'speed: default p99 ≤ 150 µs per block (48 kHz, 128, 1024 taps)',
      value: `${fmt(def.p99, 1)} µs`,
      met: def.p99 <= 150,
    });
    const nlms = speed.find((r) => r.name.startsWith('NLMS'));
    lines.push(
      `Speed (48 kHz, 128-sample blocks, 1024 taps; ${meta.seconds} s of audio per case, ${meta.repeats} interleaved repetitions, medians; steady state = last three quarters; µs per block, budget 2,667 µs; ` +
        `load average ${meta.load0[0].toFixed(2)} before / ${meta.load1[0].toFixed(2)} after on ${availableParallelism()} CPUs${meta.command ? `; speed part re-run alone: \`${meta.command}\`` : ''}):`,
      '',
    );
    lines.push('| filter | p50 | p99 | p99.9 | RTF | p99 / NLMS p99 |', '|---|---|---|---|---|---|');
    for (const r of speed) {
      lines.push(
        `| ${r.name} | ${fmt(r.p50, 1)} | ${fmt(r.p99, 1)} | ${fmt(r.p999, 1)} | ${fmt(r.rtf, 4)} | ${nlms ? fmt(r.p99 / nlms.p99, 3) : 'n/a'} |`,
      );
    }
  }
  if (alloc.length) {
    const def = alloc[0];
    const empty = alloc.find((r) => r.probe.method === 'empty');
    const control = alloc.find((r) => r.probe.method === 'control');
    goals.push({
      goal: `steady state allocation-free (own process, ${meta.allocSeconds} s of audio: ≤ 1 B/block and 0 GCs, or the empty loop's floor)`,
      value: `${fmt(def.probe.heapBytesPerBlock, 2)} B/block, ${def.probe.gcs} GCs (empty loop ${empty ? fmt(empty.probe.heapBytesPerBlock, 2) : 'n/a'}, control ${control ? fmt(control.probe.heapBytesPerBlock, 1) : 'n/a'} B/block)`,
      met: def.allocationFree,
    });
    if (lines.length) lines.push('');
    lines.push(
      `Allocation (each method in its own \`node --expose-gc\` process, \`bench/lib/alloc-probe.ts\`, ${meta.allocRuns} processes per method: input, frame and output buffers allocated first, ${meta.allocWarmup} s of warm-up, two forced GCs, then ${meta.allocSeconds} s of 48 kHz audio = ${def.probe.blocks} blocks with no forced GC; ` +
        'heap growth = Δ `process.memoryUsage().heapUsed` per block (Δ `v8.getHeapStatistics().used_heap_size`, which also counts the snapshot objects, in brackets); GCs = PerformanceObserver "gc" entries / `v8.GCProfiler` events during the measured loop; the median run by heap growth, the most GCs of any run, every run in the last column. ' +
        'Calibration: the control allocates one escaping `Float32Array(8)` per block (must show ≥ 32 B/block), the empty loop (no-op filter) is the floor. ' +
        'Allocation-free = ≤ 1 B/block and 0 GCs, or no more than the empty loop + 1 B/block and its GC count):',
      '',
    );
    lines.push(
      '| method | heap growth (B/block) | GCs (observer / profiler) | allocation-free | runs (B/block) |',
      '|---|---|---|---|---|',
    );
    for (const r of alloc) {
      const p = r.probe;
      lines.push(
        `| ${r.name} | ${fmt(p.heapBytesPerBlock, 2)} (${fmt(p.v8BytesPerBlock, 2)}) | ${p.gcs} / ${p.gcsProfiler} | ${r.allocationFree ? 'yes' : '**no**'} | ${p.runs.map((v) => fmt(v, 2)).join(', ')} |`,
      );
    }
  }
  return { lines, goals };
}

export interface ReferenceTrackOptions {
  readonly quick?: boolean;
  /** Test clips (default 24; quick 8). */
  readonly clips?: number;
  /** Validation clips (default 8; quick 4). */
  readonly validationClips?: number;
  /** Robustness clips (default 1000; quick 100). */
  readonly robustClips?: number;
  /** Speed run seconds per case and repetition (default 20; quick 5; 0 = skip). */
  readonly speedSeconds?: number;
  /** Speed repetitions (median reported; default 3; quick 1). */
  readonly speedRepeats?: number;
  /** Seconds of audio per allocation probe (default 60; 0 = skip). */
  readonly allocSeconds?: number;
  readonly log?: (line: string) => void;
  /** Command line to print in the report. */
  readonly command?: string;
}

export interface ReferenceTrackResult {
  readonly markdown: string;
  readonly methods: readonly MethodResult[];
  readonly chosenFd: FdAdamaxConfig;
  readonly chosenName: string;
  readonly goals: readonly { goal: string; value: string; met: boolean }[];
}

export function runReferenceTrack(options: ReferenceTrackOptions = {}): ReferenceTrackResult {
  const quick = options.quick ?? false;
  const nTest = options.clips ?? (quick ? 8 : 24);
  const nVal = options.validationClips ?? (quick ? 4 : 8);
  const nRobust = options.robustClips ?? (quick ? 100 : 1000);
  const speedSeconds = options.speedSeconds ?? (quick ? 5 : 20);
  const speedRepeats = options.speedRepeats ?? (quick ? 1 : 3);
  const log = options.log ?? ((l: string) => console.log(l));
  const t0 = performance.now();
  const speech = loadSpeechFixtures();
  const fs = GEOMETRY.sampleRate;
  const gen = (split: 'validation' | 'test', n: number): Scenario[] =>
    Array.from({ length: n }, (_, index) =>
      makeScenario({ seed: SEED, split, index, speech, sampleRate: fs, track: 'reference' }),
    );
  const val = gen('validation', nVal);
  const test = gen('test', nTest);
  log(`generated ${nVal} validation + ${nTest} test clips in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  const results: MethodResult[] = [];
  for (const spec of METHODS) {
    let best = spec.grid[0];
    let bestScore = Number.NEGATIVE_INFINITY;
    for (const v of spec.grid) {
      const s = criterion(evaluate(() => spec.make(GEOMETRY, v), val));
      if (s > bestScore) {
        bestScore = s;
        best = v;
      }
    }
    const scores = evaluate(() => spec.make(GEOMETRY, best), test);
    results.push({ spec, best, validationScore: bestScore, scores });
    log(
      `${spec.name}: ${spec.knob}=${best} (validation ${fmt(bestScore)} dB) test SI-SDR ${fmt(median(scores.map((s) => s.siSdr)))} dB [${((performance.now() - t0) / 1000).toFixed(0)} s]`,
    );
  }
  // FD-Adamax default = the better of raw / EMA on VALIDATION.
  const fdRaw = results.find((r) => r.spec.name === 'FD-Adamax')!;
  const fdEma = results.find((r) => r.spec.name === 'FD-Adamax+EMA')!;
  const chosen = fdEma.validationScore > fdRaw.validationScore ? fdEma : fdRaw;
  chosenFd = chosen.spec.fdConfig!(chosen.best);
  const nlms = results.find((r) => r.spec.name === 'NLMS')!;

  // Goals (test split, medians of paired per-clip differences).
  const paired = (a: MethodResult, b: MethodResult, key: 'siSdr' | 'siSdrPost'): number =>
    median(a.scores.map((s, i) => s[key] - b.scores[i][key]));
  const dWhole = paired(chosen, nlms, 'siSdr');
  const dPost = paired(chosen, nlms, 'siSdrPost');
  const t10 = median(chosen.scores.map((s) => s.t10));
  const dropIdx = test.map((c, i) => (c.changeKind === 'level-20' ? i : -1)).filter((i) => i >= 0);
  const dDrop = dropIdx.length
    ? median(dropIdx.map((i) => chosen.scores[i].siSdrPost - nlms.scores[i].siSdrPost))
    : NaN;

  const robust = nRobust > 0 ? robustnessRun(nRobust) : { clips: 0, bad: 0, details: [] };
  log(`robustness: ${robust.bad} bad of ${robust.clips}`);
  const sp = runSpeedSection(speedSeconds, speedRepeats, options.allocSeconds ?? 60, log);

  const goals: { goal: string; value: string; met: boolean }[] = [
    { goal: 'SI-SDR whole clip ≥ NLMS + 3 dB (median paired Δ)', value: `${fmt(dWhole)} dB`, met: dWhole >= 3 },
    { goal: 'SI-SDR 2 s after the change ≥ NLMS + 3 dB', value: `${fmt(dPost)} dB`, met: dPost >= 3 },
    { goal: 'T10 ≤ 250 ms (median)', value: `${fmt(t10 * 1000, 0)} ms`, met: t10 <= 0.25 },
    {
      goal: `after a −20 dB drop no worse than NLMS (median Δ post-change SI-SDR, ${dropIdx.length} clips)`,
      value: `${fmt(dDrop)} dB`,
      met: dropIdx.length > 0 && dDrop >= 0,
    },
    {
      goal: `robustness: 0 non-finite/exploding of ${robust.clips} clips`,
      value: `${robust.bad}`,
      met: robust.bad === 0,
    },
    {
      goal: 'no divergence on the test split (FD-Adamax)',
      value: `${chosen.scores.filter((s) => s.diverged).length}`,
      met: chosen.scores.every((s) => !s.diverged),
    },
  ];

  goals.push(...sp.goals);

  const cmd =
    options.command ??
    `node --import tsx bench/quality-reference.ts${quick ? ' --quick' : ''} --clips ${nTest} --val ${nVal} --robust ${nRobust} --speed ${speedSeconds}`;
  const lines: string[] = [];
  lines.push('## Quality: reference track (abrupt-noise-v1, Track R)', '');
  lines.push(`Command: \`${cmd}\` (${((performance.now() - t0) / 1000).toFixed(0)} s on this machine).`, '');
  lines.push(
    `Widrow reference-microphone canceller, 16 kHz, block ${GEOMETRY.blockSize}, ${GEOMETRY.taps} taps for every method except RLS (${GEOMETRY.rlsTaps} taps, O(L²) per sample). ` +
      `Clips: \`makeScenario\` seed ${SEED}, ${nVal} validation clips (tuning) and ${nTest} test clips (scores), 8–10 s, input SNR −5…5 dB, paths 32–512 taps, one abrupt change at 40–60 % ` +
      '(level +10 dB, level −20 dB, colour, path, noise type). Scores are prequential (output before learning). ' +
      'Each method gets the same 6-value grid on validation; criterion: median of (SI-SDR whole + SI-SDR 2 s after the change) / 2. ' +
      `FD-Adamax structure (fixed before the lr grid, chosen on validation only): per-bin Adamax on the PBFDAF, weight constraint ${chosenFd.alternateConstraint ? 'on one partition per block (AUMDF)' : 'on every partition'}${chosenFd.projectGradient === false ? ' and no gradient projection' : ' plus gradient projection'}, β1 ${chosenFd.beta1}, β2 as a ${chosenFd.beta2Seconds} s time constant, ` +
      `level-normalised lr (√(P_d/P_x), 100-block smoothing)${(chosenFd.warmupBoost ?? 1) > 1 ? ` with a ×${chosenFd.warmupBoost} start-up boost decaying with τ = ${chosenFd.warmupSeconds} s` : ''}, activity gate, watchdog${chosenFd.emaSeconds > 0 ? `, EMA output τ = ${chosenFd.emaSeconds} s${chosenFd.emaWarmupSeconds ? ` (raw weights output for the first ${chosenFd.emaWarmupSeconds} s)` : ''}` : ''}${chosenFd.tracker ? ', Page–Hinkley tracker' : ', no change tracker'}.`,
    '',
  );
  lines.push(
    '| method | tuned | val. crit. | SI-SDR (in → out) | SI-SDR 2 s post-change | SNRi | T10 median / p90 | post −20 dB drop | diverged |',
    '|---|---|---|---|---|---|---|---|---|',
  );
  const inSi = median(results[0].scores.map((s) => s.siSdrIn));
  const inPost = median(results[0].scores.map((s) => s.siSdrPostIn));
  for (const r of results) {
    const s = r.scores;
    const drop = dropIdx.length ? median(dropIdx.map((i) => s[i].siSdrPost)) : NaN;
    lines.push(
      `| ${r.spec.name}${r === chosen ? ' **(v1 default)**' : ''} | ${r.spec.knob} = ${r.best} | ${fmt(r.validationScore)} | ${fmt(inSi)} → ${fmt(median(s.map((x) => x.siSdr)))} | ${fmt(inPost)} → ${fmt(median(s.map((x) => x.siSdrPost)))} | ${fmt(median(s.map((x) => x.snri)))} | ${fmt(median(s.map((x) => x.t10)) * 1000, 0)} / ${fmt(
        quantile(
          s.map((x) => x.t10),
          0.9,
        ) * 1000,
        0,
      )} ms | ${fmt(drop)} | ${s.filter((x) => x.diverged).length} |`,
    );
  }
  lines.push(
    '',
    'Medians over the test clips (dB unless stated). T10: time after the change until the 50 ms-smoothed SNRi stays ≥ 10 dB for 90 % of 0.5 s (∞ = never).',
    '',
  );
  lines.push('Goals (FD-Adamax v1 default vs tuned time-domain NLMS, test split):', '');
  lines.push('| goal | value | met |', '|---|---|---|');
  for (const g of goals) lines.push(`| ${g.goal} | ${g.value} | ${g.met ? 'yes' : '**MISSED**'} |`);
  if (sp.lines.length) lines.push('', ...sp.lines);
  lines.push(
    '',
    `Robustness: ${robust.clips} randomised 0.5 s clips (near-silent dithered reference, ±60 dB jumps, DC offsets, clipping, injected NaN) through the FD-Adamax default: ${robust.bad} non-finite or exploding (> +10 dB over the primary) outputs.`,
  );
  const markdown = lines.join('\n');
  return { markdown, methods: results, chosenFd, chosenName: chosen.spec.name, goals };
}

/** Timing (in this process) and allocation (child processes) of the speed section. */
function runSpeedSection(
  seconds: number,
  repeats: number,
  allocSeconds: number,
  log: (line: string) => void,
  command?: string,
): SpeedReport {
  const allocWarmup = 5;
  const load0 = loadavg();
  const speed = seconds > 0 ? speedRun(seconds, repeats) : [];
  const load1 = loadavg();
  for (const r of speed) log(`speed ${r.name}: p50 ${fmt(r.p50, 1)} µs p99 ${fmt(r.p99, 1)} p99.9 ${fmt(r.p999, 1)}`);
  const allocRuns = 3;
  const alloc = seconds > 0 && allocSeconds > 0 ? allocRun(allocSeconds, allocWarmup, allocRuns) : [];
  for (const r of alloc) {
    const p = r.probe;
    log(`alloc ${r.name}: ${p.runs.map((v) => fmt(v, 2)).join(' / ')} B/block, ${p.gcs}/${p.gcsProfiler} GCs`);
  }
  const meta: SpeedMeta = { seconds, repeats, allocSeconds, allocWarmup, allocRuns, load0, load1 };
  return speedReport(speed, alloc, command !== undefined ? { ...meta, command } : meta);
}

const SECTION_START = '<!-- quality-reference:start -->';
const SECTION_END = '<!-- quality-reference:end -->';
const goalRow = (g: { goal: string; value: string; met: boolean }): string =>
  `| ${g.goal} | ${g.value} | ${g.met ? 'yes' : '**MISSED**'} |`;

/**
 * Replaces only the speed subsection (from `Speed (48 kHz` up to the `Robustness:` paragraph) and the
 * speed goal rows inside the BENCHMARKS.md section, keeping the quality tables as they are.
 */
function spliceSpeed(report: SpeedReport): void {
  const text = readBenchmarksMd();
  const a = text.indexOf(SECTION_START);
  const b = text.indexOf(SECTION_END);
  if (a < 0 || b < a) throw new Error('BENCHMARKS.md has no quality-reference section: run the full benchmark');
  let section = text.slice(a, b);
  const s0 = section.indexOf('\nSpeed (48 kHz');
  const s1 = section.indexOf('\nRobustness:', s0);
  if (s0 < 0 || s1 < 0) throw new Error('no speed subsection to replace in BENCHMARKS.md');
  section = `${section.slice(0, s0 + 1)}${report.lines.join('\n')}\n${section.slice(s1)}`;
  const rows = section.split('\n');
  for (const g of report.goals) {
    const prefix = g.goal.startsWith('speed:') ? '| speed: default p99' : '| steady state allocation-free';
    const i = rows.findIndex((l) => l.startsWith(prefix));
    if (i < 0) throw new Error(`no goal row "${prefix}" in BENCHMARKS.md`);
    rows[i] = goalRow(g);
  }
  writeBenchmarksMd(text.slice(0, a) + rows.join('\n') + text.slice(b));
}

function writeSection(markdown: string): void {
  writeMarkedSection('quality-reference', markdown);
}

/**
 * The defaults this run proposes: `REFERENCE_DEFAULTS` with the one-path design and the knobs chosen
 * on v1 validation (v1 scores the one-path filter only; the two-path default comes from abrupt-noise-v2). Printed,
 * never written: a benchmark does not rewrite library source; a commit applies the proposal.
 */
export function proposedDefaults(cfg: FdAdamaxConfig): { proposed: Record<string, unknown>; changed: string[] } {
  const proposed: Record<string, unknown> = {
    ...REFERENCE_DEFAULTS,
    design: 'one-path',
    constrained: cfg.constrained,
    alternateConstraint: cfg.alternateConstraint,
    projectGradient: cfg.projectGradient ?? true,
    learningRate: cfg.lr,
    beta1: cfg.beta1,
    beta2Seconds: cfg.beta2Seconds,
    emaSeconds: cfg.emaSeconds,
    levelNormalizedLr: cfg.levelNormalizedLr,
    warmupBoost: cfg.warmupBoost ?? 1,
    warmupSeconds: cfg.warmupSeconds ?? 0,
    emaWarmupSeconds: cfg.emaWarmupSeconds ?? 0,
    tracker: cfg.tracker,
  };
  const current = REFERENCE_DEFAULTS as Record<string, unknown>;
  const changed = Object.keys(proposed).filter((k) => JSON.stringify(proposed[k]) !== JSON.stringify(current[k]));
  return { proposed, changed };
}

function printProposedDefaults(cfg: FdAdamaxConfig, name: string): void {
  const { proposed, changed } = proposedDefaults(cfg);
  console.log(`\nProposed REFERENCE_DEFAULTS (validation pick '${name}'; not written — apply in a commit):`);
  console.log(JSON.stringify(proposed, null, 2));
  console.log(
    changed.length ? `changed vs the current defaults: ${changed.join(', ')}` : 'same as the current defaults',
  );
}

const isMain = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  const args = process.argv.slice(2);
  const num = (flag: string): number | undefined => {
    const i = args.indexOf(flag);
    return i >= 0 ? Number(args[i + 1]) : undefined;
  };
  const opts: { -readonly [K in keyof ReferenceTrackOptions]: ReferenceTrackOptions[K] } = {
    quick: args.includes('--quick'),
  };
  const clips = num('--clips');
  const val = num('--val');
  const robust = num('--robust');
  const speed = num('--speed');
  const repeats = num('--repeats');
  if (repeats !== undefined) opts.speedRepeats = repeats;
  if (clips !== undefined) opts.clips = clips;
  if (val !== undefined) opts.validationClips = val;
  if (robust !== undefined) opts.robustClips = robust;
  if (speed !== undefined) opts.speedSeconds = speed;
  const alloc = num('--alloc');
  if (alloc !== undefined) opts.allocSeconds = alloc;
  const gcFlag = (globalThis as { gc?: unknown }).gc ? '--expose-gc ' : '';
  opts.command = `node ${gcFlag}--import tsx bench/quality-reference.ts ${args.join(' ')}`.trim();
  if (args.includes('--speed-only')) {
    // the speed section alone, with the v1 one-path setting (no tuning, no quality tables touched)
    chosenFd = FD_ADAMAX_V1;
    const report = runSpeedSection(
      opts.speedSeconds ?? (opts.quick ? 5 : 20),
      opts.speedRepeats ?? (opts.quick ? 1 : 3),
      opts.allocSeconds ?? 60,
      (l) => console.log(l),
      opts.command,
    );
    console.log(`\n${report.lines.join('\n')}\n`);
    for (const g of report.goals) console.log(goalRow(g));
    if (args.includes('--write')) {
      spliceSpeed(report);
      console.log('\nwrote the speed subsection (and its goal rows) of the BENCHMARKS.md quality-reference section');
    }
  } else {
    const r = runReferenceTrack(opts);
    console.log(`\n${r.markdown}`);
    if (args.includes('--write')) {
      writeSection(r.markdown);
      console.log('\nwrote the BENCHMARKS.md quality-reference section');
    }
    printProposedDefaults(r.chosenFd, r.chosenName);
  }
}
