import { type FdHeap, rfftForward } from './fd-kernels-reference.js';

const f32 = Math.fround;

/** Int32 slots of the `coherentPower` descriptor (byte pointers, sizes). */
export const CoherenceSlots = {
  /** The block d (m floats). */
  d: 0,
  /** FFT input scratch (2m floats). */
  buf: 1,
  tab: 2,
  m: 3,
  /** D = FFT([0_m, d]) goes here (bins floats each). */
  dRe: 4,
  dIm: 5,
  /** The input ring: parts rows of bins floats; row (head − l) mod parts is X_l. */
  xRe: 6,
  xIm: 7,
  parts: 8,
  bins: 9,
  lags: 10,
  /** The statistics ({@link coherenceStatsFloats}): C re, C im (lags × bins each), S, Q, the per-bin sum (bins each). */
  st: 11,
  /** a, 1 − a (float32). */
  ab: 12,
  /** num, den (float32). */
  out: 13,
  length: 14,
} as const;

/** Floats of the statistics block of `lags` lags over `bins` bins. */
export function coherenceStatsFloats(lags: number, bins: number): number {
  return (2 * lags + 3) * bins;
}

/**
 * The power of a block d coherent with a partitioned filter's newest `lags` input spectra (the
 * reference of the wasm kernel `coherent_power`), from the descriptor at byte address `desc`
 * ({@link CoherenceSlots}). D = FFT([0_m, d]); a, b = 1 − a from `ab`; per bin k and lag l (X_l:
 * ring row (head − l) mod parts):
 * ```
 * Q_k  ← a·Q_k + b·(D_r² + D_i²)                 den = Σ_k Q_k
 * S_k  ← a·S_k + b·|X_0k|²
 * C_lk ← a·C_lk + b·conj(X_lk)·D_k               σ_k = Σ_l |C_lk|²   (l order)
 * num = Σ_k σ_k / (S_k + f32(1e-30));  out[0] = num, out[1] = den
 * ```
 * Every operation is one float32 operation in this order. Each sum over k runs in four lanes
 * (k mod 4, for the bins below the largest multiple of 4), combined as ((lane0 + lane1) + (lane2 +
 * lane3)); the remaining bins are summed in one scalar, added last. That is the f32x4 kernel's
 * order, so the kernel is bit-identical to this function.
 */
export function coherentPower(heap: FdHeap, desc: number, head: number): void {
  const f = heap.f;
  const iv = heap.i;
  const D = desc >> 2;
  const S = CoherenceSlots;
  const m = iv[D + S.m]!;
  const buf = iv[D + S.buf]! >> 2;
  const d = iv[D + S.d]! >> 2;
  for (let i = 0; i < m; i++) {
    f[buf + i] = 0;
    f[buf + m + i] = f[d + i]!;
  }
  rfftForward(heap, iv[D + S.buf]!, iv[D + S.dRe]!, iv[D + S.dIm]!, iv[D + S.tab]!, m);
  const bins = iv[D + S.bins]!;
  const lags = iv[D + S.lags]!;
  const parts = iv[D + S.parts]!;
  const ab = iv[D + S.ab]! >> 2;
  const out = iv[D + S.out]! >> 2;
  const dRe = iv[D + S.dRe]! >> 2;
  const dIm = iv[D + S.dIm]! >> 2;
  const xRe = iv[D + S.xRe]! >> 2;
  const xIm = iv[D + S.xIm]! >> 2;
  const cr = iv[D + S.st]! >> 2;
  const ci = cr + lags * bins;
  const sx = ci + lags * bins;
  const q = sx + bins;
  const sig = q + bins;
  const a = f[ab]!;
  const b = f[ab + 1]!;
  for (let l = 0; l < lags; l++) {
    const row = ((head - l + parts) % parts) * bins;
    for (let k = 0; k < bins; k++) {
      const xr = f[xRe + row + k]!;
      const xi = f[xIm + row + k]!;
      const dr = f[dRe + k]!;
      const di = f[dIm + k]!;
      const o = l * bins + k;
      const r = f32(f32(a * f[cr + o]!) + f32(b * f32(f32(xr * dr) + f32(xi * di))));
      const i = f32(f32(a * f[ci + o]!) + f32(b * f32(f32(xr * di) - f32(xi * dr))));
      f[cr + o] = r;
      f[ci + o] = i;
      const p = f32(f32(r * r) + f32(i * i));
      if (l === 0) {
        f[sig + k] = p;
        f[sx + k] = f32(f32(a * f[sx + k]!) + f32(b * f32(f32(xr * xr) + f32(xi * xi))));
        f[q + k] = f32(f32(a * f[q + k]!) + f32(b * f32(f32(dr * dr) + f32(di * di))));
      } else {
        f[sig + k] = f32(f[sig + k]! + p);
      }
    }
  }
  f[out] = laneSum(f, sig, bins, sx);
  f[out + 1] = laneSum(f, q, bins, -1);
}

/**
 * Σ_k v_k (or Σ_k v_k / (s_k + f32(1e-30)) when `s` ≥ 0) over `bins` floats at element offset `v`,
 * in the kernel's order: four lanes (k mod 4) below bins & ~3, ((l0 + l1) + (l2 + l3)), then the tail.
 */
function laneSum(f: Float32Array, v: number, bins: number, s: number): number {
  const eps = f32(1e-30);
  const vec = bins & ~3;
  let l0 = 0;
  let l1 = 0;
  let l2 = 0;
  let l3 = 0;
  let tail = 0;
  for (let k = 0; k < bins; k++) {
    const x = s >= 0 ? f32(f[v + k]! / f32(f[s + k]! + eps)) : f[v + k]!;
    if (k >= vec) tail = f32(tail + x);
    else if ((k & 3) === 0) l0 = f32(l0 + x);
    else if ((k & 3) === 1) l1 = f32(l1 + x);
    else if ((k & 3) === 2) l2 = f32(l2 + x);
    else l3 = f32(l3 + x);
  }
  return f32(f32(f32(l0 + l1) + f32(l2 + l3)) + tail);
}
