/**
 * Reference-track benchmark of issue #4 (abrupt-noise-v1, Track R; design note dsp.md §8):
 * Widrow reference-microphone noise cancellation with ONE abrupt change per clip.
 *
 * 1. Tune every method on the VALIDATION split with a grid of the same size (6 values each);
 *    criterion: median over clips of (SI-SDR whole clip + SI-SDR in the 2 s after the change) / 2.
 * 2. Score the tuned methods on the TEST split, prequentially (output before learning).
 * 3. Robustness: randomised short clips (near-silent dithered reference, 60 dB jumps, DC, clipping,
 *    injected NaN) through FD-Adamax with its defaults: non-finite / exploding outputs.
 * 4. Speed: 48 kHz, 128-sample blocks, 1024 taps: per-block latency, heap growth per block, GC count.
 *
 * Run: node --expose-gc --import tsx bench/quality-reference.ts [--quick] [--clips N] [--val N] [--robust N]
 *      [--speed S] [--repeats R] [--write]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Random } from '../src/core/random.js';
import type { AdaptiveFilter } from '../src/models/adaptive-filter.js';
import { makeScenario, type Scenario } from '../src/signal/abrupt-noise-scenario.js';
import {
  FD_ADAMAX_BASE,
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

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const SEED = 20260401;
const GEOMETRY: Geometry = { sampleRate: 16000, blockSize: 64, taps: 512, rlsTaps: 32 };

interface MethodSpec {
  readonly name: string;
  readonly knob: string;
  readonly grid: readonly number[];
  readonly make: (g: Geometry, v: number) => AdaptiveFilter;
  readonly fdConfig?: (v: number) => FdAdamaxConfig;
}

const FD_EMA: FdAdamaxConfig = { ...FD_ADAMAX_BASE, emaSeconds: 0.3, emaWarmupSeconds: 1 };

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
let chosenFd: FdAdamaxConfig = FD_ADAMAX_BASE;

interface SpeedRow {
  readonly name: string;
  readonly p50: number;
  readonly p99: number;
  readonly p999: number;
  /** Heap growth per block in the steady state (bytes; after a forced GC when `--expose-gc`). */
  readonly bytesPerBlock: number;
  readonly gcs: number;
  readonly rtf: number;
}

/**
 * Speed: 48 kHz, 128-sample blocks, 1024 taps, `seconds` of audio per method and repetition
 * (per-block latency of `process`, steady state after the first quarter). Each case runs `repeats`
 * times, interleaved; the table reports the median of each statistic over the repetitions. The
 * timed loop allocates nothing itself (copies, no `subarray`), so heap growth is the filter's.
 */
/** Runs `blocks` blocks of (d, x) through `f` (a loop that allocates nothing once optimised). */
function pump(
  f: AdaptiveFilter,
  d: Float32Array,
  x: Float32Array,
  frame: Float32Array[],
  out: Float32Array,
  blocks: number,
): void {
  const B = f.frameSize;
  const f0 = frame[0];
  const f1 = frame[1];
  const len = d.length;
  for (let b = 0; b < blocks; b++) {
    const off = (b * B) % (len - B);
    for (let i = 0; i < B; i++) {
      f0[i] = d[off + i];
      f1[i] = x[off + i];
    }
    f.process(frame, out);
  }
}

/**
 * Heap growth of `f.process` per block in a steady state: a warm-up pass (so the driving loop
 * itself is optimised and allocates nothing), a forced GC when `--expose-gc`, then `blocks`
 * measured blocks with a GC observer.
 */
function allocationProbe(
  f: AdaptiveFilter,
  d: Float32Array,
  x: Float32Array,
  blocks: number,
): { bytesPerBlock: number; gcs: number } {
  const B = f.frameSize;
  const frame = [new Float32Array(B), new Float32Array(B)];
  const out = new Float32Array(B);
  pump(f, d, x, frame, out, blocks);
  const counter = new Float64Array(1);
  const obs = new PerformanceObserver((list) => {
    counter[0] += list.getEntries().length;
  });
  (globalThis as { gc?: () => void }).gc?.();
  obs.observe({ entryTypes: ['gc'] });
  const heap0 = process.memoryUsage().heapUsed;
  pump(f, d, x, frame, out, blocks);
  const heap1 = process.memoryUsage().heapUsed;
  obs.disconnect();
  return { bytesPerBlock: (heap1 - heap0) / blocks, gcs: counter[0] };
}

export function speedRun(seconds = 20, repeats = 3): SpeedRow[] {
  const g: Geometry = { sampleRate: 48000, blockSize: 128, taps: 1024, rlsTaps: 32 };
  const B = g.blockSize;
  const blocks = Math.floor((seconds * g.sampleRate) / B);
  const rng = new Random(5);
  const pathLen = 700;
  const path = new Float64Array(pathLen);
  for (let k = 0; k < pathLen; k++) path[k] = rng.gaussian() * Math.exp((-6 * k) / pathLen) * 0.2;
  // 1 s of signal, looped (the filter sees a stationary scene)
  const len = g.sampleRate;
  const x = new Float32Array(len);
  const d = new Float32Array(len);
  for (let i = 0; i < len; i++) x[i] = 0.1 * rng.gaussian();
  for (let i = 0; i < len; i++) {
    let s = 0;
    for (let k = 0; k < pathLen && k <= i; k++) s += path[k] * x[i - k];
    d[i] = s + 0.01 * rng.gaussian();
  }
  const cases: [string, () => AdaptiveFilter][] = [
    ['FD-Adamax+EMA default (alternating constraint)', () => makeFdAdamax(g, { ...chosenFd, lr: 0.01 })],
    [
      'FD-Adamax+EMA (every partition constrained)',
      () => makeFdAdamax(g, { ...chosenFd, lr: 0.01, alternateConstraint: false }),
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
      let gcs = 0;
      const obs = new PerformanceObserver((list) => {
        gcs += list.getEntries().length;
      });
      let total = 0;
      const f0 = frame[0];
      const f1 = frame[1];
      for (let b = 0; b < blocks; b++) {
        const off = (b * B) % (len - B);
        for (let i = 0; i < B; i++) {
          f0[i] = d[off + i];
          f1[i] = x[off + i];
        }
        if (b === warm) obs.observe({ entryTypes: ['gc'] });
        const t0 = performance.now();
        f.process(frame, out);
        const dt = (performance.now() - t0) * 1000;
        times[b] = dt;
        total += dt;
      }
      obs.disconnect();
      // ~1 s of work per probe: enough blocks that the runtime's own background allocations vanish
      const probe = allocationProbe(f, d, x, Math.max(2000, Math.min(30000, Math.round(1e6 / (total / blocks)))));
      const steady = Array.from(times.subarray(warm)).sort((a, b2) => a - b2);
      const q = (p: number): number => steady[Math.min(steady.length - 1, Math.floor(p * steady.length))];
      runs[c].push({
        name,
        p50: q(0.5),
        p99: q(0.99),
        p999: q(0.999),
        bytesPerBlock: probe.bytesPerBlock,
        gcs: gcs + probe.gcs,
        rtf: total / 1e6 / seconds,
      });
    }
  }
  const med = (rows: SpeedRow[], k: 'p50' | 'p99' | 'p999' | 'bytesPerBlock' | 'gcs' | 'rtf'): number =>
    median(rows.map((row) => row[k]));
  return runs.map((rows) => ({
    name: rows[0].name,
    p50: med(rows, 'p50'),
    p99: med(rows, 'p99'),
    p999: med(rows, 'p999'),
    bytesPerBlock: med(rows, 'bytesPerBlock'),
    gcs: med(rows, 'gcs'),
    rtf: med(rows, 'rtf'),
  }));
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
  const load0 = loadavg();
  const speed = speedSeconds > 0 ? speedRun(speedSeconds, speedRepeats) : [];
  const load1 = loadavg();
  for (const r of speed) log(`speed ${r.name}: p50 ${fmt(r.p50, 1)} µs p99 ${fmt(r.p99, 1)} p99.9 ${fmt(r.p999, 1)}`);

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

  if (speed.length) {
    const def = speed[0];
    goals.push({
      goal: 'speed: default p99 ≤ 150 µs per block (48 kHz, 128, 1024 taps)',
      value: `${fmt(def.p99, 1)} µs`,
      met: def.p99 <= 150,
    });
    goals.push({
      goal: 'steady state allocation-free (heap growth < 1 B/block, 0 GCs)',
      value: `${fmt(def.bytesPerBlock, 2)} B/block, ${def.gcs} GCs`,
      met: def.bytesPerBlock < 1 && def.gcs === 0,
    });
  }

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
      `| ${r.spec.name}${r === chosen ? ' **(default)**' : ''} | ${r.spec.knob} = ${r.best} | ${fmt(r.validationScore)} | ${fmt(inSi)} → ${fmt(median(s.map((x) => x.siSdr)))} | ${fmt(inPost)} → ${fmt(median(s.map((x) => x.siSdrPost)))} | ${fmt(median(s.map((x) => x.snri)))} | ${fmt(median(s.map((x) => x.t10)) * 1000, 0)} / ${fmt(
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
  lines.push('Goals (FD-Adamax default vs tuned time-domain NLMS, test split):', '');
  lines.push('| goal | value | met |', '|---|---|---|');
  for (const g of goals) lines.push(`| ${g.goal} | ${g.value} | ${g.met ? 'yes' : '**MISSED**'} |`);
  if (speed.length) {
    lines.push(
      '',
      `Speed (48 kHz, 128-sample blocks, 1024 taps; ${speedSeconds} s of audio per case, ${speedRepeats} interleaved repetitions, medians; steady state = last three quarters; µs per block, budget 2,667 µs; ` +
        `load average ${load0[0].toFixed(2)} before / ${load1[0].toFixed(2)} after on ${availableParallelism()} CPUs${(globalThis as { gc?: unknown }).gc ? '; heap measured after a forced GC (`--expose-gc`)' : ''}):`,
      '',
    );
    lines.push('| filter | p50 | p99 | p99.9 | RTF | heap growth (B/block) | GCs |', '|---|---|---|---|---|---|---|');
    for (const r of speed) {
      lines.push(
        `| ${r.name} | ${fmt(r.p50, 1)} | ${fmt(r.p99, 1)} | ${fmt(r.p999, 1)} | ${fmt(r.rtf, 4)} | ${fmt(r.bytesPerBlock, 2)} | ${r.gcs} |`,
      );
    }
  }
  lines.push(
    '',
    `Robustness: ${robust.clips} randomised 0.5 s clips (near-silent dithered reference, ±60 dB jumps, DC offsets, clipping, injected NaN) through the FD-Adamax default: ${robust.bad} non-finite or exploding (> +10 dB over the primary) outputs.`,
  );
  const markdown = lines.join('\n');
  return { markdown, methods: results, chosenFd, chosenName: chosen.spec.name, goals };
}

function writeSection(markdown: string): void {
  const file = join(ROOT, 'BENCHMARKS.md');
  const start = '<!-- quality-reference:start -->';
  const end = '<!-- quality-reference:end -->';
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    text = '# Benchmarks\n';
  }
  const block = `${start}\n${markdown}\n${end}`;
  const a = text.indexOf(start);
  const b = text.indexOf(end);
  text = a >= 0 && b > a ? text.slice(0, a) + block + text.slice(b + end.length) : `${text.trimEnd()}\n\n${block}\n`;
  writeFileSync(file, text);
}

function writeDefaults(cfg: FdAdamaxConfig, name: string, nVal: number): void {
  const file = join(ROOT, 'src', 'models', 'defaults', 'reference-defaults.ts');
  const body = `/**
 * FD-Adamax defaults of the reference-microphone canceller (Track R), chosen on the VALIDATION split
 * by \`node --import tsx bench/quality-reference.ts --write\` (makeScenario seed ${SEED}, ${nVal} validation
 * clips, 16 kHz, block ${GEOMETRY.blockSize}, ${GEOMETRY.taps} taps; method '${name}'). Never tuned on the test split.
 * Generated file: re-run the benchmark to update it.
 */
export const REFERENCE_DEFAULTS = Object.freeze({
  sampleRate: ${GEOMETRY.sampleRate},
  blockSize: ${GEOMETRY.blockSize},
  taps: ${GEOMETRY.taps},
  constrained: ${cfg.constrained},
  alternateConstraint: ${cfg.alternateConstraint},
  /** Project the gradient too (2 FFTs per partition); false = weight constraint only. */
  projectGradient: ${cfg.projectGradient ?? true},
  learningRate: ${cfg.lr},
  beta1: ${cfg.beta1},
  /** beta2 as a time constant in seconds: beta2 = exp(−1 / (τ · blocksPerSecond)). */
  beta2Seconds: ${cfg.beta2Seconds},
  /** EMA of the weights for the output: time constant in seconds (0 = raw weights). */
  emaSeconds: ${cfg.emaSeconds},
  /** Learning rate scaled by √(P_primary / P_reference), smoothed over 100 blocks. */
  levelNormalizedLr: ${cfg.levelNormalizedLr},
  /** Start-up lr boost: × (1 + (boost − 1)·exp(−t / τ)), τ in seconds. */
  warmupBoost: ${cfg.warmupBoost ?? 1},
  warmupSeconds: ${cfg.warmupSeconds ?? 0},
  /** Raw weights are output for this long after the start while the EMA catches up (s). */
  emaWarmupSeconds: ${cfg.emaWarmupSeconds ?? 0},
  /** Change tracker (Page–Hinkley + moment reset + lr boost): off in the chosen default. */
  tracker: ${cfg.tracker ? JSON.stringify(cfg.tracker) : 'null'},
  activityFloor: 1e-10,
  maxGainDb: 6,
});
`;
  writeFileSync(file, body);
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
  const gcFlag = (globalThis as { gc?: unknown }).gc ? '--expose-gc ' : '';
  opts.command = `node ${gcFlag}--import tsx bench/quality-reference.ts ${args.join(' ')}`.trim();
  const r = runReferenceTrack(opts);
  console.log(`\n${r.markdown}`);
  if (args.includes('--write')) {
    writeSection(r.markdown);
    writeDefaults(r.chosenFd, r.chosenName, opts.validationClips ?? (opts.quick ? 4 : 8));
    console.log('\nwrote BENCHMARKS.md section and src/models/defaults/reference-defaults.ts');
  }
}
