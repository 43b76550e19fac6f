import { ShapeError } from '../../core/errors.js';
import { IssueCollector } from '../../core/validate.js';
import type { AdaptiveFilter } from '../adaptive-filter.js';

export interface LmsOptions {
  /** Number of taps L (≥ 1). */
  readonly taps: number;
  /** Largest frame length accepted by `process` (≥ 1). */
  readonly frameSize: number;
  /** Step size μ > 0 (stable for μ < 2 / (L·σ_x²)). Default 1e-3. */
  readonly stepSize?: number;
}

/**
 * Time-domain least-mean-squares filter (Widrow–Hoff), per-sample update:
 * ```
 * y[n] = wᵀx_n,  e[n] = d[n] − y[n],  w ← w + μ · e[n] · x_n
 * ```
 * Prequential (e[n] before the update). Not scale-invariant: μ must shrink with the input power.
 *
 * Reference: Widrow & Hoff, "Adaptive switching circuits", IRE WESCON Conv. Rec. 4, 1960;
 * Haykin, "Adaptive Filter Theory", 5th ed. (2014), ch. 6.
 */
export class Lms implements AdaptiveFilter {
  readonly kind = 'lms';
  readonly frameSize: number;
  readonly channels = 2;
  readonly taps: number;
  stepSize: number;
  readonly weights: Float64Array;
  private readonly buf: Float64Array;

  constructor(options: LmsOptions) {
    const c = new IssueCollector();
    c.unknownKeys(options, new Set(['taps', 'frameSize', 'stepSize']));
    c.integer('taps', options.taps, 1);
    c.integer('frameSize', options.frameSize, 1);
    c.inRange('stepSize', options.stepSize, 0, Number.MAX_VALUE);
    c.throwIfAny();
    this.taps = options.taps;
    this.frameSize = options.frameSize;
    this.stepSize = options.stepSize ?? 1e-3;
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
        `Lms.process expects [primary, reference] of equal length <= ${this.frameSize} and an output of the same length.`,
      );
    }
    const { taps: L, buf, weights: w } = this;
    const h = L - 1;
    for (let i = 0; i < n; i++) buf[h + i] = x[i];
    const mu = this.stepSize;
    for (let i = 0; i < n; i++) {
      const top = h + i;
      let y = 0;
      for (let k = 0; k < L; k++) y += w[k] * buf[top - k];
      const e = d[i] - y;
      output[i] = e;
      const g = mu * e;
      for (let k = 0; k < L; k++) w[k] += g * buf[top - k];
    }
    buf.copyWithin(0, n, n + h);
  }
}
