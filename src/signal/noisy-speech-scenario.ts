import { InvalidOptionError } from '../core/errors.js';
import { Random } from '../core/random.js';
import { babble } from './babble.js';
import { brownNoise } from './brown-noise.js';
import { driftingNoise } from './drifting-noise.js';
import { hum } from './hum.js';
import { noiseBursts } from './noise-bursts.js';
import { pinkNoise } from './pink-noise.js';
import { whiteNoise } from './white-noise.js';

/** Noise kinds of the single-channel benchmark v2. */
export const NOISY_SPEECH_KINDS = [
  'stationary',
  'hum',
  'brown',
  'babble',
  'bursts',
  'level-jumps',
  'drifting',
] as const;
export type NoisySpeechKind = (typeof NOISY_SPEECH_KINDS)[number];

/** One noisy-speech clip (see {@link makeNoisySpeech}). */
export interface NoisySpeech {
  readonly clean: Float32Array;
  readonly noise: Float32Array;
  readonly noisy: Float32Array;
  readonly kind: NoisySpeechKind;
  readonly snrDb: number;
  readonly sampleRate: number;
}

export interface NoisySpeechOptions {
  readonly seed: number;
  readonly kind: NoisySpeechKind;
  /** Target utterances at `sampleRate` (concatenated in random order with pauses). */
  readonly speech: readonly Float32Array[];
  /** Other talkers for babble at `sampleRate` (at least 1). */
  readonly babbleVoices: readonly Float32Array[];
  readonly sampleRate: number;
  readonly durationSec: number;
  /** SNR range [lo, hi] dB over the whole clip (speech energy / noise energy). */
  readonly snrDb: readonly [number, number];
}

/** The noise of one kind, RMS 1. */
export function makeNoise(
  kind: NoisySpeechKind,
  length: number,
  fs: number,
  rng: Random,
  voices: readonly Float32Array[],
): Float32Array {
  switch (kind) {
    case 'stationary':
      return rng.next() < 0.5 ? whiteNoise(length, rng, { rms: 1 }) : pinkNoise(length, rng, { rms: 1 });
    case 'hum': {
      const h = hum(length, fs, {
        fundamental: rng.next() < 0.5 ? 50 : 60,
        harmonics: rng.int(4, 12),
        decay: rng.uniform(0.5, 0.9),
        rms: 1,
        rng,
      });
      const floor = pinkNoise(length, rng, { rms: 10 ** (-rng.uniform(15, 30) / 20) });
      for (let i = 0; i < length; i++) h[i] = h[i]! + floor[i]!;
      return h;
    }
    case 'brown':
      return brownNoise(length, rng, { rms: 1 });
    case 'babble':
      return babble(voices, length, rng, { rms: 1 });
    case 'bursts':
      return noiseBursts(length, fs, rng, { rms: 1, rate: rng.uniform(1, 4) });
    case 'level-jumps': {
      const base = makeNoise(rng.next() < 0.5 ? 'stationary' : 'brown', length, fs, rng, voices);
      let pos = 0;
      while (pos < length) {
        const seg = Math.round(rng.uniform(0.8, 2.5) * fs);
        const g = 10 ** (rng.uniform(-12, 12) / 20);
        for (let i = pos; i < Math.min(length, pos + seg); i++) base[i] = base[i]! * g;
        pos += seg;
      }
      return base;
    }
    case 'drifting':
      return driftingNoise(length, fs, rng, { rms: 1 });
  }
}

/**
 * Deterministic noisy-speech clip: target utterances (random order, 0.2–0.8 s pauses, ±3 dB each)
 * plus one noise kind scaled to an SNR drawn in `snrDb` (whole-clip speech energy over noise energy):
 * - stationary: white or pink; hum: 50/60 Hz mains with 4–12 harmonics over a pink floor 15–30 dB down;
 * - brown; babble (the `babbleVoices`); bursts (Poisson clatter over a quiet background);
 * - level-jumps: stationary or brown noise whose level jumps by up to ±12 dB every 0.8–2.5 s;
 * - drifting: fan noise whose colour and level drift, with wandering blade tones.
 */
export function makeNoisySpeech(o: NoisySpeechOptions): NoisySpeech {
  if (o.speech.length < 1 || o.babbleVoices.length < 1 || !(o.durationSec > 0) || !(o.sampleRate >= 8000)) {
    throw new InvalidOptionError([
      {
        option: 'speech',
        message: 'makeNoisySpeech needs ≥ 1 utterance, ≥ 1 babble voice, durationSec > 0 and sampleRate ≥ 8000.',
      },
    ]);
  }
  const rng = new Random(o.seed);
  const fs = o.sampleRate;
  const length = Math.round(o.durationSec * fs);
  const clean = new Float32Array(length);
  const order = o.speech.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  let pos = Math.round(rng.uniform(0.1, 0.6) * fs);
  for (let u = 0; pos < length; u++) {
    const utt = o.speech[order[u % order.length]!]!;
    const g = 10 ** (rng.uniform(-3, 3) / 20);
    for (let i = 0; i < utt.length && pos + i < length; i++) clean[pos + i] = utt[i]! * g;
    pos += utt.length + Math.round(rng.uniform(0.2, 0.8) * fs);
  }
  const noise = makeNoise(o.kind, length, fs, rng, o.babbleVoices);
  const snrDb = rng.uniform(o.snrDb[0], o.snrDb[1]);
  let ps = 0;
  let pn = 0;
  for (let i = 0; i < length; i++) {
    ps += clean[i]! * clean[i]!;
    pn += noise[i]! * noise[i]!;
  }
  const g = pn > 0 ? Math.sqrt(ps / (pn * 10 ** (snrDb / 10))) : 0;
  const noisy = new Float32Array(length);
  for (let i = 0; i < length; i++) {
    noise[i] = noise[i]! * g;
    noisy[i] = clean[i]! + noise[i]!;
  }
  return { clean, noise, noisy, kind: o.kind, snrDb, sampleRate: fs };
}
