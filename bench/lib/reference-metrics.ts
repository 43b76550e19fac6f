import type { Scenario } from '../../src/signal/abrupt-noise-scenario.js';
import { reconvergenceTime } from '../../src/signal/reconvergence-time.js';
import { siSdr } from '../../src/signal/si-sdr.js';
import { snrImprovement } from '../../src/signal/snr-improvement.js';

/** Scores of one method on one clip (prequential outputs). */
export interface ClipScore {
  readonly id: string;
  readonly changeKind: string;
  readonly siSdr: number;
  readonly siSdrIn: number;
  readonly siSdrPost: number;
  readonly siSdrPostIn: number;
  readonly snri: number;
  readonly t10: number;
  readonly diverged: boolean;
}

function rms(x: Float32Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * x[i];
  return Math.sqrt(s / Math.max(1, x.length));
}

/** True when the output has a non-finite sample or is more than 10 dB louder than the primary. */
export function isDiverged(out: Float32Array, primary: Float32Array): boolean {
  for (let i = 0; i < out.length; i++) if (!Number.isFinite(out[i])) return true;
  return rms(out) > 10 ** (10 / 20) * rms(primary) + 1e-6;
}

export function scoreClip(sc: Scenario, out: Float32Array, postSeconds = 2): ClipScore {
  const fs = sc.sampleRate;
  const a = sc.changeAt;
  const b = Math.min(sc.clean.length, a + Math.round(postSeconds * fs));
  const clean = sc.clean;
  const diverged = isDiverged(out, sc.primary);
  const fin = (v: number): number => (Number.isFinite(v) ? v : Number.NaN);
  return {
    id: sc.id,
    changeKind: sc.changeKind,
    siSdr: diverged ? -50 : fin(siSdr(clean, out)),
    siSdrIn: siSdr(clean, sc.primary),
    siSdrPost: diverged ? -50 : fin(siSdr(clean.subarray(a, b), out.subarray(a, b))),
    siSdrPostIn: siSdr(clean.subarray(a, b), sc.primary.subarray(a, b)),
    snri: diverged ? -50 : snrImprovement(clean, sc.primary, out),
    t10: diverged
      ? Number.POSITIVE_INFINITY
      : reconvergenceTime({ clean, noisy: sc.primary, enhanced: out, sampleRate: fs }, { changeTime: a / fs }),
    diverged,
  };
}

export function median(xs: readonly number[]): number {
  const s = xs.filter((v) => !Number.isNaN(v)).sort((p, q) => p - q);
  if (s.length === 0) return Number.NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function quantile(xs: readonly number[], q: number): number {
  const s = xs.filter((v) => !Number.isNaN(v)).sort((p, r) => p - r);
  if (s.length === 0) return Number.NaN;
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
}
