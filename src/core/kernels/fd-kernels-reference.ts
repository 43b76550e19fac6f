import { bitReversal } from '../bit-reversal.js';
import { AdamaxScalars } from './adamax-scalars.js';
import { partitionNorms } from './partition-norms.js';

const f32 = Math.fround;

/**
 * The scalar TypeScript reference of the frequency-domain kernels of the SIMD module, over the same
 * memory model: one heap (`f` and `i` view the same buffer), pointers are **byte** offsets (multiples
 * of 4). Every operation is one float32 operation (`Math.fround`) in the order the wasm kernels use,
 * so the wasm kernels are bit-identical to these functions (WebAssembly f32 arithmetic is IEEE
 * round-to-nearest, without fused multiply-add and without flushing subnormals; lanes of an f32x4
 * op are independent f32 ops).
 *
 * Real FFT: N = 2m real samples ↔ bins k = 0..m. An m-point complex radix-2 transform of
 * z[n] = x[2n] + i·x[2n+1] (bit-reversed load, stages h = 1, 2, 4, …, butterfly
 * `t = w·z[b]; z[b] = z[a] − t; z[a] = z[a] + t`), then the split
 * `X[k] = E[k] + W_N^k·O[k]`, `E = (Z[k] + Z*[m−k])/2`, `O = (Z[k] − Z*[m−k])/2i` (Brigham 1988,
 * §9.3). Forward unscaled, inverse scaled by 1/N (numpy conventions). The table block
 * ({@link fftTableBytes}, written by {@link writeFftTables}) holds, from `tab`: rev i32[m],
 * twr f32[m] = cos(πj/h), twf f32[m] = −sin(πj/h), twi f32[m] = sin(πj/h) (stage h at index h−1+j),
 * cosN f32[m+4] = cos(2πk/N), sinN f32[m+4], and the scratch zr f32[m], zi f32[m].
 */
export interface FdHeap {
  readonly f: Float32Array;
  readonly i: Int32Array;
}

/** Bytes of the FFT table block for complex size m (N = 2m). */
export function fftTableBytes(m: number): number {
  return 32 * m + 32;
}

/** Writes the FFT tables for complex size `m` (a power of two ≥ 1) at byte offset `tab`. */
export function writeFftTables(heap: FdHeap, tab: number, m: number): void {
  const base = tab >> 2;
  heap.i.set(bitReversal(m), base);
  for (let h = 1; h < m; h <<= 1) {
    for (let j = 0; j < h; j++) {
      const a = (Math.PI * j) / h;
      heap.f[base + m + h - 1 + j] = Math.cos(a);
      heap.f[base + 2 * m + h - 1 + j] = -Math.fround(Math.sin(a));
      heap.f[base + 3 * m + h - 1 + j] = Math.sin(a);
    }
  }
  const cosN = base + 4 * m;
  const sinN = cosN + m + 4;
  for (let k = 0; k <= m; k++) {
    const a = (Math.PI * k) / m;
    heap.f[cosN + k] = Math.cos(a);
    heap.f[sinN + k] = Math.sin(a);
  }
}

/** One radix-2 stage of half-length h on (zr, zi) (element offsets), twiddles at twr/tw. */
function stage(f: Float32Array, zr: number, zi: number, twr: number, tw: number, m: number, h: number): void {
  const len = 2 * h;
  for (let j = 0; j < h; j++) {
    const wr = f[twr + h - 1 + j]!;
    const wi = f[tw + h - 1 + j]!;
    for (let a = j; a < m; a += len) {
      const b = a + h;
      const xr = f[zr + b]!;
      const xi = f[zi + b]!;
      const tr = f32(f32(wr * xr) - f32(wi * xi));
      const ti = f32(f32(wr * xi) + f32(wi * xr));
      const ar = f[zr + a]!;
      const ai = f[zi + a]!;
      f[zr + b] = ar - tr;
      f[zi + b] = ai - ti;
      f[zr + a] = ar + tr;
      f[zi + a] = ai + ti;
    }
  }
}

/** Forward real FFT: x[0..2m) → re, im [0..m] (`im[0] = im[m] = 0`). Byte pointers. */
export function rfftForward(heap: FdHeap, x: number, re: number, im: number, tab: number, m: number): void {
  const f = heap.f;
  const t = tab >> 2;
  const cosN = t + 4 * m;
  const sinN = cosN + m + 4;
  const zr = sinN + m + 4;
  const zi = zr + m;
  const xe = x >> 2;
  for (let j = 0; j < m; j++) {
    const r = heap.i[t + j]!;
    f[zr + r] = f[xe + 2 * j]!;
    f[zi + r] = f[xe + 2 * j + 1]!;
  }
  for (let h = 1; h < m; h <<= 1) stage(f, zr, zi, t + m, t + 2 * m, m, h);
  const re0 = re >> 2;
  const im0 = im >> 2;
  const z0r = f[zr]!;
  const z0i = f[zi]!;
  f[re0] = z0r + z0i;
  f[im0] = 0;
  f[re0 + m] = z0r - z0i;
  f[im0 + m] = 0;
  for (let k = 1; k < m; k++) {
    const ar = f[zr + k]!;
    const ai = f[zi + k]!;
    const br = f[zr + m - k]!;
    const bi = -f[zi + m - k]!;
    const er = f32(0.5 * f32(ar + br));
    const ei = f32(0.5 * f32(ai + bi));
    const or = f32(0.5 * f32(ai - bi));
    const oi = f32(-0.5 * f32(ar - br));
    const wr = f[cosN + k]!;
    const wi = -f[sinN + k]!;
    f[re0 + k] = er + f32(f32(wr * or) - f32(wi * oi));
    f[im0 + k] = ei + f32(f32(wr * oi) + f32(wi * or));
  }
}

/** Inverse real FFT: re, im [0..m] (Hermitian; im[0], im[m] ignored) → x[0..2m), scaled by 1/N. */
export function rfftInverse(heap: FdHeap, re: number, im: number, x: number, tab: number, m: number): void {
  const f = heap.f;
  const t = tab >> 2;
  const cosN = t + 4 * m;
  const sinN = cosN + m + 4;
  const zr = sinN + m + 4;
  const zi = zr + m;
  const re0 = re >> 2;
  const im0 = im >> 2;
  for (let k = 0; k < m; k++) {
    const ar = f[re0 + k]!;
    const br = f[re0 + m - k]!;
    const ai = k === 0 ? 0 : f[im0 + k]!;
    const bi = k === 0 ? 0 : -f[im0 + m - k]!;
    const er = f32(0.5 * f32(ar + br));
    const ei = f32(0.5 * f32(ai + bi));
    const dr = f32(0.5 * f32(ar - br));
    const di = f32(0.5 * f32(ai - bi));
    const wr = f[cosN + k]!;
    const wi = f[sinN + k]!;
    const or = f32(f32(dr * wr) - f32(di * wi));
    const oi = f32(f32(dr * wi) + f32(di * wr));
    const r = heap.i[t + k]!;
    f[zr + r] = er - oi;
    f[zi + r] = ei + or;
  }
  for (let h = 1; h < m; h <<= 1) stage(f, zr, zi, t + m, t + 3 * m, m, h);
  const s = f32(1 / m);
  const xe = x >> 2;
  for (let j = 0; j < m; j++) {
    f[xe + 2 * j] = f[zr + j]! * s;
    f[xe + 2 * j + 1] = f[zi + j]! * s;
  }
}

/** In place: inverse FFT into buf (2m samples), zero samples m..2m−1, forward FFT back. */
function project(heap: FdHeap, re: number, im: number, tab: number, buf: number, m: number): void {
  rfftInverse(heap, re, im, buf, tab, m);
  heap.f.fill(0, (buf >> 2) + m, (buf >> 2) + 2 * m);
  rfftForward(heap, buf, re, im, tab, m);
}

/** Weight constraint: projects partitions [from, to) of (wRe, wIm), partition p at p·bins floats. */
export function projectPartitions(
  heap: FdHeap,
  wRe: number,
  wIm: number,
  bins: number,
  from: number,
  to: number,
  tab: number,
  buf: number,
): void {
  for (let p = from; p < to; p++) project(heap, wRe + 4 * p * bins, wIm + 4 * p * bins, tab, buf, bins - 1);
}

/**
 * `Y[k] = Σ_{p=0}^{P−1} W_p[k]·X_{s(p)}[k]`, `s(p) = (head − p) mod P`, summed in p order from 0:
 * `re ← re + (wr·ar − wi·ai)`, `im ← im + (wr·ai + wi·ar)`.
 */
export function spectralMac(
  heap: FdHeap,
  yRe: number,
  yIm: number,
  wRe: number,
  wIm: number,
  xRe: number,
  xIm: number,
  head: number,
  parts: number,
  bins: number,
): void {
  const f = heap.f;
  const y0 = yRe >> 2;
  const y1 = yIm >> 2;
  for (let k = 0; k < bins; k++) {
    let sr = 0;
    let si = 0;
    let slot = head;
    for (let p = 0; p < parts; p++) {
      const wo = p * bins + k;
      const xo = slot * bins + k;
      const wr = f[(wRe >> 2) + wo]!;
      const wi = f[(wIm >> 2) + wo]!;
      const ar = f[(xRe >> 2) + xo]!;
      const ai = f[(xIm >> 2) + xo]!;
      sr = f32(sr + f32(f32(wr * ar) - f32(wi * ai)));
      si = f32(si + f32(f32(wr * ai) + f32(wi * ar)));
      slot = slot === 0 ? parts - 1 : slot - 1;
    }
    f[y0 + k] = sr;
    f[y1 + k] = si;
  }
}

/**
 * Gradient of a partitioned filter, per partition p: `Φ = conj(X_{s(p)})·G` (`re = ar·gr + ai·gi`,
 * `im = ar·gi − ai·gr`, then `·f[k]` when `fp ≠ 0`), projected when `doProject ≠ 0`, then
 * `grad_p[k] = c_k·Φ[k]` with `c_k = 2/N` inside, `1/N` at k = 0 and m where the imaginary part is 0.
 */
export function fdGradient(
  heap: FdHeap,
  gradRe: number,
  gradIm: number,
  xRe: number,
  xIm: number,
  gRe: number,
  gIm: number,
  fp: number,
  head: number,
  parts: number,
  bins: number,
  doProject: number,
  tab: number,
  buf: number,
  phiRe: number,
  phiIm: number,
): void {
  const f = heap.f;
  const m = bins - 1;
  const cMid = f32(1 / m);
  const cEdge = f32(cMid * 0.5);
  const [pr, pi, g0, g1] = [phiRe >> 2, phiIm >> 2, gRe >> 2, gIm >> 2];
  let slot = head;
  for (let p = 0; p < parts; p++) {
    const xo = slot * bins;
    for (let k = 0; k < bins; k++) {
      const ar = f[(xRe >> 2) + xo + k]!;
      const ai = f[(xIm >> 2) + xo + k]!;
      const gr = f[g0 + k]!;
      const gi = f[g1 + k]!;
      let r = f32(f32(ar * gr) + f32(ai * gi));
      let i = f32(f32(ar * gi) - f32(ai * gr));
      if (fp !== 0) {
        const s = f[(fp >> 2) + k]!;
        r = f32(r * s);
        i = f32(i * s);
      }
      f[pr + k] = r;
      f[pi + k] = i;
    }
    if (doProject !== 0) project(heap, phiRe, phiIm, tab, buf, m);
    const o0 = (gradRe >> 2) + p * bins;
    const o1 = (gradIm >> 2) + p * bins;
    for (let k = 0; k < bins; k++) {
      const c = k === 0 || k === m ? cEdge : cMid;
      f[o0 + k] = c * f[pr + k]!;
      f[o1 + k] = k === 0 || k === m ? 0 : c * f[pi + k]!;
    }
    slot = slot === 0 ? parts - 1 : slot - 1;
  }
}

/**
 * The scaled Adamax step of a partitioned filter's weights from its gradient, computed element by
 * element in the same pass (the reference of the wasm kernel `fd_adamax_scaled`; byte pointers).
 * Rows r = 0..2P−1 of `bins` floats at `w`, `m`, `u`: row p < P the real parts of partition p, row
 * P + p its imaginary parts. Each element's gradient is the one {@link fdGradient} writes without
 * projection (`re = ar·gr + ai·gi`, `im = ar·gi − ai·gr` of ring slot (head − p) mod P, times
 * `f[k]` when `fp ≠ 0`, times c_k; the imaginary part 0 at k = 0, m), and its step the one
 * `adamaxScaledUpdate` makes with the row factor `row[r]` and the bin factor `bin[k]` (`bin` = 0:
 * none). So it equals `fdGradient` into a buffer followed by `adamaxScaledUpdate` on it, bit for
 * bit, without the buffer. The scalars come from the block at `s` (slots of {@link AdamaxScalars}).
 */
export function fdAdamaxScaled(
  heap: FdHeap,
  w: number,
  m: number,
  u: number,
  s: number,
  row: number,
  bin: number,
  xRe: number,
  xIm: number,
  gRe: number,
  gIm: number,
  fp: number,
  head: number,
  parts: number,
  bins: number,
): void {
  const f = heap.f;
  const sc = s >> 2;
  const lr = f[sc + AdamaxScalars.lr]!;
  const c1 = f[sc + AdamaxScalars.c1]!;
  const beta2 = f[sc + AdamaxScalars.beta2]!;
  const eps = f[sc + AdamaxScalars.eps]!;
  const k = f[sc + AdamaxScalars.k]!;
  const mEdge = bins - 1;
  const cMid = f32(1 / mEdge);
  const cEdge = f32(cMid * 0.5);
  for (let r = 0; r < 2 * parts; r++) {
    const im = r >= parts;
    const p = im ? r - parts : r;
    const xo = ((head - p + parts) % parts) * bins;
    const fr = f[(row >> 2) + r]!;
    for (let b = 0; b < bins; b++) {
      const ar = f[(xRe >> 2) + xo + b]!;
      const ai = f[(xIm >> 2) + xo + b]!;
      const gr = f[(gRe >> 2) + b]!;
      const gi = f[(gIm >> 2) + b]!;
      let x = im ? f32(f32(ar * gi) - f32(ai * gr)) : f32(f32(ar * gr) + f32(ai * gi));
      if (fp !== 0) x = f32(x * f[(fp >> 2) + b]!);
      const edge = b === 0 || b === mEdge;
      const g = edge && im ? 0 : f32((edge ? cEdge : cMid) * x);
      const i = r * bins + b;
      const wi = (w >> 2) + i;
      const mi = (m >> 2) + i;
      const ui = (u >> 2) + i;
      const mNew = f32(f[mi]! + f32(f32(g - f[mi]!) * c1));
      const uNew = Math.max(f32(beta2 * f[ui]!), Math.abs(g));
      f[mi] = mNew;
      f[ui] = uNew;
      const w0 = f[wi]!;
      const wa = f32(w0 - f32(f32(lr * mNew) / f32(k * f32(uNew + eps))));
      const sk = bin === 0 ? fr : f32(fr * f[(bin >> 2) + b]!);
      f[wi] = f32(w0 + f32(sk * f32(wa - w0)));
    }
  }
}

/**
 * The per-bin convex combination of two output spectra and its gradient (byte pointers; bins
 * k = 0..m, block B = m):
 * ```
 * Δ_k = Y₁_k − Y₂_k,   Y₁ ← f32(Δ),   Y₂ ← f32(Y₂ + λ_k Δ)        (float64, Δ unrounded)
 * y = IFFT(Y₂);   e[i] = f32(d[i] − y[B + i]);   G = FFT([0_B, f32(−e/B)])
 * dλ_k = f32(c (Gr_k Y₁r_k + Gi_k Y₁i_k)),  0 < k < m;   dλ_k = f32(½c · Gr_k · Y₁r_k),  k = 0, m
 * ```
 * (float64 in the brackets; c = f32(1/m)). `buf` is the 2m-sample IFFT/FFT scratch, `gRe`, `gIm`
 * receive G. The reference of the wasm kernel `convex_output`, whose f64x2 lanes run the same
 * float64 operations.
 */
export function convexOutput(
  heap: FdHeap,
  yRe: number,
  yIm: number,
  y2Re: number,
  y2Im: number,
  lambda: number,
  d: number,
  e: number,
  buf: number,
  gRe: number,
  gIm: number,
  dLambda: number,
  tab: number,
  m: number,
): void {
  const f = heap.f;
  const r1 = yRe >> 2;
  const i1 = yIm >> 2;
  const r2 = y2Re >> 2;
  const i2 = y2Im >> 2;
  const lam = lambda >> 2;
  for (let k = 0; k <= m; k++) {
    const dr = f[r1 + k]! - f[r2 + k]!;
    const di = f[i1 + k]! - f[i2 + k]!;
    f[r1 + k] = dr;
    f[i1 + k] = di;
    f[r2 + k] = f[r2 + k]! + f[lam + k]! * dr;
    f[i2 + k] = f[i2 + k]! + f[lam + k]! * di;
  }
  rfftInverse(heap, y2Re, y2Im, buf, tab, m);
  const b0 = buf >> 2;
  const e0 = e >> 2;
  const d0 = d >> 2;
  const inv = 1 / m;
  for (let i = 0; i < m; i++) {
    f[e0 + i] = f[d0 + i]! - f[b0 + m + i]!;
    f[b0 + i] = 0;
    f[b0 + m + i] = -f[e0 + i]! * inv;
  }
  rfftForward(heap, buf, gRe, gIm, tab, m);
  const c = f32(1 / m);
  const g0 = gRe >> 2;
  const g1 = gIm >> 2;
  const dl = dLambda >> 2;
  for (let k = 1; k < m; k++) f[dl + k] = c * (f[g0 + k]! * f[r1 + k]! + f[g1 + k]! * f[i1 + k]!);
  f[dl] = 0.5 * c * f[g0]! * f[r1]!;
  f[dl + m] = 0.5 * c * f[g0 + m]! * f[r1 + m]!;
}

/** Slots of the descriptor of {@link fdLearnPass} (int32 indices; byte pointers, except the counts m, parts, bins). */
export const FdLearnSlots = {
  d: 0,
  xPrev: 1,
  buf: 2,
  tab: 3,
  m: 4,
  xRe: 5,
  xIm: 6,
  parts: 7,
  bins: 8,
  wRe: 9,
  wIm: 10,
  w2Re: 11,
  w2Im: 12,
  yRe: 13,
  yIm: 14,
  y2Re: 15,
  y2Im: 16,
  e: 17,
  out1: 18,
  out2: 19,
  pred: 20,
  stats: 21,
  gRe: 22,
  gIm: 23,
  lambda: 24,
  dl: 25,
  ec: 26,
  length: 27,
} as const;

/**
 * One learning pass of a partitioned filter whose output is the error, the output of a second
 * weight set on the same input, and the block energies, from a descriptor at byte address `desc`
 * ({@link FdLearnSlots}); the new reference block x is already at `buf + 4m`, `head` is the ring slot
 * of its spectrum. `f64` views the heap's buffer (the energies, float64, at `stats`).
 * ```
 * pd = Σ d², px = Σ x²  (float64, in i order);  pd/m + px/m not finite → return 1, nothing written
 * buf ← [xPrev, x], xPrev ← x;  X_head = rfft(buf);  Y = Σ_p W_p X_s(p), Y₂ = Σ_p W₂_p X_s(p)
 * e = d − irfft(Y)[m..2m) → e, out1;  eb = Σ e²;  t = d − e (float64) → pred = f32(t);  py = Σ t²
 * out2 = d − irfft(Y₂)[m..2m);  ef = Σ out2²;   stats ← pd, px, eb, ef, py;  return 0
 * ```
 * (the differences are float64 rounded to float32 as a JavaScript store rounds; the wasm kernel's
 * float32 subtraction is the same value).
 */
export function fdLearnPass(heap: FdHeap, f64: Float64Array, desc: number, head: number): number {
  const f = heap.f;
  const iv = heap.i;
  const D = desc >> 2;
  const S = FdLearnSlots;
  const m = iv[D + S.m]!;
  const d = iv[D + S.d]! >> 2;
  const buf = iv[D + S.buf]!;
  const b0 = buf >> 2;
  let pd = 0;
  let px = 0;
  for (let i = 0; i < m; i++) {
    pd += f[d + i]! * f[d + i]!;
    px += f[b0 + m + i]! * f[b0 + m + i]!;
  }
  if (!Number.isFinite(pd / m + px / m)) return 1;
  const xp = iv[D + S.xPrev]! >> 2;
  for (let i = 0; i < m; i++) {
    f[b0 + i] = f[xp + i]!;
    f[xp + i] = f[b0 + m + i]!;
  }
  const xRe = iv[D + S.xRe]!;
  const xIm = iv[D + S.xIm]!;
  const tab = iv[D + S.tab]!;
  const parts = iv[D + S.parts]!;
  const bins = iv[D + S.bins]!;
  rfftForward(heap, buf, xRe + 4 * head * bins, xIm + 4 * head * bins, tab, m);
  spectralMac(heap, iv[D + S.yRe]!, iv[D + S.yIm]!, iv[D + S.wRe]!, iv[D + S.wIm]!, xRe, xIm, head, parts, bins);
  spectralMac(heap, iv[D + S.y2Re]!, iv[D + S.y2Im]!, iv[D + S.w2Re]!, iv[D + S.w2Im]!, xRe, xIm, head, parts, bins);
  rfftInverse(heap, iv[D + S.yRe]!, iv[D + S.yIm]!, buf, tab, m);
  const e = iv[D + S.e]! >> 2;
  const o1 = iv[D + S.out1]! >> 2;
  const o2 = iv[D + S.out2]! >> 2;
  const pr = iv[D + S.pred]! >> 2;
  let eb = 0;
  let py = 0;
  for (let i = 0; i < m; i++) {
    f[e + i] = f[d + i]! - f[b0 + m + i]!;
    f[o1 + i] = f[e + i]!;
    eb += f[e + i]! * f[e + i]!;
    const t = f[d + i]! - f[e + i]!;
    f[pr + i] = t;
    py += t * t;
  }
  rfftInverse(heap, iv[D + S.y2Re]!, iv[D + S.y2Im]!, buf, tab, m);
  let ef = 0;
  for (let i = 0; i < m; i++) {
    f[o2 + i] = f[d + i]! - f[b0 + m + i]!;
    ef += f[o2 + i]! * f[o2 + i]!;
  }
  const st = iv[D + S.stats]! >> 3;
  f64[st] = pd;
  f64[st + 1] = px;
  f64[st + 2] = eb;
  f64[st + 3] = ef;
  f64[st + 4] = py;
  return 0;
}

/**
 * The per-bin convex combination of the last {@link fdLearnPass}'s two output spectra, from the same
 * descriptor: {@link convexOutput} on its pointers (Y₁ = yRe/yIm, Y₂ = y2Re/y2Im, λ, d, e = ec, buf,
 * G = gRe/gIm, ∂λ = dl, tab, m), then `stats[5] = Σ ec²` (float64, in i order).
 */
export function fdConvex(heap: FdHeap, f64: Float64Array, desc: number): void {
  const iv = heap.i;
  const D = desc >> 2;
  const S = FdLearnSlots;
  const ec = iv[D + S.ec]!;
  const m = iv[D + S.m]!;
  const y1 = iv[D + S.yRe]!;
  const y2 = iv[D + S.y2Re]!;
  const g = iv[D + S.gRe]!;
  const lam = iv[D + S.lambda]!;
  const buf = iv[D + S.buf]!;
  convexOutput(
    heap,
    y1,
    iv[D + S.yIm]!,
    y2,
    iv[D + S.y2Im]!,
    lam,
    iv[D + S.d]!,
    ec,
    buf,
    g,
    iv[D + S.gIm]!,
    iv[D + S.dl]!,
    iv[D + S.tab]!,
    m,
  );
  const f = heap.f;
  let acc = 0;
  for (let i = 0; i < m; i++) acc += f[(ec >> 2) + i]! * f[(ec >> 2) + i]!;
  f64[(iv[D + S.stats]! >> 3) + 5] = acc;
}

/** Slots of the descriptor of {@link fdStep} (int32 indices; byte pointers, except the counts m, parts, bins). */
export const FdStepSlots = {
  xRe: 0,
  xIm: 1,
  gRe: 2,
  gIm: 3,
  buf: 4,
  tab: 5,
  e: 6,
  m: 7,
  parts: 8,
  bins: 9,
  loss: 10,
  length: 11,
} as const;

/**
 * One proportionate Adamax step of a partitioned filter's weights (2P rows of `bins`) from the
 * error of its last pass, then the weight constraint of one partition, from a descriptor at byte
 * address `desc` ({@link FdStepSlots}); `w`, `m`, `u`, `s`, `row`, `bin`, `head` as {@link fdAdamaxScaled}.
 * With `prop` ≠ 0 (two float64 at that byte address: α, max) the row factors are made first:
 * ```
 * α > 0 and T = Σ_p n_p > 0 (float64, p order; n = partitionNorms of w):
 *   f_p = f32((1 − α) + (α·n_p)·(P / T)),  f32(max) when above max;  row[p] = row[P + p] = f_p
 * else every row factor 1
 * ```
 * then the loss (0.5 Σ e²) / m (float64) into `loss`, G = rfft([0_m, f32(−e·(1/m))]) into (gRe, gIm),
 * {@link fdAdamaxScaled} without a factor, and, when `part` ≥ 0, {@link projectPartitions} of
 * partition `part`.
 */
export function fdStep(
  heap: FdHeap,
  f64: Float64Array,
  desc: number,
  w: number,
  m: number,
  u: number,
  s: number,
  row: number,
  bin: number,
  prop: number,
  head: number,
  part: number,
): void {
  const f = heap.f;
  const D = desc >> 2;
  const S = FdStepSlots;
  const iv = heap.i;
  const parts = iv[D + S.parts]!;
  const bins = iv[D + S.bins]!;
  const im = w + 4 * parts * bins;
  if (prop !== 0) stepFactors(f, f64[prop >> 3]!, f64[(prop >> 3) + 1]!, w, im, bins, parts, row >> 2);
  const mb = iv[D + S.m]!;
  const e = iv[D + S.e]! >> 2;
  const buf = iv[D + S.buf]!;
  const b0 = buf >> 2;
  const inv = 1 / mb;
  let loss = 0;
  for (let i = 0; i < mb; i++) {
    f[b0 + i] = 0;
    f[b0 + mb + i] = -f[e + i]! * inv;
    loss += f[e + i]! * f[e + i]!;
  }
  f64[iv[D + S.loss]! >> 3] = (0.5 * loss) / mb;
  const gRe = iv[D + S.gRe]!;
  const gIm = iv[D + S.gIm]!;
  const tab = iv[D + S.tab]!;
  rfftForward(heap, buf, gRe, gIm, tab, mb);
  fdAdamaxScaled(heap, w, m, u, s, row, bin, iv[D + S.xRe]!, iv[D + S.xIm]!, gRe, gIm, 0, head, parts, bins);
  if (part >= 0) projectPartitions(heap, w, im, bins, part, part + 1, tab, buf);
}

/** The proportionate row factors of {@link fdStep} into `f[row ..row + 2P)` (element offset). */
function stepFactors(
  f: Float32Array,
  a: number,
  hi: number,
  w: number,
  im: number,
  bins: number,
  parts: number,
  row: number,
): void {
  if (!(a > 0)) {
    f.fill(1, row, row + 2 * parts);
    return;
  }
  partitionNorms(f, w >> 2, im >> 2, bins, parts, row);
  let total = 0;
  for (let p = 0; p < parts; p++) total += f[row + p]!;
  if (!(total > 0)) {
    f.fill(1, row, row + 2 * parts);
    return;
  }
  const inv = parts / total;
  for (let p = 0; p < parts; p++) {
    f[row + p] = 1 - a + a * f[row + p]! * inv;
    if (f[row + p]! > hi) f[row + p] = hi;
    f[row + parts + p] = f[row + p]!;
  }
}
