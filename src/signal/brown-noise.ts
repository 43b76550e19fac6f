import type { Random } from '../core/random.js';
import { IssueCollector } from '../core/validate.js';
import { normalizeRms } from './checks.js';

/** Options of {@link brownNoise}. */
export interface BrownNoiseOptions {
  /** RMS of the returned signal (rescaled to exactly this value). Default 0.1 (−20 dBFS). */
  readonly rms?: number;
  /**
   * Leak λ of the integrator `y[n] = (1 − λ)·y[n−1] + w[n]`, in (0, 1). The spectrum is flat below
   * the corner `f ≈ λ·f_s / 2π` and falls at −6 dB/octave above it. Default 0.005 (≈ 12.7 Hz at
   * 16 kHz, 38 Hz at 48 kHz).
   */
  readonly leak?: number;
}

/**
 * Brown (Brownian, 1/f²) noise from a leaky integrator of Gaussian white noise:
 *
 * `y[n] = a·y[n−1] + w[n]`,  `a = 1 − λ`,  `|H(e^{jω})|² = 1 / (1 − 2a·cos ω + a²)`,
 *
 * i.e. −6 dB/octave above the corner ω ≈ λ and a finite DC gain 1/λ below it, so unlike a pure
 * random walk it has no DC drift (it is a stationary AR(1) process). The state starts from a draw of
 * the stationary distribution, `y[−1] ~ N(0, 1/(1 − a²))`, so there is no start-up transient; the
 * output is rescaled to exactly `options.rms`.
 *
 * Reference: Kasdin, "Discrete simulation of colored noise and stochastic processes and 1/f^α power
 * law noise generation", Proc. IEEE 83(5), 1995 (AR(1) approximation of 1/f² noise).
 *
 * @param length number of samples (integer ≥ 1)
 * @param rng seeded generator
 * @param options see {@link BrownNoiseOptions}
 * @throws InvalidOptionError for a bad length, rms or leak.
 */
export function brownNoise(length: number, rng: Random, options: BrownNoiseOptions = {}): Float32Array {
  const rms = options.rms ?? 0.1;
  const leak = options.leak ?? 0.005;
  const check = new IssueCollector('brownNoise');
  check.integer('length', length, 1);
  check.positive('rms', rms);
  check.require(
    'leak',
    Number.isFinite(leak) && leak > 0 && leak < 1,
    `brownNoise: \`leak\` must be in (0, 1). Received: leak=${String(leak)}`,
  );
  check.throwIfAny();
  const a = 1 - leak;
  const out = new Float32Array(length);
  let y = rng.gaussian() / Math.sqrt(1 - a * a);
  for (let i = 0; i < length; i++) {
    y = a * y + rng.gaussian();
    out[i] = y;
  }
  normalizeRms(out, rms);
  return out;
}
