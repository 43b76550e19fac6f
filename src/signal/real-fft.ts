import { bitReversal } from '../core/bit-reversal.js';
import { InvalidOptionError, ShapeError } from '../core/errors.js';

/**
 * The project's one FFT: a radix-2 real-input transform of a fixed power-of-two size N, used by
 * {@link Fft} (complex and real helpers), the STFT models, the frequency-domain filters and the
 * AudioWorklet processor (whose build includes this file). `Float64Array`-only (monomorphic),
 * per-stage twiddle tables laid out contiguously, no allocation per transform.
 *
 * Conventions (numpy.fft): forward `X[k] = Σ_n x[n]·e^{−2πi·kn/N}` unscaled, bins k = 0..N/2
 * (`X[N−k] = conj X[k]`); inverse scaled by 1/N, so `inverse(forward(x)) = x`.
 *
 * The N-point real transform is an m = N/2-point complex radix-2 decimation-in-time transform of
 * the packed sequence z[n] = x[2n] + i·x[2n+1] (Cooley & Tukey 1965), followed by the split
 * `X[k] = E[k] + W_N^k·O[k]`, `E = (Z[k] + Z*[m−k])/2`, `O = (Z[k] − Z*[m−k])/2i`
 * (Brigham, "The Fast Fourier Transform and its Applications", 1988, §9.3).
 *
 * @example
 * const fft = new RealFft(256);
 * const x = new Float64Array(256), re = new Float64Array(129), im = new Float64Array(129);
 * fft.forward(x, re, im); fft.inverse(re, im, x);
 */
export class RealFft {
  /** Transform length N. */
  readonly size: number;
  /** Bins N/2 + 1. */
  readonly bins: number;
  private readonly m: number;
  private readonly rev: Uint32Array;
  /** Per-stage twiddles cos(πj/h), j < h, stages h = 1, 2, …, m/2, concatenated (stage h at h − 1). */
  private readonly twr: Float64Array;
  /** sin(πj/h), same layout. */
  private readonly twi: Float64Array;
  /** cos(2πk/N), k = 0..N/2 (split step). */
  private readonly cosN: Float64Array;
  /** sin(2πk/N), k = 0..N/2. */
  private readonly sinN: Float64Array;
  private readonly zr: Float64Array;
  private readonly zi: Float64Array;

  /**
   * @param size N, a power of two with 2 ≤ N ≤ 2^28
   * @throws InvalidOptionError otherwise
   */
  constructor(size: number) {
    if (!Number.isInteger(size) || size < 2 || (size & (size - 1)) !== 0 || size > 2 ** 28) {
      throw new InvalidOptionError([
        { option: 'size', message: `\`size\` must be a power of two >= 2. Received: size=${String(size)}` },
      ]);
    }
    this.size = size;
    this.bins = size / 2 + 1;
    const m = size / 2;
    this.m = m;
    this.rev = bitReversal(m);
    this.twr = new Float64Array(Math.max(1, m - 1));
    this.twi = new Float64Array(Math.max(1, m - 1));
    for (let h = 1; h < m; h <<= 1) {
      for (let j = 0; j < h; j++) {
        const a = (Math.PI * j) / h;
        this.twr[h - 1 + j] = Math.cos(a);
        this.twi[h - 1 + j] = Math.sin(a);
      }
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
      const r = rev[j]!;
      zr[r] = input[2 * j]!;
      zi[r] = input[2 * j + 1]!;
    }
    this.butterflies(zr, zi, -1);
    re[0] = zr[0]! + zi[0]!;
    im[0] = 0;
    re[m] = zr[0]! - zi[0]!;
    im[m] = 0;
    for (let k = 1; k < m; k++) {
      const ar = zr[k]!;
      const ai = zi[k]!;
      const br = zr[m - k]!;
      const bi = -zi[m - k]!; // conj(Z[m−k])
      const er = 0.5 * (ar + br);
      const ei = 0.5 * (ai + bi);
      // O = (A − B) / 2i  ⇒  Or = (Ai − Bi)/2, Oi = −(Ar − Br)/2
      const or = 0.5 * (ai - bi);
      const oi = -0.5 * (ar - br);
      const wr = cosN[k]!; // W^k = cos − i·sin
      const wi = -sinN[k]!;
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
      const ar = re[k]!;
      const ai = k === 0 ? 0 : im[k]!;
      const br = re[m - k]!;
      const bi = k === 0 ? 0 : -im[m - k]!; // conj(X[m−k]); X[m] is real
      const er = 0.5 * (ar + br);
      const ei = 0.5 * (ai + bi);
      const dr = 0.5 * (ar - br);
      const di = 0.5 * (ai - bi);
      const wr = cosN[k]!; // O = D·W^{−k}, W^{−k} = cos + i·sin
      const wi = sinN[k]!;
      const or = dr * wr - di * wi;
      const oi = dr * wi + di * wr;
      const r = rev[k]!;
      zr[r] = er - oi; // Z = E + i·O
      zi[r] = ei + or;
    }
    this.butterflies(zr, zi, 1);
    const s = 1 / m;
    for (let j = 0; j < m; j++) {
      output[2 * j] = zr[j]! * s;
      output[2 * j + 1] = zi[j]! * s;
    }
  }

  /**
   * The complex core on caller buffers: in place, unscaled, `X[k] = Σ z[n]·e^{sign·2πi·kn/m}` for
   * m = N/2 points (sign −1 forward, +1 inverse). {@link Fft}'s complex transforms of size m run here.
   * @throws ShapeError when a buffer length is not N/2.
   */
  complexTransform(zr: Float64Array, zi: Float64Array, sign: -1 | 1): void {
    const { m, rev } = this;
    if (zr.length !== m || zi.length !== m) {
      throw new ShapeError(
        `RealFft.complexTransform: expected two buffers of ${m} values (size ${this.size}). Received: ${zr.length} and ${zi.length}`,
      );
    }
    for (let i = 0; i < m; i++) {
      const j = rev[i]!;
      if (j > i) {
        const tr = zr[i]!;
        zr[i] = zr[j]!;
        zr[j] = tr;
        const ti = zi[i]!;
        zi[i] = zi[j]!;
        zi[j] = ti;
      }
    }
    this.butterflies(zr, zi, sign);
  }

  /** In-place radix-2 butterflies on bit-reversed (zr, zi) of length m, kernel e^{sign·2πi·kn/m}. */
  private butterflies(zr: Float64Array, zi: Float64Array, sign: number): void {
    const { twr, twi, m } = this;
    // first stage (h = 1): twiddle 1
    for (let a = 0; a + 1 < m; a += 2) {
      const xr = zr[a + 1]!;
      const xi = zi[a + 1]!;
      zr[a + 1] = zr[a]! - xr;
      zi[a + 1] = zi[a]! - xi;
      zr[a] = zr[a]! + xr;
      zi[a] = zi[a]! + xi;
    }
    for (let h = 2; h < m; h <<= 1) {
      const len = h << 1;
      for (let j = 0; j < h; j++) {
        const wr = twr[h - 1 + j]!;
        const wi = sign * twi[h - 1 + j]!;
        for (let a = j; a < m; a += len) {
          const b = a + h;
          const xr = zr[b]!;
          const xi = zi[b]!;
          const tr = wr * xr - wi * xi;
          const ti = wr * xi + wi * xr;
          zr[b] = zr[a]! - tr;
          zi[b] = zi[a]! - ti;
          zr[a] = zr[a]! + tr;
          zi[a] = zi[a]! + ti;
        }
      }
    }
  }

  private shapeError(fn: string): never {
    throw new ShapeError(
      `RealFft.${fn}: expected ${this.size} samples and spectra of at least ${this.bins} bins (size ${this.size}).`,
    );
  }
}
