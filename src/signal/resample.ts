import { ShapeError } from '../core/errors.js';
import { IssueCollector } from '../core/validate.js';
import { besselI0 } from './bessel-i0.js';
import { gcd } from './gcd.js';

/** Stop-band attenuation of the Kaiser-windowed sinc, in dB. */
const ATTENUATION_DB = 80;
/** Kaiser β for {@link ATTENUATION_DB} (Kaiser's formula for A > 50 dB: β = 0.1102·(A − 8.7)). */
const KAISER_BETA = 0.1102 * (ATTENUATION_DB - 8.7);
/** Pass-band edge as a fraction of the lower Nyquist frequency. */
const PASS_EDGE = 0.9;
/** Above this many polyphase phases the kernel is evaluated per output sample instead of tabulated. */
const MAX_PHASES = 4096;

/**
 * Band-limited sample-rate conversion by a Kaiser-windowed sinc (ideal interpolation followed by
 * anti-aliasing, evaluated at each output instant):
 *
 * `y[m] = Σ_k x[k] · h(m·f_in/f_out − k)`,  `h(t) = 2f_c · sinc(2f_c·t) · w_K(t / T)`,
 *
 * where t is in input samples, `sinc(u) = sin(πu)/(πu)`, `w_K(u) = I0(β√(1−u²)) / I0(β)` for |u| ≤ 1
 * (Kaiser window, β = 7.857 for 80 dB stop-band attenuation), the pass band ends at 0.9 and the stop
 * band starts at 1.0 of the lower of the two Nyquist frequencies (cut-off `f_c` at 0.95, in cycles per
 * input sample), and the half-length T follows Kaiser's estimate `L = (A − 7.95) / (14.36·Δf)`.
 * Each polyphase branch is normalised to unit DC gain. Output sample m is aligned with input time
 * `m / f_out` (no delay); samples outside the input are taken as zero.
 *
 * For integer rates with `f_out / gcd ≤ 4096` the filter is tabulated per polyphase branch; other
 * ratios (including non-integer rates) evaluate the kernel directly, which is slower but exact.
 *
 * References: Smith & Gossett, "A flexible sampling-rate conversion method", ICASSP 1984
 * (bandlimited interpolation); Kaiser, "Nonrecursive digital filter design using the I0-sinh window
 * function", Proc. IEEE ISCAS 1974; Oppenheim & Schafer, Discrete-Time Signal Processing, 3rd ed., §7.5.3.
 *
 * @param x input samples (not modified)
 * @param fromRate input sample rate in Hz (> 0)
 * @param toRate output sample rate in Hz (> 0)
 * @returns a new array of length `ceil(x.length · toRate / fromRate)` (a copy when the rates are equal)
 * @throws InvalidOptionError for non-positive or non-finite rates; ShapeError for an empty input.
 */
export function resample(x: Float32Array, fromRate: number, toRate: number): Float32Array {
  const check = new IssueCollector('resample');
  check.positive('fromRate', fromRate);
  check.positive('toRate', toRate);
  check.throwIfAny();
  if (x.length === 0) throw new ShapeError('resample: `x` must be non-empty. Received: length 0');
  if (fromRate === toRate) return Float32Array.from(x);

  const { k, kernel } = designKernel(fromRate, toRate);
  const n = x.length;
  const integerRates = Number.isInteger(fromRate) && Number.isInteger(toRate);
  if (integerRates) {
    const g = gcd(fromRate, toRate);
    const up = toRate / g; // phases
    const down = fromRate / g;
    const outLength = Math.floor((n * up + down - 1) / down);
    if (up <= MAX_PHASES) return resamplePolyphase(x, outLength, up, down, k, polyphaseTable(up, k, kernel));
    return resampleDirect(x, outLength, fromRate / toRate, k, kernel);
  }
  const outLength = Math.ceil((n * toRate) / fromRate);
  return resampleDirect(x, outLength, fromRate / toRate, k, kernel);
}

/** The Kaiser-windowed sinc of {@link resample} for a rate pair: half-width `k` (input samples) and h(t). */
function designKernel(fromRate: number, toRate: number): { k: number; kernel: (t: number) => number } {
  const lower = Math.min(fromRate, toRate);
  // Frequencies in cycles per input sample.
  const fc = (0.5 * (PASS_EDGE + 1) * (lower / 2)) / fromRate;
  const df = ((1 - PASS_EDGE) * (lower / 2)) / fromRate;
  const taps = (ATTENUATION_DB - 7.95) / (14.36 * df) + 1;
  const halfWidth = taps / 2; // T, in input samples
  const k = Math.ceil(halfWidth);
  const i0Beta = besselI0(KAISER_BETA);
  const kernel = (t: number): number => {
    const u = t / halfWidth;
    if (u <= -1 || u >= 1) return 0;
    const a = 2 * fc * t;
    const sinc = a === 0 ? 1 : Math.sin(Math.PI * a) / (Math.PI * a);
    return 2 * fc * sinc * (besselI0(KAISER_BETA * Math.sqrt(1 - u * u)) / i0Beta);
  };
  return { k, kernel };
}

/** One normalised branch of 2k taps per phase: `table[p·2k + j + k − 1] = h(p/up − j) / Σ`. */
function polyphaseTable(up: number, k: number, kernel: (t: number) => number): Float64Array {
  const width = 2 * k;
  const table = new Float64Array(up * width);
  for (let p = 0; p < up; p++) {
    const frac = p / up;
    let sum = 0;
    for (let j = -k + 1; j <= k; j++) {
      const v = kernel(frac - j);
      table[p * width + j + k - 1] = v;
      sum += v;
    }
    for (let i = 0; i < width; i++) table[p * width + i] /= sum;
  }
  return table;
}

/**
 * The polyphase plan of {@link resample} for integer rates whose reduced output rate is at most 4096
 * (every common audio rate pair), or `null` for the other ratios (evaluated directly by `resample`).
 * A streaming resampler built on it gives `resample`'s output bit for bit.
 */
export function polyphasePlan(
  fromRate: number,
  toRate: number,
): { readonly up: number; readonly down: number; readonly k: number; readonly table: Float64Array } | null {
  if (!Number.isInteger(fromRate) || !Number.isInteger(toRate) || fromRate <= 0 || toRate <= 0) return null;
  const g = gcd(fromRate, toRate);
  const up = toRate / g;
  if (up > MAX_PHASES || fromRate === toRate) return null;
  const { k, kernel } = designKernel(fromRate, toRate);
  return { up, down: fromRate / g, k, table: polyphaseTable(up, k, kernel) };
}

/** Tabulated branches: y[m] = Σ_j x[k0 + j] · h_p[j], p = (m·down) mod up, k0 = ⌊m·down / up⌋. */
function resamplePolyphase(
  x: Float32Array,
  outLength: number,
  up: number,
  down: number,
  k: number,
  table: Float64Array,
): Float32Array {
  const width = 2 * k;
  const n = x.length;
  const y = new Float32Array(outLength);
  const stepInt = Math.floor(down / up);
  const stepFrac = down % up;
  let k0 = 0;
  let p = 0;
  for (let m = 0; m < outLength; m++) {
    const base = p * width;
    let acc = 0;
    const lo = k0 - k + 1;
    const jStart = lo < 0 ? -lo : 0;
    const jEnd = Math.min(width, n - lo);
    for (let j = jStart; j < jEnd; j++) acc += table[base + j] * x[lo + j];
    y[m] = acc;
    k0 += stepInt;
    p += stepFrac;
    if (p >= up) {
      p -= up;
      k0 += 1;
    }
  }
  return y;
}

/** Kernel evaluated per output sample at t = m·ratio (ratio = f_in / f_out), normalised to unit DC gain. */
function resampleDirect(
  x: Float32Array,
  outLength: number,
  ratio: number,
  k: number,
  kernel: (t: number) => number,
): Float32Array {
  const n = x.length;
  const y = new Float32Array(outLength);
  for (let m = 0; m < outLength; m++) {
    const t = m * ratio;
    const k0 = Math.floor(t);
    const frac = t - k0;
    let acc = 0;
    let sum = 0;
    for (let j = -k + 1; j <= k; j++) {
      const v = kernel(frac - j);
      sum += v;
      const idx = k0 + j;
      if (idx >= 0 && idx < n) acc += v * x[idx];
    }
    y[m] = acc / sum;
  }
  return y;
}
