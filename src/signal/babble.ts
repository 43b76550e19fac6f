import { InvalidOptionError, ShapeError } from '../core/errors.js';
import type { Random } from '../core/random.js';
import { IssueCollector } from '../core/validate.js';
import { normalizeRms } from './checks.js';

/** Options of {@link babble}. */
export interface BabbleOptions {
  /** RMS of the returned signal (rescaled to exactly this value). Default 0.1 (−20 dBFS). */
  readonly rms?: number;
  /** Range [lo, hi] in dB of the random per-voice gain, drawn uniformly. Default [−6, 0]. */
  readonly gainRangeDb?: readonly [number, number];
}

/**
 * Babble noise: a sum of several talkers, each equalised to unit RMS, given a random gain and
 * started at a random (circular) offset, looping to fill the requested length:
 *
 * `b[n] = c · Σ_v g_v · v[(n + o_v) mod L_v] / rms(v)`,  `o_v ~ U{0 … L_v − 1}`,  `20·log10 g_v ~ U[lo, hi]`,
 *
 * with c chosen so that the realised RMS equals `options.rms`. All-zero voices contribute nothing.
 * Random draws come from the seeded `rng` (offset then gain, voice by voice).
 *
 * Reference: multi-talker babble as constructed for NOISEX-92 (Varga & Steeneken, Speech Commun.
 * 12(3), 1993) and Krishnamurthy & Hansen, "Babble noise: modeling, analysis, and applications",
 * IEEE TASLP 17(7), 2009.
 *
 * @param voices speech signals (at least one, each non-empty; not modified)
 * @param length number of output samples (integer ≥ 1)
 * @param rng seeded generator
 * @param options see {@link BabbleOptions}
 * @throws InvalidOptionError for no voices or bad options; ShapeError for an empty voice.
 */
export function babble(
  voices: readonly Float32Array[],
  length: number,
  rng: Random,
  options: BabbleOptions = {},
): Float32Array {
  const rms = options.rms ?? 0.1;
  const [lo, hi] = options.gainRangeDb ?? [-6, 0];
  const check = new IssueCollector('babble');
  check.integer('length', length, 1);
  check.positive('rms', rms);
  check.finite('gainRangeDb[0]', lo);
  check.finite('gainRangeDb[1]', hi);
  check.require(
    'gainRangeDb',
    !(lo > hi),
    `babble: \`gainRangeDb\` must be [lo, hi] with lo <= hi. Received: gainRangeDb=[${lo}, ${hi}]`,
  );
  check.throwIfAny();
  if (voices.length === 0) {
    throw new InvalidOptionError([
      { option: 'voices', message: 'babble: `voices` must contain at least one speech signal. Received: 0 voices' },
    ]);
  }
  for (let v = 0; v < voices.length; v++) {
    if (voices[v].length === 0) throw new ShapeError(`babble: voice ${v} is empty. Received: length 0, expected >= 1`);
  }
  const acc = new Float64Array(length);
  for (const voice of voices) {
    const len = voice.length;
    const offset = rng.int(0, len - 1);
    const gainDb = rng.uniform(lo, hi);
    let e = 0;
    for (let i = 0; i < len; i++) e += voice[i] * voice[i];
    if (e === 0) continue;
    const g = 10 ** (gainDb / 20) / Math.sqrt(e / len);
    let idx = offset;
    for (let n = 0; n < length; n++) {
      acc[n] += g * voice[idx];
      idx++;
      if (idx === len) idx = 0;
    }
  }
  const out = Float32Array.from(acc);
  normalizeRms(out, rms);
  return out;
}
