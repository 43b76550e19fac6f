import { InvalidOptionError, type OptionIssue } from '../core/errors.js';
import { Random } from '../core/random.js';

export interface NoiseCancellationScenarioOptions {
  /** Hz. Default 16000. */
  readonly sampleRate?: number;
  /** Length in seconds. Default 3. */
  readonly seconds?: number;
  /** SNR of the primary (clean vs. filtered noise) in dB. Default 0. */
  readonly snrDb?: number;
  /** Taps of the random acoustic path from the noise source to the primary microphone. Default 8. */
  readonly pathTaps?: number;
  /** Seed of the noise and the path. Default 1. */
  readonly seed?: number;
  /** RMS of the clean signal. Default 0.1. */
  readonly cleanRms?: number;
}

/** A two-microphone noise-cancellation scene with a known clean signal. */
export interface NoiseCancellationScenario {
  readonly sampleRate: number;
  /** The speech-like target s. */
  readonly clean: Float32Array;
  /** The noise source n (white), also the reference channel. */
  readonly reference: Float32Array;
  /** d = s + h ∗ n. */
  readonly primary: Float32Array;
  /** The path h (what an FIR canceller has to learn). */
  readonly path: Float32Array;
}

/**
 * A speech-like harmonic signal (gliding f0 of 100–220 Hz, 12 harmonics with a −6 dB/octave tilt,
 * 4 Hz syllable envelope with pauses) plus white noise reaching the primary through a short random
 * decaying FIR path; the noise itself is the reference. Deterministic for a given seed.
 *
 * @example
 * const { primary, reference, clean } = noiseCancellationScenario({ seconds: 3 });
 */
export function noiseCancellationScenario(options: NoiseCancellationScenarioOptions = {}): NoiseCancellationScenario {
  const sampleRate = options.sampleRate ?? 16000;
  const seconds = options.seconds ?? 3;
  const snrDb = options.snrDb ?? 0;
  const pathTaps = options.pathTaps ?? 8;
  const cleanRms = options.cleanRms ?? 0.1;
  const issues: OptionIssue[] = [];
  if (!(sampleRate >= 3000)) issues.push({ option: 'sampleRate', message: '`sampleRate` must be >= 3000.' });
  if (!(seconds > 0)) issues.push({ option: 'seconds', message: '`seconds` must be > 0.' });
  if (!Number.isInteger(pathTaps) || pathTaps < 1) {
    issues.push({ option: 'pathTaps', message: '`pathTaps` must be an integer >= 1.' });
  }
  if (!Number.isFinite(snrDb)) issues.push({ option: 'snrDb', message: '`snrDb` must be finite.' });
  if (issues.length > 0) throw new InvalidOptionError(issues);

  const n = Math.round(seconds * sampleRate);
  const rng = new Random(options.seed ?? 1);
  const clean = new Float32Array(n);
  let phase = 0;
  for (let i = 0; i < n; i++) {
    const t = i / sampleRate;
    const f0 = 160 + 60 * Math.sin(2 * Math.PI * 0.7 * t);
    phase += (2 * Math.PI * f0) / sampleRate;
    const syllable = Math.sin(Math.PI * ((t * 4) % 1)) ** 2 * (Math.floor(t * 4) % 5 === 4 ? 0.05 : 1);
    let v = 0;
    for (let h = 1; h <= 12 && h * f0 < sampleRate / 2; h++) v += Math.sin(h * phase) / h;
    clean[i] = v * syllable;
  }
  scaleToRms(clean, cleanRms);

  const reference = new Float32Array(n);
  for (let i = 0; i < n; i++) reference[i] = rng.gaussian();
  scaleToRms(reference, 0.1);
  const path = new Float32Array(pathTaps);
  for (let k = 0; k < pathTaps; k++) path[k] = rng.gaussian() * 0.7 ** k;
  const filtered = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let y = 0;
    for (let k = 0; k < pathTaps && k <= i; k++) y += path[k]! * reference[i - k]!;
    filtered[i] = y;
  }
  // scale noise (and the path, so that primary = clean + path ∗ reference stays exact) to the SNR
  const g = (cleanRms * 10 ** (-snrDb / 20)) / rms(filtered);
  for (let k = 0; k < pathTaps; k++) path[k] = path[k]! * g;
  const primary = new Float32Array(n);
  for (let i = 0; i < n; i++) primary[i] = clean[i]! + filtered[i]! * g;
  return { sampleRate, clean, reference, primary, path };
}

function rms(x: Float32Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]! * x[i]!;
  return Math.sqrt(s / x.length);
}

function scaleToRms(x: Float32Array, target: number): void {
  const r = rms(x);
  if (r > 0) for (let i = 0; i < x.length; i++) x[i] = (x[i]! * target) / r;
}
