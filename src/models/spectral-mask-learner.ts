import { ShapeError } from '../core/errors.js';
import { createLayout, type ParamLayout } from '../core/param-layout.js';
import { IssueCollector } from '../core/validate.js';
import { Fft } from '../signal/fft.js';
import { wolaFrame } from '../signal/wola-frame.js';
import { wolaWindows } from '../signal/wola-windows.js';
import type { AdaptiveModel } from './adaptive-model.js';

/** Options of {@link SpectralMaskLearner}. */
export interface SpectralMaskLearnerOptions {
  /** STFT length N (power of two ≥ 16); hop N/2 = the model's frame size. Default 512. */
  readonly fftSize?: number;
  /** Time constant, in frames, of the running mean of the log power used as the feature origin. Default 100. */
  readonly featureFrames?: number;
  /** Initial mask bias a₀ (mask σ(a₀) before learning). Default 2 (≈ 0.88). */
  readonly initialBias?: number;
}

/** Per-stream state of {@link SpectralMaskLearner}. */
export type SpectralMaskState = {
  /** Last N noisy samples. */
  noisyHistory: Float32Array;
  /** Last N clean-target samples. */
  cleanHistory: Float32Array;
  /** Overlap-add accumulator of the output (N samples). */
  overlap: Float64Array;
  /** Running mean of the log power per bin (feature origin). */
  meanLog: Float64Array;
  /** Frames processed so far. */
  frames: number;
};

/**
 * Supervised spectral-mask learner for replaying datasets with clean targets: a per-bin logistic
 * mask on a log-power feature, trained online (e.g. by Adamax) on (noisy, clean) frame pairs.
 *
 * √Hann STFT with N-sample frames and hop H = N/2 (WOLA). For frame t and bin k:
 * ```
 * f_k = ln(|X_k|² / Σw² + 10⁻¹⁰) − μ_k          μ_k: running mean of the log power (state, 1/T per frame)
 * m_k = σ(a_k + c_k · f_k)                       σ(z) = 1 / (1 + e^{−z})
 * Ŝ_k = m_k · X_k                                (output: inverse STFT of Ŝ, overlap-add)
 * loss = Σ_k (m_k |X_k| − |S_k|)² / (Σ_k |X_k|² + ε)
 * ∂loss/∂a_k = 2 (m_k|X_k| − |S_k|) |X_k| m_k (1 − m_k) / Z,   ∂loss/∂c_k = ∂loss/∂a_k · f_k
 * ```
 * with Z = Σ|X|² + ε the per-frame normaliser (every frame counts alike, loud or quiet).
 * The magnitude loss is the "phase-insensitive" mask target of Erdogan et al. (ICASSP 2015)
 * restricted to a per-bin logistic model, small enough to learn in real time.
 *
 * Frames: channel 0 = noisy input, channel 1 = clean target, both H samples; output H samples,
 * the input delayed by N − H. Prequential: the output uses the mask before the frame's update.
 * Parameters: `mask/bias` (K = N/2 + 1) and `mask/slope` (K).
 *
 * References: Erdogan, Hershey, Watanabe & Le Roux, "Phase-sensitive and recognition-boosted
 * speech separation using deep recurrent neural networks", ICASSP 2015; Wang, Narayanan & Wang,
 * "On training targets for supervised speech separation", IEEE/ACM TASLP 22(12), 2014.
 *
 * @example
 * const model = new SpectralMaskLearner({ fftSize: 512 });
 * const core = new Adamax({ learningRate: 0.01 }).buildFlat(model.layout);
 * model.initParams(core.params);
 * const st = model.createState();
 * model.step(core.params, st, [noisyHop, cleanHop], out, core.grads); core.step();
 */
export class SpectralMaskLearner implements AdaptiveModel<SpectralMaskState> {
  readonly kind = 'spectral-mask';
  readonly layout: ParamLayout;
  readonly frameSize: number;
  readonly channels = 2;
  readonly fftSize: number;
  readonly bins: number;
  /** Delay N − H between input and output samples. */
  readonly latency: number;
  readonly featureFrames: number;
  readonly initialBias: number;

  private readonly fft: Fft;
  private readonly window: Float64Array;
  private readonly synthesisWindow: Float64Array;
  private readonly invWindowPower: number;
  private readonly buf: Float64Array;
  private readonly re: Float64Array;
  private readonly im: Float64Array;
  private readonly cre: Float64Array;
  private readonly cim: Float64Array;
  private readonly mag: Float64Array;
  private readonly cleanMag: Float64Array;
  private readonly feature: Float64Array;
  private readonly mask: Float64Array;

  constructor(options: SpectralMaskLearnerOptions = {}) {
    const c = new IssueCollector();
    c.unknownKeys(options, new Set(['fftSize', 'featureFrames', 'initialBias']));
    const n = options.fftSize ?? 512;
    if (!(Number.isInteger(n) && n >= 16 && (n & (n - 1)) === 0)) {
      c.add('fftSize', `\`fftSize\` must be a power of two >= 16. Received: fftSize=${String(n)}`);
    }
    c.inRange('featureFrames', options.featureFrames, 1, 1e6);
    c.inRange('initialBias', options.initialBias, -20, 20);
    c.throwIfAny();
    this.fftSize = n;
    this.frameSize = n / 2;
    this.bins = n / 2 + 1;
    this.latency = n - this.frameSize;
    this.featureFrames = options.featureFrames ?? 100;
    this.initialBias = options.initialBias ?? 2;
    this.layout = createLayout([
      { name: 'mask/bias', length: this.bins },
      { name: 'mask/slope', length: this.bins },
    ]);
    this.fft = new Fft(n);
    // WOLA windows (≡ √Hann at 50 % overlap, kept general) and the window power normaliser.
    const wola = wolaWindows(n, this.frameSize);
    this.window = wola.analysis;
    this.synthesisWindow = wola.synthesis;
    this.invWindowPower = wola.invWindowPower;
    this.buf = new Float64Array(n);
    this.re = new Float64Array(this.bins);
    this.im = new Float64Array(this.bins);
    this.cre = new Float64Array(this.bins);
    this.cim = new Float64Array(this.bins);
    this.mag = new Float64Array(this.bins);
    this.cleanMag = new Float64Array(this.bins);
    this.feature = new Float64Array(this.bins);
    this.mask = new Float64Array(this.bins);
  }

  /** a_k = initialBias, c_k = 0. */
  initParams(params: Float32Array): void {
    params.fill(this.initialBias, 0, this.bins);
    params.fill(0, this.bins, 2 * this.bins);
  }

  createState(): SpectralMaskState {
    return {
      noisyHistory: new Float32Array(this.fftSize),
      cleanHistory: new Float32Array(this.fftSize),
      overlap: new Float64Array(this.fftSize),
      meanLog: new Float64Array(this.bins),
      frames: 0,
    };
  }

  private analyze(history: Float32Array, x: Float32Array, re: Float64Array, im: Float64Array): void {
    wolaFrame.analyze(history, x, this.window, this.buf);
    this.fft.realForward(this.buf, re, im);
  }

  private check(params: Float32Array, frame: readonly Float32Array[], output: Float32Array, needClean: boolean): void {
    if (frame.length < (needClean ? 2 : 1)) {
      throw new ShapeError(
        `SpectralMaskLearner expects ${needClean ? 2 : 1} channel(s) per frame (noisy, clean). Received ${frame.length}.`,
      );
    }
    const h = this.frameSize;
    const bad = frame[0]!.length !== h || output.length !== h || (needClean && frame[1]!.length !== h);
    if (bad) {
      throw new ShapeError(
        `SpectralMaskLearner frame length mismatch: expected ${h} samples per channel and output; received ${frame.map((f) => f.length).join(', ')} and output ${output.length}.`,
      );
    }
    if (params.length < this.layout.size) {
      throw new ShapeError(`SpectralMaskLearner expects ${this.layout.size} parameters. Received ${params.length}.`);
    }
  }

  /** Analysis, features and mask for the noisy channel; writes the output hop. */
  private run(params: Float32Array, state: SpectralMaskState, noisy: Float32Array, output: Float32Array): void {
    const { bins: k, re, im, mag, feature, mask, buf } = this;
    this.analyze(state.noisyHistory, noisy, re, im);
    const mean = state.meanLog;
    const rate = state.frames === 0 ? 1 : 1 / this.featureFrames;
    for (let j = 0; j < k; j++) {
      const p = re[j]! * re[j]! + im[j]! * im[j]!;
      mag[j] = Math.sqrt(p);
      const y = Math.log(p * this.invWindowPower + 1e-10);
      mean[j] = mean[j]! + rate * (y - mean[j]!);
      const f = y - mean[j]!;
      feature[j] = f;
      const z = params[j]! + params[k + j]! * f;
      const m = 1 / (1 + Math.exp(-z));
      mask[j] = m;
      re[j] = re[j]! * m;
      im[j] = im[j]! * m;
    }
    this.fft.realInverse(re, im, buf);
    wolaFrame.synthesize(buf, this.synthesisWindow, state.overlap, output);
    state.frames++;
  }

  forward(params: Float32Array, state: SpectralMaskState, frame: readonly Float32Array[], output: Float32Array): void {
    this.check(params, frame, output, false);
    this.run(params, state, frame[0]!, output);
    // keep the clean history in step when a target is present (so step/forward can be mixed)
    if (frame.length > 1 && frame[1]!.length === this.frameSize) {
      const hist = state.cleanHistory;
      hist.copyWithin(0, this.frameSize);
      hist.set(frame[1]!, this.fftSize - this.frameSize);
    }
  }

  step(
    params: Float32Array,
    state: SpectralMaskState,
    frame: readonly Float32Array[],
    output: Float32Array,
    grad: Float32Array,
  ): number {
    this.check(params, frame, output, true);
    this.run(params, state, frame[0]!, output);
    const { bins: k, cre, cim, mag, cleanMag, feature, mask } = this;
    this.analyze(state.cleanHistory, frame[1]!, cre, cim);
    let z = 1e-12;
    for (let j = 0; j < k; j++) {
      cleanMag[j] = Math.sqrt(cre[j]! * cre[j]! + cim[j]! * cim[j]!);
      z += mag[j]! * mag[j]!;
    }
    const inv = 1 / z;
    let loss = 0;
    for (let j = 0; j < k; j++) {
      const m = mask[j]!;
      const e = m * mag[j]! - cleanMag[j]!;
      loss += e * e;
      const ga = 2 * e * mag[j]! * m * (1 - m) * inv;
      grad[j] = ga;
      grad[k + j] = ga * feature[j]!;
    }
    return loss * inv;
  }
}
