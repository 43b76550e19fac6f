import { InvalidOptionError, ShapeError } from '../../src/core/errors.js';
import { createLayout, type ParamLayout } from '../../src/core/param-layout.js';
import { IssueCollector } from '../../src/core/validate.js';
import type { AdaptiveModel } from '../../src/models/adaptive-model.js';
import type { PartitionedFdFilterOptions } from '../../src/models/partitioned-fd-filter.js';

// The frequency-domain filter as it was before the SIMD kernels (float64 JS loops and a float64
// real FFT), frozen here as the benchmark's baseline row. Not used by the library.

/**
 * Real-input FFT of a fixed power-of-two size N for hot paths (the frequency-domain filters):
 * `Float64Array`-only (monomorphic), per-stage twiddle tables laid out contiguously, no allocation
 * per transform. Same conventions as `signal/fft.ts` (numpy): forward unscaled, bins k = 0..N/2,
 * inverse scaled by 1/N, so `inverse(forward(x)) = x`.
 *
 * The N-point real transform is an N/2-point complex radix-2 transform of the packed sequence
 * z[n] = x[2n] + i·x[2n+1] followed by the split X[k] = E[k] + W_N^k·O[k] (Brigham 1988, §9.3).
 *
 * @example
 * const fft = new RealFft(256);
 * const x = new Float64Array(256), re = new Float64Array(129), im = new Float64Array(129);
 * fft.forward(x, re, im); fft.inverse(re, im, x);
 */
class RealFft64 {
  /** Transform length N. */
  readonly size: number;
  /** Bins N/2 + 1. */
  readonly bins: number;
  private readonly m: number;
  private readonly rev: Uint32Array;
  /** Per-stage twiddles cos(2πj/len), j < len/2, stages len = 2, 4, …, N/2, concatenated. */
  private readonly twr: Float64Array;
  /** sin(2πj/len), same layout. */
  private readonly twi: Float64Array;
  /** cos(2πk/N), k = 0..N/2 (split step). */
  private readonly cosN: Float64Array;
  /** sin(2πk/N), k = 0..N/2. */
  private readonly sinN: Float64Array;
  private readonly zr: Float64Array;
  private readonly zi: Float64Array;

  constructor(size: number) {
    if (!Number.isInteger(size) || size < 2 || (size & (size - 1)) !== 0 || size > 2 ** 28) {
      throw new RangeError(`size must be a power of two >= 2, received ${size}`);
    }
    this.size = size;
    this.bins = size / 2 + 1;
    const m = size / 2;
    this.m = m;
    this.rev = new Uint32Array(m);
    let bits = 0;
    while (1 << bits < m) bits++;
    for (let i = 0; i < m; i++) {
      let r = 0;
      let v = i;
      for (let b = 0; b < bits; b++) {
        r = (r << 1) | (v & 1);
        v >>= 1;
      }
      this.rev[i] = r;
    }
    this.twr = new Float64Array(Math.max(1, m - 1));
    this.twi = new Float64Array(Math.max(1, m - 1));
    let off = 0;
    for (let half = 1; half < m; half <<= 1) {
      for (let j = 0; j < half; j++) {
        const a = (Math.PI * j) / half;
        this.twr[off + j] = Math.cos(a);
        this.twi[off + j] = Math.sin(a);
      }
      off += half;
    }
    this.cosN = new Float64Array(m + 1);
    this.sinN = new Float64Array(m + 1);
    for (let k = 0; k <= m; k++) {
      const a = (2 * Math.PI * k) / size;
      this.cosN[k] = Math.cos(a);
      this.sinN[k] = Math.sin(a);
    }
    this.zr = new Float64Array(m);
    this.zi = new Float64Array(m);
  }

  /**
   * Forward transform of N real samples into bins 0..N/2 (`im[0] = im[N/2] = 0`).
   * @throws ShapeError on a wrong input length or too-short outputs.
   */
  forward(input: Float64Array, re: Float64Array, im: Float64Array): void {
    const m = this.m;
    if (input.length !== this.size || re.length < m + 1 || im.length < m + 1) this.shapeError('forward');
    const { zr, zi, rev, cosN, sinN } = this;
    for (let j = 0; j < m; j++) {
      const r = rev[j];
      zr[r] = input[2 * j];
      zi[r] = input[2 * j + 1];
    }
    this.butterflies(-1);
    re[0] = zr[0] + zi[0];
    im[0] = 0;
    re[m] = zr[0] - zi[0];
    im[m] = 0;
    for (let k = 1; k < m; k++) {
      const ar = zr[k];
      const ai = zi[k];
      const br = zr[m - k];
      const bi = -zi[m - k];
      const er = 0.5 * (ar + br);
      const ei = 0.5 * (ai + bi);
      const or = 0.5 * (ai - bi);
      const oi = -0.5 * (ar - br);
      const wr = cosN[k];
      const wi = -sinN[k];
      re[k] = er + (wr * or - wi * oi);
      im[k] = ei + (wr * oi + wi * or);
    }
  }

  /**
   * Inverse of {@link forward}: N real samples from bins 0..N/2 (Hermitian; `im[0]`, `im[N/2]`
   * ignored), scaled by 1/N.
   * @throws ShapeError on too-short spectra or a wrong output length.
   */
  inverse(re: Float64Array, im: Float64Array, output: Float64Array): void {
    const m = this.m;
    if (output.length !== this.size || re.length < m + 1 || im.length < m + 1) this.shapeError('inverse');
    const { zr, zi, rev, cosN, sinN } = this;
    for (let k = 0; k < m; k++) {
      const ar = re[k];
      const ai = k === 0 ? 0 : im[k];
      const br = re[m - k];
      const bi = k === 0 ? 0 : -im[m - k];
      const er = 0.5 * (ar + br);
      const ei = 0.5 * (ai + bi);
      const dr = 0.5 * (ar - br);
      const di = 0.5 * (ai - bi);
      const wr = cosN[k];
      const wi = sinN[k];
      const or = dr * wr - di * wi;
      const oi = dr * wi + di * wr;
      const r = rev[k];
      zr[r] = er - oi;
      zi[r] = ei + or;
    }
    this.butterflies(1);
    const s = 1 / m;
    for (let j = 0; j < m; j++) {
      output[2 * j] = zr[j] * s;
      output[2 * j + 1] = zi[j] * s;
    }
  }

  /** In-place radix-2 butterflies on the bit-reversed (zr, zi), kernel e^{sign·2πi·kn/m}. */
  private butterflies(sign: number): void {
    const { zr, zi, twr, twi, m } = this;
    // first stage (len 2): twiddle 1
    for (let a = 0; a + 1 < m; a += 2) {
      const xr = zr[a + 1];
      const xi = zi[a + 1];
      zr[a + 1] = zr[a] - xr;
      zi[a + 1] = zi[a] - xi;
      zr[a] += xr;
      zi[a] += xi;
    }
    let off = 1;
    for (let half = 2; half < m; half <<= 1) {
      const len = half << 1;
      for (let j = 0; j < half; j++) {
        const wr = twr[off + j];
        const wi = sign * twi[off + j];
        for (let a = j; a < m; a += len) {
          const b = a + half;
          const xr = zr[b];
          const xi = zi[b];
          const tr = wr * xr - wi * xi;
          const ti = wr * xi + wi * xr;
          zr[b] = zr[a] - tr;
          zi[b] = zi[a] - ti;
          zr[a] += tr;
          zi[a] += ti;
        }
      }
      off += half;
    }
  }

  private shapeError(fn: string): never {
    throw new RangeError(
      `RealFft64.${fn}: expected ${this.size} samples and spectra of at least ${this.bins} bins (size ${this.size}).`,
    );
  }
}

/** PBFDAF state: the previous input block and the ring of the last P input spectra. */
type LegacyFdState = {
  /** Previous B reference samples (first half of the overlap-save window). */
  xPrev: Float64Array;
  /** Real parts of the last P input spectra, P × (B + 1), slot-major. */
  xRe: Float64Array;
  /** Imaginary parts, same layout. */
  xIm: Float64Array;
  /** Ring slot of the newest spectrum. */
  head: number;
  frames: number;
};

/**
 * Partitioned-block frequency-domain adaptive filter (PBFDAF / multidelay filter, overlap-save),
 * block B, P partitions, FFT size N = 2B, taps L = P·B. Frame = [primary d, reference x].
 * ```
 * X_p  = FFT([x_{b−p−1}, x_{b−p}])                     spectra of the last P two-block windows
 * y    = last B samples of IFFT( Σ_p W_p ⊙ X_p )       e = d − y
 * loss = (1/2B) Σ_n e[n]²
 * G    = FFT([0_B, −e/B])                              (∂loss/∂y, zero-padded in front)
 * Φ_p  = conj(X_p) ⊙ G                                  per-bin cross-spectrum
 * constrained:  Φ_p ← FFT(first B samples of IFFT(Φ_p), rest 0)      (gradient constraint)
 * ∂loss/∂Re W_p[k] = c_k/N · Re Φ_p[k],   ∂loss/∂Im W_p[k] = c_k/N · Im Φ_p[k]
 * c_k = 1 at DC and Nyquist, 2 otherwise (the Hermitian half-spectrum parameterisation)
 * ```
 * The parameters are the complex weights W_p[k], k = 0..B (real-input half spectrum), stored as two
 * groups `pfd/re` and `pfd/im` of shape [P, B+1]. Because each coordinate is one bin of one
 * partition, an optimizer's per-coordinate normalisation (Adamax's `u`) is a per-bin step size,
 * the structure of the Speex MDF / AEC3 normalised updates. The imaginary parts at DC and Nyquist
 * have no effect (gradient 0).
 *
 * With the weights on the constrained subspace (see {@link constrain}), the output is exactly that
 * of the P·B-tap time-domain FIR `h[pB + j] = IFFT(W_p)[j]`, j < B.
 *
 * References: Soo & Pang, "Multidelay block frequency domain adaptive filter", IEEE TASSP 38(2), 1990;
 * Shynk, "Frequency-domain and multirate adaptive filtering", IEEE SP Magazine 9(1), 1992;
 * Valin, "On adjusting the learning rate in frequency domain echo cancellation with double-talk",
 * IEEE TASLP 15(3), 2007 (SpeexDSP `mdf.c`, AUMDF alternating constraint).
 *
 * @example
 * const pfd = new PartitionedFdFilter({ blockSize: 64, partitions: 8 }); // 512 taps
 * const loss = pfd.step(params, pfd.createState(), [primary, reference], cleaned, grad);
 * pfd.constrain(params); // after the optimizer update
 */
export class LegacyFdFilter implements AdaptiveModel<LegacyFdState> {
  readonly kind = 'pbfdaf-f64-legacy';
  readonly layout: ParamLayout;
  readonly frameSize: number;
  readonly channels = 2;
  readonly blockSize: number;
  readonly partitions: number;
  readonly taps: number;
  readonly fftSize: number;
  /** Bins per partition, B + 1. */
  readonly bins: number;
  readonly constrained: boolean;
  readonly projectGradient: boolean;
  readonly output: 'error' | 'prediction';
  /** Offset of the imaginary group in the flat buffer (= P·(B+1)). */
  readonly imOffset: number;
  private readonly fft: RealFft64;
  private readonly buf: Float64Array;
  private readonly re: Float64Array;
  private readonly im: Float64Array;
  private readonly gRe: Float64Array;
  private readonly gIm: Float64Array;
  private readonly e: Float64Array;
  /** Loss of the last {@link gradient} (also returned); read it after {@link learn}, which returns nothing. */
  readonly lastLoss = new Float64Array(1);

  constructor(options: PartitionedFdFilterOptions) {
    const c = new IssueCollector();
    c.unknownKeys(options, new Set(['blockSize', 'partitions', 'constrained', 'projectGradient', 'output']));
    c.integer('blockSize', options.blockSize, 1);
    c.integer('partitions', options.partitions, 1);
    const b = options.blockSize;
    if (Number.isInteger(b) && b >= 1 && (b & (b - 1)) !== 0) {
      c.add('blockSize', `\`blockSize\` must be a power of two. Received: blockSize=${b}`);
    }
    c.boolean('constrained', options.constrained);
    c.boolean('projectGradient', options.projectGradient);
    if (options.output !== undefined && options.output !== 'error' && options.output !== 'prediction') {
      c.add('output', `\`output\` must be 'error' or 'prediction'. Received: output=${String(options.output)}`);
    }
    c.throwIfAny();
    this.blockSize = b;
    this.frameSize = b;
    this.partitions = options.partitions;
    this.taps = b * this.partitions;
    this.fftSize = 2 * b;
    this.bins = b + 1;
    this.constrained = options.constrained ?? true;
    this.projectGradient = this.constrained && (options.projectGradient ?? true);
    this.output = options.output ?? 'error';
    const size = this.partitions * this.bins;
    this.imOffset = size;
    this.layout = createLayout([
      { name: 'pfd/re', shape: [this.partitions, this.bins] },
      { name: 'pfd/im', shape: [this.partitions, this.bins] },
    ]);
    this.fft = new RealFft64(this.fftSize);
    this.buf = new Float64Array(this.fftSize);
    this.re = new Float64Array(this.bins);
    this.im = new Float64Array(this.bins);
    this.gRe = new Float64Array(this.bins);
    this.gIm = new Float64Array(this.bins);
    this.e = new Float64Array(b);
  }

  initParams(params: Float32Array): void {
    params.fill(0, 0, this.layout.size);
  }

  createState(): LegacyFdState {
    const n = this.partitions * this.bins;
    return {
      xPrev: new Float64Array(this.blockSize),
      xRe: new Float64Array(n),
      xIm: new Float64Array(n),
      head: 0,
      frames: 0,
    };
  }

  /** Ring offset of the spectrum of partition p (p blocks old) in the state arrays. */
  slotOffset(state: LegacyFdState, p: number): number {
    const P = this.partitions;
    return ((state.head - p + P) % P) * this.bins;
  }

  /** The error e = d − y of the last {@link forward}/{@link step} (model scratch, length B). */
  get lastError(): Float64Array {
    return this.e;
  }

  forward(params: Float32Array, state: LegacyFdState, frame: readonly Float32Array[], output: Float32Array): void {
    if (frame.length < 2) {
      throw new ShapeError(
        `PartitionedFdFilter expects 2 channels per frame (primary, reference). Received ${frame.length}.`,
      );
    }
    const d = frame[0];
    const x = frame[1];
    const B = this.blockSize;
    if (d.length !== B || x.length !== B || output.length !== B) {
      throw new ShapeError(
        `PartitionedFdFilter frame length mismatch: expected ${B} samples per channel and output; received primary ${d.length}, reference ${x.length}, output ${output.length}.`,
      );
    }
    if (params.length < this.layout.size) {
      throw new ShapeError(
        `PartitionedFdFilter params: expected length ${this.layout.size}, received ${params.length}.`,
      );
    }
    const { buf, re, im, bins } = this;
    // 1. newest input spectrum into the ring
    const xPrev = state.xPrev;
    for (let i = 0; i < B; i++) {
      buf[i] = xPrev[i];
      buf[B + i] = x[i];
      xPrev[i] = x[i];
    }
    state.head = (state.head + 1) % this.partitions;
    const o0 = state.head * bins;
    this.fft.forward(buf, re, im);
    const xRe = state.xRe;
    const xIm = state.xIm;
    for (let k = 0; k < bins; k++) {
      xRe[o0 + k] = re[k];
      xIm[o0 + k] = im[k];
    }
    this.predict(params, state, d, output, true);
    state.frames++;
  }

  /**
   * Output of the current frame for other weights, reusing the input spectra the last
   * {@link forward}/{@link step} pushed into `state` (no input FFT): e.g. the EMA weights' output
   * next to the raw weights' learning pass. Leaves {@link lastError} (the learning pass's error)
   * untouched.
   */
  forwardSameInput(
    params: Float32Array,
    state: LegacyFdState,
    frame: readonly Float32Array[],
    output: Float32Array,
  ): void {
    const B = this.blockSize;
    if (frame.length < 2 || frame[0].length !== B || output.length !== B || params.length < this.layout.size) {
      throw new ShapeError(
        `PartitionedFdFilter.forwardSameInput expects [primary, reference] of ${B} samples, an output of ${B} and ${this.layout.size} params.`,
      );
    }
    this.predict(params, state, frame[0], output, false);
  }

  /** Y = Σ_p W_p ⊙ X_p → y (last B samples of the IFFT) → output (error or prediction). */
  private predict(
    params: Float32Array,
    state: LegacyFdState,
    d: Float32Array,
    output: Float32Array,
    keepError: boolean,
  ): void {
    const { buf, re, im, bins, partitions: P, imOffset } = this;
    const B = this.blockSize;
    const xRe = state.xRe;
    const xIm = state.xIm;
    for (let k = 0; k < bins; k++) {
      re[k] = 0;
      im[k] = 0;
    }
    for (let p = 0; p < P; p++) {
      const s = this.slotOffset(state, p);
      const w = p * bins;
      for (let k = 0; k < bins; k++) {
        const wr = params[w + k];
        const wi = params[imOffset + w + k];
        const ar = xRe[s + k];
        const ai = xIm[s + k];
        re[k] += wr * ar - wi * ai;
        im[k] += wr * ai + wi * ar;
      }
    }
    this.fft.inverse(re, im, buf);
    const e = this.e;
    const asError = this.output === 'error';
    for (let i = 0; i < B; i++) {
      const y = buf[B + i];
      const err = d[i] - y;
      if (keepError) e[i] = err;
      output[i] = asError ? err : y;
    }
  }

  step(
    params: Float32Array,
    state: LegacyFdState,
    frame: readonly Float32Array[],
    output: Float32Array,
    grad: Float32Array,
  ): number {
    this.forward(params, state, frame, output);
    return this.gradient(state, grad, null);
  }

  /**
   * {@link step} without a return value: the loss goes to {@link lastLoss}. A hot loop calling this
   * never boxes a double return value (no per-frame heap allocation).
   */
  learn(
    params: Float32Array,
    state: LegacyFdState,
    frame: readonly Float32Array[],
    output: Float32Array,
    grad: Float32Array,
  ): void {
    this.forward(params, state, frame, output);
    this.gradientInto(state, grad, null);
  }

  /**
   * Gradient of the last frame's loss (after {@link forward}) into `grad`, optionally with a
   * per-bin real factor s_k applied to Φ_p before the constraint (FD-NLMS uses s_k = 1/power_k).
   * Returns the loss (1/2B) Σ e².
   */
  gradient(state: LegacyFdState, grad: Float32Array, binScale: Float64Array | null): number {
    this.gradientInto(state, grad, binScale);
    return this.lastLoss[0];
  }

  /** {@link gradient} without a return value (the loss goes to {@link lastLoss}; no boxed double). */
  gradientInto(state: LegacyFdState, grad: Float32Array, binScale: Float64Array | null): void {
    const { buf, re, im, gRe, gIm, bins, partitions: P, imOffset, e } = this;
    const B = this.blockSize;
    const N = this.fftSize;
    if (grad.length < this.layout.size) {
      throw new ShapeError(`PartitionedFdFilter grad: expected length ${this.layout.size}, received ${grad.length}.`);
    }
    let loss = 0;
    const inv = 1 / B;
    for (let i = 0; i < B; i++) {
      buf[i] = 0;
      buf[B + i] = -e[i] * inv;
      loss += e[i] * e[i];
    }
    this.fft.forward(buf, gRe, gIm);
    const xRe = state.xRe;
    const xIm = state.xIm;
    const scale = 1 / N;
    for (let p = 0; p < P; p++) {
      const s = this.slotOffset(state, p);
      for (let k = 0; k < bins; k++) {
        const ar = xRe[s + k];
        const ai = xIm[s + k];
        const f = binScale === null ? 1 : binScale[k];
        re[k] = (ar * gRe[k] + ai * gIm[k]) * f;
        im[k] = (ar * gIm[k] - ai * gRe[k]) * f;
      }
      if (this.projectGradient) this.project(re, im);
      const w = p * bins;
      for (let k = 0; k < bins; k++) {
        const ck = k === 0 || k === B ? scale : 2 * scale;
        grad[w + k] = ck * re[k];
        grad[imOffset + w + k] = k === 0 || k === B ? 0 : ck * im[k];
      }
    }
    this.lastLoss[0] = (0.5 * loss) / B;
  }

  /** In place: spectrum → IFFT → zero samples B..N−1 → FFT (projection onto B-tap responses). */
  private project(re: Float64Array, im: Float64Array): void {
    const buf = this.buf;
    const B = this.blockSize;
    this.fft.inverse(re, im, buf);
    buf.fill(0, B);
    this.fft.forward(buf, re, im);
  }

  /**
   * Projects the weights onto the constrained subspace in place: each partition's time-domain
   * response keeps its first B samples (the "weight constraint" of constrained FDAF / MDF).
   * `partition` = −1 (default) projects all partitions; k ≥ 0 projects partition k only (the
   * alternately-updated MDF uses k = block index mod P). No-op for an unconstrained filter.
   */
  constrain(params: Float32Array, partition = -1): void {
    if (!this.constrained) return;
    const { re, im, bins, imOffset } = this;
    const from = Math.max(partition, 0);
    const to = partition < 0 ? this.partitions : partition + 1;
    for (let p = from; p < to; p++) {
      const w = p * bins;
      for (let k = 0; k < bins; k++) {
        re[k] = params[w + k];
        im[k] = params[imOffset + w + k];
      }
      this.project(re, im);
      for (let k = 0; k < bins; k++) {
        params[w + k] = re[k];
        params[imOffset + w + k] = im[k];
      }
    }
  }

  /** Writes the weights of a P·B-tap FIR `taps` into `params` (exactly constrained). */
  setImpulseResponse(params: Float32Array, taps: ArrayLike<number>): void {
    if (taps.length > this.taps) {
      throw new InvalidOptionError([
        { option: 'taps', message: `Impulse response longer than the filter: ${taps.length} > ${this.taps} taps.` },
      ]);
    }
    const { buf, re, im, bins, imOffset } = this;
    const B = this.blockSize;
    for (let p = 0; p < this.partitions; p++) {
      buf.fill(0);
      for (let j = 0; j < B; j++) {
        const n = p * B + j;
        buf[j] = n < taps.length ? taps[n] : 0;
      }
      this.fft.forward(buf, re, im);
      for (let k = 0; k < bins; k++) {
        params[p * bins + k] = re[k];
        params[imOffset + p * bins + k] = k === 0 || k === B ? 0 : im[k];
      }
    }
  }

  /** Reads the P·B-tap time-domain impulse response of the (constrained part of the) weights. */
  impulseResponse(params: Float32Array, out: Float32Array = new Float32Array(this.taps)): Float32Array {
    const { buf, re, im, bins, imOffset } = this;
    const B = this.blockSize;
    for (let p = 0; p < this.partitions; p++) {
      for (let k = 0; k < bins; k++) {
        re[k] = params[p * bins + k];
        im[k] = params[imOffset + p * bins + k];
      }
      this.fft.inverse(re, im, buf);
      for (let j = 0; j < B; j++) out[p * B + j] = buf[j];
    }
    return out;
  }
}
