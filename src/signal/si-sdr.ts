import { checkSameLength } from '../core/validate.js';

/** Options of {@link siSdr}. */
export interface SiSdrOptions {
  /** Remove the mean of both signals first (Le Roux et al. recommend it). Default true. */
  readonly zeroMean?: boolean;
}

/**
 * Scale-invariant signal-to-distortion ratio, in dB (Le Roux, Wisdom, Erdogan & Hershey,
 * "SDR – half-baked or well done?", ICASSP 2019, eq. 5):
 *
 * `α = ⟨ŝ, s⟩ / ‖s‖²`,  `e_target = α·s`,  `e_res = ŝ − α·s`,
 * `SI-SDR = 10·log10( ‖e_target‖² / ‖e_res‖² )`,
 *
 * after subtracting each signal's mean (default). Invariant to any non-zero scaling of the
 * estimate. Returns +Infinity when the estimate is an exact multiple of the reference (the
 * residual is exactly zero; rounding usually leaves a very large finite value instead), and NaN
 * when the (zero-mean) reference has zero energy.
 *
 * @param reference clean reference s
 * @param estimate estimate ŝ, same length
 * @param options see {@link SiSdrOptions}
 * @throws ShapeError when lengths differ or the signals are empty.
 */
export function siSdr(reference: Float32Array, estimate: Float32Array, options: SiSdrOptions = {}): number {
  checkSameLength('siSdr', 'reference', reference, 'estimate', estimate);
  const n = reference.length;
  let ms = 0;
  let me = 0;
  if (options.zeroMean ?? true) {
    for (let i = 0; i < n; i++) {
      ms += reference[i];
      me += estimate[i];
    }
    ms /= n;
    me /= n;
  }
  let dot = 0;
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const s = reference[i] - ms;
    dot += (estimate[i] - me) * s;
    ss += s * s;
  }
  if (ss === 0) return Number.NaN;
  const alpha = dot / ss;
  let target = 0;
  let res = 0;
  for (let i = 0; i < n; i++) {
    const t = alpha * (reference[i] - ms);
    const r = estimate[i] - me - t;
    target += t * t;
    res += r * r;
  }
  return 10 * Math.log10(target / res);
}
