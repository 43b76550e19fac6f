/**
 * `powfLibm(x, y)`: float32 `x ** y` bit-identical to glibc's `powf` (glibc ≥ 2.28, x86-64), which
 * NumPy's float32 `np.power` calls on CPUs without AVX-512, so that Keras' bias correction
 * `β1^t = ops.power(β1, t)` (numpy backend) is reproduced bit for bit on such hosts.
 *
 * Why not `Math.fround(Math.pow(x, y))`: glibc's `powf` is not correctly rounded (worst case 0.82 ulp)
 * and `Math.pow` is neither, so the two disagree by one ulp now and then (β1 = 0.999: 122 of the first
 * 20,000 steps). This is the algorithm glibc took from Arm's optimized-routines (MIT licence,
 * © Arm Limited), evaluated in float64 exactly as its C source orders the operations:
 *   x = 2^k·z, z ∈ [0x3f330000, 2·0x3f330000) as float; c_i, log2(c_i) from a 16-entry table;
 *   log2 x = k + log2(c_i) + p(z/c_i − 1), p a degree-5 polynomial;
 *   x^y = 2^(y·log2 x) = 2^(j/32) · 2^r · 2^⌊·⌋ with j from a 32-entry table and a cubic in r,
 *   rounded once to float32.
 * glibc's FMA build fuses some of these multiply-adds; the float32 result differs from this unfused
 * evaluation only if the float64 value lies within a few float64 ulps of a float32 rounding
 * boundary (never seen in 600,000 checked inputs).
 *
 * Allocates nothing per call. {@link powfLibmInto} takes x from and writes the result to typed arrays,
 * and its helpers pass their float64 values through a scratch array: no double is an argument or a
 * result of any call on its path, so nothing is boxed even where V8 does not inline the calls (the
 * optimizer's per-step bias correction).
 */

const F32 = new Float32Array(1);
const U32 = new Uint32Array(F32.buffer);
const F64 = new Float64Array(1);
const W64 = new Uint32Array(F64.buffer); // [low word, high word] on every little-endian host
/** The helpers' float64 hand-over: log2Inline's result, exp2Inline's argument. */
const T = new Float64Array(1);
/** {@link powfLibm}'s x and result, for {@link powfLibmInto}. */
const IO = new Float32Array(2);

const INVC = Float64Array.of(
  1.398907162146528,
  1.3403141896637998,
  1.286432210124115,
  1.2367150214269895,
  1.1906977166711752,
  1.1479821020556429,
  1.1082251448272158,
  1.0711297413057381,
  1.036437278977283,
  1.0,
  0.9492859795739057,
  0.8951049428609004,
  0.8476821620351103,
  0.8050314851692001,
  0.7664671008843108,
  0.731428603316328,
);
const LOGC = Float64Array.of(
  -0.48430022186289673,
  -0.42257122959194704,
  -0.3633754347673556,
  -0.30651309567405577,
  -0.25180720160537634,
  -0.19910014943794563,
  -0.14825100623281615,
  -0.09913323807318392,
  -0.051632812977629436,
  0.0,
  0.07508531937943004,
  0.15987125980713107,
  0.2384046664317681,
  0.31288288605863257,
  0.38370422656453185,
  0.451211048935815,
);
const A0 = 0.288457581109214;
const A1 = -0.36092606229713164;
const A2 = 0.480898481472577;
const A3 = -0.7213474675006291;
const A4 = 1.4426950408774342;

/** 2^(i/32) as float64 bits minus i << 47, high and low 32-bit words. */
const EXP2_HI = Uint32Array.of(
  0x3ff00000,
  0x3fefd9b0,
  0x3fefb558,
  0x3fef9301,
  0x3fef72b8,
  0x3fef5487,
  0x3fef387a,
  0x3fef1e9d,
  0x3fef06fe,
  0x3feef1a7,
  0x3feedea6,
  0x3feece08,
  0x3feebfda,
  0x3feeb42b,
  0x3feeab07,
  0x3feea47e,
  0x3feea09e,
  0x3fee9f75,
  0x3feea114,
  0x3feea589,
  0x3feeace5,
  0x3feeb737,
  0x3feec491,
  0x3feed503,
  0x3feee89f,
  0x3feeff76,
  0x3fef199b,
  0x3fef3720,
  0x3fef5818,
  0x3fef7c97,
  0x3fefa4af,
  0x3fefd076,
);
const EXP2_LO = Uint32Array.of(
  0x00000000,
  0xd3158574,
  0x6cf9890f,
  0xd0125b51,
  0x3c7d517b,
  0x3168b9aa,
  0x6e756238,
  0xf51fdee1,
  0x0a31b715,
  0x373aa9cb,
  0x4c123422,
  0x6061892d,
  0xd5362a27,
  0x569d4f82,
  0xdd485429,
  0xb03a5585,
  0x667f3bcd,
  0xe8ec5f74,
  0x73eb0187,
  0x994cce13,
  0x422aa0db,
  0xb0cdc5e5,
  0x82a3f090,
  0xb23e255d,
  0x995ad3ad,
  0xf2fb5e47,
  0xdd85529c,
  0xdcef9069,
  0xdcfba487,
  0x337b9b5f,
  0xa2a490da,
  0x5b6e4540,
);
const C0 = 0.05550361559341535;
const C1 = 0.2402284522445722;
const C2 = 0.6931471806916203;
const SHIFT = 1.5 * 2 ** 47; // 0x1.8p52 / 32
const SIGN_BIAS = 1 << 16;
const OFF = 0x3f330000;
const MAX_F32 = 3.4028234663852886e38;

function asFloat(b: number): number {
  U32[0] = b >>> 0;
  return F32[0]!;
}

/** T[0] ← log2(x) for the float32 bit pattern `ix` (positive; subnormals pre-normalised to a negative exponent). */
function log2Inline(ix: number): void {
  const tmp = (ix - OFF) >>> 0;
  const i = (tmp >>> 19) & 15;
  const top = tmp & 0xff800000;
  U32[0] = (ix - top) >>> 0;
  const z = F32[0]!;
  const k = top >> 23; // arithmetic shift of the signed exponent field
  const r = z * INVC[i]! - 1;
  const y0 = LOGC[i]! + k;
  const r2 = r * r;
  let y = A0 * r + A1;
  const p = A2 * r + A3;
  const r4 = r2 * r2;
  let q = A4 * r + y0;
  q = p * r2 + q;
  y = y * r4 + q;
  T[0] = y;
}

/** out[oi] ← 2^xd rounded to float32 (xd = T[0]); `signBias` = SIGN_BIAS makes the result negative. */
function exp2Inline(signBias: number, out: Float32Array, oi: number): void {
  const xd = T[0]!;
  let kd = xd + SHIFT;
  F64[0] = kd;
  const kiLo = W64[0]!;
  kd -= SHIFT;
  const r = xd - kd;
  const j = kiLo & 31;
  W64[0] = EXP2_LO[j]!;
  W64[1] = (EXP2_HI[j]! + ((kiLo + signBias) << 15)) >>> 0;
  const s = F64[0]!;
  const z = C0 * r + C1;
  const r2 = r * r;
  let y = C2 * r + 1;
  y = z * r2 + y;
  y = y * s;
  out[oi] = y; // a float32 store rounds as Math.fround does
}

/** 0 if not an integer, 1 if odd, 2 if even (for finite non-zero float32 bits). */
function checkInt(iy: number): number {
  const e = (iy >>> 23) & 0xff;
  if (e < 0x7f) return 0;
  if (e > 0x7f + 23) return 2;
  if (iy & ((1 << (0x7f + 23 - e)) - 1)) return 0;
  if (iy & (1 << (0x7f + 23 - e))) return 1;
  return 2;
}

function zeroInfNan(i: number): boolean {
  return (2 * i - 1) >>> 0 >= 2 * 0x7f800000 - 1;
}

/** glibc's results when y or x is zero, infinite or NaN. */
function special(x: number, y: number, ix: number, iy: number): number {
  if (zeroInfNan(iy)) {
    if ((2 * iy) >>> 0 === 0) return 1;
    if (ix === 0x3f800000) return 1;
    if ((2 * ix) >>> 0 > 2 * 0x7f800000 || (2 * iy) >>> 0 > 2 * 0x7f800000) return Number.NaN;
    if ((2 * ix) >>> 0 === 2 * 0x3f800000) return 1;
    if ((2 * ix) >>> 0 < 2 * 0x3f800000 === !(iy & 0x80000000)) return 0;
    return y * y;
  }
  let x2 = Math.fround(x * x);
  if (ix & 0x80000000 && checkInt(iy) === 1) x2 = -x2;
  return iy & 0x80000000 ? Math.fround(1 / x2) : x2;
}

/** float32 `x ** y` bit-identical to glibc's `powf` (see the module comment). */
export function powfLibm(x: number, y: number): number {
  IO[0] = x;
  powfLibmInto(IO, 0, y, IO, 1);
  return IO[1]!;
}

/**
 * {@link powfLibm} of x = `src[xi]` into `out[oi]`. Nothing is boxed on the way when `y` is a small
 * integer (a step number), even if V8 does not inline this call or its helpers.
 */
export function powfLibmInto(src: Float32Array, xi: number, y: number, out: Float32Array, oi: number): void {
  F32[0] = src[xi]!;
  let ix = U32[0]!;
  F32[0] = y;
  const iy = U32[0]!;
  const yf = F32[0]!;
  let signBias = 0;
  if ((ix - 0x00800000) >>> 0 >= 0x7f800000 - 0x00800000 || zeroInfNan(iy)) {
    if (zeroInfNan(iy) || zeroInfNan(ix)) {
      out[oi] = special(asFloat(ix), yf, ix, iy);
      return;
    }
    if (ix & 0x80000000) {
      const yint = checkInt(iy);
      if (yint === 0) {
        out[oi] = Number.NaN;
        return;
      }
      if (yint === 1) signBias = SIGN_BIAS;
      ix &= 0x7fffffff;
    }
    if (ix < 0x00800000) {
      F32[0] = asFloat(ix) * 2 ** 23;
      ix = ((U32[0]! & 0x7fffffff) - (23 << 23)) | 0;
    }
  }
  log2Inline(ix);
  const ylogx = yf * T[0]!;
  T[0] = ylogx;
  // underflow to ±0; overflow to ±Infinity; just below the threshold glibc returns the largest float32
  if (ylogx <= -150) out[oi] = signBias ? -0 : 0;
  else if (ylogx > 127.99999995700433) out[oi] = signBias ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  else if (ylogx > 127.99999991400867) out[oi] = signBias ? -MAX_F32 : MAX_F32;
  else exp2Inline(signBias, out, oi);
}
