import { describe, expect, it } from 'vitest';
import { AdamaxScalars } from '../../src/core/kernels/adamax-scalars.js';
import {
  FdLearnSlots,
  FdStepSlots,
  fdAdamaxScaled,
  projectPartitions,
  rfftForward,
  rfftInverse,
  spectralMac,
} from '../../src/core/kernels/fd-kernels-reference.js';
import { partitionNorms } from '../../src/core/kernels/partition-norms.js';
import { Random } from '../../src/core/random.js';
import { wasmSimdAvailable } from '../../src/core/wasm/adamax-wasm.js';
import { arenaFloatBytes, KernelArena } from '../../src/core/wasm/kernel-arena.js';
import { skipUnavailable } from '../helpers/skip-unavailable.js';

/** The buffers of one `fdLearn2` call in an arena (the same offsets in every arena of the same backend sizes). */
function setup(backend: 'wasm' | 'js', m: number, parts: number) {
  const bins = m + 1;
  const a = KernelArena.create(
    KernelArena.bytesForFft(m) + arenaFloatBytes(4 * parts * bins + 12 * bins) * 2 + 4096,
    backend,
  );
  const v = {
    tab: a.allocFftTables(m),
    d: a.allocF32(m),
    xPrev: a.allocF32(m),
    buf: a.allocF32(2 * m),
    xRe: a.allocF32(parts * bins),
    xIm: a.allocF32(parts * bins),
    w: a.allocF32(2 * parts * bins),
    w2: a.allocF32(2 * parts * bins),
    yRe: a.allocF32(bins),
    yIm: a.allocF32(bins),
    y2Re: a.allocF32(bins),
    y2Im: a.allocF32(bins),
    e: a.allocF32(m),
    out1: a.allocF32(m),
    out2: a.allocF32(m),
    pred: a.allocF32(m),
    stats: a.allocF32(12),
    desc: a.allocF32(FdLearnSlots.length),
    gRe: a.allocF32(bins),
    gIm: a.allocF32(bins),
    lambda: a.allocF32(bins),
    dl: a.allocF32(bins),
    ec: a.allocF32(m),
  };
  const S = FdLearnSlots;
  const desc = new Int32Array(a.buffer, v.desc.byteOffset, S.length);
  const im = 4 * parts * bins;
  const ptr = { d: v.d, xPrev: v.xPrev, buf: v.buf, xRe: v.xRe, xIm: v.xIm, yRe: v.yRe, yIm: v.yIm, y2Re: v.y2Re };
  for (const [k, view] of Object.entries(ptr)) desc[S[k as keyof typeof ptr]] = view.byteOffset;
  desc[S.y2Im] = v.y2Im.byteOffset;
  desc[S.tab] = v.tab;
  desc[S.m] = m;
  desc[S.parts] = parts;
  desc[S.bins] = bins;
  desc[S.wRe] = v.w.byteOffset;
  desc[S.wIm] = v.w.byteOffset + im;
  desc[S.w2Re] = v.w2.byteOffset;
  desc[S.w2Im] = v.w2.byteOffset + im;
  desc[S.e] = v.e.byteOffset;
  desc[S.out1] = v.out1.byteOffset;
  desc[S.out2] = v.out2.byteOffset;
  desc[S.pred] = v.pred.byteOffset;
  desc[S.stats] = v.stats.byteOffset;
  desc.set([v.gRe.byteOffset, v.gIm.byteOffset, v.lambda.byteOffset, v.dl.byteOffset, v.ec.byteOffset], S.gRe);
  const stats = new Float64Array(a.buffer, v.stats.byteOffset, 6);
  return { a, v, stats, bins };
}

type Setup = ReturnType<typeof setup>;
const bits = (a: Float32Array): number[] => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));
const f64bits = (a: Float64Array): string[] => Array.from(a, (x) => (Object.is(x, -0) ? '-0' : String(x)));
const ARRAYS = ['xPrev', 'buf', 'xRe', 'xIm', 'yRe', 'yIm', 'y2Re', 'y2Im', 'e', 'out1', 'out2', 'pred'] as const;

/** The same pass the way the model and the canceller ran it before the kernel: separate reference kernels and JS loops. */
function separate(t: Setup, m: number, parts: number, head: number): boolean {
  const { a, v, bins } = t;
  const heap = { f: new Float32Array(a.buffer), i: new Int32Array(a.buffer) };
  const d = v.d;
  const x = v.buf.slice(m);
  let pd = 0;
  let px = 0;
  for (let i = 0; i < m; i++) {
    pd += d[i]! * d[i]!;
    px += x[i]! * x[i]!;
  }
  if (!Number.isFinite(pd / m + px / m)) return false;
  v.buf.set(v.xPrev);
  v.buf.set(x, m);
  v.xPrev.set(x);
  const o = 4 * head * bins;
  rfftForward(heap, v.buf.byteOffset, v.xRe.byteOffset + o, v.xIm.byteOffset + o, v.tab, m);
  const im = 4 * parts * bins;
  const [w, w2, xr, xi] = [v.w.byteOffset, v.w2.byteOffset, v.xRe.byteOffset, v.xIm.byteOffset];
  spectralMac(heap, v.yRe.byteOffset, v.yIm.byteOffset, w, w + im, xr, xi, head, parts, bins);
  spectralMac(heap, v.y2Re.byteOffset, v.y2Im.byteOffset, w2, w2 + im, xr, xi, head, parts, bins);
  rfftInverse(heap, v.yRe.byteOffset, v.yIm.byteOffset, v.buf.byteOffset, v.tab, m);
  for (let i = 0; i < m; i++) {
    v.e[i] = d[i]! - v.buf[m + i]!;
    v.out1[i] = v.e[i]!;
  }
  rfftInverse(heap, v.y2Re.byteOffset, v.y2Im.byteOffset, v.buf.byteOffset, v.tab, m);
  for (let i = 0; i < m; i++) v.out2[i] = d[i]! - v.buf[m + i]!;
  let eb = 0;
  let ef = 0;
  let py = 0;
  for (let i = 0; i < m; i++) {
    eb += v.out1[i]! * v.out1[i]!;
    ef += v.out2[i]! * v.out2[i]!;
    const y = d[i]! - v.out1[i]!;
    v.pred[i] = y;
    py += y * y;
  }
  t.stats.set([pd, px, eb, ef, py]);
  return true;
}

function randomize(ts: Setup[], rnd: Random, m: number): void {
  const [t0] = ts as [Setup];
  const scale = (): number => 10 ** rnd.uniform(-4, 1);
  for (const key of ['d', 'xPrev', 'xRe', 'xIm', 'w', 'w2'] as const) {
    const s = scale();
    for (let i = 0; i < t0.v[key].length; i++) t0.v[key][i] = rnd.gaussian() * s;
  }
  for (let i = m; i < 2 * m; i++) t0.v.buf[i] = rnd.gaussian() * scale();
  for (const t of ts.slice(1))
    for (const key of ['d', 'xPrev', 'xRe', 'xIm', 'w', 'w2', 'buf'] as const) t.v[key].set(t0.v[key]);
}

const CASES: [number, number][] = [
  [1, 1],
  [2, 3],
  [4, 2],
  [16, 3],
  [64, 8],
  [128, 8],
  [128, 16],
];

describe('fdLearnPass (TypeScript reference) = the separate kernels and loops it replaces', () => {
  it.each(CASES)('m = %i, P = %i', (m, parts) => {
    const rnd = new Random(7 * m + parts);
    const ref = setup('js', m, parts);
    const sep = setup('js', m, parts);
    for (let trial = 0; trial < 2 * parts + 2; trial++) {
      const head = trial % parts;
      randomize([ref, sep], rnd, m);
      expect(ref.a.kernels.fdLearn2(ref.v.desc.byteOffset, head)).toBe(0);
      expect(separate(sep, m, parts, head)).toBe(true);
      for (const k of ARRAYS) expect(bits(ref.v[k])).toEqual(bits(sep.v[k]));
      expect(f64bits(ref.stats)).toEqual(f64bits(sep.stats));
    }
  });
});

describe.skipIf(skipUnavailable('fd_learn2 wasm kernel', wasmSimdAvailable() ? undefined : 'no WebAssembly SIMD'))(
  'fd_learn2 (wasm) = fdLearnPass (TypeScript reference), bit for bit',
  () => {
    it.each(CASES)('m = %i, P = %i', (m, parts) => {
      const rnd = new Random(11 * m + parts);
      const w = setup('wasm', m, parts);
      const r = setup('js', m, parts);
      for (let trial = 0; trial < 2 * parts + 2; trial++) {
        const head = (3 * trial) % parts;
        randomize([w, r], rnd, m);
        if (trial === 1) w.v.d[0] = r.v.d[0] = 0; // exact zeros and ties
        expect(w.a.kernels.fdLearn2(w.v.desc.byteOffset, head)).toBe(0);
        expect(r.a.kernels.fdLearn2(r.v.desc.byteOffset, head)).toBe(0);
        for (const k of ARRAYS) expect(bits(w.v[k])).toEqual(bits(r.v[k]));
        expect(f64bits(w.stats)).toEqual(f64bits(r.stats));
        // the convex combination of the two output spectra with its energy
        for (let k = 0; k <= m; k++) w.v.lambda[k] = r.v.lambda[k] = rnd.uniform(0, 1);
        w.a.kernels.fdConvex(w.v.desc.byteOffset);
        r.a.kernels.fdConvex(r.v.desc.byteOffset);
        for (const k of ['ec', 'dl', 'gRe', 'gIm', 'yRe', 'yIm', 'y2Re', 'y2Im', 'buf'] as const) {
          expect(bits(w.v[k])).toEqual(bits(r.v[k]));
        }
        let ec = 0;
        for (let i = 0; i < m; i++) ec += r.v.ec[i]! * r.v.ec[i]!;
        expect([w.stats[5], r.stats[5]]).toEqual([ec, ec]);
      }
    });

    it.each([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])(
      'a non-finite input sample (%f) in d or x: returns 1 and writes nothing',
      (bad) => {
        for (const where of ['d', 'x'] as const) {
          for (const backend of ['wasm', 'js'] as const) {
            const t = setup(backend, 16, 3);
            randomize([t], new Random(3), 16);
            if (where === 'd') t.v.d[5] = bad;
            else t.v.buf[16 + 9] = bad;
            const before = ARRAYS.map((k) => bits(t.v[k]));
            const statsBefore = f64bits(t.stats);
            expect(t.a.kernels.fdLearn2(t.v.desc.byteOffset, 1)).toBe(1);
            expect(ARRAYS.map((k) => bits(t.v[k]))).toEqual(before);
            expect(f64bits(t.stats)).toEqual(statsBefore);
          }
        }
      },
    );
  },
);

/** The buffers of one `fdStep` call in an arena. */
function stepSetup(backend: 'wasm' | 'js', m: number, parts: number) {
  const bins = m + 1;
  const n = 2 * parts * bins;
  const a = KernelArena.create(KernelArena.bytesForFft(m) + arenaFloatBytes(6 * n + 8 * bins) * 2 + 4096, backend);
  const v = {
    tab: a.allocFftTables(m),
    xRe: a.allocF32(parts * bins),
    xIm: a.allocF32(parts * bins),
    gRe: a.allocF32(bins),
    gIm: a.allocF32(bins),
    buf: a.allocF32(2 * m),
    e: a.allocF32(m),
    w: a.allocF32(n),
    mm: a.allocF32(n),
    u: a.allocF32(n),
    s: a.allocF32(AdamaxScalars.length),
    row: a.allocF32(2 * parts),
    bin: a.allocF32(bins),
    prop: a.allocF32(4),
    loss: a.allocF32(2),
    desc: a.allocF32(FdStepSlots.length),
  };
  const S = FdStepSlots;
  const desc = new Int32Array(a.buffer, v.desc.byteOffset, S.length);
  desc.set([v.xRe.byteOffset, v.xIm.byteOffset, v.gRe.byteOffset, v.gIm.byteOffset, v.buf.byteOffset, v.tab], 0);
  desc.set([v.e.byteOffset, m, parts, bins, v.loss.byteOffset], S.e);
  return {
    a,
    v,
    prop: new Float64Array(a.buffer, v.prop.byteOffset, 2),
    loss: new Float64Array(a.buffer, v.loss.byteOffset, 1),
  };
}

type StepSetup = ReturnType<typeof stepSetup>;
const STEP_ARRAYS = ['w', 'mm', 'u', 'row', 'gRe', 'gIm', 'buf'] as const;

/** The step as the canceller ran it before the kernel: norms, factors in JS, error spectrum in JS, the step, the constraint. */
function separateStep(
  t: StepSetup,
  m: number,
  parts: number,
  bin: boolean,
  prop: boolean,
  head: number,
  part: number,
): void {
  const { a, v } = t;
  const heap = { f: new Float32Array(a.buffer), i: new Int32Array(a.buffer) };
  const bins = m + 1;
  const im = v.w.byteOffset + 4 * parts * bins;
  if (prop) {
    const f = v.row;
    const [alpha, hi] = [t.prop[0]!, t.prop[1]!];
    partitionNorms(heap.f, v.w.byteOffset >> 2, im >> 2, bins, parts, f.byteOffset >> 2);
    let total = 0;
    for (let p = 0; p < parts; p++) total += f[p]!;
    if (!(alpha > 0) || !(total > 0)) f.fill(1);
    else {
      for (let p = 0; p < parts; p++) {
        f[p] = 1 - alpha + alpha * f[p]! * (parts / total);
        if (f[p]! > hi) f[p] = hi;
        f[parts + p] = f[p]!;
      }
    }
  }
  let loss = 0;
  for (let i = 0; i < m; i++) {
    v.buf[i] = 0;
    v.buf[m + i] = -v.e[i]! * (1 / m);
    loss += v.e[i]! * v.e[i]!;
  }
  t.loss[0] = (0.5 * loss) / m;
  rfftForward(heap, v.buf.byteOffset, v.gRe.byteOffset, v.gIm.byteOffset, v.tab, m);
  const [w, mm, u, s, row] = [v.w.byteOffset, v.mm.byteOffset, v.u.byteOffset, v.s.byteOffset, v.row.byteOffset];
  const [xr, xi, gr, gi] = [v.xRe.byteOffset, v.xIm.byteOffset, v.gRe.byteOffset, v.gIm.byteOffset];
  fdAdamaxScaled(heap, w, mm, u, s, row, bin ? v.bin.byteOffset : 0, xr, xi, gr, gi, 0, head, parts, bins);
  if (part >= 0) projectPartitions(heap, w, im, bins, part, part + 1, v.tab, v.buf.byteOffset);
}

function randomizeStep(ts: StepSetup[], rnd: Random, alpha: number, zeroWeights: boolean): void {
  const [t0] = ts as [StepSetup];
  for (const key of ['xRe', 'xIm', 'e', 'w', 'mm', 'u', 'row', 'bin'] as const) {
    const sc = 10 ** rnd.uniform(-3, 0);
    for (let i = 0; i < t0.v[key].length; i++) {
      const g = rnd.gaussian() * sc;
      t0.v[key][i] = key === 'u' || key === 'row' || key === 'bin' ? Math.abs(g) : zeroWeights && key === 'w' ? 0 : g;
    }
  }
  const s = t0.v.s;
  s[AdamaxScalars.lr] = 0.01;
  s[AdamaxScalars.c1] = 0.2;
  s[AdamaxScalars.beta2] = 0.99;
  s[AdamaxScalars.eps] = 1e-7;
  s[AdamaxScalars.k] = 1 - 0.8 ** rnd.uniform(1, 20);
  t0.prop[0] = alpha;
  t0.prop[1] = rnd.uniform(1.5, 4);
  for (const t of ts.slice(1)) {
    for (const key of ['xRe', 'xIm', 'e', 'w', 'mm', 'u', 'row', 'bin', 's'] as const) t.v[key].set(t0.v[key]);
    t.prop.set(t0.prop);
  }
}

describe('fd_step (wasm) = fdStep (TypeScript reference) = the separate passes it replaces, bit for bit', () => {
  const backends = wasmSimdAvailable() ? (['wasm', 'js'] as const) : (['js'] as const);
  it.each(CASES)('m = %i, P = %i', (m, parts) => {
    const rnd = new Random(13 * m + parts);
    const ts = backends.map((b) => stepSetup(b, m, parts));
    const sep = stepSetup('js', m, parts);
    let trial = 0;
    for (const alpha of [0.9, 0.5, 0, Number.NaN]) {
      for (const [bin, prop, zero] of [
        [false, true, false],
        [true, true, false],
        [true, false, false],
        [false, true, true],
      ] as const) {
        randomizeStep([...ts, sep], rnd, alpha, zero);
        const head = trial % parts;
        const part = trial % 3 === 2 ? -1 : (trial * 5) % parts;
        trial++;
        for (const t of ts) {
          const { v } = t;
          t.a.kernels.fdStep(
            v.desc.byteOffset,
            v.w.byteOffset,
            v.mm.byteOffset,
            v.u.byteOffset,
            v.s.byteOffset,
            v.row.byteOffset,
            bin ? v.bin.byteOffset : 0,
            prop ? v.prop.byteOffset : 0,
            head,
            part,
          );
        }
        separateStep(sep, m, parts, bin, prop, head, part);
        for (const t of ts) {
          for (const k of STEP_ARRAYS)
            expect(bits(t.v[k]), `${k}, α ${alpha}, bin ${bin}, prop ${prop}`).toEqual(bits(sep.v[k]));
          expect(t.loss[0]).toBe(sep.loss[0]);
        }
      }
    }
  });
});
