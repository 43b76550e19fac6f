import { checkSameLength, IssueCollector } from '../core/validate.js';

/**
 * Echo return loss enhancement over the whole signal, in dB:
 *
 * `ERLE = 10·log10( Σ d[n]² / Σ e[n]² )`,
 *
 * where d is the microphone (echo) signal entering the canceller and e the residual after it.
 * +Infinity for a zero residual; NaN when both are all zeros.
 *
 * Reference: Hänsler & Schmidt, "Acoustic Echo and Noise Control" (2004), §13.3; ITU-T G.168
 * (2015) §3; Meta-AF `zoo/metrics.py` (Casebeer et al., 2023).
 *
 * @param mic microphone / echo signal d
 * @param residual canceller output e (same length)
 * @throws ShapeError when lengths differ or signals are empty.
 */
export function erle(mic: Float32Array, residual: Float32Array): number {
  checkSameLength('erle', 'mic', mic, 'residual', residual);
  const n = mic.length;
  let d2 = 0;
  let e2 = 0;
  for (let i = 0; i < n; i++) {
    d2 += mic[i] * mic[i];
    e2 += residual[i] * residual[i];
  }
  return 10 * Math.log10(d2 / e2);
}

/** Options of {@link framedErle}. */
export interface FramedErleOptions {
  /** Frame length in samples (integer ≥ 1). */
  readonly frameLength: number;
  /** Hop in samples (integer ≥ 1). Default `frameLength` (no overlap). */
  readonly hop?: number;
}

/**
 * Framed (segmental) ERLE curve: for frame m covering `[m·hop, m·hop + frameLength)`,
 *
 * `ERLE_m = 10·log10( Σ_{n∈m} d[n]² / Σ_{n∈m} e[n]² )`.
 *
 * Only full frames are returned (one frame of the whole signal if it is shorter than a frame).
 * A frame with zero residual is +Infinity and a frame where both are silent is NaN; average with
 * care (e.g. skip non-finite frames). Frame m's start time is `m·hop / sampleRate`.
 *
 * Reference: Hänsler & Schmidt (2004), §13.3; Meta-AF `zoo/metrics.py` (segmental ERLE).
 *
 * @param mic microphone / echo signal d
 * @param residual canceller output e (same length)
 * @param options frame length and hop in samples
 * @returns a new Float32Array with one ERLE value (dB) per frame
 * @throws ShapeError when lengths differ or signals are empty; InvalidOptionError for bad options.
 */
export function framedErle(mic: Float32Array, residual: Float32Array, options: FramedErleOptions): Float32Array {
  const hop = options.hop ?? options.frameLength;
  const check = new IssueCollector('framedErle');
  check.integer('frameLength', options.frameLength, 1);
  check.integer('hop', hop, 1);
  check.throwIfAny();
  checkSameLength('framedErle', 'mic', mic, 'residual', residual);
  const n = mic.length;
  const frameLen = Math.min(n, options.frameLength);
  const frames = Math.floor((n - frameLen) / hop) + 1;
  const out = new Float32Array(frames);
  for (let f = 0; f < frames; f++) {
    const start = f * hop;
    let d2 = 0;
    let e2 = 0;
    for (let i = start; i < start + frameLen; i++) {
      d2 += mic[i] * mic[i];
      e2 += residual[i] * residual[i];
    }
    out[f] = 10 * Math.log10(d2 / e2);
  }
  return out;
}
