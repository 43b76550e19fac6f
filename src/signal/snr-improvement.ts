import { ShapeError } from '../core/errors.js';
import { checkSameLength } from '../core/validate.js';

/**
 * SNR improvement (SNRi) in dB: output SNR minus input SNR against the same clean reference,
 *
 * `SNRi = SNR(s, ŝ_enh) − SNR(s, x_noisy) = 10·log10( Σ (x_noisy − s)² / Σ (ŝ_enh − s)² )`.
 *
 * The clean energy cancels, so SNRi is defined even for a silent reference. +Infinity when the
 * enhanced signal equals the clean one exactly; −Infinity when the noisy one does (and the
 * enhanced does not); NaN when both do.
 *
 * Reference: Loizou, "Speech Enhancement: Theory and Practice", 2nd ed. (2013), §11.1.1;
 * Meta-AF `zoo/metrics.py` (Casebeer et al., 2023).
 *
 * @param clean reference signal s
 * @param noisy unprocessed input x (same length)
 * @param enhanced processed output ŝ (same length)
 * @throws ShapeError when lengths differ or the signals are empty.
 */
export function snrImprovement(clean: Float32Array, noisy: Float32Array, enhanced: Float32Array): number {
  checkSameLength('snrImprovement', 'clean', clean, 'noisy', noisy);
  if (enhanced.length !== clean.length) {
    throw new ShapeError(
      `snrImprovement: \`enhanced\` must have the same length as \`clean\`. Received: clean.length=${clean.length}, enhanced.length=${enhanced.length}`,
    );
  }
  const n = clean.length;
  let errIn = 0;
  let errOut = 0;
  for (let i = 0; i < n; i++) {
    const s = clean[i];
    const a = noisy[i] - s;
    const b = enhanced[i] - s;
    errIn += a * a;
    errOut += b * b;
  }
  return 10 * Math.log10(errIn / errOut);
}
