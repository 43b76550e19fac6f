import { InvalidOptionError, ShapeError } from '../core/errors.js';

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
export class RealFft {
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
      throw new InvalidOptionError([
        { option: 'size', message: `\`size\` must be a power of two >= 2. Received: size=${String(size)}` },
      ]);
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
    throw new ShapeError(
      `RealFft.${fn}: expected ${this.size} samples and spectra of at least ${this.bins} bins (size ${this.size}).`,
    );
  }
}
