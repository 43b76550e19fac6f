import { ShapeError } from '../../core/errors.js';
import { IssueCollector } from '../../core/validate.js';
import type { AdaptiveFilter } from '../adaptive-filter.js';

export interface NlmsOptions {
  /** Number of taps L (≥ 1). */
  readonly taps: number;
  /** Largest frame length accepted by `process` (≥ 1). */
  readonly frameSize: number;
  /** Normalised step size μ in (0, 2). Default 0.1. */
  readonly stepSize?: number;
  /**
   * Regularisation as a power floor per sample (scale-aware ε): the step is divided by
   * `xᵀx + L·regularization`. Default 1e-6 (−60 dBFS), so a near-silent but non-zero reference
   * cannot blow the step up (elizaOS/eliza #9612).
   */
  readonly regularization?: number;
  /** Leakage γ ≥ 0: w ← (1 − μγ)·w + … (0 = none, default). */
  readonly leakage?: number;
}

/**
 * Time-domain normalised LMS (per-sample update), the canonical reference-mic canceller baseline.
 * ```
 * y[n] = wᵀx_n,  x_n = [x[n], x[n−1], …, x[n−L+1]]ᵀ,  e[n] = d[n] − y[n]
 * w ← (1 − μγ)·w + μ · e[n] · x_n / (x_nᵀx_n + L·ε)
 * ```
 * Prequential: e[n] uses the weights before the update at n. Stable for 0 < μ < 2; misadjustment
 * ≈ μ/(2 − μ). The input energy is a sliding sum (recomputed at every frame start, so no drift).
 *
 * References: Widrow et al., "Adaptive noise cancelling: principles and applications", Proc. IEEE
 * 63(12), 1975; Haykin, "Adaptive Filter Theory", 5th ed. (2014), §7.1 (NLMS).
 */
export class Nlms implements AdaptiveFilter {
  readonly kind = 'nlms';
  readonly frameSize: number;
  readonly channels = 2;
  readonly taps: number;
  stepSize: number;
  readonly regularization: number;
  readonly leakage: number;
  /** Weights (float64). */
  readonly weights: Float64Array;
  private readonly buf: Float64Array;

  constructor(options: NlmsOptions) {
    const c = new IssueCollector();
    c.unknownKeys(options, new Set(['taps', 'frameSize', 'stepSize', 'regularization', 'leakage']));
    c.integer('taps', options.taps, 1);
    c.integer('frameSize', options.frameSize, 1);
    c.inRange('stepSize', options.stepSize, 0, 2);
    c.inRange('regularization', options.regularization, 0, Number.MAX_VALUE);
    c.inRange('leakage', options.leakage, 0, 1);
    c.throwIfAny();
    this.taps = options.taps;
    this.frameSize = options.frameSize;
    this.stepSize = options.stepSize ?? 0.1;
    this.regularization = options.regularization ?? 1e-6;
    this.leakage = options.leakage ?? 0;
    this.weights = new Float64Array(this.taps);
    this.buf = new Float64Array(this.taps - 1 + this.frameSize);
  }

  reset(): void {
    this.weights.fill(0);
    this.buf.fill(0);
  }

  process(frame: readonly Float32Array[], output: Float32Array): void {
    const d = frame[0];
    const x = frame[1];
    const n = d.length;
    if (frame.length < 2 || x.length !== n || output.length !== n || n > this.frameSize) {
      throw new ShapeError(
        `Nlms.process expects [primary, reference] of equal length <= ${this.frameSize} and an output of the same length.`,
      );
    }
    const { taps: L, buf, weights: w } = this;
    const h = L - 1;
    for (let i = 0; i < n; i++) buf[h + i] = x[i];
    let energy = 0;
    for (let k = 0; k < h; k++) energy += buf[k] * buf[k];
    const delta = L * this.regularization;
    const mu = this.stepSize;
    const keep = 1 - mu * this.leakage;
    for (let i = 0; i < n; i++) {
      const top = h + i; // x[n] at buf[top], x[n−k] at buf[top − k]
      energy += buf[top] * buf[top];
      let y = 0;
      for (let k = 0; k < L; k++) y += w[k] * buf[top - k];
      const e = d[i] - y;
      output[i] = e;
      const g = (mu * e) / (energy + delta);
      if (keep !== 1) for (let k = 0; k < L; k++) w[k] = keep * w[k] + g * buf[top - k];
      else for (let k = 0; k < L; k++) w[k] += g * buf[top - k];
      energy -= buf[top - h] * buf[top - h];
    }
    buf.copyWithin(0, n, n + h);
  }
}
