import { AdamaxStreamError, ShapeError } from '../core/errors.js';
import { createLayout, type ParamLayout } from '../core/param-layout.js';
import { IssueCollector } from '../core/validate.js';
import { Adamax } from '../optim/adamax.js';
import type { AdamaxOptions } from '../optim/adamax-options.js';
import { Fft } from '../signal/fft.js';
import { resample } from '../signal/resample.js';
import { wolaFrame } from '../signal/wola-frame.js';
import { wolaWindows } from '../signal/wola-windows.js';
import type { AdaptiveModel } from './adaptive-model.js';
import type { Denoiser } from './denoiser.js';
import { createOmLsaState, lsaGain, SpeechAbsenceEstimator, speechPresence } from './omlsa-gain.js';

/** Options of {@link OnlineDenoiser}. Every field is optional. */
export interface OnlineDenoiserOptions {
  /** Sample rate the model runs at, in Hz. Default 16000. */
  readonly sampleRate?: number;
  /** STFT frame (FFT) length N, a power of two ≥ 64. Default: the power of two closest to 32 ms (512 at 16 kHz). */
  readonly fftSize?: number;
  /**
   * Quantile τ ∈ (0, 0.5] of the log periodogram that the noise model tracks. Small τ follows the
   * lower envelope (speech does not inflate the estimate), larger τ tracks rising noise faster.
   * Default 0.2 (the validation pick, see SINGLE_CHANNEL_DEFAULTS).
   */
  readonly quantile?: number;
  /**
   * Robustness scale δ (nats) of the upward push: above the tracked quantile the gradient is
   * τ / (1 + (r/δ)²) instead of τ, so strong speech peaks (large r) barely raise the noise floor.
   * `Infinity` gives the plain pinball loss. Default 3.
   */
  readonly robustness?: number;
  /**
   * Temporal smoothing μ ∈ [0, 1) of the learned log noise power before it enters the gain:
   * θ̄ ← μ·θ̄ + (1 − μ)·θ (per stream state). Lets a large learning rate track fast while the gain
   * sees a steady estimate. Default 0.5.
   */
  readonly noiseSmoothing?: number;
  /**
   * Learn the broadband level b as well (one extra parameter that moves every bin at once; helps
   * broadband level switches, adds speech-correlated jitter to speech-free bins). Default false.
   */
  readonly broadband?: boolean;
  /**
   * Fast fall: the noise power entering the gain never exceeds the recursively smoothed
   * periodogram P̄_k ← β·P̄_k + (1 − β)·P_k with this β ∈ [0, 1) (noise cannot be louder than noise
   * plus speech). Covers a loud→quiet switch while the learned estimate is still descending.
   * `null` switches it off. Default 0.9 (≈ 10 hops).
   */
  readonly fastFall?: number | null;
  /**
   * Tonal-noise correction: also learn the per-bin median m_k and scale the quantile bias
   * compensation by the observed spread, w_k = clamp((m_k − θ_k) / s_exp, 0, 1) (s_exp: the spread
   * of Gaussian noise). A stationary tone (mains hum) has w ≈ 0 and is not over-estimated.
   * Experimental: it did not help on the abrupt-noise validation split. Default false.
   */
  readonly tonal?: boolean;
  /** Over-estimation of the noise power in dB on top of the quantile bias compensation (negative = under-estimation). Default −3. */
  readonly noiseBiasDb?: number;
  /** Lowest spectral gain in dB (≤ 0). Default −25. */
  readonly gainFloorDb?: number;
  /**
   * Suppression rule: `'wiener'` (ξ/(1 + ξ)) or `'omlsa'` (MMSE log-spectral amplitude gain with
   * speech-presence uncertainty, Cohen & Berdugo 2001: G = G_H1^p · G_min^(1−p)). Default 'omlsa'.
   */
  readonly gainRule?: 'wiener' | 'omlsa';
  /** Largest a-priori speech absence probability q_max ∈ [0, 1) of the OM-LSA rule. Default 0.95. */
  readonly speechAbsenceMax?: number;
  /** Decision-directed smoothing α ∈ [0, 1) of the a-priori SNR. Default 0.95. */
  readonly ddAlpha?: number;
  /** Spectral smoothing s ∈ [0, 1) of the gain: G ← (1 − s)·G + s·(G[k−1] + G[k+1]) / 2. Default 0. */
  readonly spectralSmoothing?: number;
  /** Initial noise power per bin, dB re full scale (per-sample power). Default −50. */
  readonly initialNoiseDb?: number;
  /** Whether the offline runner initialises the noise model from the first frame ({@link OnlineDenoiser.warmStart}). Default true. */
  readonly warmStart?: boolean;
  /**
   * Adamax options used by the offline runner {@link OnlineDenoiser.process}. Defaults:
   * `{ learningRate: 0.15, beta1: 0.5, beta2: 0.9 }` — β2 per STFT hop, i.e. the max-norm memory has
   * a half-life of ≈ 7 hops (0.1 s at 16 kHz), so a loud→quiet switch does not freeze the steps.
   */
  readonly optimizer?: AdamaxOptions;
  /**
   * Broadband rise detector (`null` = off): a fast per-bin log-power estimate
   * F_k ← a·F_k + (1 − a)·ln P_k runs beside the learned model; when, for `hops` consecutive hops,
   * at least the fraction `fraction` of the bins has F_k (bias-corrected) above the learned noise
   * level by more than `thresholdDb`, the change is taken for a change of the noise (speech onsets
   * are sparse across bins and short) and `step` moves every risen θ_k the fraction `jump` of the
   * way to the fast estimate at once, instead of waiting for the lr-limited Adamax slew.
   * Default `{ smoothing: 0.7, thresholdDb: 1.5, fraction: 0.9, hops: 3, jump: 0.8 }` (chosen on the
   * validation split of the abrupt-noise benchmark).
   */
  readonly riseDetector?: RiseDetectorOptions | null;
}

/** Settings of the broadband rise detector of {@link OnlineDenoiser} (see `riseDetector`). */
export interface RiseDetectorOptions {
  /** EMA coefficient a ∈ [0, 1) of the fast log-power estimate (per hop). */
  readonly smoothing: number;
  /** Margin of the fast estimate over the learned noise level, in dB (> 0). */
  readonly thresholdDb: number;
  /** Fraction of the bins that must exceed the margin, in (0, 1]. */
  readonly fraction: number;
  /** Number of consecutive hops the fraction must hold (integer ≥ 1). */
  readonly hops: number;
  /** Share κ ∈ (0, 1] of the gap that the jump closes. */
  readonly jump: number;
}

/** Per-stream state of {@link OnlineDenoiser}. */
export type OnlineDenoiserState = {
  /** Last N input samples (analysis window content). */
  history: Float32Array;
  /** Overlap-add accumulator (N samples). */
  overlap: Float64Array;
  /** Estimated clean power |Ŝ|² of the previous frame, per bin (decision-directed a-priori SNR). */
  prevClean: Float64Array;
  /** Smoothed log noise power θ̄_k + b̄ that the gain uses (see `noiseSmoothing`). */
  smoothTheta: Float64Array;
  /** Smoothed periodogram P̄_k, the fast-fall ceiling of the noise estimate. */
  smoothPower: Float64Array;
  /** Recursively averaged a-priori SNR ζ_k of the OM-LSA speech-absence estimator. */
  zeta: Float64Array;
  /** [previous frame mean of ζ, ζ_peak] of the OM-LSA speech-absence estimator. */
  zetaFrame: Float64Array;
  /** A-priori SNR ξ_k of the previous frame (OM-LSA). */
  prevXi: Float64Array;
  /** ln P_k of the last frame, written by `forward`, read by the rise detector in `postStep`. */
  logPower: Float64Array;
  /** Fast log-power estimate F_k of the rise detector. */
  fastLog: Float64Array;
  /** Consecutive hops with a broadband rise (rise detector). */
  riseHops: number;
  /**
   * Speech presence probability p_k of the last frame, written by `forward` (OM-LSA; for 'wiener' the
   * Wiener gain ξ/(1 + ξ) as a proxy).
   */
  presence: Float64Array;
  /** [loss of the last frame], written by `step`, `learn` and a `postStep` that moves parameters. */
  lastLoss: Float64Array;
  /** Frames processed so far. */
  frames: number;
};

const LOG_FLOOR = 1e-10; // −100 dB: keeps log P finite on digital silence
const MIN_NOISE = 1e-12;
const MAX_GAMMA = 1e6;
/** E[ln e] for e ~ Exp(1) (complex bins) and for e ~ χ²₁ (real bins): −γ_E and −γ_E − ln 2. */
const LOG_MEAN = -0.5772156649015329;
const LOG_MEAN_REAL = -0.5772156649015329 - Math.LN2;
const DEFAULT_RISE: RiseDetectorOptions = { smoothing: 0.7, thresholdDb: 1.5, fraction: 0.9, hops: 3, jump: 0.8 };

/** ψ(r) = ∂ρ/∂r of the robust pinball loss: τ − 1 below 0, τ / (1 + r²/δ²) above. */
function psi(r: number, tau: number, invDelta2: number): number {
  return r < 0 ? tau - 1 : tau / (1 + r * r * invDelta2);
}

/**
 * {@link equilibriumOffset}s computed so far in this thread, by (τ, 1/δ², real bin): a pure function
 * of its arguments costing ≈ 1 M `Math.exp` calls, so a new denoiser (one per file of a replay)
 * reuses the value instead of redoing the quadrature. Configurations are few, so the map stays small.
 */
const equilibriumOffsets = new Map<string, number>();

/**
 * The offset θ* = argmin E[ρ(ln E − θ)] for E ~ Exp(1) (the log periodogram of Gaussian noise of
 * unit power), i.e. the root of E[ψ(ln E − θ)] = 0, by bisection on a quadrature over e. For the
 * plain pinball loss θ* = ln(−ln(1 − τ)). The noise power is then λ = exp(θ − θ*).
 */
function equilibriumOffset(tau: number, invDelta2: number, realBin: boolean): number {
  if (invDelta2 === 0 && !realBin) return Math.log(-Math.log(1 - tau));
  const key = `${tau} ${invDelta2} ${realBin}`;
  let theta = equilibriumOffsets.get(key);
  if (theta === undefined) {
    theta = rootOfMeanPsi((r) => psi(r, tau, invDelta2), realBin, -30, 5);
    equilibriumOffsets.set(key, theta);
  }
  return theta;
}

/** Root θ* of E[ψ(ln e − θ)] = 0 for e ~ Exp(1) (complex bins) or χ²₁ (real bins), by bisection in [lo, hi]. */
function rootOfMeanPsi(fn: (r: number) => number, realBin: boolean, lo0: number, hi0: number): number {
  // density of e = P/λ: Exp(1) for complex bins, χ²₁ (e = Z², Z ~ N(0, 1)) for the real DC and Nyquist bins
  const density = realBin
    ? (e: number): number => Math.exp(-0.5 * e) / Math.sqrt(2 * Math.PI * e)
    : (e: number): number => Math.exp(-e);
  const mean = (theta: number): number => {
    // ∫ ψ(ln e − θ) f(e) de with the substitution e = exp(v), v ∈ [−40, 5]
    let s = 0;
    const steps = 6000;
    const dv = 45 / steps;
    for (let i = 0; i < steps; i++) {
      const v = -40 + (i + 0.5) * dv;
      const e = Math.exp(v);
      s += fn(v - theta) * e * density(e) * dv;
    }
    return s;
  };
  let lo = lo0;
  let hi = hi0;
  for (let i = 0; i < 60; i++) {
    const mid = 0.5 * (lo + hi);
    if (mean(mid) > 0) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

function closestPowerOfTwo(x: number): number {
  return 2 ** Math.max(6, Math.round(Math.log2(x)));
}

/**
 * Single-channel online denoiser whose noise model is learned by an optimizer from the noisy
 * stream alone — no clean signal and no noise reference.
 *
 * Analysis: √Hann STFT, N-sample frames, hop H = N/2 (WOLA, perfect reconstruction), periodogram
 * normalised to per-sample power `P_k = |X_k|² / Σ w²`, log feature `y_k = ln(P_k + 10⁻¹⁰)`.
 *
 * Noise model (parameters θ_k, one per bin k = 0..N/2; optional broadband level b):
 * ```
 * λ_k = c_k · exp(θ_k + b),   ln c_k = bias·ln10/10 − θ*_k,   λ_k ← min(λ_k, P̄_k)  (fast fall)
 * ```
 * θ*_k is the equilibrium offset of the loss for unit-power Gaussian noise (P_k/λ_k ~ Exp(1) for
 * complex bins, χ²₁ for the real DC and Nyquist bins), computed once by quadrature; for the plain
 * pinball loss θ* = ln(−ln(1 − τ)). P̄_k is the recursively smoothed periodogram (`fastFall`).
 *
 * Loss (a robust pinball / quantile loss, Koenker & Bassett 1978, on the log periodogram):
 * ```
 * r_k = y_k − θ_k − b
 * ρ(r) = (τ − 1)·r for r < 0,   τ·δ·atan(r/δ) for r ≥ 0      (δ = ∞: plain pinball τ·r)
 * loss = (1/K) Σ_k ρ(r_k)
 * ∂loss/∂θ_k = −ψ(r_k)/K,  ψ(r) = τ − 1 (r < 0),  τ / (1 + r²/δ²) (r ≥ 0);   ∂loss/∂b = Σ_k ∂loss/∂θ_k
 * ```
 * Its minimiser is a low quantile of y_k, so the estimate follows the lower envelope of the
 * spectrum (the idea of minimum statistics / quantile noise estimation, Martin 2001; Stahl et al.
 * ICASSP 2000) while being learned by gradient steps. The gradient magnitude is bounded by
 * (1 − τ)/K whatever the signal level, so Adamax's per-coordinate max-norm u is level
 * independent: a −20 dB switch does not leave a stale large u behind. With a short max-norm
 * memory (β2 = 0.95 per hop) u also forgets the large downward gradients within ≈ 20 hops, so a
 * sustained rise is tracked at ≈ lr nats per hop as well: Adamax turns the asymmetric quantile
 * gradient into a symmetric slew rate (≈ lr·H⁻¹·fs nats/s) while the equilibrium stays at the quantile.
 * The optional level b (`broadband`) moves all bins at once; the optional median group
 * (`tonal`) corrects the bias for stationary tones.
 *
 * Rise detector (`riseDetector`, on by default): the slew rate bounds how fast θ can follow a
 * loud rise (≈ 0.3–0.6 s for +10 dB). A fast per-bin estimate F_k ← a·F_k + (1 − a)·ln P_k runs
 * alongside; when for `hops` consecutive hops at least the fraction `fraction` of ALL bins has
 * F_k − E[ln e] above the learned level θ_k − θ*_k by more than `thresholdDb` (a broadband,
 * sustained rise is a change of the noise; speech is sparse across bins), `step` moves each risen
 * θ_k the share `jump` of the way to F_k − E[ln e] + θ*_k. A false jump during speech is undone by
 * the fast downward steps of the quantile loss.
 *
 * Gain (decision-directed a-priori SNR of Ephraim & Malah 1984; `gainRule`):
 * ```
 * γ_k = P_k / λ_k
 * ξ_k = α · |Ŝ_k(t−1)|² / λ_k + (1 − α) · max(γ_k − 1, 0)
 * 'wiener': G_k = max(ξ_k / (1 + ξ_k), G_min),                         |Ŝ_k|² = G_k² P_k
 * 'omlsa':  G_H1 = min(ξ/(1+ξ) · exp(½E₁(v)), 1), v = ξγ/(1+ξ)          (MMSE-LSA, Ephraim & Malah 1985)
 *           q_k  = a-priori speech absence from local / global / frame ζ (Cohen & Berdugo 2001)
 *           p_k  = 1 / (1 + q/(1−q)·(1+ξ)·e^(−v)),  G_k = G_H1^p · G_min^(1−p),  |Ŝ_k|² = G_H1² P_k
 * then optional spectral smoothing of G
 * ```
 * Output: inverse FFT of G·X, √Hann synthesis, overlap-add. Algorithmic delay N − H samples (the
 * offline runner {@link process} compensates it). Learning is prequential: the gain for a frame
 * uses the parameters before that frame's update.
 *
 * As an {@link AdaptiveModel}: one channel, `frameSize` = H; parameter groups
 * `denoiser/noise-bins` (K = N/2 + 1), `denoiser/noise-level` (1, zero gradient unless
 * `broadband`) and `denoiser/noise-median` (K, zero gradient unless `tonal`).
 *
 * References: Ephraim & Malah, IEEE Trans. ASSP 32(6), 1984 (decision-directed); Scalart & Filho,
 * ICASSP 1996 (Wiener gain on the a-priori SNR); Martin, IEEE Trans. SAP 9(5), 2001 (minimum
 * statistics); Koenker & Bassett, Econometrica 46(1), 1978 (quantile loss); Kingma & Ba, ICLR 2015
 * (Adamax).
 *
 * @example
 * const den = new OnlineDenoiser({ sampleRate: 16000 });
 * const cleaned = den.process(noisy, 16000); // owns its Adamax, output aligned with the input
 */
export class OnlineDenoiser implements AdaptiveModel<OnlineDenoiserState>, Denoiser {
  readonly kind = 'online-adamax';
  readonly layout: ParamLayout;
  /** Hop H (samples per frame of the adaptive-model interface). */
  readonly frameSize: number;
  readonly channels = 1;
  readonly sampleRate: number;
  /** STFT length N. */
  readonly fftSize: number;
  /** Number of bins K = N/2 + 1. */
  readonly bins: number;
  /** Algorithmic delay N − H in samples. */
  readonly latency: number;
  readonly quantile: number;
  readonly robustness: number;
  readonly noiseSmoothing: number;
  readonly broadband: boolean;
  readonly tonal: boolean;
  /** Smoothing β of the fast-fall ceiling, or null when off. */
  readonly fastFall: number | null;
  readonly noiseBiasDb: number;
  readonly gainFloorDb: number;
  readonly ddAlpha: number;
  readonly gainRule: 'wiener' | 'omlsa';
  readonly speechAbsenceMax: number;
  readonly spectralSmoothing: number;
  readonly initialNoiseDb: number;
  readonly optimizerOptions: AdamaxOptions;
  readonly warmStartEnabled: boolean;
  readonly riseDetector: RiseDetectorOptions | null;

  private readonly fft: Fft;
  private readonly window: Float64Array;
  private readonly synthesisWindow: Float64Array;
  private readonly invWindowPower: number;
  /** ln c for the complex bins 1..N/2−1. */
  private readonly logBias: number;
  /** ln c for the real bins 0 and N/2 (χ²₁ periodogram). */
  private readonly logBiasReal: number;
  /** Equilibrium offsets θ* (complex / real bins). */
  private readonly offset: number;
  private readonly offsetReal: number;
  private readonly invDelta2: number;
  /** noiseBiasDb in nats. */
  private readonly biasDbNats: number;
  /** Spread s_exp = median − τ-quantile of ln P for Gaussian noise (complex bins / real bins). */
  private readonly spread: number;
  private readonly spreadReal: number;
  private readonly gainFloor: number;
  // Scratch, allocated once per model. Each call writes these before it reads them and nothing in them
  // outlives the call, so streams may interleave calls on one model; what a stream carries from one
  // frame to the next is in its OnlineDenoiserState.
  private readonly buf: Float64Array;
  private readonly re: Float64Array;
  private readonly im: Float64Array;
  private readonly power: Float64Array;
  private readonly gain: Float64Array;
  private readonly resid: Float64Array;
  private readonly residMedian: Float64Array;
  private readonly gammaBuf: Float64Array;
  private readonly xiBuf: Float64Array;
  private readonly qBuf: Float64Array;
  /** Scratch of postStep: 1 for the bins the rise detector moved in this call. */
  private readonly moved: Uint8Array;
  private readonly absence: SpeechAbsenceEstimator;
  /** Scratch: the estimator's view of the calling stream's state, re-pointed each hop (allocation-free). */
  private readonly absenceView: { zeta: Float64Array; frame: Float64Array } = {
    zeta: new Float64Array(0),
    frame: new Float64Array(0),
  };

  constructor(options: OnlineDenoiserOptions = {}) {
    const { sampleRate, fftSize, quantile, robustness, ns, ff, dd, ss, gainRule, qMax, rd } = resolveOptions(options);
    this.riseDetector = rd === null ? null : Object.freeze({ ...rd });
    this.sampleRate = sampleRate;
    this.fftSize = fftSize;
    this.frameSize = fftSize / 2;
    this.bins = fftSize / 2 + 1;
    this.latency = fftSize - this.frameSize;
    this.quantile = quantile;
    this.robustness = robustness;
    this.noiseSmoothing = ns;
    this.broadband = options.broadband ?? false;
    this.tonal = options.tonal ?? false;
    this.fastFall = ff;
    this.noiseBiasDb = options.noiseBiasDb ?? -3;
    this.gainFloorDb = options.gainFloorDb ?? -25;
    this.ddAlpha = dd;
    this.gainRule = gainRule;
    this.speechAbsenceMax = qMax;
    this.spectralSmoothing = ss;
    this.initialNoiseDb = options.initialNoiseDb ?? -50;
    this.warmStartEnabled = options.warmStart ?? true;
    this.optimizerOptions = { learningRate: 0.15, beta1: 0.5, beta2: 0.9, ...(options.optimizer ?? {}) };
    this.layout = createLayout([
      { name: 'denoiser/noise-bins', length: this.bins },
      { name: 'denoiser/noise-level', length: 1 },
      { name: 'denoiser/noise-median', length: this.bins },
    ]);

    this.fft = new Fft(fftSize);
    // WOLA windows (≡ √Hann at 50 % overlap, kept general) and the window power normaliser.
    const wola = wolaWindows(fftSize, this.frameSize);
    this.window = wola.analysis;
    this.synthesisWindow = wola.synthesis;
    this.invWindowPower = wola.invWindowPower;
    this.invDelta2 = Number.isFinite(robustness) ? 1 / (robustness * robustness) : 0;
    const biasDb = (this.noiseBiasDb / 10) * Math.LN10;
    const q = equilibriumOffset(quantile, this.invDelta2, false);
    const qReal = equilibriumOffset(quantile, this.invDelta2, true);
    this.biasDbNats = biasDb;
    this.logBias = biasDb - q;
    this.logBiasReal = biasDb - qReal;
    this.offset = q;
    this.offsetReal = qReal;
    this.spread = Math.log(Math.LN2) - q;
    this.spreadReal = equilibriumOffset(0.5, 0, true) - qReal;
    this.gainFloor = 10 ** (this.gainFloorDb / 20);
    this.buf = new Float64Array(fftSize);
    this.re = new Float64Array(this.bins);
    this.im = new Float64Array(this.bins);
    this.power = new Float64Array(this.bins);
    this.gain = new Float64Array(this.bins);
    this.resid = new Float64Array(this.bins);
    this.residMedian = new Float64Array(this.bins);
    this.gammaBuf = new Float64Array(this.bins);
    this.xiBuf = new Float64Array(this.bins);
    this.qBuf = new Float64Array(this.bins);
    this.moved = new Uint8Array(this.bins);
    this.absence = new SpeechAbsenceEstimator({
      beta: 0.7,
      localWidth: 1,
      globalWidth: Math.max(1, Math.round((15 * fftSize) / 512)),
      zetaMin: 10 ** (-10 / 10),
      zetaMax: 10 ** (-5 / 10),
      peakMin: 1,
      peakMax: 10,
      qMax,
    });
  }

  /** θ_k = ln(p₀) − ln c (so that λ_k = p₀), b = 0, with p₀ = 10^(initialNoiseDb/10). */
  initParams(params: Float32Array): void {
    const p0 = (this.initialNoiseDb / 10) * Math.LN10;
    const k = this.bins;
    params.fill(p0 - this.logBias, 0, k);
    params[0] = p0 - this.logBiasReal;
    params[k - 1] = p0 - this.logBiasReal;
    params[k] = 0;
    for (let j = 0; j < k; j++)
      params[k + 1 + j] = params[j]! + (j === 0 || j === k - 1 ? this.spreadReal : this.spread);
    params[this.bins] = 0;
  }

  /**
   * Data-driven initialisation from the first N samples of a stream (one look-ahead frame):
   * `θ_k = ln(P̄_k + 10⁻¹⁰) − ln c`, b = 0, where P̄ is the √Hann periodogram smoothed over ±3 bins
   * (a one-frame estimate of the noise power, biased upwards when speech is present — the
   * fast downward tracking removes that within a few hundred ms). Shorter input is zero-padded.
   */
  warmStart(params: Float32Array, samples: Float32Array): void {
    const { fftSize: n, bins: k, buf, re, im, power, window } = this;
    for (let i = 0; i < n; i++) {
      const v = i < samples.length ? samples[i]! : 0;
      buf[i] = window[i]! * (Number.isFinite(v) ? v : 0);
    }
    this.fft.realForward(buf, re, im);
    for (let j = 0; j < k; j++) power[j] = (re[j]! * re[j]! + im[j]! * im[j]!) * this.invWindowPower;
    const r = 3;
    for (let j = 0; j < k; j++) {
      let sum = 0;
      let count = 0;
      for (let q = Math.max(0, j - r); q <= Math.min(k - 1, j + r); q++) {
        sum += power[q]!;
        count++;
      }
      params[j] = Math.log(sum / count + LOG_FLOOR) - (j === 0 || j === k - 1 ? this.logBiasReal : this.logBias);
    }
    params[k] = 0;
    for (let j = 0; j < k; j++)
      params[k + 1 + j] = params[j]! + (j === 0 || j === k - 1 ? this.spreadReal : this.spread);
  }

  createState(): OnlineDenoiserState {
    const om = createOmLsaState(this.bins);
    return {
      zeta: om.zeta,
      zetaFrame: om.frame,
      prevXi: new Float64Array(this.bins),
      history: new Float32Array(this.fftSize),
      overlap: new Float64Array(this.fftSize),
      prevClean: new Float64Array(this.bins),
      smoothTheta: new Float64Array(this.bins),
      smoothPower: new Float64Array(this.bins),
      logPower: new Float64Array(this.bins),
      fastLog: new Float64Array(this.bins),
      riseHops: 0,
      presence: new Float64Array(this.bins),
      lastLoss: new Float64Array(1),
      frames: 0,
    };
  }

  forward(
    params: Float32Array,
    state: OnlineDenoiserState,
    frame: readonly Float32Array[],
    output: Float32Array,
  ): void {
    if (frame.length < 1) throw new ShapeError('OnlineDenoiser expects 1 channel per frame. Received 0.');
    const x = frame[0]!;
    const h = this.frameSize;
    if (x.length !== h || output.length !== h) {
      throw new ShapeError(
        `OnlineDenoiser frame length mismatch: expected ${h} samples (hop) for the input and the output; received input ${x.length}, output ${output.length}.`,
      );
    }
    if (params.length < this.layout.size) {
      throw new ShapeError(`OnlineDenoiser expects ${this.layout.size} parameters. Received ${params.length}.`);
    }
    const { buf, re, im } = this;
    // 1. analysis
    wolaFrame.analyze(state.history, x, this.window, buf);
    this.fft.realForward(buf, re, im);
    // 2. noise estimate, SNRs and gain
    this.estimateNoise(params, state);
    if (this.gainRule === 'omlsa') this.omLsaGain(state);
    else this.wienerGain(state);
    this.applyGain(state);
    // 3. synthesis (WOLA)
    this.fft.realInverse(re, im, buf);
    wolaFrame.synthesize(buf, this.synthesisWindow, state.overlap, output);
    state.frames++;
  }

  /**
   * Per bin: periodogram P_k, ln P_k, residuals against θ_k + b and the median, the smoothed noise
   * estimate λ_k (bias-compensated, fast-fall ceiling), then γ_k and the decision-directed ξ_k
   * into the scratch buffers.
   */
  private estimateNoise(params: Float32Array, state: OnlineDenoiserState): void {
    const { bins: k, re, im, power, resid, gammaBuf, xiBuf, residMedian } = this;
    const level = params[k]!;
    const alpha = this.ddAlpha;
    const prev = state.prevClean;
    const smooth = state.smoothTheta;
    const mu = this.noiseSmoothing;
    const first = state.frames === 0;
    const tonal = this.tonal;
    const beta = this.fastFall;
    const ceil = state.smoothPower;
    const logPower = state.logPower;
    for (let j = 0; j < k; j++) {
      const p = (re[j]! * re[j]! + im[j]! * im[j]!) * this.invWindowPower;
      power[j] = p;
      const logP = Math.log(p + LOG_FLOOR);
      logPower[j] = logP;
      const theta = params[j]! + level;
      resid[j] = logP - theta;
      const med = params[k + 1 + j]!;
      residMedian[j] = logP - med;
      const realBin = j === 0 || j === k - 1;
      let logBias = realBin ? this.logBiasReal : this.logBias;
      if (tonal) {
        const spread = realBin ? this.spreadReal : this.spread;
        const w = (med - theta) / spread;
        // biome-ignore lint/complexity/useMathMinMax: explicit comparisons map NaN to 0 (Math.max would keep NaN)
        const wc = w > 1 ? 1 : w > 0 ? w : 0;
        logBias = this.biasDbNats + wc * (logBias - this.biasDbNats);
      }
      const sm = first ? theta : mu * smooth[j]! + (1 - mu) * theta;
      smooth[j] = sm;
      const logNoise = sm + logBias;
      let lambda = Math.exp(logNoise);
      if (beta !== null) {
        const ceiling = first ? p : beta * ceil[j]! + (1 - beta) * p;
        ceil[j] = ceiling;
        if (lambda > ceiling) lambda = ceiling;
      }
      if (!(lambda > MIN_NOISE)) lambda = MIN_NOISE; // also catches NaN
      let gamma = p / lambda;
      if (gamma > MAX_GAMMA) gamma = MAX_GAMMA;
      let xi = alpha * (prev[j]! / lambda) + (1 - alpha) * (gamma > 1 ? gamma - 1 : 0);
      if (xi > MAX_GAMMA) xi = MAX_GAMMA;
      if (!(xi >= 0)) xi = 0;
      gammaBuf[j] = gamma;
      xiBuf[j] = xi;
    }
  }

  /**
   * OM-LSA gain G = G_H1^p · G_min^(1−p) into `gain`; `gammaBuf` then holds max(G_H1, G_min), the
   * gain of the decision-directed memory (Cohen 2001).
   */
  private omLsaGain(state: OnlineDenoiserState): void {
    const { bins: k, gain, gammaBuf, xiBuf } = this;
    const presence = state.presence;
    const floor = this.gainFloor;
    const q = this.qBuf;
    const view = this.absenceView; // reused: no object per hop
    view.zeta = state.zeta;
    view.frame = state.zetaFrame;
    this.absence.update(view, state.prevXi, q, state.frames === 0);
    const logFloor = Math.log(floor);
    for (let j = 0; j < k; j++) {
      const xi = xiBuf[j]!;
      const gamma = gammaBuf[j]!;
      const pr = speechPresence(xi, gamma, q[j]!);
      const gh1 = lsaGain(xi, gamma);
      presence[j] = pr;
      state.prevXi[j] = xi;
      const lg = gh1 > floor ? Math.log(gh1) : logFloor;
      gain[j] = Math.exp(pr * lg + (1 - pr) * logFloor);
      // decision-directed memory uses the gain under speech presence (Cohen 2001)
      gammaBuf[j] = Math.max(gh1, floor);
    }
  }

  /** Wiener gain max(ξ/(1 + ξ), G_min) into `gain` and `gammaBuf` (the decision-directed memory's gain). */
  private wienerGain(state: OnlineDenoiserState): void {
    const { bins: k, gain, gammaBuf, xiBuf } = this;
    const presence = state.presence;
    const floor = this.gainFloor;
    for (let j = 0; j < k; j++) {
      const xi = xiBuf[j]!;
      const g = xi / (1 + xi);
      gain[j] = Math.max(g, floor);
      gammaBuf[j] = gain[j]!;
      presence[j] = g;
    }
  }

  /** Optional spectral smoothing of G, the decision-directed memory |Ŝ_k|², and X_k ← G_k·X_k. */
  private applyGain(state: OnlineDenoiserState): void {
    const { bins: k, re, im, power, gain, gammaBuf } = this;
    const prev = state.prevClean;
    const s = this.spectralSmoothing;
    if (s > 0) {
      let left = gain[0]!;
      for (let j = 0; j < k; j++) {
        const mid = gain[j]!;
        const right = j + 1 < k ? gain[j + 1]! : mid;
        gain[j] = (1 - s) * mid + 0.5 * s * (left + right);
        left = mid;
      }
    }
    for (let j = 0; j < k; j++) {
      const g = gain[j]!;
      const gm = gammaBuf[j]!; // gain of the decision-directed memory
      prev[j] = gm * gm * power[j]!;
      re[j] = re[j]! * g;
      im[j] = im[j]! * g;
    }
  }

  /**
   * Output for the frame and the gradient of the robust pinball loss; returns the loss. Does not write
   * `params`: the rise detector's jump is {@link postStep}.
   */
  step(
    params: Float32Array,
    state: OnlineDenoiserState,
    frame: readonly Float32Array[],
    output: Float32Array,
    grad: Float32Array,
  ): number {
    this.forward(params, state, frame, output);
    this.gradient(grad, state);
    return state.lastLoss[0]!;
  }

  /**
   * {@link step} then {@link postStep} in one call, without a return value: the loss goes to
   * `state.lastLoss[0]`. For a real-time learner that applies its optimizer right after, because a
   * double returned from a call that is not inlined is boxed (one heap number per hop).
   */
  learn(
    params: Float32Array,
    state: OnlineDenoiserState,
    frame: readonly Float32Array[],
    output: Float32Array,
    grad: Float32Array,
  ): void {
    this.forward(params, state, frame, output);
    this.gradient(grad, state);
    this.postStep(params, state, grad);
  }

  /**
   * The post-step hook of the {@link AdaptiveModel} contract: the broadband rise detector (see
   * `riseDetector`; nothing when it is off). It updates the fast estimate F_k from the frame's ln P_k
   * (left in `state.logPower` by `step`) and, after `hops` consecutive hops of broadband rise, moves
   * every risen θ_k the share κ of the way to F_k − E[ln e] + θ*_k, sets the smoothed estimate of
   * those bins to it, and rewrites `grad` (and `state.lastLoss`) as the gradient at the moved θ.
   * The learner then applies `grad` with its optimizer. Allocation-free.
   */
  postStep(params: Float32Array, state: OnlineDenoiserState, grad: Float32Array): void {
    if (this.riseDetector === null) return;
    if (!this.detectRise(params, state)) return;
    const { bins: k, resid, residMedian } = this;
    const logPower = state.logPower;
    const level = params[k]!;
    for (let j = 0; j < k; j++) residMedian[j] = logPower[j]! - params[k + 1 + j]!;
    for (let j = 0; j < k; j++) {
      // a moved bin's residual as the jump computes it, the others as forward does
      resid[j] = this.moved[j] === 1 ? logPower[j]! - params[j]! - level : logPower[j]! - (params[j]! + level);
    }
    this.gradient(grad, state);
  }

  /**
   * ∂loss/∂params into `grad` and the loss into `state.lastLoss[0]`, from the residuals r_k (and
   * the median residuals) of the frame:
   * ```
   * ∂loss/∂θ_k = −ψ(r_k)/K,  ∂loss/∂b = Σ_k ∂loss/∂θ_k (broadband only),  ∂loss/∂m_k = −sign(r'_k)/(2K) (tonal only)
   * ```
   */
  private gradient(grad: Float32Array, state: OnlineDenoiserState): void {
    const { bins: k, resid } = this;
    const tau = this.quantile;
    const inv = 1 / k;
    let loss = 0;
    let gb = 0;
    const id2 = this.invDelta2;
    const delta = id2 > 0 ? 1 / Math.sqrt(id2) : 0;
    for (let j = 0; j < k; j++) {
      const r = resid[j]!;
      let psi: number;
      if (r < 0) {
        psi = tau - 1;
        loss += r * psi;
      } else if (id2 > 0) {
        psi = tau / (1 + r * r * id2);
        loss += tau * delta * Math.atan(r / delta);
      } else {
        psi = tau;
        loss += tau * r;
      }
      const g = -psi * inv;
      grad[j] = g;
      gb += g;
    }
    grad[k] = this.broadband ? gb : 0;
    const rm = this.residMedian;
    for (let j = 0; j < k; j++) {
      if (!this.tonal) {
        grad[k + 1 + j] = 0;
        continue;
      }
      const r = rm[j]!;
      const psi = r < 0 ? -0.5 : 0.5;
      loss += r * psi;
      grad[k + 1 + j] = -psi * inv;
    }
    state.lastLoss[0] = loss * inv;
  }

  /**
   * Broadband rise detector (see `riseDetector`): updates the fast estimate F_k from the frame's
   * ln P_k, counts the hops with a broadband rise and, after `hops` of them, moves the risen θ_k
   * towards F_k (and the smoothed estimate with them), marking them in `moved`. Returns whether it
   * moved any. Allocation-free.
   */
  private detectRise(params: Float32Array, state: OnlineDenoiserState): boolean {
    const rd = this.riseDetector!;
    const k = this.bins;
    const logPower = state.logPower;
    const fast = state.fastLog;
    const a = rd.smoothing;
    const init = state.frames <= 1;
    const level = params[k]!;
    const margin = (rd.thresholdDb / 10) * Math.LN10;
    let count = 0;
    for (let j = 0; j < k; j++) {
      const realBin = j === 0 || j === k - 1;
      const f = init ? logPower[j]! : a * fast[j]! + (1 - a) * logPower[j]!;
      fast[j] = f;
      const noiseLog = params[j]! + level - (realBin ? this.offsetReal : this.offset);
      // unbiased log noise power of the fast estimate minus that of the learned model
      if (f - (realBin ? LOG_MEAN_REAL : LOG_MEAN) - noiseLog > margin) count++;
    }
    const mu = this.noiseSmoothing;
    state.riseHops = count >= rd.fraction * k ? state.riseHops + 1 : 0;
    if (state.riseHops < rd.hops) return false;
    state.riseHops = 0;
    const kappa = rd.jump;
    const moved = this.moved;
    let any = false;
    for (let j = 0; j < k; j++) {
      moved[j] = 0;
      const realBin = j === 0 || j === k - 1;
      const off = realBin ? this.offsetReal : this.offset;
      const target = fast[j]! - (realBin ? LOG_MEAN_REAL : LOG_MEAN) + off - level;
      const cur = params[j]!;
      if (!(target > cur)) continue;
      params[j] = cur + kappa * (target - cur);
      moved[j] = 1;
      any = true;
      if (mu > 0) state.smoothTheta[j] = params[j]! + level;
    }
    return any;
  }

  /**
   * Offline runner: denoises a whole signal with a fresh stream state and a fresh Adamax
   * (`optimizer` options) that learns the noise model prequentially, hop by hop. The input is
   * resampled to the model's rate when `sampleRate` differs, and the output back. The STFT delay
   * is compensated: the output is aligned with the input and has the same length.
   *
   * @throws AdamaxStreamError (`invalid_argument`) for a bad sample rate.
   */
  process(input: Float32Array, sampleRate: number = this.sampleRate): Float32Array {
    if (!(Number.isFinite(sampleRate) && sampleRate > 0)) {
      throw new AdamaxStreamError(
        'invalid_argument',
        `OnlineDenoiser.process: \`sampleRate\` must be a positive number. Received: sampleRate=${String(sampleRate)}`,
      );
    }
    if (input.length === 0) return new Float32Array(0);
    const x = sampleRate === this.sampleRate ? input : resample(input, sampleRate, this.sampleRate);
    const core = new Adamax(this.optimizerOptions).buildFlat(this.layout);
    if (this.warmStartEnabled) this.warmStart(core.params, x);
    else this.initParams(core.params);
    const state = this.createState();
    const h = this.frameSize;
    const d = this.latency;
    const total = x.length + d;
    const frames = Math.ceil(total / h);
    const y = new Float32Array(frames * h);
    const frame = new Float32Array(h);
    const out = new Float32Array(h);
    const channels = [frame];
    for (let f = 0; f < frames; f++) {
      const start = f * h;
      frame.fill(0);
      if (start < x.length) frame.set(x.subarray(start, Math.min(start + h, x.length)));
      this.step(core.params, state, channels, out, core.grads);
      this.postStep(core.params, state, core.grads);
      core.step();
      y.set(out, start);
    }
    const aligned = y.subarray(d, d + x.length);
    if (sampleRate === this.sampleRate) return Float32Array.from(aligned);
    const back = resample(aligned, this.sampleRate, sampleRate);
    const result = new Float32Array(input.length);
    result.set(back.subarray(0, Math.min(back.length, input.length)));
    return result;
  }
}

/** Validated settings of {@link OnlineDenoiser} with their defaults. */
interface ResolvedOptions {
  readonly sampleRate: number;
  readonly fftSize: number;
  readonly quantile: number;
  readonly robustness: number;
  readonly ns: number;
  readonly ff: number | null;
  readonly dd: number;
  readonly ss: number;
  readonly gainRule: 'wiener' | 'omlsa';
  readonly qMax: number;
  readonly rd: RiseDetectorOptions | null;
}

const OPTION_KEYS = new Set([
  'sampleRate',
  'fftSize',
  'quantile',
  'noiseBiasDb',
  'gainFloorDb',
  'ddAlpha',
  'spectralSmoothing',
  'initialNoiseDb',
  'optimizer',
  'warmStart',
  'robustness',
  'noiseSmoothing',
  'broadband',
  'fastFall',
  'tonal',
  'gainRule',
  'speechAbsenceMax',
  'riseDetector',
]);

/** Checks every option (one InvalidOptionError listing all problems) and fills in the defaults. */
function resolveOptions(options: OnlineDenoiserOptions): ResolvedOptions {
  const c = new IssueCollector();
  c.unknownKeys(options, OPTION_KEYS);
  const sampleRate = options.sampleRate ?? 16000;
  if (!(typeof sampleRate === 'number' && Number.isFinite(sampleRate) && sampleRate > 0)) {
    c.add('sampleRate', `\`sampleRate\` must be a positive number. Received: sampleRate=${String(sampleRate)}`);
  }
  const fftSize = options.fftSize ?? closestPowerOfTwo(0.032 * (sampleRate > 0 ? sampleRate : 16000));
  if (!(Number.isInteger(fftSize) && fftSize >= 64 && (fftSize & (fftSize - 1)) === 0)) {
    c.add('fftSize', `\`fftSize\` must be a power of two >= 64. Received: fftSize=${String(fftSize)}`);
  }
  const quantile = options.quantile ?? 0.2;
  if (!(Number.isFinite(quantile) && quantile > 0 && quantile <= 0.5)) {
    c.add('quantile', `\`quantile\` must be in (0, 0.5]. Received: quantile=${String(quantile)}`);
  }
  const robustness = options.robustness ?? 3;
  if (!(robustness > 0)) {
    c.add('robustness', `\`robustness\` must be > 0 (Infinity allowed). Received: robustness=${String(robustness)}`);
  }
  const ns = options.noiseSmoothing ?? 0.5;
  if (!(Number.isFinite(ns) && ns >= 0 && ns < 1)) {
    c.add('noiseSmoothing', `\`noiseSmoothing\` must be in [0, 1). Received: noiseSmoothing=${String(ns)}`);
  }
  const ff = options.fastFall === undefined ? 0.9 : options.fastFall;
  if (ff !== null && !(Number.isFinite(ff) && ff >= 0 && ff < 1)) {
    c.add('fastFall', `\`fastFall\` must be in [0, 1) or null. Received: fastFall=${String(ff)}`);
  }
  c.inRange('noiseBiasDb', options.noiseBiasDb, -20, 20);
  c.inRange('gainFloorDb', options.gainFloorDb, -80, 0);
  const dd = options.ddAlpha ?? 0.95;
  if (!(Number.isFinite(dd) && dd >= 0 && dd < 1)) {
    c.add('ddAlpha', `\`ddAlpha\` must be in [0, 1). Received: ddAlpha=${String(dd)}`);
  }
  const ss = options.spectralSmoothing ?? 0;
  if (!(Number.isFinite(ss) && ss >= 0 && ss < 1)) {
    c.add('spectralSmoothing', `\`spectralSmoothing\` must be in [0, 1). Received: spectralSmoothing=${String(ss)}`);
  }
  c.inRange('initialNoiseDb', options.initialNoiseDb, -200, 20);
  const gainRule = options.gainRule ?? 'omlsa';
  if (gainRule !== 'wiener' && gainRule !== 'omlsa') {
    c.add('gainRule', `\`gainRule\` must be 'wiener' or 'omlsa'. Received: gainRule=${String(gainRule)}`);
  }
  const qMax = options.speechAbsenceMax ?? 0.95;
  if (!(Number.isFinite(qMax) && qMax >= 0 && qMax < 1)) {
    c.add('speechAbsenceMax', `\`speechAbsenceMax\` must be in [0, 1). Received: speechAbsenceMax=${String(qMax)}`);
  }
  if (options.optimizer !== undefined && (typeof options.optimizer !== 'object' || options.optimizer === null)) {
    c.add('optimizer', '`optimizer` must be an Adamax options object.');
  }
  const rd = options.riseDetector === undefined ? DEFAULT_RISE : options.riseDetector;
  checkRiseDetector(c, rd);
  c.throwIfAny();
  return { sampleRate, fftSize, quantile, robustness, ns, ff, dd, ss, gainRule, qMax, rd };
}

function checkRiseDetector(c: IssueCollector, rd: RiseDetectorOptions | null): void {
  if (rd === null) return;
  const ok =
    typeof rd === 'object' &&
    rd.smoothing >= 0 &&
    rd.smoothing < 1 &&
    rd.thresholdDb > 0 &&
    Number.isFinite(rd.thresholdDb) &&
    rd.fraction > 0 &&
    rd.fraction <= 1 &&
    Number.isInteger(rd.hops) &&
    rd.hops >= 1 &&
    rd.jump > 0 &&
    rd.jump <= 1;
  if (!ok) {
    c.add(
      'riseDetector',
      '`riseDetector` must be null or { smoothing ∈ [0, 1), thresholdDb > 0, fraction ∈ (0, 1], hops: integer ≥ 1, jump ∈ (0, 1] }.',
    );
  }
}
