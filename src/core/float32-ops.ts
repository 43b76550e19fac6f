/**
 * Float32 arithmetic emulated exactly in float64: one rounding to float32 per emulated instruction, in
 * round-to-nearest-even, toward zero or down. The product of two float32 values is exact in float64,
 * so a fused multiply-add a·b + c is the two-sum of a·b and c rounded once with its exact error; this
 * is what lets NumPy's float32 kernels (SVML's `powf`, NumPy's own `sin`/`cos`) be reproduced bit for
 * bit on any host. Allocates nothing per call.
 */

const F = new Float32Array(1);
const U = new Uint32Array(F.buffer);

export function bits(x: number): number {
  F[0] = x;
  return U[0]!;
}
export function fromBits(b: number): number {
  U[0] = b >>> 0;
  return F[0]!;
}

export const RN = 0;
export const RZ = 1;
export const RD = 2;
export type Mode = typeof RN | typeof RZ | typeof RD;

/** The next float32 above (`dir` = 1) or below (`dir` = −1) the float32 `r`. */
export function step32(r: number, dir: 1 | -1): number {
  if (r === 0) return dir * fromBits(1);
  const b = bits(r);
  const away = r > 0 === dir > 0;
  return fromBits(away ? b + 1 : b - 1);
}

/** The float32 rounding, in `mode`, of the exact value hi + lo (|lo| ≤ half an ulp of hi). */
export function round32(hi: number, lo: number, mode: Mode): number {
  let r = Math.fround(hi);
  if (mode === RN) {
    if (r === hi || lo === 0) return r;
    const d = hi - r; // exact: both are doubles within one float32 ulp
    const other = step32(r, d > 0 ? 1 : -1);
    if (Math.abs(d) * 2 === Math.abs(other - r) && lo > 0 === d > 0) r = other;
    return r;
  }
  if (!Number.isFinite(r)) r = hi > 0 ? fromBits(0x7f7fffff) : -fromBits(0x7f7fffff);
  const v = hi; // sign of the exact value is the sign of hi (|lo| is far below |hi|)
  if (mode === RD || v > 0) {
    // floor (RD, or RZ of a positive value)
    if (r > hi || (r === hi && lo < 0)) r = step32(r, -1);
  } else if (r < hi || (r === hi && lo > 0)) {
    r = step32(r, 1); // RZ of a negative value: ceil
  }
  return r;
}

let sumErr = 0;
/** Knuth's two-sum: returns fl(a + b) and leaves the exact error in `sumErr`. */
function twoSum(a: number, b: number): number {
  const s = a + b;
  const bb = s - a;
  sumErr = a - (s - bb) + (b - bb);
  return s;
}

/** Fused a·b + c on float32 values, rounded once (a·b is exact in float64). */
export function fma(a: number, b: number, c: number, mode: Mode = RN): number {
  const s = twoSum(a * b, c);
  return round32(s, sumErr, mode);
}
export function add(a: number, b: number, mode: Mode = RN): number {
  const s = twoSum(a, b);
  return round32(s, sumErr, mode);
}
