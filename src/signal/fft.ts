import { checkLength, checkMinLength, isPowerOfTwo, OptionChecker } from './checks.js';

/** The two float storages the FFT accepts for spectra and scratch buffers. */
export type FloatArray = Float32Array | Float64Array;

/**
 * Iterative radix-2 decimation-in-time FFT of a fixed power-of-two size, with twiddles and
 * bit-reversal tables precomputed at construction. Every transform is in place on caller-owned
 * buffers and allocates nothing.
 *
 * Conventions (the same as numpy.fft):
 * - forward  `X[k] = Σ_{n=0}^{N-1} x[n] · e^{-2πi·kn/N}` (unscaled);
 * - inverse  `x[n] = (1/N) · Σ_{k=0}^{N-1} X[k] · e^{+2πi·kn/N}`, so `inverse(forward(x)) = x`.
 *
 * For real Float64 signals on a hot path, {@link RealFft} (./real-fft.ts) computes the same real
 * transform bit for bit, about 30 % faster (monomorphic Float64, contiguous per-stage twiddles).
 *
 * Real-input helpers use the standard "N/2-point complex FFT of the packed sequence
 * z[n] = x[2n] + i·x[2n+1]" trick, followed by the split
 * `X[k] = E[k] + W_N^k · O[k]` with `E[k] = (Z[k] + Z*[N/2−k]) / 2`, `O[k] = (Z[k] − Z*[N/2−k]) / 2i`.
 *
 * References: Cooley & Tukey (1965), "An algorithm for the machine calculation of complex Fourier
 * series", Math. Comp. 19(90); real-FFT packing: Brigham, "The Fast Fourier Transform and its
 * Applications" (1988), §9.3; Press et al., Numerical Recipes, 3rd ed., §12.3.
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
  /** cos(2πk/N), k = 0..N/2. */
  private readonly cosTable: Float64Array;
  /** sin(2πk/N), k = 0..N/2. */
  private readonly sinTable: Float64Array;
  /** Bit-reversal permutation for the N-point complex transform. */
  private readonly revFull: Uint32Array;
  /** Bit-reversal permutation for the N/2-point complex transform used by the real helpers. */
  private readonly revHalf: Uint32Array;
  /** Scratch for the packed N/2-point transform (real part). */
  private readonly zr: Float64Array;
  /** Scratch for the packed N/2-point transform (imaginary part). */
  private readonly zi: Float64Array;

  /**
   * @param size transform length N; must be an integer power of two with 2 ≤ N ≤ 2^30.
   * @throws InvalidOptionError when `size` is not a power of two ≥ 2.
   */
  constructor(size: number) {
    const check = new OptionChecker('Fft');
    check.require(
      'size',
      isPowerOfTwo(size) && size >= 2,
      `Fft: \`size\` must be a power of two >= 2 (2, 4, 8, …). Received: size=${String(size)}`,
    );
    check.throwIfAny();
    this.size = size;
    this.bins = size / 2 + 1;
    const half = size / 2;
    this.cosTable = new Float64Array(half + 1);
    this.sinTable = new Float64Array(half + 1);
    for (let k = 0; k <= half; k++) {
      const a = (2 * Math.PI * k) / size;
      this.cosTable[k] = Math.cos(a);
      this.sinTable[k] = Math.sin(a);
    }
    this.revFull = bitReversal(size);
    this.revHalf = bitReversal(half);
    this.zr = new Float64Array(half);
    this.zi = new Float64Array(half);
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
    this.transform(re, im, this.size, this.revFull, 1, -1);
  }

  /**
   * In-place inverse complex DFT: `x[n] = (1/N) Σ X[k] e^{+2πi kn/N}`.
   * @param re real parts, length N (overwritten)
   * @param im imaginary parts, length N (overwritten)
   * @throws ShapeError when a buffer length is not N.
   */
  inverse(re: FloatArray, im: FloatArray): void {
    const n = this.size;
    checkLength('Fft.inverse', 're', re, n);
    checkLength('Fft.inverse', 'im', im, n);
    this.transform(re, im, n, this.revFull, 1, 1);
    const s = 1 / n;
    for (let i = 0; i < n; i++) {
      re[i] *= s;
      im[i] *= s;
    }
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
    const n = this.size;
    const m = n / 2;
    checkLength('Fft.realForward', 'input', input, n);
    checkMinLength('Fft.realForward', 're', re, m + 1);
    checkMinLength('Fft.realForward', 'im', im, m + 1);
    const zr = this.zr;
    const zi = this.zi;
    for (let j = 0; j < m; j++) {
      zr[j] = input[2 * j];
      zi[j] = input[2 * j + 1];
    }
    this.transform(zr, zi, m, this.revHalf, 2, -1);
    const cosT = this.cosTable;
    const sinT = this.sinTable;
    // k = 0 and k = N/2 use Z[0] only: X[0] = Zr + Zi, X[N/2] = Zr − Zi.
    re[0] = zr[0] + zi[0];
    im[0] = 0;
    re[m] = zr[0] - zi[0];
    im[m] = 0;
    for (let k = 1; k < m; k++) {
      const ar = zr[k];
      const ai = zi[k];
      const br = zr[m - k];
      const bi = -zi[m - k]; // conj(Z[M−k])
      const er = 0.5 * (ar + br);
      const ei = 0.5 * (ai + bi);
      // O = (A − B) / 2i  =>  Or = (Ai − Bi)/2, Oi = −(Ar − Br)/2
      const or = 0.5 * (ai - bi);
      const oi = -0.5 * (ar - br);
      // W^k = cos − i sin
      const wr = cosT[k];
      const wi = -sinT[k];
      re[k] = er + (wr * or - wi * oi);
      im[k] = ei + (wr * oi + wi * or);
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
    const n = this.size;
    const m = n / 2;
    checkMinLength('Fft.realInverse', 're', re, m + 1);
    checkMinLength('Fft.realInverse', 'im', im, m + 1);
    checkLength('Fft.realInverse', 'output', output, n);
    const zr = this.zr;
    const zi = this.zi;
    const cosT = this.cosTable;
    const sinT = this.sinTable;
    for (let k = 0; k < m; k++) {
      const ar = re[k];
      const ai = k === 0 ? 0 : im[k];
      const br = re[m - k];
      const bi = k === 0 ? 0 : -im[m - k]; // conj(X[M−k]); X[M] is real
      const er = 0.5 * (ar + br);
      const ei = 0.5 * (ai + bi);
      const dr = 0.5 * (ar - br);
      const di = 0.5 * (ai - bi);
      // O = D · W^{−k}, W^{−k} = cos + i sin
      const wr = cosT[k];
      const wi = sinT[k];
      const or = dr * wr - di * wi;
      const oi = dr * wi + di * wr;
      // Z = E + i·O
      zr[k] = er - oi;
      zi[k] = ei + or;
    }
    this.transform(zr, zi, m, this.revHalf, 2, 1);
    const s = 1 / m;
    for (let j = 0; j < m; j++) {
      output[2 * j] = zr[j] * s;
      output[2 * j + 1] = zi[j] * s;
    }
  }

  /**
   * Unscaled in-place radix-2 transform of length `n` (= N / stride) with kernel
   * e^{sign·2πi·kn/n}. Twiddle for butterfly j at stage length `len` is table index j·N/len.
   */
  private transform(re: FloatArray, im: FloatArray, n: number, rev: Uint32Array, stride: number, sign: number): void {
    for (let i = 0; i < n; i++) {
      const j = rev[i];
      if (j > i) {
        const tr = re[i];
        re[i] = re[j];
        re[j] = tr;
        const ti = im[i];
        im[i] = im[j];
        im[j] = ti;
      }
    }
    const cosT = this.cosTable;
    const sinT = this.sinTable;
    const full = n * stride;
    for (let len = 2; len <= n; len <<= 1) {
      const halfLen = len >>> 1;
      const step = full / len;
      for (let start = 0; start < n; start += len) {
        for (let j = 0; j < halfLen; j++) {
          const wr = cosT[j * step];
          const wi = sign * sinT[j * step];
          const a = start + j;
          const b = a + halfLen;
          const xr = re[b];
          const xi = im[b];
          const tr = wr * xr - wi * xi;
          const ti = wr * xi + wi * xr;
          re[b] = re[a] - tr;
          im[b] = im[a] - ti;
          re[a] += tr;
          im[a] += ti;
        }
      }
    }
  }
}

/** Bit-reversal permutation of 0..n−1 for a power-of-two n. */
function bitReversal(n: number): Uint32Array {
  const rev = new Uint32Array(n);
  let bits = 0;
  while (1 << bits < n) bits++;
  for (let i = 0; i < n; i++) {
    let r = 0;
    let v = i;
    for (let b = 0; b < bits; b++) {
      r = (r << 1) | (v & 1);
      v >>= 1;
    }
    rev[i] = r;
  }
  return rev;
}
