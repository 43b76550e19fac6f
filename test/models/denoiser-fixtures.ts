import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseWavHeader } from '../../src/audio/parse-wav-header.js';
import { Random } from '../../src/core/random.js';
import { brownNoise } from '../../src/signal/brown-noise.js';
import { hum } from '../../src/signal/hum.js';
import { mixAtSnr } from '../../src/signal/mix-at-snr.js';
import { pinkNoise } from '../../src/signal/pink-noise.js';
import { whiteNoise } from '../../src/signal/white-noise.js';

const folder = fileURLToPath(new URL('../fixtures/speech/', import.meta.url));

/** The committed 16 kHz PCM16 speech fixtures, decoded by hand (no Web Audio needed). */
export function loadSpeech(): Float32Array[] {
  return readdirSync(folder)
    .filter((f) => f.endsWith('.wav'))
    .sort()
    .map((f) => {
      const bytes = readFileSync(folder + f);
      const h = parseWavHeader(bytes, { file: f, requireWav: true })!;
      const view = new DataView(bytes.buffer, bytes.byteOffset + h.dataOffset, h.frames * 2);
      const x = new Float32Array(h.frames);
      for (let i = 0; i < h.frames; i++) x[i] = view.getInt16(i * 2, true) / 32768;
      return x;
    });
}

export type NoiseKind = 'white' | 'pink' | 'brown' | 'hum';

export function makeNoise(kind: NoiseKind, length: number, rng: Random, fs = 16000): Float32Array {
  switch (kind) {
    case 'white':
      return whiteNoise(length, rng);
    case 'pink':
      return pinkNoise(length, rng);
    case 'brown':
      return brownNoise(length, rng);
    case 'hum':
      return hum(length, fs, { rng, fundamental: 50 });
  }
}

/** Utterances laid end to end with short pauses, `seconds` long, starting after a short lead-in. */
export function speechTrack(speech: Float32Array[], seconds: number, seed: number, fs = 16000): Float32Array {
  const rng = new Random(seed);
  const n = Math.round(seconds * fs);
  const out = new Float32Array(n);
  let pos = Math.round(rng.uniform(0.3, 0.8) * fs);
  let i = seed;
  while (pos < n) {
    const s = speech[i++ % speech.length]!;
    out.set(s.subarray(0, Math.min(s.length, n - pos)), pos);
    pos += s.length + Math.round(rng.uniform(0.2, 0.6) * fs);
  }
  return out;
}

export interface TestMix {
  clean: Float32Array;
  noisy: Float32Array;
  noise: Float32Array;
}

/** Speech + noise at `snrDb` over the whole clip; optional abrupt gain `stepDb` of the noise at `changeAt`. */
export function makeMix(
  speech: Float32Array[],
  kind: NoiseKind,
  snrDb: number,
  seed: number,
  seconds = 6,
  step?: { at: number; db: number; to?: NoiseKind },
): TestMix {
  const clean = speechTrack(speech, seconds, seed);
  const rng = new Random(seed * 7919 + 1);
  const noise = makeNoise(kind, clean.length, rng);
  if (step) {
    const other = step.to ? makeNoise(step.to, clean.length, rng) : noise;
    const g = 10 ** (step.db / 20);
    for (let i = step.at; i < noise.length; i++) noise[i] = g * other[i]!;
  }
  const m = mixAtSnr(clean, noise, snrDb);
  return { clean, noisy: m.mixture, noise: m.noise };
}

/** SNR in dB of `estimate` against `clean` over samples [from, to). */
export function segmentSnr(clean: Float32Array, estimate: Float32Array, from: number, to: number): number {
  let s = 0;
  let e = 0;
  for (let i = from; i < to; i++) {
    s += clean[i]! * clean[i]!;
    const d = clean[i]! - estimate[i]!;
    e += d * d;
  }
  return 10 * Math.log10(s / e);
}
