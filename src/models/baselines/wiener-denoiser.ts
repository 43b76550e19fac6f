import { AdamaxStreamError } from '../../core/errors.js';
import { Random } from '../../core/random.js';
import { IssueCollector } from '../../core/validate.js';
import { resample } from '../../signal/resample.js';
import { Stft } from '../../signal/stft.js';
import type { Denoiser } from '../denoiser.js';

/** Options of {@link WienerDenoiser}. Every field is optional. */
export interface WienerDenoiserOptions {
  /** Sample rate the denoiser runs at, in Hz. Default 16000. */
  readonly sampleRate?: number;
  /** STFT length N (power of two ≥ 64); hop N/2, √Hann. Default: power of two closest to 32 ms (512 at 16 kHz). */
  readonly fftSize?: number;
  /** Length of the minimum-search window in seconds (Martin: 1.5 s). Default 1.5. */
  readonly windowSec?: number;
  /** Number of sub-windows U the search window is split into (Martin: 8). Default 8. */
  readonly subwindows?: number;
  /** Recursive smoothing α_s ∈ [0, 1) of the periodogram before the minimum search. Default 0.85. */
  readonly smoothing?: number;
  /** Extra over-estimation of the noise power in dB on top of the bias compensation. Default 0. */
  readonly noiseBiasDb?: number;
  /** Lowest spectral gain in dB (≤ 0). Default −15. */
  readonly gainFloorDb?: number;
  /** Decision-directed smoothing α ∈ [0, 1) of the a-priori SNR. Default 0.98. */
  readonly ddAlpha?: number;
}

function closestPowerOfTwo(x: number): number {
  return 2 ** Math.max(6, Math.round(Math.log2(x)));
}

/**
 * Minimum-statistics bias B = E[P] / E[min] for unit-power Gaussian noise under this smoother
 * and this sub-window search, estimated once by a seeded Monte-Carlo run over Exp(1) periodogram
 * values (independent frames), i.e. Martin's B_min(D, Q_eq) without the table approximation.
 */
function minimumStatisticsBias(alpha: number, subLen: number, subwindows: number): number {
  const rng = new Random(0x5eed);
  const frames = 20000;
  const subMins = new Float64Array(subwindows).fill(Number.POSITIVE_INFINITY);
  let smooth = 1;
  let actMin = Number.POSITIVE_INFINITY;
  let pos = 0;
  let count = 0;
  let sum = 0;
  let n = 0;
  for (let t = 0; t < frames; t++) {
    const e = -Math.log(1 - rng.next());
    smooth = alpha * smooth + (1 - alpha) * e;
    if (smooth < actMin) actMin = smooth;
    let m = actMin;
    for (let u = 0; u < subwindows; u++) if (subMins[u]! < m) m = subMins[u]!;
    if (++count === subLen) {
      subMins[pos] = actMin;
      pos = (pos + 1) % subwindows;
      actMin = Number.POSITIVE_INFINITY;
      count = 0;
    }
    if (t > subLen * subwindows * 2) {
      sum += m;
      n++;
    }
  }
  return n > 0 && sum > 0 ? n / sum : 1;
}

/**
 * Classical baseline: Wiener suppression with minimum-statistics noise tracking (simplified
 * Martin 2001) on a √Hann STFT (N, hop N/2).
 * ```
 * P_k(t) = |X_k(t)|² / Σw²
 * P̄_k(t) = α_s · P̄_k(t−1) + (1 − α_s) · P_k(t)
 * λ_k(t) = B · min{ P̄_k(τ) : t − D < τ ≤ t }          (D ≈ windowSec, U sub-windows of V frames)
 * ξ_k = α · |Ŝ_k(t−1)|² / λ_k + (1 − α) · max(P_k / λ_k − 1, 0),   G_k = max(ξ_k / (1 + ξ_k), G_min)
 * ```
 * The minimum over D frames is tracked with U sub-window minima (Martin §III-C), so memory is
 * U values per bin. B compensates the bias of the minimum of a smoothed periodogram (computed by
 * a seeded Monte-Carlo run at construction) times `noiseBiasDb`. After a rise of the noise level
 * the estimate follows only after up to D + V frames — the known weakness this baseline exposes.
 *
 * References: Martin, "Noise power spectral density estimation based on optimal smoothing and
 * minimum statistics", IEEE Trans. SAP 9(5), 2001; Ephraim & Malah, IEEE Trans. ASSP 32(6), 1984
 * (decision-directed a-priori SNR); Boll, IEEE Trans. ASSP 27(2), 1979 (spectral subtraction);
 * Loizou, "Speech Enhancement: Theory and Practice", 2nd ed., 2013, ch. 6 and 9.
 *
 * @example
 * const cleaned = new WienerDenoiser({ windowSec: 1.5 }).process(noisy, 16000);
 */
export class WienerDenoiser implements Denoiser {
  readonly kind = 'wiener-ms';
  readonly sampleRate: number;
  readonly fftSize: number;
  readonly windowSec: number;
  readonly subwindows: number;
  readonly smoothing: number;
  readonly noiseBiasDb: number;
  readonly gainFloorDb: number;
  readonly ddAlpha: number;
  /** Algorithmic delay N − H in samples (compensated by {@link process}). */
  readonly latency: number;
  /** Frames per sub-window V. */
  readonly subwindowFrames: number;
  /** Total bias compensation B (linear power factor). */
  readonly bias: number;

  constructor(options: WienerDenoiserOptions = {}) {
    const c = new IssueCollector();
    c.unknownKeys(
      options,
      new Set([
        'sampleRate',
        'fftSize',
        'windowSec',
        'subwindows',
        'smoothing',
        'noiseBiasDb',
        'gainFloorDb',
        'ddAlpha',
      ]),
    );
    const sampleRate = options.sampleRate ?? 16000;
    if (!(Number.isFinite(sampleRate) && sampleRate > 0)) {
      c.add('sampleRate', `\`sampleRate\` must be a positive number. Received: sampleRate=${String(sampleRate)}`);
    }
    const fftSize = options.fftSize ?? closestPowerOfTwo(0.032 * (sampleRate > 0 ? sampleRate : 16000));
    if (!(Number.isInteger(fftSize) && fftSize >= 64 && (fftSize & (fftSize - 1)) === 0)) {
      c.add('fftSize', `\`fftSize\` must be a power of two >= 64. Received: fftSize=${String(fftSize)}`);
    }
    c.inRange('windowSec', options.windowSec, 0.05, 30);
    const subwindows = options.subwindows ?? 8;
    if (!(Number.isInteger(subwindows) && subwindows >= 1 && subwindows <= 64)) {
      c.add('subwindows', `\`subwindows\` must be an integer in [1, 64]. Received: subwindows=${String(subwindows)}`);
    }
    const smoothing = options.smoothing ?? 0.85;
    if (!(Number.isFinite(smoothing) && smoothing >= 0 && smoothing < 1)) {
      c.add('smoothing', `\`smoothing\` must be in [0, 1). Received: smoothing=${String(smoothing)}`);
    }
    c.inRange('noiseBiasDb', options.noiseBiasDb, -20, 20);
    c.inRange('gainFloorDb', options.gainFloorDb, -80, 0);
    const dd = options.ddAlpha ?? 0.98;
    if (!(Number.isFinite(dd) && dd >= 0 && dd < 1)) {
      c.add('ddAlpha', `\`ddAlpha\` must be in [0, 1). Received: ddAlpha=${String(dd)}`);
    }
    c.throwIfAny();
    this.sampleRate = sampleRate;
    this.fftSize = fftSize;
    this.windowSec = options.windowSec ?? 1.5;
    this.subwindows = subwindows;
    this.smoothing = smoothing;
    this.noiseBiasDb = options.noiseBiasDb ?? 0;
    this.gainFloorDb = options.gainFloorDb ?? -15;
    this.ddAlpha = dd;
    const hop = fftSize / 2;
    this.latency = fftSize - hop;
    const totalFrames = Math.max(1, Math.round((this.windowSec * sampleRate) / hop));
    this.subwindowFrames = Math.max(1, Math.round(totalFrames / subwindows));
    this.bias = minimumStatisticsBias(smoothing, this.subwindowFrames, subwindows) * 10 ** (this.noiseBiasDb / 10);
  }

  /**
   * Denoises a whole signal (fresh state), resampling to the denoiser's rate and back when
   * `sampleRate` differs. Output aligned with the input, same length.
   * @throws AdamaxStreamError (`invalid_argument`) for a bad sample rate.
   */
  process(input: Float32Array, sampleRate: number = this.sampleRate): Float32Array {
    if (!(Number.isFinite(sampleRate) && sampleRate > 0)) {
      throw new AdamaxStreamError(
        'invalid_argument',
        `WienerDenoiser.process: \`sampleRate\` must be a positive number. Received: sampleRate=${String(sampleRate)}`,
      );
    }
    if (input.length === 0) return new Float32Array(0);
    const x = sampleRate === this.sampleRate ? input : resample(input, sampleRate, this.sampleRate);
    const y = this.run(x);
    if (sampleRate === this.sampleRate) return y;
    const back = resample(y, this.sampleRate, sampleRate);
    const result = new Float32Array(input.length);
    result.set(back.subarray(0, Math.min(back.length, input.length)));
    return result;
  }

  private run(x: Float32Array): Float32Array {
    const n = this.fftSize;
    const h = n / 2;
    const k = h + 1;
    const stft = new Stft({ frameSize: n, hop: h });
    const re = new Float32Array(k);
    const im = new Float32Array(k);
    const smooth = new Float64Array(k);
    const actMin = new Float64Array(k).fill(Number.POSITIVE_INFINITY);
    const u = this.subwindows;
    const subMins = new Float64Array(u * k).fill(Number.POSITIVE_INFINITY);
    const prev = new Float64Array(k);
    const frame = new Float32Array(h);
    const out = new Float32Array(h);
    const invWp = 2 / n; // Σ w² = N/2 for √Hann
    const a = this.smoothing;
    const dd = this.ddAlpha;
    const floor = 10 ** (this.gainFloorDb / 20);
    const bias = this.bias;
    const d = this.latency;
    const frames = Math.ceil((x.length + d) / h);
    const y = new Float32Array(frames * h);
    let pos = 0;
    let count = 0;
    for (let f = 0; f < frames; f++) {
      const start = f * h;
      frame.fill(0);
      if (start < x.length) frame.set(x.subarray(start, Math.min(start + h, x.length)));
      for (let i = 0; i < h; i++) if (!Number.isFinite(frame[i]!)) frame[i] = 0;
      stft.analyzeNext(frame, re, im);
      const closing = ++count === this.subwindowFrames;
      for (let j = 0; j < k; j++) {
        const p = (re[j]! * re[j]! + im[j]! * im[j]!) * invWp;
        const s = f === 0 ? p : a * smooth[j]! + (1 - a) * p;
        smooth[j] = s;
        if (s < actMin[j]!) actMin[j] = s;
        let m = actMin[j]!;
        for (let q = 0; q < u; q++) {
          const v = subMins[q * k + j]!;
          if (v < m) m = v;
        }
        if (closing) {
          subMins[pos * k + j] = actMin[j]!;
          actMin[j] = Number.POSITIVE_INFINITY;
        }
        let lambda = bias * m;
        if (!(lambda > 1e-12)) lambda = 1e-12;
        let gamma = p / lambda;
        if (gamma > 1e6) gamma = 1e6;
        let xi = dd * (prev[j]! / lambda) + (1 - dd) * (gamma > 1 ? gamma - 1 : 0);
        if (xi > 1e6) xi = 1e6;
        let g = xi / (1 + xi);
        if (g < floor) g = floor;
        prev[j] = g * g * p;
        re[j] = re[j]! * g;
        im[j] = im[j]! * g;
      }
      if (closing) {
        pos = (pos + 1) % u;
        count = 0;
      }
      stft.synthesize(re, im, out);
      y.set(out, start);
    }
    return Float32Array.from(y.subarray(d, d + x.length));
  }
}
