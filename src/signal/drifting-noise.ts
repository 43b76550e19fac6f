import type { Random } from '../core/random.js';
import { IssueCollector } from '../core/validate.js';
import { normalizeRms } from './checks.js';

/** Options of {@link driftingNoise}. */
export interface DriftingNoiseOptions {
  /** RMS of the returned signal (rescaled to exactly this value). Default 0.1. */
  readonly rms?: number;
  /** Period of the colour drift in seconds. Default: drawn in [2, 8]. */
  readonly periodSec?: number;
  /** Number of fan-blade tones (0–4) riding on the noise. Default: drawn in 0–3. */
  readonly tones?: number;
}

/**
 * Fan / air-conditioning noise whose colour drifts: white Gaussian noise through a one-pole
 * low-pass whose coefficient sweeps slowly between white and brown-like,
 * ```
 * a(n) = 0.5·(a_lo + a_hi) + 0.5·(a_hi − a_lo)·sin(2πn/(P·fs) + φ),   y[n] = a(n)·y[n−1] + √(1 − a(n)²)·w[n]
 * ```
 * (a_lo ∈ [0, 0.3], a_hi ∈ [0.9, 0.99]), a ±3 dB level wobble at a third of the drift rate, and
 * `tones` blade tones at f_i ∈ [80, 600] Hz whose frequency wanders by ±3 % with the drift
 * (each 6–15 dB below the broadband level). Rescaled to `rms`.
 *
 * @throws InvalidOptionError for bad options.
 */
export function driftingNoise(
  length: number,
  sampleRate: number,
  rng: Random,
  options: DriftingNoiseOptions = {},
): Float32Array {
  const rms = options.rms ?? 0.1;
  const check = new IssueCollector('driftingNoise');
  check.integer('length', length, 1);
  check.positive('sampleRate', sampleRate);
  check.positive('rms', rms);
  check.throwIfAny();
  const period = options.periodSec ?? rng.uniform(2, 8);
  const tones = options.tones ?? rng.int(0, 3);
  const aLo = rng.uniform(0, 0.3);
  const aHi = rng.uniform(0.9, 0.99);
  const phi = rng.uniform(0, 2 * Math.PI);
  const freqs: number[] = [];
  const amps: number[] = [];
  const phases: number[] = [];
  for (let i = 0; i < tones; i++) {
    freqs.push(rng.uniform(80, Math.min(600, 0.4 * sampleRate)));
    amps.push(Math.SQRT2 * 10 ** (-rng.uniform(6, 15) / 20));
    phases.push(rng.uniform(0, 2 * Math.PI));
  }
  const out = new Float32Array(length);
  let y = 0;
  const w0 = (2 * Math.PI) / (period * sampleRate);
  for (let n = 0; n < length; n++) {
    const s = Math.sin(w0 * n + phi);
    const a = 0.5 * (aLo + aHi) + 0.5 * (aHi - aLo) * s;
    y = a * y + Math.sqrt(1 - a * a) * rng.gaussian();
    let v = y * 10 ** ((3 * Math.sin((w0 / 3) * n + 2 * phi)) / 20);
    for (let i = 0; i < tones; i++) {
      phases[i] = phases[i]! + (2 * Math.PI * freqs[i]! * (1 + 0.03 * s)) / sampleRate;
      v += amps[i]! * Math.sin(phases[i]!);
    }
    out[n] = v;
  }
  normalizeRms(out, rms);
  return out;
}
