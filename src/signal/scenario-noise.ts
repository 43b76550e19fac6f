import type { Random } from '../core/random.js';
import { babble } from './babble.js';
import { brownNoise } from './brown-noise.js';
import { hum } from './hum.js';
import { pinkNoise } from './pink-noise.js';
import { whiteNoise } from './white-noise.js';

/** The noise sources of the generated benchmark scenes. */
export type ScenarioNoise = 'white' | 'pink' | 'brown' | 'hum' | 'babble';

/**
 * One noise source of `length` samples at unit RMS, for the generated scenes (abrupt-noise v1 and
 * v2): white, pink or brown noise; mains hum at 50 or 60 Hz with 4–10 harmonics decaying by a random
 * 0.5–0.85 per harmonic; or babble of the `voices` (never the target talker). The random draws come
 * from `rng` in a fixed order, so a scene's seed fixes its noise.
 */
export function scenarioNoise(
  kind: ScenarioNoise,
  length: number,
  rng: Random,
  sampleRate: number,
  voices: readonly Float32Array[],
): Float32Array {
  switch (kind) {
    case 'white':
      return whiteNoise(length, rng, { rms: 1 });
    case 'pink':
      return pinkNoise(length, rng, { rms: 1 });
    case 'brown':
      return brownNoise(length, rng, { rms: 1 });
    case 'hum':
      return hum(length, sampleRate, {
        fundamental: rng.next() < 0.5 ? 50 : 60,
        harmonics: rng.int(4, 10),
        decay: rng.uniform(0.5, 0.85),
        rms: 1,
        rng,
      });
    case 'babble':
      return babble(voices, length, rng, { rms: 1 });
  }
}
