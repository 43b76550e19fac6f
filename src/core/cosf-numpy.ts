import { fma, fromBits } from './float32-ops.js';

const f32 = Math.fround;
const TWO_OVER_PI = fromBits(0x3f22f983); // 0x1.45f306p-1
const PIO2_HIGH = fromBits(0xbfc90fd8); // −0x1.921fb0p+0
const PIO2_MED = fromBits(0xb4a8885a); // −0x1.5110b4p-22
const PIO2_LOW = fromBits(0xa7c234c4); // −0x1.846988p-48
const RINT_MAGIC = fromBits(0x4b400000); // 0x1.8p+23
/** Beyond this |x| NumPy hands cos to the C library (the Cody–Waite reduction loses accuracy). */
const MAX_CODY_WAITE = 71476.0625;
const C8 = fromBits(0x37cc730b); // 0x1.98e616p-16
const C6 = fromBits(0xbab6036e); // −0x1.6c06dcp-10
const C4 = fromBits(0x3d2aaa9e); // 0x1.55553cp-5
const S9 = fromBits(0x363e9dde); // 0x1.7d3bbcp-19
const S7 = fromBits(0xb95035dd); // −0x1.a06bbap-13
const S5 = fromBits(0x3c0888cd); // 0x1.11119ap-7
const S3 = fromBits(0xbe2aaaab); // −0x1.555556p-3

/**
 * `cosfNumpy(x)`: float32 `cos(x)` exactly as NumPy's float32 `np.cos` computes it on CPUs with fused
 * multiply-add (x86-64 AVX2/FMA3 or AVX-512, ARM64), which Keras' numpy backend calls for the cosine
 * schedules. NumPy's kernel is not correctly rounded (up to ≈ 1.5 ulp), so `Math.cos` rounded to
 * float32 differs from it by one ulp at some arguments.
 *
 * Algorithm (NumPy `simd_sincos_f32`; every step one float32 rounding, every multiply-add fused):
 * ```
 * q  = rint(x · 2/π)                             (by adding and subtracting 1.5·2²³)
 * r  = x + q·c₁ + q·c₂ + q·c₃                     (Cody–Waite, c₁ + c₂ + c₃ ≈ −π/2; three fused steps)
 * cos r ≈ 1 + r²(−1/2 + r²(c₄ + r²(c₆ + r² c₈)))   sin r ≈ r + r·r²(s₃ + r²(s₅ + r²(s₇ + r² s₉)))
 * i  = q + 1;  cos x = (i odd ? cos r : sin r) · (i & 2 ? −1 : 1)
 * ```
 * |x| > 71476.0625 goes to the C library in NumPy; here `Math.cos` rounded to float32 (not bit-exact
 * there, and never reached by a schedule, whose argument lies in [0, π]). NaN and ±∞ give NaN.
 */
export function cosfNumpy(x: number): number {
  const a = f32(x);
  if (Number.isNaN(a) || !Number.isFinite(a)) return Number.NaN;
  if (Math.abs(a) > MAX_CODY_WAITE) return f32(Math.cos(a));
  let q = f32(a * TWO_OVER_PI);
  q = f32(f32(q + RINT_MAGIC) - RINT_MAGIC);
  let r = fma(q, PIO2_HIGH, a);
  r = fma(q, PIO2_MED, r);
  r = fma(q, PIO2_LOW, r);
  const r2 = f32(r * r);
  const i = q + 1;
  let v: number;
  if ((i & 1) !== 0) {
    v = fma(C8, r2, C6);
    v = fma(v, r2, C4);
    v = fma(v, r2, -0.5);
    v = fma(v, r2, 1);
  } else {
    v = fma(S9, r2, S7);
    v = fma(v, r2, S5);
    v = fma(v, r2, S3);
    v = f32(v * r2);
    v = fma(v, r, r);
  }
  return (i & 2) !== 0 ? 0 - v : v;
}
