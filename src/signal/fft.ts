import { checkLength, checkMinLength, IssueCollector } from '../core/validate.js';
import { isPowerOfTwo } from './checks.js';
import { RealFft } from './real-fft.js';

/** The two float storages the FFT accepts for spectra and scratch buffers. */
export type FloatArray = Float32Array | Float64Array;

/**
 * Radix-2 FFT of a fixed power-of-two size N for any float storage: complex transforms and the
 * real-input helpers, all computed by the one radix-2 implementation, `RealFft` (an N-point
 * complex transform is the complex core of a 2N-point `RealFft`; the real helpers are an N-point
 * `RealFft`). Float64 buffers are transformed in place; Float32 buffers go through Float64 scratch
 * allocated at construction. Every transform allocates nothing.
 *
 * Conventions (the same as numpy.fft):
 * - forward  `X[k] = Σ_{n=0}^{N-1} x[n] · e^{-2πi·kn/N}` (unscaled);
 * - inverse  `x[n] = (1/N) · Σ_{k=0}^{N-1} X[k] · e^{+2πi·kn/N}`, so `inverse(forward(x)) = x`.
 *
 * References: Cooley & Tukey (1965), "An algorithm for the machine calculation of complex Fourier
 * series", Math. Comp. 19(90); real-FFT packing: Brigham, "The Fast Fourier Transform and its
 * Applications" (1988), §9.3.
 *
 * @example
 * const fft = new Fft(512);
 * const re = new Float64Array(512), im = new Float64Array(512);
 * re[1] = 1; fft.forward(re, im); fft.inverse(re, im);
 */
export class Fft {
  /** Transform length N (a power of two, ≥ 2). */
  readonly size: number;
  /** Number of non-redundant bins of a real transform: N/2 + 1. */
  readonly bins: number;
  /** Its complex core has N points. */
  private readonly complexCore: RealFft;
  private readonly real: RealFft;
  /** Float64 scratch for Float32 callers: N samples, and two spectra of N values. */
  private readonly x64: Float64Array;
  private readonly re64: Float64Array;
  private readonly im64: Float64Array;

  /**
   * @param size transform length N; must be an integer power of two with 2 ≤ N ≤ 2^27.
   * @throws InvalidOptionError when `size` is not a power of two ≥ 2.
   */
  constructor(size: number) {
    const check = new IssueCollector('Fft');
    check.require(
      'size',
      isPowerOfTwo(size) && size >= 2 && size <= 2 ** 27,
      `Fft: \`size\` must be a power of two >= 2 (2, 4, 8, …). Received: size=${String(size)}`,
    );
    check.throwIfAny();
    this.size = size;
    this.bins = size / 2 + 1;
    this.complexCore = new RealFft(2 * size);
    this.real = new RealFft(size);
    this.x64 = new Float64Array(size);
    this.re64 = new Float64Array(size);
    this.im64 = new Float64Array(size);
  }

  /**
   * In-place forward complex DFT: `X[k] = Σ x[n] e^{-2πi kn/N}` (unscaled).
   * @param re real parts, length N (overwritten with Re X)
   * @param im imaginary parts, length N (overwritten with Im X)
   * @throws ShapeError when a buffer length is not N.
   */
  forward(re: FloatArray, im: FloatArray): void {
    checkLength('Fft.forward', 're', re, this.size);
    checkLength('Fft.forward', 'im', im, this.size);
    this.complex(re, im, -1, 1);
  }

  /**
   * In-place inverse complex DFT: `x[n] = (1/N) Σ X[k] e^{+2πi kn/N}`.
   * @param re real parts, length N (overwritten)
   * @param im imaginary parts, length N (overwritten)
   * @throws ShapeError when a buffer length is not N.
   */
  inverse(re: FloatArray, im: FloatArray): void {
    checkLength('Fft.inverse', 're', re, this.size);
    checkLength('Fft.inverse', 'im', im, this.size);
    this.complex(re, im, 1, 1 / this.size);
  }

  /**
   * Forward DFT of a real signal, writing the non-redundant bins k = 0..N/2
   * (`X[N−k] = conj(X[k])` gives the rest). `im[0]` and `im[N/2]` are exactly 0.
   * @param input N real samples (not modified)
   * @param re output real parts; length ≥ N/2 + 1 (only the first N/2 + 1 entries are written)
   * @param im output imaginary parts; length ≥ N/2 + 1
   * @throws ShapeError on a wrong input length or too-short outputs.
   */
  realForward(input: FloatArray, re: FloatArray, im: FloatArray): void {
    const bins = this.bins;
    checkLength('Fft.realForward', 'input', input, this.size);
    checkMinLength('Fft.realForward', 're', re, bins);
    checkMinLength('Fft.realForward', 'im', im, bins);
    if (input instanceof Float64Array && re instanceof Float64Array && im instanceof Float64Array) {
      this.real.forward(input, re, im);
      return;
    }
    this.x64.set(input);
    this.real.forward(this.x64, this.re64, this.im64);
    for (let k = 0; k < bins; k++) {
      re[k] = this.re64[k]!;
      im[k] = this.im64[k]!;
    }
  }

  /**
   * Inverse of {@link Fft.realForward}: a real signal from its bins k = 0..N/2, assuming Hermitian
   * symmetry (`im[0]` and `im[N/2]` are ignored). Scaled by 1/N, so `realInverse(realForward(x)) = x`.
   * @param re bin real parts; length ≥ N/2 + 1 (not modified)
   * @param im bin imaginary parts; length ≥ N/2 + 1 (not modified)
   * @param output N real samples (overwritten)
   * @throws ShapeError on too-short spectra or a wrong output length.
   */
  realInverse(re: FloatArray, im: FloatArray, output: FloatArray): void {
    const bins = this.bins;
    checkMinLength('Fft.realInverse', 're', re, bins);
    checkMinLength('Fft.realInverse', 'im', im, bins);
    checkLength('Fft.realInverse', 'output', output, this.size);
    if (re instanceof Float64Array && im instanceof Float64Array && output instanceof Float64Array) {
      this.real.inverse(re, im, output);
      return;
    }
    for (let k = 0; k < bins; k++) {
      this.re64[k] = re[k]!;
      this.im64[k] = im[k]!;
    }
    this.real.inverse(this.re64, this.im64, this.x64);
    output.set(this.x64);
  }

  /** Complex transform of (re, im) in place, then scaled by `scale`. */
  private complex(re: FloatArray, im: FloatArray, sign: -1 | 1, scale: number): void {
    const n = this.size;
    const direct = re instanceof Float64Array && im instanceof Float64Array;
    const zr = direct ? re : this.re64;
    const zi = direct ? im : this.im64;
    if (!direct) {
      zr.set(re);
      zi.set(im);
    }
    this.complexCore.complexTransform(zr, zi, sign);
    for (let i = 0; i < n; i++) {
      re[i] = zr[i]! * scale;
      im[i] = zi[i]! * scale;
    }
  }
}
