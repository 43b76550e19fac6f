import { InvalidOptionError } from '../core/errors.js';
import { Random } from '../core/random.js';
import { type ScenarioNoise, scenarioNoise } from './scenario-noise.js';

/** Noise types of the abrupt-noise benchmark. */
export type { ScenarioNoise };
/** The single abrupt change of a scenario. */
export type ScenarioChange = 'level+10' | 'level-20' | 'colour' | 'path' | 'type';

/** One clip of the abrupt-noise benchmark (`abrupt-noise-v1`). */
export interface Scenario {
  /** `'<split>-<seed>-<index>'`. */
  readonly id: string;
  readonly sampleRate: number;
  /** Clean speech s (concatenated fixtures with pauses). */
  readonly clean: Float32Array;
  /** The noise as it reaches the primary microphone, v = h ⊛ n (h switches at a 'path' change). */
  readonly noiseAtPrimary: Float32Array;
  /** Primary d = s + v. */
  readonly primary: Float32Array;
  /** Reference microphone: the noise source n plus its own sensor noise (−30 … −40 dB); null for the single track. */
  readonly reference: Float32Array | null;
  /** Sample index of the change (between 40 % and 60 % of the clip). */
  readonly changeAt: number;
  readonly changeKind: ScenarioChange;
  readonly noiseBefore: string;
  readonly noiseAfter: string;
  /** SNR of s against v before the change, over the whole speech energy (dB). */
  readonly inputSnrDb: number;
  /** Length of the (longest) acoustic path in taps. */
  readonly pathTaps: number;
}

export interface ScenarioOptions {
  /** Base seed; the split and index are mixed in, so validation and test never share a clip. */
  readonly seed: number;
  readonly split: 'validation' | 'test';
  /** Clip number within the split (integer ≥ 0). */
  readonly index: number;
  /** Speech fixtures at `sampleRate` (at least 4: talkers for the target and others for babble). */
  readonly speech: readonly Float32Array[];
  readonly sampleRate: number;
  /** Clip length; default drawn uniformly in [8, 10] s. */
  readonly durationSec?: number;
  /** 'reference': two-microphone canceller (input SNR in [−5, 5] dB); 'single': no reference (SNR in [0, 5] dB). */
  readonly track: 'reference' | 'single';
}

const NOISES: readonly ScenarioNoise[] = ['white', 'pink', 'brown', 'hum', 'babble'];
const COLOURS: readonly ScenarioNoise[] = ['white', 'pink', 'brown'];
const CHANGES: readonly ScenarioChange[] = ['level+10', 'level-20', 'colour', 'path', 'type'];

/** 32-bit integer hash (Murmur3 finaliser) used to derive independent per-clip seeds. */
function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function pick<T>(rng: Random, items: readonly T[]): T {
  return items[Math.floor(rng.next() * items.length)];
}

/**
 * Random room-like FIR path of `taps` taps: a short onset delay, then Gaussian taps under an
 * exponential envelope decaying by 60 dB over the path (RT60-like), normalised to unit energy.
 */
function randomPath(rng: Random, taps: number): Float64Array {
  const h = new Float64Array(taps);
  const delay = rng.int(0, Math.min(8, taps >> 3));
  const decay = Math.log(1000) / taps;
  let e = 0;
  for (let n = delay; n < taps; n++) {
    const v = rng.gaussian() * Math.exp(-decay * (n - delay));
    h[n] = v;
    e += v * v;
  }
  const g = 1 / Math.sqrt(e);
  for (let n = 0; n < taps; n++) h[n] *= g;
  return h;
}

/** Linear convolution y = h ⊛ x truncated to x's length (float64 accumulation). */
function convolve(x: Float32Array, h: Float64Array): Float32Array {
  const y = new Float32Array(x.length);
  const L = h.length;
  for (let n = 0; n < x.length; n++) {
    let s = 0;
    const kMax = Math.min(L - 1, n);
    for (let k = 0; k <= kMax; k++) s += h[k] * x[n - k];
    y[n] = s;
  }
  return y;
}

function meanSquare(x: Float32Array, from: number, to: number): number {
  let s = 0;
  for (let i = from; i < to; i++) s += x[i] * x[i];
  return to > from ? s / (to - from) : 0;
}

/**
 * Deterministic clip generator of the abrupt-noise benchmark (after the Meta-AF scene-change
 * protocol): speech from the committed fixtures (several utterances with 0.2–0.8 s
 * pauses), a noise source (white, pink, brown, mains hum, babble of *other* voices) reaching the
 * primary through a random room-like path of 32–512 taps, and ONE abrupt change at a random time
 * in [40 %, 60 %] of the clip:
 * - `level+10` / `level-20`: the source level jumps by +10 dB / −20 dB (same path, same noise);
 * - `colour`: white ↔ pink ↔ brown at the same level;
 * - `path`: the acoustic path is replaced by a new random one;
 * - `type`: the noise type changes (any other type).
 * ```
 * v = h ⊛ n  (h → h' at a path change),   d = s + g·v,  g from the input SNR before the change
 * x = n·a + sensor noise (reference track; a = random level −35…−15 dBFS)
 * ```
 * The same (seed, split, index) always gives identical arrays; the two splits use disjoint seed
 * streams, so tuning on 'validation' never sees a 'test' clip.
 *
 * @throws InvalidOptionError for fewer than 4 speech fixtures or bad options.
 */
export function makeScenario(opts: ScenarioOptions): Scenario {
  checkScenarioOptions(opts);
  const splitSalt = opts.split === 'validation' ? 0x5bd1e995 : 0x27d4eb2f;
  const trackSalt = opts.track === 'reference' ? 0x165667b1 : 0x9e3779b1;
  const seed = mix32(mix32(mix32((opts.seed >>> 0) ^ splitSalt) + opts.index) ^ trackSalt);
  const rng = new Random(seed);
  const fs = opts.sampleRate;
  const duration = opts.durationSec ?? rng.uniform(8, 10);
  const length = Math.round(duration * fs);
  // Every random draw below comes in a fixed order from `rng`: the same (seed, split, index) gives the same clip.
  const { clean, voices } = placeSpeech(opts.speech, rng, seed, length, fs);
  const changeAt = Math.round(rng.uniform(0.4, 0.6) * length);
  const { changeKind, before, after } = drawChange(rng);
  const source = noiseSource(changeKind, before, after, changeAt, length, rng, fs, voices);
  const { noise: unscaled, pathTaps } = acousticPaths(source, changeKind, changeAt, rng);
  // Level: input SNR before the change against the whole-clip speech energy.
  const snrLo = opts.track === 'reference' ? -5 : 0;
  const inputSnrDb = rng.uniform(snrLo, 5);
  const ps = meanSquare(clean, 0, length);
  const pv = meanSquare(unscaled, 0, changeAt);
  const g = Math.sqrt(ps / (10 ** (inputSnrDb / 10) * pv));
  const noise = new Float32Array(length);
  for (let i = 0; i < length; i++) noise[i] = unscaled[i] * g;
  const primary = new Float32Array(length);
  for (let i = 0; i < length; i++) primary[i] = clean[i] + noise[i];
  const reference = opts.track === 'reference' ? referenceTrack(source, rng) : null;
  return {
    id: `${opts.split}-${opts.seed}-${opts.index}`,
    sampleRate: fs,
    clean,
    noiseAtPrimary: noise,
    primary,
    reference,
    changeAt,
    changeKind,
    noiseBefore: before,
    noiseAfter: after,
    inputSnrDb,
    pathTaps,
  };
}

/** Throws one InvalidOptionError listing every bad option of {@link makeScenario}. */
function checkScenarioOptions(opts: ScenarioOptions): void {
  const issues = [];
  if (!Array.isArray(opts.speech) || opts.speech.length < 4) {
    issues.push({
      option: 'speech',
      message: '`speech` needs at least 4 fixtures (target talkers and babble voices).',
    });
  }
  if (!(Number.isFinite(opts.sampleRate) && opts.sampleRate >= 8000)) {
    issues.push({ option: 'sampleRate', message: `\`sampleRate\` must be >= 8000. Received: ${opts.sampleRate}` });
  }
  if (!Number.isInteger(opts.index) || opts.index < 0) {
    issues.push({ option: 'index', message: `\`index\` must be an integer >= 0. Received: ${opts.index}` });
  }
  if (opts.split !== 'validation' && opts.split !== 'test') {
    issues.push({
      option: 'split',
      message: `\`split\` must be 'validation' or 'test'. Received: ${String(opts.split)}`,
    });
  }
  if (opts.track !== 'reference' && opts.track !== 'single') {
    issues.push({
      option: 'track',
      message: `\`track\` must be 'reference' or 'single'. Received: ${String(opts.track)}`,
    });
  }
  if (opts.durationSec !== undefined && !(opts.durationSec >= 1 && opts.durationSec <= 600)) {
    issues.push({
      option: 'durationSec',
      message: `\`durationSec\` must be in [1, 600]. Received: ${opts.durationSec}`,
    });
  }
  if (issues.length > 0) throw new InvalidOptionError(issues);
}

/**
 * The clean track: a random order of the fixtures; the target talkers come first (gain ±3 dB,
 * pauses 0.2–0.8 s), the rest (at least 3) are returned as the babble voices.
 */
function placeSpeech(
  speech: readonly Float32Array[],
  rng: Random,
  seed: number,
  length: number,
  fs: number,
): { clean: Float32Array; voices: Float32Array[] } {
  const order = speech.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [order[i], order[j]] = [order[j], order[i]];
  }
  const clean = new Float32Array(length);
  let pos = Math.round(rng.uniform(0.1, 0.5) * fs);
  let used = 0;
  const maxTalkers = speech.length - 3;
  while (pos < length && used < maxTalkers) {
    const utt = speech[order[used++]];
    const gain = 10 ** (rng.uniform(-3, 3) / 20);
    for (let i = 0; i < utt.length && pos + i < length; i++) clean[pos + i] = utt[i] * gain;
    pos += utt.length + Math.round(rng.uniform(0.2, 0.8) * fs);
  }
  // A long scenario outlasts the target talkers: their utterances come round again (gains and pauses
  // drawn afresh, from a generator of their own so that the rest of the scene stays as for a short one).
  const loopRng = new Random(mix32(seed ^ 0x5bd1e995));
  for (let k = 0; pos < length && used > 0; k++) {
    const utt = speech[order[k % used]];
    const gain = 10 ** (loopRng.uniform(-3, 3) / 20);
    for (let i = 0; i < utt.length && pos + i < length; i++) clean[pos + i] = utt[i] * gain;
    pos += utt.length + Math.round(loopRng.uniform(0.2, 0.8) * fs);
  }
  return { clean, voices: order.slice(used).map((i) => speech[i]) };
}

/** The kind of change and the noise types before and after it (different only for 'colour' and 'type'). */
function drawChange(rng: Random): { changeKind: ScenarioChange; before: ScenarioNoise; after: ScenarioNoise } {
  const changeKind = pick(rng, CHANGES);
  if (changeKind === 'colour' || changeKind === 'type') {
    const kinds = changeKind === 'colour' ? COLOURS : NOISES;
    const before = pick(rng, kinds);
    const after = pick(
      rng,
      kinds.filter((c) => c !== before),
    );
    return { changeKind, before, after };
  }
  const before = pick(rng, NOISES);
  return { changeKind, before, after: before };
}

/** The source n: one continuous noise, or two spliced at the change; a level change scales the tail. */
function noiseSource(
  changeKind: ScenarioChange,
  before: ScenarioNoise,
  after: ScenarioNoise,
  changeAt: number,
  length: number,
  rng: Random,
  fs: number,
  voices: readonly Float32Array[],
): Float32Array {
  let source: Float32Array;
  if (before === after) {
    source = scenarioNoise(before, length, rng, fs, voices);
  } else {
    const a = scenarioNoise(before, length, rng, fs, voices);
    const b = scenarioNoise(after, length, rng, fs, voices);
    source = new Float32Array(length);
    source.set(a.subarray(0, changeAt), 0);
    source.set(b.subarray(changeAt), changeAt);
  }
  if (changeKind === 'level+10' || changeKind === 'level-20') {
    const g = 10 ** ((changeKind === 'level+10' ? 10 : -20) / 20);
    for (let i = changeAt; i < length; i++) source[i] *= g;
  }
  return source;
}

/** v = h ⊛ n, with h replaced by a second random path from the change on for a 'path' change. */
function acousticPaths(
  source: Float32Array,
  changeKind: ScenarioChange,
  changeAt: number,
  rng: Random,
): { noise: Float32Array; pathTaps: number } {
  const taps1 = rng.int(32, 512);
  const noise = convolve(source, randomPath(rng, taps1));
  if (changeKind !== 'path') return { noise, pathTaps: taps1 };
  const taps2 = rng.int(32, 512);
  const noise2 = convolve(source, randomPath(rng, taps2));
  noise.set(noise2.subarray(changeAt), changeAt);
  return { noise, pathTaps: Math.max(taps1, taps2) };
}

/** x = n·a + sensor noise, a a random level of −35…−15 dBFS (the source's RMS before the change is 1). */
function referenceTrack(source: Float32Array, rng: Random): Float32Array {
  const length = source.length;
  const level = 10 ** (rng.uniform(-35, -15) / 20);
  const sensor = level * 10 ** (-rng.uniform(30, 40) / 20);
  const reference = new Float32Array(length);
  for (let i = 0; i < length; i++) reference[i] = source[i] * level + sensor * rng.gaussian();
  return reference;
}
