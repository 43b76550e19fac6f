import type { Random } from '../core/random.js';
import { IssueCollector } from '../core/validate.js';
import { normalizeRms } from './checks.js';

/** Options of {@link noiseBursts}. */
export interface NoiseBurstsOptions {
  /** RMS of the returned signal (rescaled to exactly this value). Default 0.1. */
  readonly rms?: number;
  /** Mean number of bursts per second (Poisson). Default 2. */
  readonly rate?: number;
  /** Level of the steady background relative to the bursts' peak level, in dB. Default −30. */
  readonly backgroundDb?: number;
}

/**
 * Impulsive noise: Poisson-timed bursts (door slams, clatter, keyboard) over a quiet steady background,
 * ```
 * x[n] = b·w₀[n] + Σ_j A_j · e^{−(n − n_j)/τ_j} · (lowpass_{a_j} w_j)[n]   for n ≥ n_j (2 ms linear attack)
 * ```
 * w white Gaussian, burst j: onset n_j (exponential gaps, mean 1/rate s), decay τ_j ∈ [10, 150] ms,
 * one-pole low-pass coefficient a_j ∈ [0, 0.95) (colour), amplitude 20·log10 A_j ∈ [−12, 0] dB;
 * background b = 10^(backgroundDb/20) of pink-ish (a = 0.9) noise. Rescaled to `rms`.
 *
 * @throws InvalidOptionError for bad options.
 */
export function noiseBursts(
  length: number,
  sampleRate: number,
  rng: Random,
  options: NoiseBurstsOptions = {},
): Float32Array {
  const rms = options.rms ?? 0.1;
  const rate = options.rate ?? 2;
  const bgDb = options.backgroundDb ?? -30;
  const check = new IssueCollector('noiseBursts');
  check.integer('length', length, 1);
  check.positive('sampleRate', sampleRate);
  check.positive('rms', rms);
  check.positive('rate', rate);
  check.throwIfAny();
  const out = new Float32Array(length);
  const bg = 10 ** (bgDb / 20);
  let lp = 0;
  for (let n = 0; n < length; n++) {
    lp = 0.9 * lp + 0.1 * rng.gaussian();
    out[n] = bg * 3 * lp;
  }
  let t = -Math.log(1 - rng.next()) / rate;
  while (t * sampleRate < length) {
    const start = Math.floor(t * sampleRate);
    const tau = rng.uniform(0.01, 0.15) * sampleRate;
    const a = rng.uniform(0, 0.95);
    const amp = 10 ** (rng.uniform(-12, 0) / 20) * Math.sqrt((1 + a) / (1 - a)); // unit-variance low-pass
    const attack = Math.max(1, Math.round(0.002 * sampleRate));
    const end = Math.min(length, start + Math.ceil(6 * tau));
    let y = 0;
    for (let n = start; n < end; n++) {
      y = a * y + (1 - a) * rng.gaussian();
      const i = n - start;
      const env = (i < attack ? i / attack : 1) * Math.exp(-i / tau);
      out[n] = out[n]! + amp * env * y;
    }
    t += -Math.log(1 - rng.next()) / rate;
  }
  normalizeRms(out, rms);
  return out;
}
