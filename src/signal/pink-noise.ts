import type { Random } from '../core/random.js';
import { IssueCollector } from '../core/validate.js';
import { normalizeRms } from './checks.js';
import type { NoiseOptions } from './white-noise.js';

/**
 * Pink (1/f) noise: Gaussian white noise through Paul Kellet's "refined" pinking filter, a sum of
 * six first-order low-pass sections plus a direct term, accurate to ±0.05 dB of a −3 dB/octave
 * (−10 dB/decade) slope from 9.2 Hz (at 44.1 kHz, i.e. 2.1e-4 of the sample rate) up to near Nyquist:
 *
 * ```
 * b0 = 0.99886·b0 + 0.0555179·w;  b1 = 0.99332·b1 + 0.0750759·w;  b2 = 0.96900·b2 + 0.1538520·w
 * b3 = 0.86650·b3 + 0.3104856·w;  b4 = 0.55000·b4 + 0.5329522·w;  b5 = −0.7616·b5 − 0.0168980·w
 * p  = b0 + b1 + b2 + b3 + b4 + b5 + b6 + 0.5362·w;  b6 = 0.115926·w
 * ```
 *
 * The slope is scale-free, so the filter works at any sample rate. The filter runs 4096 warm-up
 * samples first so the slowest section starts near its stationary state, and the result is
 * rescaled to exactly `options.rms`.
 *
 * Reference: Paul Kellet, "Filter to make pink noise from white" (music-dsp mailing list, 1999;
 * musicdsp.org archive, "Pink noise filter"); Voss & Clarke, J. Acoust. Soc. Am. 63(1), 1978 (1/f noise).
 *
 * @param length number of samples (integer ≥ 1)
 * @param rng seeded generator
 * @param options see {@link NoiseOptions}
 * @throws InvalidOptionError for a bad length or rms.
 */
export function pinkNoise(length: number, rng: Random, options: NoiseOptions = {}): Float32Array {
  const rms = options.rms ?? 0.1;
  const check = new IssueCollector('pinkNoise');
  check.integer('length', length, 1);
  check.positive('rms', rms);
  check.throwIfAny();
  const out = new Float32Array(length);
  let b0 = 0;
  let b1 = 0;
  let b2 = 0;
  let b3 = 0;
  let b4 = 0;
  let b5 = 0;
  let b6 = 0;
  const warmup = 4096;
  for (let i = -warmup; i < length; i++) {
    const w = rng.gaussian();
    b0 = 0.99886 * b0 + w * 0.0555179;
    b1 = 0.99332 * b1 + w * 0.0750759;
    b2 = 0.969 * b2 + w * 0.153852;
    b3 = 0.8665 * b3 + w * 0.3104856;
    b4 = 0.55 * b4 + w * 0.5329522;
    b5 = -0.7616 * b5 - w * 0.016898;
    const p = b0 + b1 + b2 + b3 + b4 + b5 + b6 + w * 0.5362;
    b6 = w * 0.115926;
    if (i >= 0) out[i] = p;
  }
  normalizeRms(out, rms);
  return out;
}
