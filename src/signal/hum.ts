import type { Random } from '../core/random.js';
import { IssueCollector } from '../core/validate.js';
import { normalizeRms } from './checks.js';

/** Options of {@link hum}. */
export interface HumOptions {
  /** Mains fundamental f0 in Hz: 50 (Europe, Asia, Africa, Oceania) or 60 (Americas); any positive value is accepted. Default 50. */
  readonly fundamental?: number;
  /** Number of harmonics K including the fundamental (those at or above Nyquist are skipped). Default 8. */
  readonly harmonics?: number;
  /** Amplitude ratio d between consecutive harmonics, in (0, 1]: harmonic k has amplitude d^(k−1). Default 0.6. */
  readonly decay?: number;
  /** RMS of the returned signal (rescaled to exactly this value). Default 0.1 (−20 dBFS). */
  readonly rms?: number;
  /** When given, each harmonic gets a random phase φ_k ~ U[0, 2π) from this generator; otherwise φ_k = 0. */
  readonly rng?: Random;
}

/**
 * Mains hum: a fundamental and its harmonics with geometrically decaying amplitudes,
 *
 * `h[n] = g · Σ_{k=1}^{K} d^{k−1} · sin(2π·k·f0·n / f_s + φ_k)`,  harmonics with `k·f0 ≥ f_s/2` omitted,
 *
 * with g chosen so that the realised RMS equals `options.rms` exactly.
 *
 * Reference: IEC 60038 (standard mains frequencies 50/60 Hz); harmonic structure of power-line
 * interference as modelled in Ferdjallah & Barr, "Adaptive digital notch filter design on the unit
 * circle for the removal of powerline noise", IEEE Trans. Biomed. Eng. 41(6), 1994.
 *
 * @param length number of samples (integer ≥ 1)
 * @param sampleRate sample rate in Hz
 * @param options see {@link HumOptions}
 * @throws InvalidOptionError for bad options (including a fundamental at or above Nyquist).
 */
export function hum(length: number, sampleRate: number, options: HumOptions = {}): Float32Array {
  const f0 = options.fundamental ?? 50;
  const harmonics = options.harmonics ?? 8;
  const decay = options.decay ?? 0.6;
  const rms = options.rms ?? 0.1;
  const check = new IssueCollector('hum');
  check.integer('length', length, 1);
  check.positive('sampleRate', sampleRate);
  check.positive('fundamental', f0);
  check.integer('harmonics', harmonics, 1);
  check.require(
    'decay',
    Number.isFinite(decay) && decay > 0 && decay <= 1,
    `hum: \`decay\` must be in (0, 1]. Received: decay=${String(decay)}`,
  );
  check.positive('rms', rms);
  check.require(
    'fundamental',
    !(f0 >= sampleRate / 2),
    `hum: \`fundamental\` must be below Nyquist (${sampleRate / 2} Hz). Received: fundamental=${f0}`,
  );
  check.throwIfAny();
  const out = new Float64Array(length);
  let amp = 1;
  for (let k = 1; k <= harmonics; k++, amp *= decay) {
    if (k * f0 >= sampleRate / 2) break;
    const phase = options.rng === undefined ? 0 : 2 * Math.PI * options.rng.next();
    const w = (2 * Math.PI * k * f0) / sampleRate;
    for (let n = 0; n < length; n++) out[n] += amp * Math.sin(w * n + phase);
  }
  const result = Float32Array.from(out);
  normalizeRms(result, rms);
  return result;
}
