/**
 * Suppression rules of the single-channel denoiser: the MMSE log-spectral amplitude gain
 * (Ephraim & Malah 1985) and its optimally-modified form with speech-presence uncertainty
 * (OM-LSA, Cohen & Berdugo 2001). Plain allocation-free functions on typed arrays; the per-stream
 * recursive state lives in {@link OmLsaState} (owned by the caller's stream state).
 *
 * References: Ephraim & Malah, "Speech enhancement using a minimum mean-square error log-spectral
 * amplitude estimator", IEEE Trans. ASSP 33(2), 1985; Cohen & Berdugo, "Speech enhancement for
 * non-stationary noise environments", Signal Processing 81(11), 2001; Cohen, "Optimal speech
 * enhancement under signal presence uncertainty using log-spectral amplitude estimator", IEEE SPL
 * 9(4), 2002; Abramowitz & Stegun 5.1.53 / 5.1.56 (exponential integral).
 */

const EULER_GAMMA = 0.5772156649015329;

/**
 * Exponential integral E₁(x) = ∫ₓ^∞ e^(−t)/t dt for x > 0 (Abramowitz & Stegun 5.1.53 for x ≤ 1,
 * |error| < 2·10⁻⁷; 5.1.56 for x > 1, relative error < 5·10⁻⁵). Returns +∞ for x ≤ 0 and 0 for +∞.
 */
export function expint1(x: number): number {
  if (!(x > 0)) return Number.POSITIVE_INFINITY;
  if (x <= 1) {
    return (
      -Math.log(x) -
      0.57721566 +
      x * (0.99999193 + x * (-0.24991055 + x * (0.05519968 + x * (-0.00976004 + x * 0.00107857))))
    );
  }
  if (x > 700) return 0;
  const num = x * x + 2.334733 * x + 0.250621;
  const den = x * x + 3.330657 * x + 1.681534;
  return (Math.exp(-x) / x) * (num / den);
}

/** γ_E, exported for tests: E₁(x) ≈ −γ_E − ln x for small x. */
export const EULER_MASCHERONI = EULER_GAMMA;

/**
 * MMSE log-spectral amplitude gain under speech presence,
 * `G_H1 = ξ/(1 + ξ) · exp(½ E₁(v))`, `v = ξ γ / (1 + ξ)`, capped at `maxGain` (default 1: the
 * LSA gain exceeds 1 only for tiny v, where it only amplifies noise).
 */
export function lsaGain(xi: number, gamma: number, maxGain = 1): number {
  const w = xi / (1 + xi);
  if (!(w > 0)) return 0; // ξ = 0 (or NaN): no speech
  const v = w * gamma;
  const g = w * Math.exp(0.5 * expint1(Math.max(v, 1e-30)));
  return Math.min(g, maxGain);
}

/**
 * Conditional speech presence probability given the a-priori SNR ξ, the a-posteriori SNR γ and
 * the a-priori speech absence probability q (Gaussian model, Ephraim & Malah 1984; Cohen 2002):
 * `p = 1 / (1 + q/(1 − q) · (1 + ξ) · exp(−v))`, v = ξγ/(1 + ξ). In [0, 1] for any input.
 */
export function speechPresence(xi: number, gamma: number, q: number): number {
  if (!(q > 0)) return 1;
  if (!(q < 1)) return 0;
  const v = (xi / (1 + xi)) * gamma;
  const e = v > 700 ? 0 : Math.exp(-v);
  const ratio = (q / (1 - q)) * (1 + xi) * e;
  const p = 1 / (1 + ratio);
  return p >= 0 && p <= 1 ? p : 0; // NaN → 0 (treat as absent: the floor gain)
}

/** Per-stream recursive state of the OM-LSA a-priori speech-absence estimator. */
export interface OmLsaState {
  /** Recursively averaged a-priori SNR ζ_k (per bin). */
  zeta: Float64Array;
  /** [previous frame mean ζ_frame, ζ_peak]. */
  frame: Float64Array;
}

export function createOmLsaState(bins: number): OmLsaState {
  return { zeta: new Float64Array(bins), frame: new Float64Array(2) };
}

/** Parameters of the a-priori speech-absence estimator (Cohen & Berdugo 2001, Table 1 values by default). */
export interface SpeechAbsenceConfig {
  /** Time smoothing β of ζ. 0.7. */
  readonly beta: number;
  /** Half-widths of the local / global Hann windows over bins. 1 / 15. */
  readonly localWidth: number;
  readonly globalWidth: number;
  /** ζ_min, ζ_max (linear): below ζ_min speech is absent, above ζ_max present. −10 dB / −5 dB. */
  readonly zetaMin: number;
  readonly zetaMax: number;
  /** Clamp of ζ_peak (linear). 0 dB / 10 dB. */
  readonly peakMin: number;
  readonly peakMax: number;
  /** Largest a-priori speech absence probability q_max. 0.95. */
  readonly qMax: number;
}

export const COHEN_SPEECH_ABSENCE: SpeechAbsenceConfig = Object.freeze({
  beta: 0.7,
  localWidth: 1,
  globalWidth: 15,
  zetaMin: 10 ** (-10 / 10),
  zetaMax: 10 ** (-5 / 10),
  peakMin: 1,
  peakMax: 10,
  qMax: 0.95,
});

function normalisedHann(width: number): Float64Array {
  const n = 2 * width + 1;
  const w = new Float64Array(n);
  let s = 0;
  for (let i = 0; i < n; i++) {
    w[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * (i + 1)) / (n + 1));
    s += w[i]!;
  }
  for (let i = 0; i < n; i++) w[i] = w[i]! / s;
  return w;
}

function presenceOf(z: number, zMin: number, logRange: number): number {
  if (!(z > zMin)) return 0;
  const v = Math.log(z / zMin) / logRange;
  return Math.min(v, 1);
}

/**
 * A-priori speech absence probability q_k per bin (Cohen & Berdugo 2001, §3):
 * ```
 * ζ_k ← β ζ_k + (1 − β) ξ_k(t−1)                      (recursive average of the a-priori SNR)
 * ζ_local, ζ_global = ζ smoothed over bins by normalised Hann windows (half-widths 1 and 15)
 * P(ζ) = 0 (ζ ≤ ζ_min), 1 (ζ ≥ ζ_max), log(ζ/ζ_min)/log(ζ_max/ζ_min) between
 * P_frame from the frame mean ζ_frame and its peak ζ_peak (onsets: 1; decays: relative to the peak)
 * q_k = min(1 − P_local P_global P_frame, q_max)
 * ```
 * Allocation-free: scratch arrays are preallocated at construction.
 */
export class SpeechAbsenceEstimator {
  readonly config: SpeechAbsenceConfig;
  private readonly local: Float64Array;
  private readonly global: Float64Array;
  private readonly logRange: number;

  constructor(config: SpeechAbsenceConfig = COHEN_SPEECH_ABSENCE) {
    this.config = config;
    this.local = normalisedHann(config.localWidth);
    this.global = normalisedHann(config.globalWidth);
    this.logRange = Math.log(config.zetaMax / config.zetaMin);
  }

  /**
   * Updates `state` with the previous frame's a-priori SNR `prevXi` and writes q_k into `q`.
   * `first`: initialise ζ with prevXi instead of averaging.
   */
  update(state: OmLsaState, prevXi: Float64Array, q: Float64Array, first: boolean): void {
    const { beta, zetaMin, peakMin, peakMax, qMax } = this.config;
    const k = q.length;
    const zeta = state.zeta;
    let mean = 0;
    for (let j = 0; j < k; j++) {
      const x = prevXi[j]!;
      const z = first ? x : beta * zeta[j]! + (1 - beta) * x;
      zeta[j] = Number.isFinite(z) ? z : 0;
      mean += zeta[j]!;
    }
    mean /= k;
    // frame presence
    const lr = this.logRange;
    let pFrame: number;
    const prevMean = state.frame[0]!;
    if (!(mean > zetaMin)) pFrame = 0;
    else if (first || mean > prevMean) {
      const pk = mean < peakMin ? peakMin : Math.min(mean, peakMax);
      state.frame[1] = pk;
      pFrame = 1;
    } else {
      const pk = state.frame[1]! > 0 ? state.frame[1]! : peakMin;
      pFrame = presenceOf(mean / pk, zetaMin, lr);
    }
    state.frame[0] = mean;
    const lw = this.local;
    const gw = this.global;
    const wl = (lw.length - 1) >> 1;
    const wg = (gw.length - 1) >> 1;
    for (let j = 0; j < k; j++) {
      let zl = 0;
      for (let i = -wl; i <= wl; i++) {
        let b = j + i;
        if (b < 0) b = -b;
        else if (b >= k) b = 2 * (k - 1) - b;
        zl += lw[i + wl]! * zeta[b]!;
      }
      let zg = 0;
      for (let i = -wg; i <= wg; i++) {
        let b = j + i;
        if (b < 0) b = -b;
        else if (b >= k) b = 2 * (k - 1) - b;
        if (b < 0 || b >= k) b = j; // window wider than the spectrum
        zg += gw[i + wg]! * zeta[b]!;
      }
      const p = presenceOf(zl, zetaMin, lr) * presenceOf(zg, zetaMin, lr) * pFrame;
      const qj = 1 - p;
      q[j] = Math.min(qj, qMax);
    }
  }
}
