/** Test-only helpers for test/signal (synthetic signals and spectral estimates). */
import { Random } from '../../src/core/random.js';
import { Fft } from '../../src/signal/fft.js';
import { hannWindow } from '../../src/signal/window.js';

/** `A·sin(2π f n / fs + φ)` of the given length. */
export function tone(length: number, freq: number, sampleRate: number, amplitude = 1, phase = 0): Float32Array {
  const out = new Float32Array(length);
  for (let n = 0; n < length; n++) out[n] = amplitude * Math.sin((2 * Math.PI * freq * n) / sampleRate + phase);
  return out;
}

/**
 * Amplitude and residual of the best-fitting sinusoid at `freq` over x[start..end): least squares
 * on [sin, cos] (valid when the span holds many periods). Returns {amplitude, residualRms}.
 */
export function fitTone(
  x: Float32Array,
  freq: number,
  sampleRate: number,
  start = 0,
  end = x.length,
): { amplitude: number; residualRms: number } {
  let ss = 0;
  let cc = 0;
  let sc = 0;
  let xs = 0;
  let xc = 0;
  for (let n = start; n < end; n++) {
    const a = (2 * Math.PI * freq * n) / sampleRate;
    const s = Math.sin(a);
    const c = Math.cos(a);
    ss += s * s;
    cc += c * c;
    sc += s * c;
    xs += x[n] * s;
    xc += x[n] * c;
  }
  const det = ss * cc - sc * sc;
  const a = (xs * cc - xc * sc) / det;
  const b = (xc * ss - xs * sc) / det;
  let r = 0;
  for (let n = start; n < end; n++) {
    const ang = (2 * Math.PI * freq * n) / sampleRate;
    const e = x[n] - a * Math.sin(ang) - b * Math.cos(ang);
    r += e * e;
  }
  return { amplitude: Math.hypot(a, b), residualRms: Math.sqrt(r / (end - start)) };
}

/** Welch power spectrum estimate: mean |FFT(hann·frame)|² over non-overlapping frames of `size`. */
export function welchPsd(x: Float32Array, size: number): Float64Array {
  const fft = new Fft(size);
  const w = hannWindow(size);
  const frame = new Float64Array(size);
  const re = new Float64Array(size / 2 + 1);
  const im = new Float64Array(size / 2 + 1);
  const psd = new Float64Array(size / 2 + 1);
  const frames = Math.floor(x.length / size);
  for (let f = 0; f < frames; f++) {
    for (let i = 0; i < size; i++) frame[i] = w[i] * x[f * size + i];
    fft.realForward(frame, re, im);
    for (let k = 0; k <= size / 2; k++) psd[k] += (re[k] * re[k] + im[k] * im[k]) / frames;
  }
  return psd;
}

/**
 * Least-squares slope in dB per octave of the octave-band mean power, over the octaves
 * [2^o, 2^(o+1)) bins for o = firstOctave..lastOctave. For a power law P(f) ∝ f^(−γ) the band mean is
 * ∝ f^(−γ), so the slope is −10·log10(2)·γ ≈ −3.01·γ dB/octave.
 */
export function octaveSlopeDb(psd: Float64Array, firstOctave: number, lastOctave: number): number {
  const xs: number[] = [];
  const ys: number[] = [];
  for (let o = firstOctave; o <= lastOctave; o++) {
    let p = 0;
    const lo = 2 ** o;
    const hi = 2 ** (o + 1);
    for (let k = lo; k < hi; k++) p += psd[k];
    xs.push(o);
    ys.push(10 * Math.log10(p / (hi - lo)));
  }
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i] - mx) * (ys[i] - my);
    den += (xs[i] - mx) ** 2;
  }
  return num / den;
}

/**
 * A deterministic speech-like test signal: voiced "syllables" (harmonics of a gliding f0 with two
 * moving formant peaks and a raised-sine envelope) separated by silences, peak level ≈ 0.5.
 */
export function speechLike(sampleRate: number, seconds: number, seed: number): Float32Array {
  const rng = new Random(seed);
  const length = Math.round(sampleRate * seconds);
  const out = new Float32Array(length);
  let t = 0.1;
  while (t < seconds - 0.1) {
    const dur = rng.uniform(0.12, 0.28);
    const f0a = rng.uniform(95, 190);
    const f0b = f0a * rng.uniform(0.8, 1.25);
    const f1 = rng.uniform(300, 850);
    const f2 = rng.uniform(900, 2600);
    const start = Math.round(t * sampleRate);
    const len = Math.min(Math.round(dur * sampleRate), length - start);
    let phase = 0;
    for (let i = 0; i < len; i++) {
      const u = i / len;
      const f0 = f0a + (f0b - f0a) * u;
      phase += (2 * Math.PI * f0) / sampleRate;
      const env = Math.sin(Math.PI * u) ** 2;
      let v = 0;
      for (let k = 1; k * f0 < 4800; k++) {
        const f = k * f0;
        const a = (1 / k) * (1 + 6 * Math.exp(-(((f - f1) / 150) ** 2)) + 4 * Math.exp(-(((f - f2) / 250) ** 2)));
        v += a * Math.sin(k * phase);
      }
      out[start + i] = 0.08 * env * v;
    }
    t += dur + rng.uniform(0.04, 0.2);
  }
  return out;
}

/** `x + noise` where the noise is white Gaussian scaled to give exactly `snrDb` against x. */
export function addWhiteNoise(x: Float32Array, snrDb: number, seed: number): Float32Array {
  const rng = new Random(seed);
  const noise = new Float64Array(x.length);
  let ex = 0;
  let en = 0;
  for (let i = 0; i < x.length; i++) {
    noise[i] = rng.gaussian();
    ex += x[i] * x[i];
    en += noise[i] * noise[i];
  }
  const g = Math.sqrt(ex / (en * 10 ** (snrDb / 10)));
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = x[i] + g * noise[i];
  return out;
}
