import { describe, expect, it } from 'vitest';
import { AdamaxScalars } from '../../src/core/kernels/adamax-scalars.js';
import { adamaxUpdate } from '../../src/core/kernels/adamax-update.js';
import { Random } from '../../src/core/random.js';
import { wasmSimdAvailable } from '../../src/core/wasm/adamax-wasm.js';
import { arenaFloatBytes, KernelArena } from '../../src/core/wasm/kernel-arena.js';
import { skipUnavailable } from '../helpers/skip-unavailable.js';

/** Two arenas (wasm and the TS reference) with the same buffers at the same offsets. */
function pair(m: number, parts: number) {
  const bins = m + 1;
  const floats = 2 * m + 2 * bins * 4 + 2 * parts * bins * 4 + bins;
  const bytes = KernelArena.bytesForFft(m) + arenaFloatBytes(floats) + 64 * 16;
  const arenas = [KernelArena.create(bytes, 'wasm'), KernelArena.create(bytes, 'js')] as const;
  const views = arenas.map((a) => ({
    tab: a.allocFftTables(m),
    x: a.allocF32(2 * m),
    buf: a.allocF32(2 * m),
    re: a.allocF32(bins),
    im: a.allocF32(bins),
    yRe: a.allocF32(bins),
    yIm: a.allocF32(bins),
    gRe: a.allocF32(bins),
    gIm: a.allocF32(bins),
    phiRe: a.allocF32(bins),
    phiIm: a.allocF32(bins),
    f: a.allocF32(bins),
    wRe: a.allocF32(parts * bins),
    wIm: a.allocF32(parts * bins),
    xRe: a.allocF32(parts * bins),
    xIm: a.allocF32(parts * bins),
    gradRe: a.allocF32(parts * bins),
    gradIm: a.allocF32(parts * bins),
  }));
  return { arenas, views, bins };
}

function fill(rnd: Random, ...arrays: Float32Array[][]): void {
  for (const group of arrays) {
    const [a, b] = group;
    for (let i = 0; i < a!.length; i++) a![i] = rnd.gaussian() * 10 ** rnd.uniform(-3, 3);
    b!.set(a!);
  }
}

function bits(a: Float32Array): Uint32Array {
  return new Uint32Array(a.buffer, a.byteOffset, a.length);
}

function canonicalBits(a: Float32Array): number[] {
  return Array.from(bits(a), (b, i) => (Number.isNaN(a[i]) ? 0x7fc00000 : b));
}

/**
 * A wasm and a JS arena, each with five n-element buffers (w, g, m, u, avg) and an AdamaxScalars
 * block: the same kernel runs on both and their bits are compared.
 */
function twinArenas(n: number) {
  const bytes = 5 * arenaFloatBytes(n) + arenaFloatBytes(AdamaxScalars.length);
  const arenas = [KernelArena.create(bytes, 'wasm'), KernelArena.create(bytes, 'js')];
  const bufs = arenas.map((a) => Array.from({ length: 5 }, () => a.allocF32(n)));
  const scalars = arenas.map((a) => a.allocF32(AdamaxScalars.length));
  return { arenas, bufs, scalars };
}

const SIZES = [1, 2, 4, 8, 16, 64, 128, 256];

describe.skipIf(
  skipUnavailable('frequency-domain SIMD kernels', wasmSimdAvailable() ? undefined : 'no WebAssembly SIMD'),
)('frequency-domain SIMD kernels = the TS reference, bit for bit', () => {
  it.each(SIZES)('real FFT forward and inverse, m = %i', (m) => {
    const { arenas, views } = pair(m, 1);
    const [w, r] = views as [(typeof views)[0], (typeof views)[0]];
    const rnd = new Random(m);
    for (let trial = 0; trial < 5; trial++) {
      fill(rnd, [w.x, r.x]);
      arenas[0].kernels.rfftForward(w.x.byteOffset, w.re.byteOffset, w.im.byteOffset, w.tab, m);
      arenas[1].kernels.rfftForward(r.x.byteOffset, r.re.byteOffset, r.im.byteOffset, r.tab, m);
      expect(bits(w.re)).toEqual(bits(r.re));
      expect(bits(w.im)).toEqual(bits(r.im));
      fill(rnd, [w.re, r.re], [w.im, r.im]);
      arenas[0].kernels.rfftInverse(w.re.byteOffset, w.im.byteOffset, w.buf.byteOffset, w.tab, m);
      arenas[1].kernels.rfftInverse(r.re.byteOffset, r.im.byteOffset, r.buf.byteOffset, r.tab, m);
      expect(bits(w.buf)).toEqual(bits(r.buf));
    }
  });

  it.each([
    [4, 1],
    [16, 3],
    [64, 8],
    [128, 8],
    [128, 16],
  ])('spectral MAC, gradient (with and without factor and projection), constraint: m = %i, P = %i', (m, parts) => {
    const { arenas, views, bins } = pair(m, parts);
    const [w, r] = views as [(typeof views)[0], (typeof views)[0]];
    const rnd = new Random(1000 + m + parts);
    for (let head = 0; head < parts; head++) {
      fill(rnd, [w.wRe, r.wRe], [w.wIm, r.wIm], [w.xRe, r.xRe], [w.xIm, r.xIm], [w.gRe, r.gRe], [w.gIm, r.gIm]);
      fill(rnd, [w.f, r.f]);
      for (const [i, v] of [w, r].entries()) {
        const k = arenas[i]!.kernels;
        k.spectralMac(
          v.yRe.byteOffset,
          v.yIm.byteOffset,
          v.wRe.byteOffset,
          v.wIm.byteOffset,
          v.xRe.byteOffset,
          v.xIm.byteOffset,
          head,
          parts,
          bins,
        );
      }
      expect(bits(w.yRe)).toEqual(bits(r.yRe));
      expect(bits(w.yIm)).toEqual(bits(r.yIm));
      // the two-weight-set MAC (W → Y into phi, W2 = grad buffers → Y2 into g) equals two single MACs, bit for bit
      fill(rnd, [w.gradRe, r.gradRe], [w.gradIm, r.gradIm]);
      for (const [i, v] of [w, r].entries()) {
        arenas[i]!.kernels.spectralMac2(
          v.phiRe.byteOffset,
          v.phiIm.byteOffset,
          v.wRe.byteOffset,
          v.wIm.byteOffset,
          v.re.byteOffset,
          v.im.byteOffset,
          v.gradRe.byteOffset,
          v.gradIm.byteOffset,
          v.xRe.byteOffset,
          v.xIm.byteOffset,
          head,
          parts,
          bins,
        );
      }
      expect(bits(w.phiRe)).toEqual(bits(r.yRe));
      expect(bits(w.phiIm)).toEqual(bits(r.yIm));
      expect(bits(r.phiRe)).toEqual(bits(r.yRe));
      for (const [i, v] of [w, r].entries()) {
        arenas[i]!.kernels.spectralMac(
          v.yRe.byteOffset,
          v.yIm.byteOffset,
          v.gradRe.byteOffset,
          v.gradIm.byteOffset,
          v.xRe.byteOffset,
          v.xIm.byteOffset,
          head,
          parts,
          bins,
        );
      }
      expect(bits(w.re)).toEqual(bits(r.yRe));
      expect(bits(w.im)).toEqual(bits(r.yIm));
      expect(bits(r.re)).toEqual(bits(r.yRe));
      expect(bits(r.im)).toEqual(bits(r.yIm));
      for (const factor of [false, true]) {
        for (const project of [0, 1]) {
          for (const [i, v] of [w, r].entries()) {
            arenas[i]!.kernels.fdGradient(
              v.gradRe.byteOffset,
              v.gradIm.byteOffset,
              v.xRe.byteOffset,
              v.xIm.byteOffset,
              v.gRe.byteOffset,
              v.gIm.byteOffset,
              factor ? v.f.byteOffset : 0,
              head,
              parts,
              bins,
              project,
              v.tab,
              v.buf.byteOffset,
              v.phiRe.byteOffset,
              v.phiIm.byteOffset,
            );
          }
          expect(bits(w.gradRe)).toEqual(bits(r.gradRe));
          expect(bits(w.gradIm)).toEqual(bits(r.gradIm));
        }
      }
      const from = head % parts;
      for (const [i, v] of [w, r].entries()) {
        arenas[i]!.kernels.projectPartitions(
          v.wRe.byteOffset,
          v.wIm.byteOffset,
          bins,
          from,
          parts,
          v.tab,
          v.buf.byteOffset,
        );
      }
      expect(bits(w.wRe)).toEqual(bits(r.wRe));
      expect(bits(w.wIm)).toEqual(bits(r.wIm));
    }
  });
});

describe('float32 real FFT accuracy against a float64 DFT', () => {
  it.each(SIZES)('m = %i: relative error ≤ 8·log2(2m)·2^-24 of the spectrum norm; inverse round trip', (m) => {
    const arena = KernelArena.create(KernelArena.bytesForFft(m) + arenaFloatBytes(6 * m + 8), 'js');
    const tab = arena.allocFftTables(m);
    const x = arena.allocF32(2 * m);
    const y = arena.allocF32(2 * m);
    const re = arena.allocF32(m + 1);
    const im = arena.allocF32(m + 1);
    const rnd = new Random(7 * m);
    for (let i = 0; i < 2 * m; i++) x[i] = rnd.gaussian();
    arena.kernels.rfftForward(x.byteOffset, re.byteOffset, im.byteOffset, tab, m);
    const n = 2 * m;
    let errSq = 0;
    let normSq = 0;
    for (let k = 0; k <= m; k++) {
      let sr = 0;
      let si = 0;
      for (let t = 0; t < n; t++) {
        sr += x[t]! * Math.cos((2 * Math.PI * k * t) / n);
        si -= x[t]! * Math.sin((2 * Math.PI * k * t) / n);
      }
      errSq += (re[k]! - sr) ** 2 + (im[k]! - si) ** 2;
      normSq += sr * sr + si * si;
    }
    const bound = 8 * Math.log2(n) * 2 ** -24;
    expect(Math.sqrt(errSq / normSq)).toBeLessThanOrEqual(bound);
    expect(im[0]).toBe(0);
    expect(im[m]).toBe(0);
    arena.kernels.rfftInverse(re.byteOffset, im.byteOffset, y.byteOffset, tab, m);
    let e = 0;
    let s = 0;
    for (let i = 0; i < n; i++) {
      e += (y[i]! - x[i]!) ** 2;
      s += x[i]! ** 2;
    }
    expect(Math.sqrt(e / s)).toBeLessThanOrEqual(2 * bound);
  });
});

describe('KernelArena', () => {
  it('hands out 16-byte aligned views that stay valid, and refuses to overflow', () => {
    const a = KernelArena.create(1024, 'auto');
    const v = a.allocF32(3);
    const u = a.allocF32(5);
    expect(v.byteOffset % 16).toBe(0);
    expect(u.byteOffset % 16).toBe(0);
    expect(u.byteOffset).toBeGreaterThanOrEqual(v.byteOffset + 12);
    expect(v.byteOffset).toBeGreaterThan(0);
    expect(a.owns(v)).toBe(true);
    expect(a.owns(new Float32Array(3))).toBe(false);
    expect(() => a.allocF32(a.capacity)).toThrow(/KernelArena is full/);
    expect(v.length).toBe(3);
  });
});

describe.skipIf(!wasmSimdAvailable())('fused Adamax + EMA kernel = adamaxUpdate then emaUpdate, bit for bit', () => {
  it.each([1, 3, 4, 17, 31, 32, 33, 63, 64, 65, 131, 1000])(
    'n = %i, 20 steps, including NaN, ±0 and subnormal values',
    (n) => {
      const { arenas, bufs, scalars } = twinArenas(n);
      const rnd = new Random(n);
      for (let i = 0; i < n; i++) {
        const w = i % 11 === 3 ? -0 : i % 13 === 5 ? 1e-40 : rnd.gaussian();
        for (const b of bufs) b[0]![i] = w;
      }
      const f32 = Math.fround;
      // the first 10 steps and 10 from t = 200 on (k = f32(1 − 0.9^t) exactly 1 there)
      for (const t of [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 200, 201, 202, 203, 204, 205, 206, 207, 208, 209]) {
        for (let i = 0; i < n; i++) {
          const g = i === 7 && t === 9 ? Number.NaN : rnd.gaussian() * 10 ** rnd.uniform(-3, 1);
          for (const b of bufs) b[1]![i] = g;
        }
        const k = f32(1 - f32(0.9 ** t));
        const mom = t === 1 ? 0 : f32(0.99);
        for (const [j, a] of arenas.entries()) {
          const [w, g, m, u, avg] = bufs[j]!.map((v) => v.byteOffset);
          const sc = scalars[j]!;
          sc.set([f32(0.01), f32(0.1), f32(0.999), f32(1e-7), k, mom, f32(1 - mom)]);
          a.kernels.adamaxEma(w!, g!, m!, u!, n, sc.byteOffset, avg!);
        }
        // bit for bit, except that any NaN equals any NaN (wasm does not fix NaN payloads or signs)
        for (let q = 0; q < 5; q++) expect(canonicalBits(bufs[0]![q]!)).toEqual(canonicalBits(bufs[1]![q]!));
      }
    },
  );
});

describe.skipIf(!wasmSimdAvailable())('first_non_finite', () => {
  it('finds the first NaN or ±Infinity (or −1) like the reference, at every position and length', () => {
    const n = 37;
    const arenas = [KernelArena.create(arenaFloatBytes(n), 'wasm'), KernelArena.create(arenaFloatBytes(n), 'js')];
    const views = arenas.map((a) => a.allocF32(n));
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      for (let pos = -1; pos < n; pos++) {
        for (const v of views) {
          v.fill(3.4e38);
          v[5] = -0;
          v[6] = 1e-45;
          if (pos >= 0) v[pos] = bad;
          if (pos >= 0 && pos + 3 < n) v[pos + 3] = bad;
        }
        for (const len of [0, 1, 4, 5, 17, n]) {
          const want = pos >= 0 && pos < len ? pos : -1;
          for (const [i, a] of arenas.entries()) expect(a.kernels.firstNonFinite(views[i]!.byteOffset, len)).toBe(want);
        }
      }
    }
  });
});

describe.skipIf(!wasmSimdAvailable())('adamax_finite look-ahead = finiteness of what adamax(_ema) writes', () => {
  it.each([1, 3, 4, 17, 130])(
    'n = %i: same verdict as running the kernel and scanning, wasm and reference, stores nothing',
    (n) => {
      const { arenas, bufs, scalars } = twinArenas(n);
      const rnd = new Random(77 + n);
      const f32 = Math.fround;
      const bad = [Number.NaN, Number.POSITIVE_INFINITY, 3.4e38, -3.4e38, 1e-45];
      let rejected = 0;
      for (let trial = 0; trial < 60; trial++) {
        const src = Array.from({ length: 5 }, () =>
          Float32Array.from({ length: n }, () => rnd.gaussian() * 10 ** rnd.uniform(-3, 1)),
        );
        for (let i = 0; i < n; i++) src[3]![i] = Math.abs(src[3]![i]!);
        // one poisoned value in some trials (in w, g, m, u or avg, at a random position)
        if (trial % 2) src[trial % 5]![Math.floor(rnd.uniform(0, n))] = bad[trial % bad.length]!;
        const lr = trial % 7 === 3 ? f32(1e38) : f32(0.01);
        const k = f32(1 - f32(0.9 ** (1 + (trial % 5))));
        for (const withAvg of [false, true]) {
          const mom = f32(0.99);
          for (const sc of scalars) sc.set([lr, f32(0.1), f32(0.999), f32(1e-7), k, mom, f32(1 - mom)]);
          const verdicts = arenas.map((a, j) => {
            for (const [q, v] of bufs[j]!.entries()) v.set(src[q]!);
            const [w, g, m, u, avg] = bufs[j]!.map((v) => v.byteOffset);
            return a.kernels.adamaxFinite(w!, g!, m!, u!, n, scalars[j]!.byteOffset, withAvg ? avg! : 0);
          });
          for (const [j] of arenas.entries()) {
            for (let q = 0; q < 5; q++) expect(canonicalBits(bufs[j]![q]!)).toEqual(canonicalBits(src[q]!));
          }
          // the truth: run the real kernel and scan what it wrote
          const a = arenas[0]!;
          const [w, g, m, u, avg] = bufs[0]!.map((v) => v.byteOffset);
          const s0 = scalars[0]!.byteOffset;
          if (withAvg) a.kernels.adamaxEma(w!, g!, m!, u!, n, s0, avg!);
          else a.kernels.adamax(w!, g!, m!, u!, n, s0);
          const written = withAvg ? [0, 2, 3, 4] : [0, 2, 3];
          const finite = written.every((q) => a.kernels.firstNonFinite(bufs[0]![q]!.byteOffset, n) < 0);
          expect(verdicts).toEqual([finite ? 1 : 0, finite ? 1 : 0]);
          if (!finite) rejected++;
        }
      }
      expect(rejected).toBeGreaterThan(10);
    },
  );
});

describe.skipIf(!wasmSimdAvailable())(
  'proportionate-step kernels: wasm = TypeScript reference = the unfused passes',
  () => {
    /** Two arenas (wasm, reference) with w, g, m, u of rows × bins, the row and bin factors, the scalars. */
    function scaledPair(rows: number, bins: number) {
      const n = rows * bins;
      const bytes = 4 * arenaFloatBytes(n) + arenaFloatBytes(rows) + arenaFloatBytes(bins) + arenaFloatBytes(8);
      return [KernelArena.create(bytes, 'wasm'), KernelArena.create(bytes, 'js')].map((a) => ({
        a,
        bufs: Array.from({ length: 4 }, () => a.allocF32(n)),
        row: a.allocF32(rows),
        bin: a.allocF32(bins),
        sc: a.allocF32(AdamaxScalars.length),
      }));
    }

    it.each([
      [1, 1],
      [2, 3],
      [16, 65],
      [16, 129],
      [48, 129],
      [5, 17],
      [3, 4],
    ])('adamax_scaled, %i rows × %i bins, 12 steps, with and without bin factors', (rows, bins) => {
      const n = rows * bins;
      const sides = scaledPair(rows, bins);
      const rnd = new Random(rows * 1000 + bins);
      const f32 = Math.fround;
      const special = [-0, 1e-40, -1e-42, 3e38, Number.NaN];
      // u starts anywhere in the state domain (u ≥ 0, −0, +Inf; the update keeps it there)
      const uSpecial = [-0, 1e-40, Number.POSITIVE_INFINITY, 0];
      for (let i = 0; i < n; i++) {
        const w = i % 17 === 4 ? special[i % 4]! : rnd.gaussian() * 10 ** rnd.uniform(-4, 0);
        const m = rnd.gaussian() * 10 ** rnd.uniform(-5, 0);
        const u = i % 13 === 6 ? uSpecial[i % 4]! : Math.abs(rnd.gaussian()) * 10 ** rnd.uniform(-5, 0);
        for (const s of sides) {
          s.bufs[0]![i] = w;
          s.bufs[2]![i] = m;
          s.bufs[3]![i] = u;
        }
      }
      for (let t = 1; t <= 12; t++) {
        const g = Float32Array.from({ length: n }, (_, i) =>
          t === 7 && i === n - 1 ? special[4]! : rnd.gaussian() * 10 ** rnd.uniform(-5, 1),
        );
        const row = Float32Array.from({ length: rows }, (_, r) => (r % 5 === 2 ? 4 : rnd.uniform(0.1, 3)));
        const bin = Float32Array.from({ length: bins }, (_, k) => (k % 7 === 1 ? 1 : rnd.uniform(0.05, 1)));
        const useBin = t % 2 === 0;
        // the unfused passes on plain copies: w0 ← w; adamaxUpdate; w ← w0 + f_r·s_k·(w − w0), every op float32
        const [w, , m, u] = sides[1]!.bufs.map((b) => b.slice());
        const w0 = w!.slice();
        for (const side of sides) {
          side.bufs[1]!.set(g);
          side.row.set(row);
          side.bin.set(bin);
          side.sc.set([f32(0.02), f32(0.2), f32(0.99), f32(1e-7), f32(1 - f32(0.8 ** t)), 0, 1]);
          const [pw, pg, pm, pu] = side.bufs.map((b) => b.byteOffset);
          side.a.kernels.adamaxScaled(
            pw!,
            pg!,
            pm!,
            pu!,
            rows,
            bins,
            side.sc.byteOffset,
            side.row.byteOffset,
            useBin ? side.bin.byteOffset : 0,
          );
        }
        const sc = sides[1]!.sc;
        adamaxUpdate(w!, 0, g, 0, m!, u!, 0, n, sc, 0);
        for (let r = 0; r < rows; r++) {
          for (let k = 0; k < bins; k++) {
            const i = r * bins + k;
            const f = useBin ? f32(row[r]! * bin[k]!) : row[r]!;
            w![i] = w0[i]! + f32(f * f32(w![i]! - w0[i]!));
          }
        }
        for (let q = 0; q < 4; q++) {
          if (q === 1) continue;
          const want = canonicalBits([w, g, m, u][q]!);
          expect(canonicalBits(sides[0]!.bufs[q]!)).toEqual(want);
          expect(canonicalBits(sides[1]!.bufs[q]!)).toEqual(want);
        }
      }
    });

    it.each([
      [1, 1],
      [1, 129],
      [2, 5],
      [3, 129],
      [8, 129],
      [24, 129],
      [7, 65],
      [5, 33],
      [6, 17],
    ])('partition_norms, %i partitions × %i bins = the float64 loop', (parts, bins) => {
      const n = parts * bins;
      const bytes = 2 * arenaFloatBytes(n) + arenaFloatBytes(parts);
      const sides = [KernelArena.create(bytes, 'wasm'), KernelArena.create(bytes, 'js')].map((a) => ({
        a,
        re: a.allocF32(n),
        im: a.allocF32(n),
        out: a.allocF32(parts),
      }));
      const rnd = new Random(parts * 31 + bins);
      for (let trial = 0; trial < 6; trial++) {
        const re = Float32Array.from({ length: n }, (_, i) =>
          i % 23 === 3 ? 1e-41 : rnd.gaussian() * 10 ** rnd.uniform(-6, 2),
        );
        const im = Float32Array.from({ length: n }, (_, i) =>
          i % 19 === 2 ? -0 : rnd.gaussian() * 10 ** rnd.uniform(-6, 2),
        );
        if (trial === 5) re[0] = 3e38;
        const want = new Float32Array(parts);
        for (let p = 0; p < parts; p++) {
          let e = 0;
          for (let i = p * bins; i < (p + 1) * bins; i++) e += re[i]! * re[i]! + im[i]! * im[i]!;
          want[p] = Math.sqrt(e);
        }
        for (const s of sides) {
          s.re.set(re);
          s.im.set(im);
          s.a.kernels.partitionNorms(s.re.byteOffset, s.im.byteOffset, bins, parts, s.out.byteOffset);
          expect(bits(s.out)).toEqual(bits(want));
        }
      }
    });
  },
);

describe.skipIf(!wasmSimdAvailable())(
  'fd_adamax_scaled (gradient inside the Adamax pass) = fdGradient then adamaxScaled, bit for bit',
  () => {
    /** An arena with the ring, G, the factors, w, m, u (2P rows), a gradient buffer and the scalars. */
    function side(a: KernelArena, parts: number, bins: number) {
      const n = 2 * parts * bins;
      return {
        a,
        xRe: a.allocF32(parts * bins),
        xIm: a.allocF32(parts * bins),
        gRe: a.allocF32(bins),
        gIm: a.allocF32(bins),
        f: a.allocF32(bins),
        w: a.allocF32(n),
        m: a.allocF32(n),
        u: a.allocF32(n),
        grad: a.allocF32(n),
        phiRe: a.allocF32(bins),
        phiIm: a.allocF32(bins),
        row: a.allocF32(2 * parts),
        bin: a.allocF32(bins),
        sc: a.allocF32(AdamaxScalars.length),
      };
    }

    it.each([
      [1, 2],
      [1, 3],
      [2, 5],
      [3, 9],
      [8, 129],
      [4, 65],
      [5, 7],
      [16, 33],
    ])(
      '%i partitions × %i bins, every head, 10 steps, with and without bin factors and gradient factor',
      (parts, bins) => {
        const n = 2 * parts * bins;
        const bytes = 8 * arenaFloatBytes(n) + 10 * arenaFloatBytes(bins) + arenaFloatBytes(2 * parts) + 64;
        const sides = [
          side(KernelArena.create(bytes, 'wasm'), parts, bins),
          side(KernelArena.create(bytes, 'js'), parts, bins),
          side(KernelArena.create(bytes, 'js'), parts, bins),
        ];
        const rnd = new Random(parts * 1000 + bins);
        const f32 = Math.fround;
        const special = [-0, 1e-40, -1e-42, 3e38];
        const uSpecial = [-0, 1e-40, Number.POSITIVE_INFINITY, 0];
        const init = {
          w: Float32Array.from({ length: n }, (_, i) =>
            i % 17 === 4 ? special[i % 4]! : rnd.gaussian() * 10 ** rnd.uniform(-4, 0),
          ),
          m: Float32Array.from({ length: n }, () => rnd.gaussian() * 10 ** rnd.uniform(-5, 0)),
          u: Float32Array.from({ length: n }, (_, i) =>
            i % 13 === 6 ? uSpecial[i % 4]! : Math.abs(rnd.gaussian()) * 10 ** rnd.uniform(-5, 0),
          ),
        };
        for (const s of sides) {
          s.w.set(init.w);
          s.m.set(init.m);
          s.u.set(init.u);
        }
        for (let t = 1; t <= 10; t++) {
          const head = t % parts;
          const useBin = t % 2 === 0;
          const useF = t % 3 === 0;
          const ring = (len: number, sp: number) =>
            Float32Array.from({ length: len }, (_, i) =>
              i % 11 === sp ? special[i % 4]! : rnd.gaussian() * 10 ** rnd.uniform(-3, 1),
            );
          const [xRe, xIm, gRe, gIm] = [ring(parts * bins, 3), ring(parts * bins, 5), ring(bins, 2), ring(bins, 7)];
          if (t === 7) gRe[bins - 1] = Number.NaN;
          const f = Float32Array.from({ length: bins }, () => rnd.uniform(0.01, 100));
          const row = Float32Array.from({ length: 2 * parts }, (_, r) => (r % 5 === 2 ? 4 : rnd.uniform(0.1, 3)));
          const bin = Float32Array.from({ length: bins }, (_, k) => (k % 7 === 1 ? 1 : rnd.uniform(0.05, 1)));
          for (const s of sides) {
            s.xRe.set(xRe);
            s.xIm.set(xIm);
            s.gRe.set(gRe);
            s.gIm.set(gIm);
            s.f.set(f);
            s.row.set(row);
            s.bin.set(bin);
            s.sc.set([f32(0.02), f32(0.2), f32(0.99), f32(1e-7), f32(1 - f32(0.8 ** t)), 0, 1]);
          }
          const fp = (s: (typeof sides)[0]) => (useF ? s.f.byteOffset : 0);
          const bp = (s: (typeof sides)[0]) => (useBin ? s.bin.byteOffset : 0);
          for (const s of sides.slice(0, 2)) {
            s.a.kernels.fdAdamaxScaled(
              s.w.byteOffset,
              s.m.byteOffset,
              s.u.byteOffset,
              s.sc.byteOffset,
              s.row.byteOffset,
              bp(s),
              s.xRe.byteOffset,
              s.xIm.byteOffset,
              s.gRe.byteOffset,
              s.gIm.byteOffset,
              fp(s),
              head,
              parts,
              bins,
            );
          }
          // the unfused kernels (TypeScript reference): the gradient into a buffer, then the scaled step on it
          const c = sides[2]!;
          const k = c.a.kernels;
          const im = 4 * parts * bins;
          const g = c.grad.byteOffset;
          k.fdGradient(
            g,
            g + im,
            c.xRe.byteOffset,
            c.xIm.byteOffset,
            c.gRe.byteOffset,
            c.gIm.byteOffset,
            fp(c),
            head,
            parts,
            bins,
            0,
            0,
            0,
            c.phiRe.byteOffset,
            c.phiIm.byteOffset,
          );
          k.adamaxScaled(
            c.w.byteOffset,
            g,
            c.m.byteOffset,
            c.u.byteOffset,
            2 * parts,
            bins,
            c.sc.byteOffset,
            c.row.byteOffset,
            bp(c),
          );
          for (const q of ['w', 'm', 'u'] as const) {
            const want = canonicalBits(c[q]);
            expect(canonicalBits(sides[0]![q]), `${q}, step ${t}`).toEqual(want);
            expect(canonicalBits(sides[1]![q]), `${q}, step ${t}`).toEqual(want);
          }
        }
      },
    );
  },
);

describe.skipIf(!wasmSimdAvailable())('convex_output kernel = the TypeScript reference, bit for bit', () => {
  it.each([1, 2, 4, 8, 64, 128])('m = %i', (m) => {
    const bins = m + 1;
    const bytes = KernelArena.bytesForFft(m) + 16 * arenaFloatBytes(2 * m + 2);
    const sides = [KernelArena.create(bytes, 'wasm'), KernelArena.create(bytes, 'js')].map((a) => ({
      a,
      tab: a.allocFftTables(m),
      v: Array.from({ length: 12 }, () => a.allocF32(2 * m + 2)),
    }));
    const rnd = new Random(500 + m);
    for (let trial = 0; trial < 8; trial++) {
      // yRe, yIm, y2Re, y2Im, λ (bins), d (m), then e, buf, gRe, gIm, dl outputs
      const inputs = [0, 1, 2, 3].map(() =>
        Float32Array.from({ length: bins }, () => rnd.gaussian() * 10 ** rnd.uniform(-3, 1)),
      );
      inputs.push(Float32Array.from({ length: bins }, () => rnd.uniform(0, 1)));
      inputs.push(Float32Array.from({ length: m }, () => rnd.gaussian()));
      if (trial === 3) inputs[0]![0] = -0;
      for (const s of sides) {
        for (const [q, x] of inputs.entries()) s.v[q]!.set(x);
        const p = s.v.map((b) => b.byteOffset);
        s.a.kernels.convexOutput(
          p[0]!,
          p[1]!,
          p[2]!,
          p[3]!,
          p[4]!,
          p[5]!,
          p[6]!,
          p[7]!,
          p[8]!,
          p[9]!,
          p[10]!,
          s.tab,
          m,
        );
      }
      for (const q of [0, 1, 2, 3, 6, 7, 8, 9, 10]) {
        expect(canonicalBits(sides[0]!.v[q]!)).toEqual(canonicalBits(sides[1]!.v[q]!));
      }
    }
  });
});
