import { checkLength, IssueCollector } from '../core/validate.js';
import { isPowerOfTwo } from './checks.js';
import { Fft } from './fft.js';
import { sqrtHannWindow } from './window.js';

/** Options of {@link Stft}. */
export interface StftOptions {
  /** Frame (and FFT) length N; a power of two ≥ 2. */
  readonly frameSize: number;
  /** Hop H between frames, an integer in [1, N]. Default N/2. */
  readonly hop?: number;
  /** Analysis window of length N. Default: {@link sqrtHannWindow}(N). Copied at construction. */
  readonly analysisWindow?: Float32Array;
  /** Synthesis window of length N before normalisation. Default: the analysis window. Copied. */
  readonly synthesisWindow?: Float32Array;
}

/**
 * Short-time Fourier transform with weighted overlap-add (WOLA) resynthesis, streaming one hop at
 * a time on caller-owned buffers. Allocation happens only in the constructor.
 *
 * Analysis of frame m (time samples `x[mH .. mH+N)`):  `X_m[k] = Σ_n w_a[n]·x[mH+n]·e^{-2πi kn/N}`,
 * bins k = 0..N/2.
 * Synthesis: `y[n] = Σ_m w_s'[n−mH] · IDFT(X_m)[n−mH]`, with the synthesis window normalised as
 * `w_s'[n] = w_s[n] / S[n mod H]`, `S[r] = Σ_j w_a[r+jH]·w_s[r+jH]`. Then unmodified spectra give
 * `y = x` exactly (up to rounding) for any windows whose product overlap-adds to a positive
 * function, e.g. √Hann/√Hann at 50 % overlap (S ≡ 1, no change) or Hann/rectangular at 50 %.
 *
 * Streaming: {@link Stft.analyzeNext} shifts H new samples into an internal N-sample history
 * (initially zeros) and analyses it; {@link Stft.synthesize} overlap-adds one frame and emits the
 * H samples that are complete. The output is the input delayed by `latency = N − H` samples.
 *
 * Reference: Crochiere, "A weighted overlap-add method of short-time Fourier analysis/synthesis",
 * IEEE Trans. ASSP 28(1), 1980; Allen & Rabiner, Proc. IEEE 65(11), 1977; Griffin & Lim,
 * IEEE Trans. ASSP 32(2), 1984 (least-squares window normalisation).
 */
export class Stft {
  /** Frame and FFT length N. */
  readonly frameSize: number;
  /** Hop H. */
  readonly hop: number;
  /** Number of spectrum bins, N/2 + 1. */
  readonly bins: number;
  /** Delay in samples between an input sample of {@link Stft.analyzeNext} and its resynthesis: N − H. */
  readonly latency: number;
  private readonly fft: Fft;
  private readonly analysisWin: Float64Array;
  private readonly synthesisWin: Float64Array;
  /** Last N input samples (streaming analysis). */
  private readonly history: Float64Array;
  /** Windowed frame / IFFT output scratch. */
  private readonly frame: Float64Array;
  /** Overlap-add accumulator, N samples. */
  private readonly overlap: Float64Array;

  /**
   * @throws InvalidOptionError for a bad frame size, hop or window length, or when the windows do
   *   not overlap-add to a positive function at this hop (perfect reconstruction impossible).
   */
  constructor(options: StftOptions) {
    const n = options.frameSize;
    const hop = options.hop ?? n / 2;
    const check = new IssueCollector('Stft');
    check.require(
      'frameSize',
      isPowerOfTwo(n) && n >= 2,
      `Stft: \`frameSize\` must be a power of two >= 2. Received: frameSize=${String(n)}`,
    );
    check.integer('hop', hop, 1, Number.isFinite(n) && n >= 1 ? n : 1);
    if (options.analysisWindow !== undefined && options.analysisWindow.length !== n) {
      check.require(
        'analysisWindow',
        false,
        `Stft: \`analysisWindow\` must have length frameSize=${String(n)}. Received: length ${options.analysisWindow.length}`,
      );
    }
    if (options.synthesisWindow !== undefined && options.synthesisWindow.length !== n) {
      check.require(
        'synthesisWindow',
        false,
        `Stft: \`synthesisWindow\` must have length frameSize=${String(n)}. Received: length ${options.synthesisWindow.length}`,
      );
    }
    check.throwIfAny();

    const wa = options.analysisWindow ?? sqrtHannWindow(n);
    const ws = options.synthesisWindow ?? wa;
    // S[r] = Σ_j wa[r + jH]·ws[r + jH], r = 0..H−1
    const sums = new Float64Array(hop);
    for (let i = 0; i < n; i++) sums[i % hop] += wa[i] * ws[i];
    let minSum = Number.POSITIVE_INFINITY;
    let maxSum = 0;
    for (let r = 0; r < hop; r++) {
      minSum = Math.min(minSum, sums[r]);
      maxSum = Math.max(maxSum, Math.abs(sums[r]));
    }
    const postCheck = new IssueCollector('Stft');
    postCheck.require(
      'hop',
      minSum > 1e-6 * maxSum && maxSum > 0,
      `Stft: the analysis·synthesis window product does not overlap-add to a positive function at hop=${hop} (min ${minSum}, max ${maxSum}); perfect reconstruction is impossible. Use a smaller hop or windows that overlap.`,
    );
    postCheck.throwIfAny();

    this.frameSize = n;
    this.hop = hop;
    this.bins = n / 2 + 1;
    this.latency = n - hop;
    this.fft = new Fft(n);
    this.analysisWin = Float64Array.from(wa);
    this.synthesisWin = new Float64Array(n);
    for (let i = 0; i < n; i++) this.synthesisWin[i] = ws[i] / sums[i % hop];
    this.history = new Float64Array(n);
    this.frame = new Float64Array(n);
    this.overlap = new Float64Array(n);
  }

  /**
   * Analyses one full frame: `X[k] = DFT(w_a · frame)[k]`, k = 0..N/2.
   * @param frame N time samples (not modified)
   * @param re output real parts, length N/2 + 1
   * @param im output imaginary parts, length N/2 + 1
   * @throws ShapeError on wrong lengths.
   */
  analyze(frame: Float32Array, re: Float32Array, im: Float32Array): void {
    const n = this.frameSize;
    checkLength('Stft.analyze', 'frame', frame, n);
    checkLength('Stft.analyze', 're', re, this.bins);
    checkLength('Stft.analyze', 'im', im, this.bins);
    const buf = this.frame;
    const w = this.analysisWin;
    for (let i = 0; i < n; i++) buf[i] = w[i] * frame[i];
    this.fft.realForward(buf, re, im);
  }

  /**
   * Streaming analysis: shifts H new samples into the N-sample history (zeros before the first
   * call) and analyses the history as one frame.
   * @param samples the next H input samples
   * @param re output real parts, length N/2 + 1
   * @param im output imaginary parts, length N/2 + 1
   * @throws ShapeError on wrong lengths.
   */
  analyzeNext(samples: Float32Array, re: Float32Array, im: Float32Array): void {
    const n = this.frameSize;
    const h = this.hop;
    checkLength('Stft.analyzeNext', 'samples', samples, h);
    checkLength('Stft.analyzeNext', 're', re, this.bins);
    checkLength('Stft.analyzeNext', 'im', im, this.bins);
    const hist = this.history;
    hist.copyWithin(0, h);
    const keep = n - h;
    for (let i = 0; i < h; i++) hist[keep + i] = samples[i];
    const buf = this.frame;
    const w = this.analysisWin;
    for (let i = 0; i < n; i++) buf[i] = w[i] * hist[i];
    this.fft.realForward(buf, re, im);
  }

  /**
   * Overlap-adds one frame (`w_s' · IDFT(X)`) and writes the H samples that are now complete.
   * Frames must be passed in order, one per hop.
   * @param re bin real parts, length N/2 + 1 (not modified)
   * @param im bin imaginary parts, length N/2 + 1 (im[0], im[N/2] ignored)
   * @param output H output samples (overwritten)
   * @throws ShapeError on wrong lengths.
   */
  synthesize(re: Float32Array, im: Float32Array, output: Float32Array): void {
    const n = this.frameSize;
    const h = this.hop;
    checkLength('Stft.synthesize', 're', re, this.bins);
    checkLength('Stft.synthesize', 'im', im, this.bins);
    checkLength('Stft.synthesize', 'output', output, h);
    const buf = this.frame;
    this.fft.realInverse(re, im, buf);
    const acc = this.overlap;
    const w = this.synthesisWin;
    for (let i = 0; i < n; i++) acc[i] += w[i] * buf[i];
    for (let i = 0; i < h; i++) output[i] = acc[i];
    acc.copyWithin(0, h);
    acc.fill(0, n - h);
  }

  /** Clears the analysis history and the overlap-add accumulator (start of a new stream). */
  reset(): void {
    this.history.fill(0);
    this.overlap.fill(0);
  }
}
