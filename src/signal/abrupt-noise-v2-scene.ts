import { InvalidOptionError } from '../core/errors.js';
import { Random } from '../core/random.js';
import { RealFft } from './real-fft.js';
import { scenarioNoise } from './scenario-noise.js';

/** Scene kinds of `abrupt-noise-v2`. */
export const V2_SCENE_KINDS = [
  'path',
  'colour',
  'level+10',
  'level-20',
  'type',
  'compound',
  'multi',
  'drift',
  'stop-restart',
  'drop-30',
  'tonal',
  'babble',
  'sensor-noise',
] as const;
export type V2SceneKind = (typeof V2_SCENE_KINDS)[number];

/** One scored change: recovery is measured from `at` against the noise reduction in [preStart, preEnd). */
export interface V2Change {
  readonly at: number;
  readonly preStart: number;
  readonly preEnd: number;
  readonly label: string;
}

export interface V2Scene {
  readonly id: string;
  readonly kind: V2SceneKind;
  readonly sampleRate: number;
  readonly clean: Float32Array;
  /** The noise as it reaches the primary microphone (h_t ⊛ n, scaled). */
  readonly noiseAtPrimary: Float32Array;
  readonly primary: Float32Array;
  /** Reference microphone: the source n (scaled) plus its own sensor noise. */
  readonly reference: Float32Array;
  readonly changes: readonly V2Change[];
  /** Longest acoustic path in ms. */
  readonly pathMs: number;
  readonly inputSnrDb: number;
  /** Reference sensor noise relative to the source before the first change (dB). */
  readonly sensorDb: number;
}

export interface V2SceneOptions {
  readonly kind: V2SceneKind;
  readonly seed: number;
  readonly index: number;
  readonly sampleRate: number;
  /** Utterances of the target talker (at `sampleRate`). */
  readonly talker: readonly Float32Array[];
  /** Utterances of other talkers (babble), at least one. */
  readonly others: readonly Float32Array[];
  /** Clip length in seconds (default 10; 'multi' gets 1.2× for its third change). */
  readonly durationSec?: number;
}

type Noise = 'white' | 'pink' | 'brown' | 'hum' | 'babble' | 'tonal';
const COLOURS: readonly Noise[] = ['white', 'pink', 'brown'];
const TYPES: readonly Noise[] = ['white', 'pink', 'brown', 'hum', 'babble', 'tonal'];

/** One stretch of the scene: noise type, source gain (dB; −∞ = off) and path index from `start`. */
interface Segment {
  start: number;
  noise: Noise;
  gainDb: number;
  path: number;
}

const pick = <T>(rng: Random, xs: readonly T[]): T => xs[Math.floor(rng.next() * xs.length)];

/** Room-like path of `ms` milliseconds: short onset delay, Gaussian taps, 60 dB exponential decay, unit energy. */
export function roomPath(rng: Random, ms: number, sampleRate: number): Float64Array {
  const taps = Math.max(1, Math.round((ms * sampleRate) / 1000));
  const h = new Float64Array(taps);
  const delay = rng.int(0, Math.min(8, taps >> 3));
  const decay = Math.log(1000) / taps;
  let e = 0;
  for (let n = delay; n < taps; n++) {
    h[n] = rng.gaussian() * Math.exp(-decay * (n - delay));
    e += h[n] * h[n];
  }
  for (let n = 0; n < taps; n++) h[n] /= Math.sqrt(e);
  return h;
}

/** y = h ⊛ x truncated to x's length, by one zero-padded real FFT (float64). */
export function fftConvolve(x: Float32Array, h: Float64Array): Float32Array {
  let n = 2;
  while (n < x.length + h.length) n *= 2;
  const fft = new RealFft(n);
  const a = new Float64Array(n);
  a.set(x);
  const b = new Float64Array(n);
  b.set(h);
  const ar = new Float64Array(n / 2 + 1);
  const ai = new Float64Array(n / 2 + 1);
  const br = new Float64Array(n / 2 + 1);
  const bi = new Float64Array(n / 2 + 1);
  fft.forward(a, ar, ai);
  fft.forward(b, br, bi);
  for (let k = 0; k < ar.length; k++) {
    const re = ar[k] * br[k] - ai[k] * bi[k];
    ai[k] = ar[k] * bi[k] + ai[k] * br[k];
    ar[k] = re;
  }
  fft.inverse(ar, ai, a);
  return Float32Array.from(a.subarray(0, x.length));
}

/**
 * Music-like tonal noise: a melody and a chord of harmonic notes (a pentatonic scale over
 * 110–880 Hz), each note 0.15–0.6 s with a short attack and exponential decay; unit RMS.
 * Few bins are excited at a time, and they move.
 */
export function musicLikeNoise(length: number, sampleRate: number, rng: Random): Float32Array {
  const y = new Float64Array(length);
  const scale = [0, 2, 4, 7, 9];
  for (let voice = 0; voice < 3; voice++) {
    let t = 0;
    while (t < length) {
      const dur = Math.round(rng.uniform(0.15, 0.6) * sampleRate);
      const semis = 12 * rng.int(0, 2) + scale[rng.int(0, 4)] + 12 * (voice === 0 ? 1 : 0);
      const f0 = 110 * 2 ** (semis / 12);
      const harmonics = rng.int(3, 8);
      const amp = voice === 0 ? 1 : 0.6;
      const phase = rng.uniform(0, 2 * Math.PI);
      for (let i = 0; i < dur && t + i < length; i++) {
        const env = Math.min(1, i / (0.01 * sampleRate)) * Math.exp(-i / (0.4 * sampleRate));
        let s = 0;
        for (let k = 1; k <= harmonics && k * f0 < sampleRate / 2; k++) {
          s += 0.7 ** (k - 1) * Math.sin((2 * Math.PI * k * f0 * i) / sampleRate + phase * k);
        }
        y[t + i] += amp * env * s;
      }
      t += dur;
    }
  }
  let e = 0;
  for (let i = 0; i < length; i++) e += y[i] * y[i];
  const g = 1 / Math.sqrt(e / length + 1e-30);
  return Float32Array.from(y, (v) => v * g);
}

function makeNoise(kind: Noise, length: number, fs: number, rng: Random, others: readonly Float32Array[]) {
  return kind === 'tonal' ? musicLikeNoise(length, fs, rng) : scenarioNoise(kind, length, rng, fs, others);
}

/** A random single change applied to `prev` (a new segment at `start`); `paths` grows for a new path. */
function change(rng: Random, what: string, prev: Segment, start: number, paths: { n: number }): Segment {
  const next: Segment = { ...prev, start };
  const newPath = () => {
    next.path = paths.n++;
  };
  if (what === 'path') newPath();
  else if (what === 'colour')
    next.noise = pick(
      rng,
      COLOURS.filter((t) => t !== prev.noise),
    );
  else if (what === 'level+10') next.gainDb = prev.gainDb + 10;
  else if (what === 'level-20') next.gainDb = prev.gainDb - 20;
  else if (what === 'type')
    next.noise = pick(
      rng,
      TYPES.filter((t) => t !== prev.noise),
    );
  else if (what === 'compound') {
    newPath();
    next.gainDb = prev.gainDb + (rng.next() < 0.5 ? 10 : -10);
    next.noise = pick(
      rng,
      TYPES.filter((t) => t !== prev.noise),
    );
  }
  return next;
}

interface Plan {
  segments: Segment[];
  changes: { at: number; pre: number; label: string }[];
  drift: { from: number; to: number; a: number; b: number } | null;
  pathCount: number;
  sensorDb: number;
}

/** The scene's timeline (segments, scored changes, optional drift) for its kind. */
function plan(kind: V2SceneKind, rng: Random, length: number, fs: number): Plan {
  const s = (sec: number) => Math.round(sec * fs);
  const first: Noise =
    kind === 'tonal'
      ? 'tonal'
      : kind === 'babble'
        ? 'babble'
        : kind === 'colour'
          ? pick(rng, COLOURS)
          : pick(rng, TYPES);
  const segments: Segment[] = [
    { start: 0, noise: kind === 'sensor-noise' ? pick(rng, COLOURS) : first, gainDb: 0, path: 0 },
  ];
  const paths = { n: 1 };
  const changes: Plan['changes'] = [];
  let drift: Plan['drift'] = null;
  const mid = s(rng.uniform(0.4, 0.6) * (length / fs));
  const single = (what: string, at: number) => {
    segments.push(change(rng, what, segments[segments.length - 1], at, paths));
    changes.push({ at, pre: at, label: what });
  };
  if (['path', 'colour', 'level+10', 'level-20', 'type', 'compound'].includes(kind)) single(kind, mid);
  else if (kind === 'tonal' || kind === 'babble' || kind === 'sensor-noise') single('path', mid);
  else if (kind === 'multi') {
    const count = rng.int(2, 3);
    const step = (length / fs - 5) / (count === 2 ? 2 : 2.3);
    for (let c = 0; c < count; c++) {
      const at = s(3 + c * step + rng.uniform(-0.2, 0.2));
      single(pick(rng, ['path', 'colour', 'level+10', 'type', 'compound']), Math.min(at, length - s(2)));
    }
  } else if (kind === 'drift') {
    const from = mid - s(1);
    const to = from + s(rng.uniform(2, 4));
    drift = { from, to, a: 0, b: paths.n++ };
    changes.push({ at: from, pre: from, label: 'drift' });
  } else if (kind === 'stop-restart') {
    const stop = mid - s(0.8);
    const restart = stop + s(rng.uniform(1, 2));
    segments.push({ ...segments[0], start: stop, gainDb: Number.NEGATIVE_INFINITY });
    segments.push({ ...segments[0], start: restart, path: rng.next() < 0.5 ? paths.n++ : 0 });
    changes.push({ at: restart, pre: stop, label: 'restart' });
  } else if (kind === 'drop-30') {
    const drop = mid - s(0.8);
    const back = drop + s(rng.uniform(1.5, 2.5));
    segments.push({ ...segments[0], start: drop, gainDb: -30 });
    segments.push({ ...segments[0], start: back });
    changes.push({ at: drop, pre: drop, label: 'drop' }, { at: back, pre: drop, label: 'return' });
  }
  const sensorDb = kind === 'sensor-noise' ? -rng.uniform(10, 20) : -rng.uniform(30, 40);
  return { segments, changes, drift, pathCount: paths.n, sensorDb };
}

function validate(o: V2SceneOptions): void {
  const issues: { option: string; message: string }[] = [];
  if (!V2_SCENE_KINDS.includes(o.kind)) {
    issues.push({
      option: 'kind',
      message: `\`kind\` must be one of ${V2_SCENE_KINDS.join(', ')}. Received: ${o.kind}`,
    });
  }
  if (!(o.sampleRate >= 8000 && o.sampleRate <= 192000)) {
    issues.push({
      option: 'sampleRate',
      message: `\`sampleRate\` must be in [8000, 192000]. Received: ${o.sampleRate}`,
    });
  }
  if (!(o.talker?.length >= 1) || !(o.others?.length >= 1)) {
    issues.push({ option: 'talker', message: '`talker` and `others` need at least one utterance each.' });
  }
  if (o.durationSec !== undefined && !(o.durationSec >= 6 && o.durationSec <= 600)) {
    issues.push({ option: 'durationSec', message: `\`durationSec\` must be in [6, 600]. Received: ${o.durationSec}` });
  }
  if (issues.length > 0) throw new InvalidOptionError(issues);
}

/** Speech track: the talker's utterances in random order with 0.2–0.8 s pauses, gains ±3 dB. */
function speechTrack(rng: Random, talker: readonly Float32Array[], length: number, fs: number): Float32Array {
  const clean = new Float32Array(length);
  let pos = Math.round(rng.uniform(0.1, 0.5) * fs);
  let u = rng.int(0, talker.length - 1);
  while (pos < length) {
    const utt = talker[u++ % talker.length];
    const gain = 10 ** (rng.uniform(-3, 3) / 20);
    for (let i = 0; i < utt.length && pos + i < length; i++) clean[pos + i] = utt[i] * gain;
    pos += utt.length + Math.round(rng.uniform(0.2, 0.8) * fs);
  }
  return clean;
}

/**
 * Deterministic two-microphone clip of the `abrupt-noise-v2` benchmark: a target talker, a noise
 * source n reaching the primary through room-like paths of 2–43 ms, and the scene kind's changes:
 * - the five v1 single changes (`path`, `colour`, `level+10`, `level-20`, `type`);
 * - `compound`: new path + ±10 dB + new noise type at once; `multi`: 2–3 random changes;
 * - `drift`: the path morphs linearly into another over 2–4 s;
 * - `stop-restart`: the source stops for 1–2 s and restarts (from a new place half the time);
 * - `drop-30`: the source drops by 30 dB for 1.5–2.5 s and returns;
 * - `tonal` (music-like notes), `babble` (other talkers), `sensor-noise` (reference sensor noise
 *   10–20 dB below the source instead of 30–40 dB): each with a path change.
 * ```
 * v_t = Σ_k h_t[k] n[t−k]   (h_t piecewise constant, or a linear morph while drifting)
 * d = s + g·v  (g: input SNR in [−9, 5] dB before the first change),   x = a·n + sensor noise
 * ```
 * @throws InvalidOptionError for bad options.
 */
export function makeV2Scene(o: V2SceneOptions): V2Scene {
  validate(o);
  const fs = o.sampleRate;
  const rng = new Random((Math.imul(o.seed >>> 0, 0x9e3779b1) ^ Math.imul(o.index + 1, 0x85ebca6b)) >>> 0);
  const dur = (o.durationSec ?? 10) * (o.kind === 'multi' ? 1.2 : 1);
  const length = Math.round(dur * fs);
  const clean = speechTrack(rng, o.talker, length, fs);
  const p = plan(o.kind, rng, length, fs);
  const needed = [...new Set(p.segments.map((g) => g.noise))];
  const noises = new Map(needed.map((k) => [k, makeNoise(k, length, fs, rng, o.others)]));
  const source = new Float32Array(length);
  for (let g = 0; g < p.segments.length; g++) {
    const seg = p.segments[g];
    const end = g + 1 < p.segments.length ? p.segments[g + 1].start : length;
    const gain = seg.gainDb === Number.NEGATIVE_INFINITY ? 0 : 10 ** (seg.gainDb / 20);
    const src = noises.get(seg.noise)!;
    for (let i = seg.start; i < end; i++) source[i] = src[i] * gain;
  }
  const pathMs = Array.from({ length: p.pathCount }, () => rng.uniform(2, 43));
  const outs = pathMs.map((ms) => fftConvolve(source, roomPath(rng, ms, fs)));
  const noise = new Float32Array(length);
  for (let g = 0; g < p.segments.length; g++) {
    const end = g + 1 < p.segments.length ? p.segments[g + 1].start : length;
    const y = outs[p.segments[g].path];
    for (let i = p.segments[g].start; i < end; i++) noise[i] = y[i];
  }
  if (p.drift) {
    const { from, to, a, b } = p.drift;
    for (let i = from; i < length; i++) {
      const w = Math.min(1, (i - from) / (to - from));
      noise[i] = (1 - w) * outs[a][i] + w * outs[b][i];
    }
  }
  return finish(o, rng, p, { clean, source, noise, length, pathMs: Math.max(...pathMs) });
}

function meanSquare(x: Float32Array, from: number, to: number): number {
  let s = 0;
  for (let i = from; i < to; i++) s += x[i] * x[i];
  return to > from ? s / (to - from) : 0;
}

/** Levels (input SNR before the first change), reference with sensor noise, scored changes. */
function finish(
  o: V2SceneOptions,
  rng: Random,
  p: Plan,
  t: { clean: Float32Array; source: Float32Array; noise: Float32Array; length: number; pathMs: number },
): V2Scene {
  const fs = o.sampleRate;
  const { clean, source, noise, length } = t;
  const firstAt = p.changes.length > 0 ? Math.min(...p.changes.map((c) => c.at)) : length;
  const inputSnrDb = rng.uniform(-9, 5);
  const g = Math.sqrt(meanSquare(clean, 0, length) / (10 ** (inputSnrDb / 10) * meanSquare(noise, 0, firstAt)));
  const primary = new Float32Array(length);
  for (let i = 0; i < length; i++) {
    noise[i] *= g;
    primary[i] = clean[i] + noise[i];
  }
  const level = 10 ** (rng.uniform(-35, -15) / 20);
  const sensor = level * Math.sqrt(meanSquare(source, 0, firstAt)) * 10 ** (p.sensorDb / 20);
  const reference = new Float32Array(length);
  for (let i = 0; i < length; i++) reference[i] = source[i] * level + sensor * rng.gaussian();
  const two = Math.round(2 * fs);
  const changes = p.changes
    .sort((a, b) => a.at - b.at)
    .map((c) => ({ at: c.at, preStart: Math.max(0, c.pre - two), preEnd: c.pre, label: c.label }));
  return {
    id: `${o.kind}-${o.seed}-${o.index}-${fs}`,
    kind: o.kind,
    sampleRate: fs,
    clean,
    noiseAtPrimary: noise,
    primary,
    reference,
    changes,
    pathMs: t.pathMs,
    inputSnrDb,
    sensorDb: p.sensorDb,
  };
}
