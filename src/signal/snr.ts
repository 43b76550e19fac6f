import { checkSameLength } from '../core/validate.js';

/**
 * Signal-to-noise ratio of an estimate against the clean reference, in dB:
 *
 * `SNR = 10·log10( Σ s[n]² / Σ (s[n] − ŝ[n])² )`.
 *
 * Returns +Infinity when the estimate equals the reference exactly, −Infinity when the reference
 * is all zeros but the estimate is not, and NaN when both are all zeros.
 *
 * Reference: Loizou, "Speech Enhancement: Theory and Practice", 2nd ed. (2013), §11.1.1.
 *
 * @param clean reference signal s
 * @param estimate estimate ŝ, same length
 * @throws ShapeError when lengths differ or the signals are empty.
 */
export function snr(clean: Float32Array, estimate: Float32Array): number {
  checkSameLength('snr', 'clean', clean, 'estimate', estimate);
  const n = clean.length;
  let sig = 0;
  let err = 0;
  for (let i = 0; i < n; i++) {
    const s = clean[i];
    const e = s - estimate[i];
    sig += s * s;
    err += e * e;
  }
  return 10 * Math.log10(sig / err);
}
