import { checkSameLength, IssueCollector } from '../core/validate.js';

/** Options of {@link segmentalSnr}. */
export interface SegmentalSnrOptions {
  /** Frame length in ms (rectangular frames). Default 30 ms (Loizou uses 10–30 ms). */
  readonly frameMs?: number;
  /** Hop between frames in ms. Default half the frame (50 % overlap). */
  readonly hopMs?: number;
  /** Lower clamp of each frame's SNR in dB. Default −10. */
  readonly minDb?: number;
  /** Upper clamp of each frame's SNR in dB. Default 35. */
  readonly maxDb?: number;
  /**
   * What to do with silent frames, i.e. frames whose clean energy is zero or more than
   * `silenceDb` below the loudest clean frame: `'exclude'` them from the average (default) or
   * `'include'` them (their SNR is then usually clamped to `minDb`).
   */
  readonly silentFrames?: 'exclude' | 'include';
  /** Dynamic range in dB below the loudest clean frame under which a frame counts as silent. Default 40. */
  readonly silenceDb?: number;
}

/**
 * Segmental SNR in dB: the mean over frames of the per-frame SNR clamped to [minDb, maxDb]:
 *
 * `segSNR = (1/|F|) Σ_{m∈F} clamp( 10·log10( Σ_{n∈m} s[n]² / Σ_{n∈m} (s[n] − ŝ[n])² ), minDb, maxDb )`.
 *
 * Frames are rectangular, `frameMs` long every `hopMs` (only full frames; a signal shorter than
 * one frame is one frame). A frame with zero error scores `maxDb`; a frame with a silent
 * reference but non-zero error scores `minDb`.
 *
 * Silent frames: by default F excludes frames whose clean energy is zero or more than `silenceDb`
 * (40 dB) below the loudest clean frame — the same rule STOI uses — so speech pauses do not pull
 * every system to the −10 dB floor. Returns NaN when every frame is silent (an all-zero
 * reference). Pass `silentFrames: 'include'` for the plain Loizou average over all frames.
 *
 * Reference: Loizou, "Speech Enhancement: Theory and Practice", 2nd ed. (2013), §11.1.1, eq. 11.2
 * (frames of 15–30 ms, clamp [−10, 35] dB); Hansen & Pellom, "An effective quality evaluation
 * protocol for speech enhancement algorithms", ICSLP 1998.
 *
 * @param clean reference signal s
 * @param estimate estimate ŝ (same length)
 * @param sampleRate sample rate in Hz (to convert ms to samples)
 * @param options see {@link SegmentalSnrOptions}
 * @throws ShapeError when lengths differ or signals are empty; InvalidOptionError for bad options.
 */
export function segmentalSnr(
  clean: Float32Array,
  estimate: Float32Array,
  sampleRate: number,
  options: SegmentalSnrOptions = {},
): number {
  const frameMs = options.frameMs ?? 30;
  const hopMs = options.hopMs ?? frameMs / 2;
  const minDb = options.minDb ?? -10;
  const maxDb = options.maxDb ?? 35;
  const silenceDb = options.silenceDb ?? 40;
  const exclude = (options.silentFrames ?? 'exclude') === 'exclude';
  const check = new IssueCollector('segmentalSnr');
  check.positive('sampleRate', sampleRate);
  check.positive('frameMs', frameMs);
  check.positive('hopMs', hopMs);
  check.finite('minDb', minDb);
  check.finite('maxDb', maxDb);
  check.require(
    'maxDb',
    !(minDb >= maxDb),
    `segmentalSnr: \`minDb\` must be < \`maxDb\`. Received: minDb=${minDb}, maxDb=${maxDb}`,
  );
  check.positive('silenceDb', silenceDb);
  check.require(
    'silentFrames',
    options.silentFrames === undefined || options.silentFrames === 'exclude' || options.silentFrames === 'include',
    `segmentalSnr: \`silentFrames\` must be 'exclude' or 'include'. Received: silentFrames=${String(options.silentFrames)}`,
  );
  check.throwIfAny();
  checkSameLength('segmentalSnr', 'clean', clean, 'estimate', estimate);

  const n = clean.length;
  const frameLen = Math.min(n, Math.max(1, Math.round((frameMs * sampleRate) / 1000)));
  const hop = Math.max(1, Math.round((hopMs * sampleRate) / 1000));
  const frames = Math.floor((n - frameLen) / hop) + 1;
  const sigE = new Float64Array(frames);
  const errE = new Float64Array(frames);
  let maxSig = 0;
  for (let f = 0; f < frames; f++) {
    const start = f * hop;
    let s2 = 0;
    let e2 = 0;
    for (let i = start; i < start + frameLen; i++) {
      const s = clean[i];
      const e = s - estimate[i];
      s2 += s * s;
      e2 += e * e;
    }
    sigE[f] = s2;
    errE[f] = e2;
    if (s2 > maxSig) maxSig = s2;
  }
  const floor = maxSig * 10 ** (-silenceDb / 10);
  let sum = 0;
  let count = 0;
  for (let f = 0; f < frames; f++) {
    const s2 = sigE[f];
    if (exclude && (s2 === 0 || s2 < floor)) continue;
    const e2 = errE[f];
    const db = e2 === 0 ? maxDb : 10 * Math.log10(s2 / e2);
    sum += Math.min(maxDb, Math.max(minDb, db));
    count++;
  }
  return count === 0 ? Number.NaN : sum / count;
}
