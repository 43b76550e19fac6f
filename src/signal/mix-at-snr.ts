import { AdamaxStreamError } from '../core/errors.js';
import { checkSameLength, IssueCollector } from '../core/validate.js';

/** Result of {@link mixAtSnr}. */
export interface MixResult {
  /** `clean + gain · noise`. */
  readonly mixture: Float32Array;
  /** The scaled noise `gain · noise` actually added. */
  readonly noise: Float32Array;
  /** The amplitude gain applied to the input noise. */
  readonly gain: number;
}

/**
 * Adds noise to a clean signal at a prescribed SNR (energy over the whole signal):
 *
 * `g = sqrt( Σ s[n]² / (10^{SNR/10} · Σ v[n]²) )`,  `x[n] = s[n] + g·v[n]`,
 *
 * so that `10·log10( Σ s² / Σ (g·v)² ) = SNR`.
 *
 * Reference: ITU-T P.56-style global mixing as used in Loizou, "Speech Enhancement: Theory and
 * Practice", 2nd ed. (2013), §12.1 (noisy-speech corpus construction; here without the P.56
 * active-speech weighting).
 *
 * @param clean clean signal s (not modified)
 * @param noise noise v, same length (not modified)
 * @param snrDb target SNR in dB (finite)
 * @returns new arrays: the mixture and the scaled noise, plus the gain
 * @throws ShapeError for mismatched or empty signals; InvalidOptionError for a non-finite SNR;
 *   AdamaxStreamError (code 'invalid_argument') when clean or noise has zero energy.
 */
export function mixAtSnr(clean: Float32Array, noise: Float32Array, snrDb: number): MixResult {
  const check = new IssueCollector('mixAtSnr');
  check.finite('snrDb', snrDb);
  check.throwIfAny();
  checkSameLength('mixAtSnr', 'clean', clean, 'noise', noise);
  const n = clean.length;
  let es = 0;
  let ev = 0;
  for (let i = 0; i < n; i++) {
    es += clean[i] * clean[i];
    ev += noise[i] * noise[i];
  }
  if (es === 0 || ev === 0) {
    throw new AdamaxStreamError(
      'invalid_argument',
      `mixAtSnr: the SNR is undefined because ${es === 0 ? '`clean`' : '`noise`'} has zero energy. Received: clean energy=${es}, noise energy=${ev}`,
    );
  }
  const gain = Math.sqrt(es / (10 ** (snrDb / 10) * ev));
  const scaled = new Float32Array(n);
  const mixture = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const v = gain * noise[i];
    scaled[i] = v;
    mixture[i] = clean[i] + v;
  }
  return { mixture, noise: scaled, gain };
}
