import { ShapeError } from '../../core/errors.js';
import { IssueCollector } from '../../core/validate.js';
import type { AdaptiveFilter } from '../adaptive-filter.js';
import { PartitionedFdFilter, type PartitionedFdState } from '../partitioned-fd-filter.js';

export interface FdNlmsOptions {
  /** Block size B (power of two). */
  readonly blockSize: number;
  /** Partitions P (taps = P·B). */
  readonly partitions: number;
  /** Normalised step size μ in (0, 2]. Default 0.5. */
  readonly stepSize?: number;
  /** Forgetting factor of the per-bin input power, in [0, 1). Default 0.9. */
  readonly smoothing?: number;
  /** Power floor per sample (scale-aware ε): added as N·P·ε to the bin power. Default 1e-6. */
  readonly regularization?: number;
  /** Constrained (default) or unconstrained FDAF. */
  readonly constrained?: boolean;
}

/**
 * Frequency-domain NLMS on the partitioned overlap-save filter of {@link PartitionedFdFilter}
 * (the MDF / PBFDAF update with per-bin power normalisation, SpeexDSP-style):
 * ```
 * S_k ← α·S_k + (1 − α)·|X_0[k]|²                         smoothed power of the newest block
 * E   = FFT([0_B, e])
 * W_p ← W_p + μ · C( conj(X_p) ⊙ E / (P·S_k + N·P·ε) )     C = gradient constraint (B-tap responses)
 * ```
 * Prequential: the frame's output uses the weights before the update.
 *
 * References: Soo & Pang, IEEE TASSP 38(2), 1990; Shynk, IEEE SP Magazine 9(1), 1992 (step
 * normalisation by the bin power); Valin, IEEE TASLP 15(3), 2007 and SpeexDSP `mdf.c`.
 */
export class FdNlms implements AdaptiveFilter {
  readonly kind = 'fd-nlms';
  readonly frameSize: number;
  readonly channels = 2;
  readonly filter: PartitionedFdFilter;
  stepSize: number;
  readonly smoothing: number;
  readonly regularization: number;
  readonly params: Float32Array;
  private state: PartitionedFdState;
  private readonly grad: Float32Array;
  private readonly power: Float64Array;
  private readonly scale: Float64Array;
  private frames = 0;

  constructor(options: FdNlmsOptions) {
    const c = new IssueCollector();
    c.unknownKeys(
      options,
      new Set(['blockSize', 'partitions', 'stepSize', 'smoothing', 'regularization', 'constrained']),
    );
    c.integer('blockSize', options.blockSize, 1);
    c.integer('partitions', options.partitions, 1);
    c.inRange('stepSize', options.stepSize, 0, 2);
    c.inRange('smoothing', options.smoothing, 0, 0.999999);
    c.inRange('regularization', options.regularization, 0, Number.MAX_VALUE);
    c.throwIfAny();
    this.filter = new PartitionedFdFilter({
      blockSize: options.blockSize,
      partitions: options.partitions,
      constrained: options.constrained ?? true,
    });
    this.frameSize = options.blockSize;
    this.stepSize = options.stepSize ?? 0.5;
    this.smoothing = options.smoothing ?? 0.9;
    this.regularization = options.regularization ?? 1e-6;
    this.params = new Float32Array(this.filter.layout.size);
    this.grad = new Float32Array(this.filter.layout.size);
    this.power = new Float64Array(this.filter.bins);
    this.scale = new Float64Array(this.filter.bins);
    this.state = this.filter.createState();
  }

  reset(): void {
    this.params.fill(0);
    this.power.fill(0);
    this.state = this.filter.createState();
    this.frames = 0;
  }

  process(frame: readonly Float32Array[], output: Float32Array): void {
    if (frame.length < 2) throw new ShapeError('FdNlms.process expects [primary, reference].');
    const f = this.filter;
    const st = this.state;
    f.forward(this.params, st, frame, output);
    const bins = f.bins;
    const P = f.partitions;
    const N = f.fftSize;
    const B = f.blockSize;
    const o = f.slotOffset(st, 0);
    // first frame: start the power from the block itself (no slow warm-up from zero)
    const a = this.frames === 0 ? 0 : this.smoothing;
    const floor = N * P * this.regularization;
    for (let k = 0; k < bins; k++) {
      const r = st.xRe[o + k];
      const i = st.xIm[o + k];
      this.power[k] = a * this.power[k] + (1 - a) * (r * r + i * i);
      this.scale[k] = 1 / (P * this.power[k] + floor);
    }
    this.frames++;
    f.gradientInto(st, this.grad, this.scale);
    // grad = −(c_k / (N·B)) · C(s ⊙ conj(X) ⊙ E)  ⇒  W += μ·C(…) = W − μ·N·B/c_k · grad
    const w = this.params;
    const g = this.grad;
    const im0 = f.imOffset;
    const mu = this.stepSize;
    for (let p = 0; p < P; p++) {
      const base = p * bins;
      for (let k = 0; k < bins; k++) {
        const factor = (mu * N * B) / (k === 0 || k === B ? 1 : 2);
        w[base + k] -= factor * g[base + k];
        w[im0 + base + k] -= factor * g[im0 + base + k];
      }
    }
  }
}
