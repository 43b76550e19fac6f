import { ShapeError } from '../../core/errors.js';
import { IssueCollector } from '../../core/validate.js';
import type { AdaptiveFilter } from '../adaptive-filter.js';

export interface RlsOptions {
  /** Number of taps L (≥ 1; O(L²) per sample, so keep it short: ≤ 64 in real time). */
  readonly taps: number;
  /** Largest frame length accepted by `process` (≥ 1). */
  readonly frameSize: number;
  /** Forgetting factor λ in (0, 1]. Default 0.999. */
  readonly forgetting?: number;
  /** Initial inverse correlation P₀ = δ⁻¹·I; δ > 0 (default 1: with δ much below the input power P₀ starts huge and the first updates overshoot). */
  readonly delta?: number;
}

/**
 * Exponentially weighted recursive least squares, per-sample, with a symmetrised inverse
 * correlation matrix:
 * ```
 * π = P x_n,   k = π / (λ + x_nᵀπ),   e[n] = d[n] − wᵀx_n   (a priori, prequential)
 * w ← w + k·e[n],   P ← (P − k πᵀ) / λ   (upper triangle computed, mirrored: exactly symmetric)
 * ```
 * Guards: if λ + xᵀπ is not a positive finite number, or P's diagonal goes negative or above
 * 10¹⁰/δ (no excitation: P grows as λ⁻ⁿ), P is reset to δ⁻¹·I (the weights are kept).
 *
 * References: Haykin, "Adaptive Filter Theory", 5th ed. (2014), ch. 10; Sayed, "Adaptive Filters"
 * (2008), ch. 30 (numerical issues, symmetrisation).
 */
export class Rls implements AdaptiveFilter {
  readonly kind = 'rls';
  readonly frameSize: number;
  readonly channels = 2;
  readonly taps: number;
  readonly forgetting: number;
  readonly delta: number;
  readonly weights: Float64Array;
  /** Inverse correlation estimate, L × L row-major. */
  readonly p: Float64Array;
  /** Times P was reset by the numerical guard. */
  resets = 0;
  private readonly buf: Float64Array;
  private readonly xv: Float64Array;
  private readonly pi: Float64Array;

  constructor(options: RlsOptions) {
    const c = new IssueCollector();
    c.unknownKeys(options, new Set(['taps', 'frameSize', 'forgetting', 'delta']));
    c.integer('taps', options.taps, 1);
    c.integer('frameSize', options.frameSize, 1);
    c.inRange('forgetting', options.forgetting, Number.MIN_VALUE, 1);
    c.inRange('delta', options.delta, Number.MIN_VALUE, Number.MAX_VALUE);
    c.throwIfAny();
    this.taps = options.taps;
    this.frameSize = options.frameSize;
    this.forgetting = options.forgetting ?? 0.999;
    this.delta = options.delta ?? 1;
    const L = this.taps;
    this.weights = new Float64Array(L);
    this.p = new Float64Array(L * L);
    this.buf = new Float64Array(L - 1 + this.frameSize);
    this.xv = new Float64Array(L);
    this.pi = new Float64Array(L);
    this.resetP();
  }

  private resetP(): void {
    const L = this.taps;
    this.p.fill(0);
    for (let i = 0; i < L; i++) this.p[i * L + i] = 1 / this.delta;
  }

  reset(): void {
    this.weights.fill(0);
    this.buf.fill(0);
    this.resetP();
  }

  process(frame: readonly Float32Array[], output: Float32Array): void {
    const d = frame[0];
    const x = frame[1];
    const n = d.length;
    if (frame.length < 2 || x.length !== n || output.length !== n || n > this.frameSize) {
      throw new ShapeError(
        `Rls.process expects [primary, reference] of equal length <= ${this.frameSize} and an output of the same length.`,
      );
    }
    const { taps: L, buf, weights: w, p: P, xv, pi } = this;
    const h = L - 1;
    const lam = this.forgetting;
    const invLam = 1 / lam;
    for (let i = 0; i < n; i++) buf[h + i] = x[i];
    for (let i = 0; i < n; i++) {
      const top = h + i;
      let y = 0;
      for (let k = 0; k < L; k++) {
        const v = buf[top - k];
        xv[k] = v;
        y += w[k] * v;
      }
      const e = d[i] - y;
      output[i] = e;
      let denom = lam;
      for (let r = 0; r < L; r++) {
        let s = 0;
        const row = r * L;
        for (let k = 0; k < L; k++) s += P[row + k] * xv[k];
        pi[r] = s;
        denom += xv[r] * s;
      }
      if (!(denom > 0) || !Number.isFinite(denom)) {
        this.resetP();
        this.resets++;
        continue;
      }
      const inv = 1 / denom;
      const ge = e * inv;
      for (let k = 0; k < L; k++) w[k] += pi[k] * ge;
      for (let r = 0; r < L; r++) {
        const kr = pi[r] * inv;
        const row = r * L;
        for (let c2 = r; c2 < L; c2++) {
          const v = (P[row + c2] - kr * pi[c2]) * invLam;
          P[row + c2] = v;
          P[c2 * L + r] = v;
        }
      }
      const diag = P[0];
      const cap = 1e10 / this.delta;
      if (!(diag > 0 && diag < cap) || !(P[(L - 1) * L + L - 1] > 0)) {
        this.resetP();
        this.resets++;
      }
    }
    buf.copyWithin(0, n, n + h);
  }
}
