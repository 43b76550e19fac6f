import type { Random } from '../core/random.js';
import { IssueCollector } from '../core/validate.js';
import { normalizeRms } from './checks.js';

/** Options shared by the noise generators. */
export interface NoiseOptions {
  /** RMS of the returned signal (it is rescaled to exactly this value). Default 0.1 (−20 dBFS). */
  readonly rms?: number;
}

/**
 * Gaussian white noise: `w[n] ~ N(0, 1)` i.i.d. (Box–Muller deviates of the seeded {@link Random}),
 * rescaled so the realised RMS equals `options.rms` exactly. Flat power spectral density.
 *
 * Reference: Papoulis & Pillai, "Probability, Random Variables and Stochastic Processes", 4th ed.
 * (2002), §9.4 (white noise); Box & Muller, Ann. Math. Stat. 29(2), 1958.
 *
 * @param length number of samples (integer ≥ 1)
 * @param rng seeded generator; the same seed gives the same noise
 * @param options see {@link NoiseOptions}
 * @throws InvalidOptionError for a bad length or rms.
 */
export function whiteNoise(length: number, rng: Random, options: NoiseOptions = {}): Float32Array {
  const rms = options.rms ?? 0.1;
  const check = new IssueCollector('whiteNoise');
  check.integer('length', length, 1);
  check.positive('rms', rms);
  check.throwIfAny();
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) out[i] = rng.gaussian();
  normalizeRms(out, rms);
  return out;
}
