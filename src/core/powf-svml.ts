/**
 * `powfSvml(x, y)`: float32 `x ** y` exactly as NumPy's float32 `np.power` computes it on x86-64 CPUs
 * with AVX-512, where NumPy dispatches it to Intel SVML's `__svml_powf16`, so that Keras' bias
 * correction `β1^t = ops.power(β1, t)` (numpy backend) run on such a host is reproduced bit for bit.
 *
 * Neither SVML's nor glibc's `powf` (NumPy's choice without AVX-512, see `powfLibm`) is correctly
 * rounded, and they disagree by one ulp at β1 = 0.9 at 183 of the first 20,000 steps, at β1 = 0.999
 * at over 4,000. This module emulates SVML's vector algorithm lane by lane, instruction by
 * instruction, in float64 arithmetic with exact float32 rounding (nearest, toward zero, down) after
 * each emulated instruction, so it is deterministic and portable (browser, AudioWorklet, Node).
 *
 * Algorithm (SVML `powf16`, "la" variant; constants from its data table, BSD-3-Clause, © Intel):
 *   x = m·2^(e+1), m ∈ [0.5, 1); c = rcp14(m) rounded to 1/32 (rcp14's 14-bit reciprocal reproduced
 *   by its 32 switch points, measured on hardware); R = c·m − 1 (fused);
 *   log2 x = e' + Th[c] + Tl[c] + log2(1+R), log2(1+R) by a degree-6 polynomial, carried as a
 *   float32 high/low pair; Z = y·log2 x (round toward zero, high/low pair);
 *   x^y = 2^⌊Z⌋ · 2^(j/16) · (1 + r·q(r)), j = ⌊16 Z⌋ mod 16, r = Z − ⌊16 Z⌋/16 + low part.
 * Lanes SVML sends to its scalar fallback (x ≤ 0, x or y not finite, |Z| > 125.5) are not reproduced
 * bit for bit: they use `Math.pow` rounded to float32, with C's `powf` special cases. The bias
 * correction never reaches them with
 * β1 ∈ (0, 1) until β1^t is far below float32's epsilon, where `1 − β1^t` rounds to 1 either way.
 *
 * Allocates nothing per call.
 */

import { add, bits, fma, fromBits, RD, RZ, round32 } from './float32-ops.js';

// SVML `__svml_spow_data_internal_avx512`, as float32 bit patterns.
const TH = Uint32Array.of(
  0x00000000,
  0xbd35d000,
  0xbdb32000,
  0xbe046400,
  0xbe2e0000,
  0xbe567c00,
  0xbe7de000,
  0xbe922000,
  0xbea4d400,
  0xbeb71200,
  0xbec8de00,
  0xbeda4000,
  0xbeeb3a00,
  0xbefbd400,
  0xbf060800,
  0xbf0dfa00,
  0x3ed48000,
  0x3ec54400,
  0x3eb65800,
  0x3ea7b800,
  0x3e996000,
  0x3e8b4e00,
  0x3e7b0000,
  0x3e5fe400,
  0x3e454400,
  0x3e2b2000,
  0x3e116c00,
  0x3df05800,
  0x3dbeb000,
  0x3d8dd800,
  0x3d3ba000,
  0x3cba2000,
);
const TL = Uint32Array.of(
  0x00000000,
  0xb6d3758f,
  0x3510536f,
  0x369dcc96,
  0xb651cfdf,
  0x3687492c,
  0xb635c813,
  0xb5f561c1,
  0x35f6865d,
  0x36f19318,
  0x35aedc1d,
  0x36a0463c,
  0xb69f0197,
  0xb5ad1961,
  0xb6201ac7,
  0x36ee16a3,
  0xb5d1cfdf,
  0x36c055fe,
  0x3676865d,
  0xb589a627,
  0xb48e4789,
  0x33a6c7e3,
  0xb69d5be7,
  0xb642c000,
  0x364055fe,
  0xb68f5801,
  0x36b70aad,
  0x35d74798,
  0x3492d9f7,
  0x364a9801,
  0xb6566c4d,
  0xb48bcf06,
);
const EXP2 = Uint32Array.of(
  0x3f800000,
  0x3f85aac3,
  0x3f8b95c2,
  0x3f91c3d3,
  0x3f9837f0,
  0x3f9ef532,
  0x3fa5fed7,
  0x3fad583f,
  0x3fb504f3,
  0x3fbd08a4,
  0x3fc5672a,
  0x3fce248c,
  0x3fd744fd,
  0x3fe0ccdf,
  0x3feac0c7,
  0x3ff5257d,
);
const Th = Float32Array.from(TH, fromBits);
const Tl = Float32Array.from(TL, fromBits);
const The = Float32Array.from(EXP2, fromBits);
const L1 = fromBits(0x3e93c705);
const L2 = fromBits(0xbeb8b3ed);
const L3 = fromBits(0x3ef6384f);
const L4 = fromBits(0xbf38aa3b);
const L5 = fromBits(0x32a570cc);
const LOG2E = fromBits(0x3fb8aa3b);
const SHIFTER = fromBits(0x494007f0);
const E1 = fromBits(0x3d6854cb);
const E2 = fromBits(0x3e75f16c);
const E3 = fromBits(0x3f317222);

/**
 * `vrcp14ps(m)` rounded to a multiple of 1/32, for m ∈ [0.5, 1), is 64/32 below the first of these
 * mantissa fields (the low 23 bits of m), then one 1/32 less past each (monotone; all 2^23 mantissas
 * checked on an AVX-512 CPU). Exact rounding of 1/m would differ at 5,462 mantissas.
 */
const RCP_STEPS = Uint32Array.of(
  0x010300,
  0x031380,
  0x053500,
  0x076800,
  0x09ae80,
  0x0c0780,
  0x0e7900,
  0x10fe80,
  0x139b00,
  0x164f80,
  0x192000,
  0x1c0900,
  0x1f1280,
  0x223700,
  0x257f00,
  0x28e900,
  0x2c7780,
  0x302b80,
  0x340b80,
  0x381680,
  0x3c5280,
  0x40c100,
  0x456680,
  0x4a4500,
  0x4f6580,
  0x54c780,
  0x5a7480,
  0x607000,
  0x66c400,
  0x6d7300,
  0x748a80,
  0x7c1180,
);

function rcpRounded(mantissa: number): number {
  let lo = 0;
  let hi = RCP_STEPS.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (RCP_STEPS[mid]! <= mantissa) lo = mid + 1;
    else hi = mid;
  }
  return (64 - lo) / 32;
}

/** SVML's scalar-fallback lanes: C `powf` special cases, else `Math.pow` rounded to float32. */
function fallback(x: number, y: number): number {
  if (x === 1 || y === 0) return 1;
  if (x === -1 && !Number.isFinite(y)) return 1;
  return Math.fround(x ** y);
}

/**
 * {@link powfSvml} of x = `src[xi]` into `out[oi]`: the signature of `powfLibmInto`, so an engine holds
 * either. Unlike that one, the emulated instructions pass float64 values as arguments and results:
 * allocation-free only where V8 inlines them.
 */
export function powfSvmlInto(src: Float32Array, xi: number, y: number, out: Float32Array, oi: number): void {
  out[oi] = powfSvml(src[xi]!, y);
}

/** float32 `x ** y` bit-identical to NumPy's float32 `power` on AVX-512 x86-64 (see the module comment). */
export function powfSvml(x: number, y: number): number {
  x = Math.fround(x);
  y = Math.fround(y);
  if (!(x > 0) || x === Number.POSITIVE_INFINITY || !Number.isFinite(y)) return fallback(x, y);
  // getexp / getmant: x = m·2^(e+1), m ∈ [0.5, 1); denormals normalised first.
  let b = bits(x);
  let e = ((b >>> 23) & 0xff) - 127;
  if (e === -127) {
    b = bits(x * 2 ** 24);
    e = ((b >>> 23) & 0xff) - 127 - 24;
  }
  const mant = b & 0x7fffff;
  const m = fromBits(mant | 0x3f000000);
  const c = rcpRounded(mant);
  const r = fma(c, m, -1);
  const k = (bits(c) >>> 18) & 31;
  const expon = c < 1.5 ? e + 1 : e;
  let p = fma(L1, r, L2);
  p = fma(p, r, L3);
  p = fma(p, r, L4);
  p = fma(p, r, L5);
  const high0 = add(Th[k]!, expon);
  const high1 = fma(LOG2E, r, high0);
  const tlp = fma(p, r, Tl[k]!);
  const rch = add(high1, -high0);
  const high = add(high1, tlp);
  const rcl = fma(LOG2E, r, -rch);
  const yh = round32(high * y, 0, RZ);
  const tlh = add(high, -high1);
  const yhl = fma(y, high, -yh, RZ);
  const tll = add(tlp, -tlh);
  const zl = fma(y, add(tll, rcl), yhl, RZ);
  const z = add(yh, zl, RZ);
  if (!(Math.abs(z) <= 125.5)) return fallback(x, y);
  const zCorr = add(zl, -add(z, -yh));
  const shifted = bits(add(z, SHIFTER, RD));
  const t = The[shifted & 15]!;
  const reduced = add(z, -Math.floor(z * 16) / 16, RD); // vreduceps: 4 fraction bits, all rounding down
  const rr = fromBits(bits(add(reduced, zCorr)) & 0xbfffffff);
  const scale = fromBits((shifted << 19) & 0x7f800000);
  const rt = Math.fround(rr * t);
  let q = fma(E1, rr, E2);
  q = fma(rr, q, E3);
  return Math.fround(scale * fma(rt, q, t));
}
