import { InvalidOptionError } from '../../core/errors.js';

/** Upper edge of the band range the learned prior models (the training speech is 16 kHz). */
export const PRIOR_MODEL_MAX_HZ = 8000;
/** Edges of the bands above {@link PRIOR_MODEL_MAX_HZ} (used at rates above 16 kHz; not modelled). */
const UPPER_EDGES_HZ = [8000, 9500, 11500, 14000, 17000, 20500, 24000] as const;

/** ERB bandwidth (Glasberg & Moore 1990) at f Hz: 24.7·(4.37·f/1000 + 1). */
function erb(f: number): number {
  return 24.7 * (0.00437 * f + 1);
}

/**
 * Edges (Hz) of `count` bands over [0, maxHz]: each band is max(minWidthHz, s·ERB(lower edge))
 * wide, with s chosen (bisection) so that the last edge lands on maxHz. Below ~700 Hz this gives
 * bands of `minWidthHz` (finer than ERB is impossible at one FFT bin), above it ERB-like widths.
 */
export function priorBandEdges(count: number, minWidthHz: number, maxHz: number = PRIOR_MODEL_MAX_HZ): Float64Array {
  if (!(Number.isInteger(count) && count >= 2 && minWidthHz > 0 && count * minWidthHz < maxHz)) {
    throw new InvalidOptionError([
      {
        option: 'bands',
        message: `priorBandEdges: need an integer count ≥ 2 and count·minWidthHz < maxHz. Received count=${count}, minWidthHz=${minWidthHz}, maxHz=${maxHz}.`,
      },
    ]);
  }
  const end = (s: number): number => {
    let f = 0;
    for (let b = 0; b < count; b++) f += Math.max(minWidthHz, s * erb(f));
    return f;
  };
  let lo = 0;
  let hi = 100;
  for (let i = 0; i < 100; i++) {
    const mid = 0.5 * (lo + hi);
    if (end(mid) < maxHz) lo = mid;
    else hi = mid;
  }
  const s = 0.5 * (lo + hi);
  const edges = new Float64Array(count + 1);
  for (let b = 0; b < count; b++) edges[b + 1] = edges[b]! + Math.max(minWidthHz, s * erb(edges[b]!));
  edges[count] = maxHz;
  return edges;
}

/**
 * Mapping between the FFT bins of one STFT (rate fs, size N) and the prior's bands: the
 * `modelBands` bands of {@link priorBandEdges} below 8 kHz, then up to 6 upper bands up to fs/2.
 * - `band[k]`: band of bin k (bins beyond the last edge go to the last band);
 * - `source[b]`: the band whose energy band b reads (itself, or the highest non-empty band below
 *   it when b lies above fs/2 — at rates under 16 kHz the missing model bands repeat the top band);
 * - per-bin gain interpolation: `g_k = (1 − w_k)·G[lo_k] + w_k·G[lo_k + 1]`, linear in Hz between
 *   band centres, flat beyond the first and last centre.
 */
export class PriorBandMap {
  readonly sampleRate: number;
  readonly fftSize: number;
  readonly bins: number;
  readonly modelBands: number;
  /** Model bands plus the upper bands that exist below fs/2. */
  readonly totalBands: number;
  readonly band: Int32Array;
  readonly count: Float64Array;
  readonly source: Int32Array;
  readonly lo: Int32Array;
  readonly weight: Float64Array;
  readonly edgesHz: Float64Array;

  constructor(sampleRate: number, fftSize: number, modelEdgesHz: Float64Array) {
    this.sampleRate = sampleRate;
    this.fftSize = fftSize;
    this.bins = fftSize / 2 + 1;
    this.modelBands = modelEdgesHz.length - 1;
    const nyq = sampleRate / 2;
    const edges: number[] = Array.from(modelEdgesHz);
    for (let i = 1; i < UPPER_EDGES_HZ.length; i++) {
      const lower = UPPER_EDGES_HZ[i - 1]!;
      if (lower + 1 >= nyq) break;
      edges.push(Math.min(UPPER_EDGES_HZ[i]!, nyq));
    }
    if (edges[edges.length - 1]! < nyq) edges[edges.length - 1] = Math.max(edges[edges.length - 1]!, nyq);
    this.edgesHz = Float64Array.from(edges);
    const nb = edges.length - 1;
    this.totalBands = nb;
    this.band = new Int32Array(this.bins);
    this.count = new Float64Array(nb);
    const binHz = sampleRate / fftSize;
    let b = 0;
    for (let k = 0; k < this.bins; k++) {
      const f = k * binHz;
      while (b < nb - 1 && f >= edges[b + 1]! - 1e-9) b++;
      this.band[k] = b;
      this.count[b]!++;
    }
    this.source = new Int32Array(nb);
    let last = 0;
    for (let i = 0; i < nb; i++) {
      if (this.count[i]! > 0) last = i;
      this.source[i] = this.count[i]! > 0 ? i : last;
    }
    const centres = new Float64Array(nb);
    for (let i = 0; i < nb; i++) centres[i] = 0.5 * (edges[i]! + edges[i + 1]!);
    this.lo = new Int32Array(this.bins);
    this.weight = new Float64Array(this.bins);
    let j = 0;
    for (let k = 0; k < this.bins; k++) {
      const f = k * binHz;
      while (j < nb - 2 && f >= centres[j + 1]!) j++;
      const w = (f - centres[j]!) / (centres[j + 1]! - centres[j]!);
      this.lo[k] = j;
      // biome-ignore lint/complexity/useMathMinMax: explicit clamp
      this.weight[k] = w < 0 ? 0 : w > 1 ? 1 : w;
    }
  }

  /** Band energies E_b = mean of `power` over the bins of b (missing bands read their `source`). */
  bandEnergies(power: Float64Array, out: Float64Array): void {
    const nb = this.totalBands;
    out.fill(0, 0, nb);
    for (let k = 0; k < this.bins; k++) out[this.band[k]!]! += power[k]!;
    for (let i = 0; i < nb; i++) out[i] = this.count[i]! > 0 ? out[i]! / this.count[i]! : out[this.source[i]!]!;
  }

  /** Per-bin gains from band gains (linear interpolation between band centres). */
  interpolate(bandGain: Float64Array, binGain: Float64Array): void {
    for (let k = 0; k < this.bins; k++) {
      const l = this.lo[k]!;
      const w = this.weight[k]!;
      binGain[k] = (1 - w) * bandGain[l]! + w * bandGain[l + 1]!;
    }
  }
}
