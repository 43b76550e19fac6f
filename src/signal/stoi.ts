import { ShapeError } from '../core/errors.js';
import { checkSameLength, IssueCollector } from '../core/validate.js';
import { Fft } from './fft.js';
import { octaveResample } from './octave-resample.js';

/** STOI's internal sample rate (Hz). */
const FS = 10000;
/** Analysis frame length (samples at 10 kHz): 25.6 ms. */
const N_FRAME = 256;
/** Frame hop (50 % overlap). */
const HOP = 128;
/** FFT length (zero-padded frames). */
const NFFT = 512;
/** Number of one-third-octave bands. */
const NUM_BANDS = 15;
/** Centre frequency of the lowest band (Hz). */
const MIN_FREQ = 150;
/** Frames per short-time segment: 30 frames = 384 ms. */
const SEGMENT = 30;
/** Lower signal-to-distortion bound (dB) used for clipping. */
const BETA_DB = -15;
/** Dynamic range (dB) for silent-frame removal. */
const DYN_RANGE = 40;
/** Guard added to norms, as in pystoi (numpy float64 eps). */
const EPS = 2.220446049250313e-16;

/**
 * Short-Time Objective Intelligibility (Taal, Hendriks, Heusdens & Jensen, "An algorithm for
 * intelligibility prediction of time–frequency weighted noisy speech", IEEE TASLP 19(7), 2011),
 * following the authors' MATLAB reference `stoi.m` step by step:
 *
 * 1. resample both signals to 10 kHz with MATLAB/Octave `resample`'s filter (`octaveResample`);
 * 2. remove silent frames: 256-sample Hann frames (MATLAB `hanning`), hop 128; keep frames whose
 *    clean energy is within 40 dB of the loudest clean frame; overlap-add the kept (windowed)
 *    frames of both signals back together;
 * 3. STFT with the same frames, 512-point FFT;
 * 4. 15 one-third-octave bands from 150 Hz: `X_j(m) = sqrt( Σ_{k∈band j} |x̂(k, m)|² )`;
 * 5. for every 30-frame (384 ms) segment ending at frame m and every band j: normalise the
 *    processed envelope `α = ‖x_j‖ / ‖y_j‖`, clip `y'_j = min(α·y_j, (1 + 10^{−β/20})·x_j)` with
 *    β = −15 dB, and take the sample correlation `d_{j,m} = ρ(x_j, y'_j)`;
 * 6. STOI = mean over all j and m of `d_{j,m}`.
 *
 * The result lies in [−1, 1] and is ≈ 1 for identical signals, decreasing with distortion
 * (typically 0.4–1 for speech in noise). Norms carry pystoi's `eps` guard, so all-zero bands do
 * not produce NaN.
 *
 * @param clean clean reference speech
 * @param processed degraded or enhanced speech, time-aligned with `clean` (same length)
 * @param sampleRate sample rate of both signals in Hz
 * @returns the STOI index d
 * @throws ShapeError when lengths differ, or when fewer than 30 non-silent frames (≈ 0.4 s of
 *   speech) remain after silent-frame removal; InvalidOptionError for a bad sample rate.
 */
export function stoi(clean: Float32Array, processed: Float32Array, sampleRate: number): number {
  const check = new IssueCollector('stoi');
  check.positive('sampleRate', sampleRate);
  check.throwIfAny();
  checkSameLength('stoi', 'clean', clean, 'processed', processed);

  const x0 = sampleRate === FS ? clean : octaveResample(clean, FS, sampleRate);
  const y0 = sampleRate === FS ? processed : octaveResample(processed, FS, sampleRate);

  const window = matlabHanning(N_FRAME);
  const [x, y] = removeSilentFrames(x0, y0, window);
  const frames = frameCount(x.length);
  if (frames < SEGMENT) {
    throw new ShapeError(
      `stoi: not enough speech. After removing silent frames, ${Math.max(frames, 0)} frames of 25.6 ms remain; at least ${SEGMENT} (384 ms of non-silent speech) are required.`,
    );
  }

  const { lo, hi, count: bands } = thirdOctaveBands();
  const xEnv = bandEnvelopes(x, frames, window, lo, hi, bands);
  const yEnv = bandEnvelopes(y, frames, window, lo, hi, bands);

  const clip = 1 + 10 ** (-BETA_DB / 20);
  const yPrime = new Float64Array(SEGMENT);
  let total = 0;
  let terms = 0;
  for (let m = SEGMENT - 1; m < frames; m++) {
    const first = m - SEGMENT + 1;
    for (let j = 0; j < bands; j++) {
      const row = j * frames;
      let xx = 0;
      let yy = 0;
      for (let t = 0; t < SEGMENT; t++) {
        const xv = xEnv[row + first + t];
        const yv = yEnv[row + first + t];
        xx += xv * xv;
        yy += yv * yv;
      }
      const alpha = Math.sqrt(xx) / (Math.sqrt(yy) + EPS);
      let meanX = 0;
      let meanY = 0;
      for (let t = 0; t < SEGMENT; t++) {
        const xv = xEnv[row + first + t];
        const yv = alpha * yEnv[row + first + t];
        const bound = clip * xv;
        const yp = Math.min(yv, bound);
        yPrime[t] = yp;
        meanX += xv;
        meanY += yp;
      }
      meanX /= SEGMENT;
      meanY /= SEGMENT;
      let sxy = 0;
      let sxx = 0;
      let syy = 0;
      for (let t = 0; t < SEGMENT; t++) {
        const a = xEnv[row + first + t] - meanX;
        const b = yPrime[t] - meanY;
        sxy += a * b;
        sxx += a * a;
        syy += b * b;
      }
      total += sxy / ((Math.sqrt(sxx) + EPS) * (Math.sqrt(syy) + EPS));
      terms++;
    }
  }
  return total / terms;
}

/** MATLAB `hanning(n)`: `0.5·(1 − cos(2π·k / (n + 1)))`, k = 1..n (no zero end points). */
function matlabHanning(n: number): Float64Array {
  const w = new Float64Array(n);
  for (let k = 0; k < n; k++) w[k] = 0.5 * (1 - Math.cos((2 * Math.PI * (k + 1)) / (n + 1)));
  return w;
}

/** Frames of the MATLAB reference: starts 0, HOP, … strictly below `length − N_FRAME`. */
function frameCount(length: number): number {
  const last = length - N_FRAME - 1;
  return last < 0 ? 0 : Math.floor(last / HOP) + 1;
}

/** `removeSilentFrames.m`: drop frames more than DYN_RANGE dB below the loudest clean frame. */
function removeSilentFrames(x: ArrayLike<number>, y: ArrayLike<number>, w: Float64Array): [Float64Array, Float64Array] {
  const frames = frameCount(x.length);
  const energyDb = new Float64Array(frames);
  let maxDb = Number.NEGATIVE_INFINITY;
  for (let f = 0; f < frames; f++) {
    const s = f * HOP;
    let e = 0;
    for (let i = 0; i < N_FRAME; i++) {
      const v = w[i] * x[s + i];
      e += v * v;
    }
    const db = 20 * Math.log10(Math.sqrt(e) / Math.sqrt(N_FRAME));
    energyDb[f] = db;
    if (db > maxDb) maxDb = db;
  }
  let kept = 0;
  for (let f = 0; f < frames; f++) if (energyDb[f] - maxDb + DYN_RANGE > 0) kept++;
  const length = kept === 0 ? 0 : (kept - 1) * HOP + N_FRAME;
  const xs = new Float64Array(length);
  const ys = new Float64Array(length);
  let out = 0;
  for (let f = 0; f < frames; f++) {
    if (!(energyDb[f] - maxDb + DYN_RANGE > 0)) continue;
    const si = f * HOP;
    const so = out * HOP;
    for (let i = 0; i < N_FRAME; i++) {
      xs[so + i] += w[i] * x[si + i];
      ys[so + i] += w[i] * y[si + i];
    }
    out++;
  }
  return [xs, ys];
}

/** `thirdoct.m`: one-third-octave band edges as half-open FFT-bin ranges [lo, hi). */
function thirdOctaveBands(): { lo: Int32Array; hi: Int32Array; count: number } {
  const nBins = NFFT / 2 + 1;
  const df = FS / NFFT;
  const lo = new Int32Array(NUM_BANDS);
  const hi = new Int32Array(NUM_BANDS);
  const nearest = (freq: number): number => {
    let best = 0;
    let bestD = Number.POSITIVE_INFINITY;
    for (let k = 0; k < nBins; k++) {
      const d = (k * df - freq) ** 2;
      if (d < bestD) {
        bestD = d;
        best = k;
      }
    }
    return best;
  };
  for (let b = 0; b < NUM_BANDS; b++) {
    lo[b] = nearest(MIN_FREQ * 2 ** ((2 * b - 1) / 6));
    hi[b] = nearest(MIN_FREQ * 2 ** ((2 * b + 1) / 6));
  }
  // Keep bands up to the last one whose width does not shrink and is non-empty (thirdoct.m).
  let count = NUM_BANDS;
  for (let i = NUM_BANDS - 2; i >= 0; i--) {
    const r0 = hi[i] - lo[i];
    const r1 = hi[i + 1] - lo[i + 1];
    if (r1 >= r0 && r1 !== 0) {
      count = i + 2;
      break;
    }
  }
  return { lo, hi, count };
}

/** Band envelopes `sqrt(Σ_{k∈band} |FFT_512(w·frame)[k]|²)`, stored band-major (j·frames + m). */
function bandEnvelopes(
  signal: Float64Array,
  frames: number,
  w: Float64Array,
  lo: Int32Array,
  hi: Int32Array,
  bands: number,
): Float64Array {
  const fft = new Fft(NFFT);
  const buf = new Float64Array(NFFT);
  const re = new Float64Array(NFFT / 2 + 1);
  const im = new Float64Array(NFFT / 2 + 1);
  const env = new Float64Array(bands * frames);
  for (let m = 0; m < frames; m++) {
    const s = m * HOP;
    for (let i = 0; i < N_FRAME; i++) buf[i] = w[i] * signal[s + i];
    // buf[N_FRAME..NFFT) stays zero (zero padding).
    fft.realForward(buf, re, im);
    for (let j = 0; j < bands; j++) {
      let p = 0;
      for (let k = lo[j]; k < hi[j]; k++) p += re[k] * re[k] + im[k] * im[k];
      env[j * frames + m] = Math.sqrt(p);
    }
  }
  return env;
}
