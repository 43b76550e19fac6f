import type { V2Scene } from '../../src/signal/abrupt-noise-v2-scene.js';
import { siSdr } from '../../src/signal/si-sdr.js';
import { isDiverged, median, quantile } from './reference-metrics.js';

/** Scores of one method on one v2 clip. */
export interface V2ClipScore {
  readonly id: string;
  readonly kind: string;
  readonly sampleRate: number;
  /** Whole-clip SI-SDR (dB). */
  readonly siSdr: number;
  /** SI-SDR of the primary (the input), whole clip. */
  readonly siSdrIn: number;
  /** Mean over the clip's changes of the SI-SDR in the 2 s after the change. */
  readonly siSdrPost: number;
  /** Recovery time per change (s; Infinity = not within the clip). */
  readonly recovery: readonly number[];
  readonly diverged: boolean;
  /** Noise reduction per 250 ms window (dB), kept to re-score recovery against another target. */
  readonly nr: readonly number[];
  /** Per change: its sample index, the median NR over its pre-change span, and the median NR over
   * the last 1 s before the next change (or the clip's end): the post-change steady state. */
  readonly changeAt: readonly number[];
  readonly preLevel: readonly number[];
  readonly steady: readonly number[];
  /** NR of the steady windows (from 1 s in, none within 2 s after a change) where the clean speech is
   * active (window power above 1 % of the loud speech level) and where it pauses (below 0.01 %). */
  readonly nrSpeech: readonly number[];
  readonly nrPause: readonly number[];
}

const WINDOW = 0.25;

/** Noise reduction per 250 ms window: 10·log10(Σ v² / Σ (ŝ − s)²). */
export function windowNr(sc: V2Scene, out: Float32Array): Float64Array {
  const w = Math.round(WINDOW * sc.sampleRate);
  const n = Math.floor(out.length / w);
  const nr = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    let pv = 0;
    let pe = 0;
    for (let i = j * w; i < (j + 1) * w; i++) {
      pv += sc.noiseAtPrimary[i] ** 2;
      const e = out[i] - sc.clean[i];
      pe += e * e;
    }
    nr[j] = 10 * Math.log10((pv + 1e-20) / (pe + 1e-20));
  }
  return nr;
}

/**
 * Recovery time of one change: the first window start t ≥ change where the median of the next
 * 0.5 s of 250 ms windows (two windows) is within 3 dB of the median noise reduction over the
 * change's pre-change span (2 s before it). Infinity when that never happens in the clip.
 */
export function recoveryTime(nr: Float64Array, fs: number, at: number, preStart: number, preEnd: number): number {
  return recoveryTo(nr, fs, at, preMedian(nr, fs, preStart, preEnd) - 3);
}

/** Median NR over the windows inside [from, to) (samples). */
export function preMedian(nr: ArrayLike<number>, fs: number, from: number, to: number): number {
  const w = Math.round(WINDOW * fs);
  const xs: number[] = [];
  for (let j = Math.ceil(from / w); (j + 1) * w <= to && j < nr.length; j++) xs.push(nr[j]);
  return median(xs);
}

/** First time after `at` where the mean of two consecutive windows reaches `target` dB (∞: never). */
export function recoveryTo(nr: ArrayLike<number>, fs: number, at: number, target: number): number {
  const w = Math.round(WINDOW * fs);
  for (let j = Math.floor(at / w); j + 1 < nr.length; j++) {
    if ((nr[j] + nr[j + 1]) / 2 >= target) return Math.max(0, (j * w - at) / fs);
  }
  return Number.POSITIVE_INFINITY;
}

/**
 * The FAIR recovery variant: the target of each change is
 * min(pre-change level, max(own post-change steady state, the per-clip oracle's)) − 3 dB, so a level
 * the scene makes unreachable after the change (e.g. the reference's own sensor noise after a
 * −20 dB drop of the source) is not required, while a method must still reach both its own final
 * level and what the oracle reaches (whichever is higher).
 * Returns copies of `scores` whose `recovery` is re-scored that way (`oracle[i]` = the same clip).
 */
export function withFairRecovery(scores: readonly V2ClipScore[], oracle: readonly V2ClipScore[]): V2ClipScore[] {
  return scores.map((sc, i) => {
    if (sc.diverged) return sc;
    const o = oracle[i];
    const recovery = sc.changeAt.map((at, c) =>
      recoveryTo(sc.nr, sc.sampleRate, at, Math.min(sc.preLevel[c], Math.max(sc.steady[c], o.steady[c])) - 3),
    );
    return { ...sc, recovery };
  });
}

/**
 * Splits the steady 250 ms windows of `nr` by speech activity: the loud speech level is the median
 * power of the loudest third of the clean windows; a window is speech above 1 % of it, a pause below
 * 0.01 % (between the two: neither). Steady: from 1 s in, and not within 2 s after a change. The gap
 * between the two medians is what the near-end talker costs the canceller (double talk).
 */
export function speechPauseNr(sc: V2Scene, nr: Float64Array): { nrSpeech: number[]; nrPause: number[] } {
  const w = Math.round(WINDOW * sc.sampleRate);
  const power = Array.from(nr, (_, j) => {
    let p = 0;
    for (let i = j * w; i < (j + 1) * w; i++) p += sc.clean[i] ** 2;
    return p / w;
  });
  const loud = [...power].sort((a, b) => b - a).slice(0, Math.ceil(power.length / 3));
  const level = median(loud);
  const speech: number[] = [];
  const pause: number[] = [];
  for (let j = Math.ceil(sc.sampleRate / w); j < nr.length; j++) {
    const t = j * w;
    if (sc.changes.some((c) => t + w > c.at && t < c.at + 2 * sc.sampleRate)) continue;
    if (power[j] > 1e-2 * level) speech.push(nr[j]);
    else if (power[j] < 1e-4 * level) pause.push(nr[j]);
  }
  return { nrSpeech: speech, nrPause: pause };
}

export function scoreV2(sc: V2Scene, out: Float32Array): V2ClipScore {
  const fs = sc.sampleRate;
  const diverged = isDiverged(out, sc.primary);
  const nr = windowNr(sc, out);
  const post: number[] = [];
  const recovery: number[] = [];
  const preLevel: number[] = [];
  const steady: number[] = [];
  sc.changes.forEach((c, ci) => {
    const b = Math.min(out.length, c.at + Math.round(2 * fs));
    post.push(diverged ? -50 : siSdr(sc.clean.subarray(c.at, b), out.subarray(c.at, b)));
    preLevel.push(preMedian(nr, fs, c.preStart, c.preEnd));
    recovery.push(diverged ? Number.POSITIVE_INFINITY : recoveryTo(nr, fs, c.at, preLevel[ci] - 3));
    const end = ci + 1 < sc.changes.length ? sc.changes[ci + 1].at : out.length;
    steady.push(preMedian(nr, fs, Math.max(c.at, end - fs), end));
  });
  const whole = diverged ? -50 : siSdr(sc.clean, out);
  return {
    id: sc.id,
    kind: sc.kind,
    sampleRate: fs,
    siSdr: Number.isFinite(whole) ? whole : -50,
    siSdrIn: siSdr(sc.clean, sc.primary),
    siSdrPost: post.length ? post.reduce((a, v) => a + v, 0) / post.length : Number.NaN,
    recovery,
    diverged,
    nr: Array.from(nr, (v) => Math.round(v * 1000) / 1000),
    changeAt: sc.changes.map((c) => c.at),
    preLevel,
    steady,
    ...speechPauseNr(sc, nr),
  };
}

/** Summary over clips: medians of SI-SDR, pooled recovery median and p90 over changes. */
export interface V2Summary {
  readonly clips: number;
  readonly siSdr: number;
  readonly siSdrPost: number;
  readonly recoveryMedian: number;
  readonly recoveryP90: number;
  readonly worst: number;
  readonly diverged: number;
}

export function summarise(scores: readonly V2ClipScore[]): V2Summary {
  const rec = scores.flatMap((s) => s.recovery);
  return {
    clips: scores.length,
    siSdr: median(scores.map((s) => s.siSdr)),
    siSdrPost: median(scores.map((s) => s.siSdrPost)),
    recoveryMedian: median(rec),
    recoveryP90: quantile(rec, 0.9),
    worst: Math.min(...scores.map((s) => s.siSdr)),
    diverged: scores.filter((s) => s.diverged).length,
  };
}

/** Tuning criterion: mean of the median whole-clip and median post-change SI-SDR, minus 2 dB per second of median recovery. */
export function criterionV2(scores: readonly V2ClipScore[]): number {
  const s = summarise(scores);
  const rec = Number.isFinite(s.recoveryMedian) ? s.recoveryMedian : 10;
  return (s.siSdr + s.siSdrPost) / 2 - 2 * rec;
}
