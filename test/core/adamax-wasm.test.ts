import { readFile } from 'node:fs/promises';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileKernelWat } from '../../scripts/build-wasm.mjs';
import { AdamaxScalars } from '../../src/core/kernels/adamax-scalars.js';
import { adamaxUpdate } from '../../src/core/kernels/adamax-update.js';
import { Random } from '../../src/core/random.js';
import { ADAMAX_SIMD_WASM_BASE64 } from '../../src/core/wasm/adamax-simd.generated.js';
import {
  type AdamaxWasm,
  createAdamaxWasm,
  createWasmMemory,
  wasmSimdAvailable,
} from '../../src/core/wasm/adamax-wasm.js';

const f32 = Math.fround;

/** Hyper-parameters of one run; `t0` is the step number of the first step (k is derived per step). */
interface Hyper {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  t0: number;
}

/** Element offsets (not bytes) of the four runs inside their memory slots. */
interface Offsets {
  w: number;
  g: number;
  m: number;
  u: number;
}

interface Case {
  w: Float32Array;
  m: Float32Array;
  u: Float32Array;
  grads: Float32Array[];
  hyper: Hyper;
  offsets: Offsets;
}

const KERAS: Hyper = { lr: f32(0.001), beta1: 0.9, beta2: f32(0.999), eps: f32(1e-7), t0: 1 };
const NO_OFFSETS: Offsets = { w: 0, g: 0, m: 0, u: 0 };
const SENTINEL = 0x7fc0dead; // a NaN bit pattern nobody computes

function kOf(beta1: number, t: number): number {
  return f32(1 - f32(f32(beta1) ** t));
}

function bitsOf(x: number): number {
  const b = new Float32Array([x]);
  return new Uint32Array(b.buffer)[0]!;
}

function fromBits(bits: number): number {
  return new Float32Array(new Uint32Array([bits >>> 0]).buffer)[0]!;
}

/** First index where `a` and `b` differ in bits (any NaN equals any NaN), or -1. */
function firstMismatch(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return 0;
  const ab = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const bb = new Uint32Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < a.length; i++) {
    if (ab[i] === bb[i]) continue;
    if (Number.isNaN(a[i]) && Number.isNaN(b[i])) continue;
    return i;
  }
  return -1;
}

function describeMismatch(name: string, i: number, got: Float32Array, want: Float32Array): string {
  return `${name}[${i}]: wasm ${got[i]} (0x${bitsOf(got[i]!).toString(16)}) vs ts ${want[i]} (0x${bitsOf(want[i]!).toString(16)})`;
}

/**
 * Runs `c` through the TS reference and the wasm kernel and returns a list of problems (empty = identical).
 * Each run lives in its own slot of the memory at its element offset; everything else in the memory is
 * filled with a sentinel and must be untouched afterwards.
 */
function compare(c: Case): string[] {
  const n = c.w.length;
  const slot = n + 8;
  const memory = createWasmMemory(4 * (4 * slot + AdamaxScalars.length));
  if (memory === null) throw new Error('no WebAssembly');
  const kernel = createAdamaxWasm(memory) as AdamaxWasm;
  const all = new Uint32Array(memory.buffer);
  all.fill(SENTINEL);
  const heap = new Float32Array(memory.buffer);
  const base = { w: c.offsets.w, g: slot + c.offsets.g, m: 2 * slot + c.offsets.m, u: 3 * slot + c.offsets.u };
  // the scalar block both kernels read (written by the caller, not by the kernels)
  const sAt = 4 * slot;
  const sc = heap.subarray(sAt, sAt + AdamaxScalars.length);
  heap.set(c.w, base.w);
  heap.set(c.m, base.m);
  heap.set(c.u, base.u);

  const rw = c.w.slice();
  const rm = c.m.slice();
  const ru = c.u.slice();
  const { lr, beta1, beta2, eps, t0 } = c.hyper;
  const c1 = f32(1 - beta1);
  for (let s = 0; s < c.grads.length; s++) {
    const g = c.grads[s]!;
    const k = kOf(beta1, t0 + s);
    sc.set([lr, c1, beta2 + 0, eps, k]); // β2 as AdamaxCore writes it (−0 → +0); the reference gets it as given
    adamaxUpdate(rw, 0, g, 0, rm, ru, 0, n, sc, 0);
    heap.set(g, base.g);
    kernel.adamax(4 * base.w, 4 * base.g, 4 * base.m, 4 * base.u, n, 4 * sAt);
  }

  const problems: string[] = [];
  const check = (name: string, got: Float32Array, want: Float32Array) => {
    const i = firstMismatch(got, want);
    if (i >= 0) problems.push(describeMismatch(name, i, got, want));
  };
  check('w', heap.subarray(base.w, base.w + n), rw);
  check('m', heap.subarray(base.m, base.m + n), rm);
  check('u', heap.subarray(base.u, base.u + n), ru);
  const inside = (i: number) =>
    (i >= base.w && i < base.w + n) ||
    (i >= base.g && i < base.g + n) ||
    (i >= base.m && i < base.m + n) ||
    (i >= base.u && i < base.u + n) ||
    (i >= sAt && i < sAt + AdamaxScalars.length);
  for (let i = 0; i < all.length; i++) {
    if (!inside(i) && all[i] !== SENTINEL) {
      problems.push(`memory word ${i} outside the runs was written`);
      break;
    }
  }
  return problems;
}

function expectIdentical(c: Case): void {
  expect(compare(c)).toEqual([]);
}

function filled(n: number, f: (i: number) => number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = f(i);
  return a;
}

// ---------------------------------------------------------------------------------------------------

const MIN_SUBNORMAL = fromBits(1);
const MAX_SUBNORMAL = fromBits(0x007fffff);
const MIN_NORMAL = fromBits(0x00800000);
const MAX_F32 = fromBits(0x7f7fffff);
const SPECIALS = [
  0,
  -0,
  MIN_SUBNORMAL,
  -MIN_SUBNORMAL,
  MAX_SUBNORMAL,
  -MAX_SUBNORMAL,
  MIN_NORMAL,
  MAX_F32,
  -MAX_F32,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  Number.NaN,
  fromBits(0xffc00000),
  fromBits(0x7f800001), // signalling-NaN bit pattern
  f32(1e-7),
  f32(1e-30),
  f32(1e30),
  1,
  -1,
];

/** float32 values: full bit-pattern space, fast-check's float32 (biased to edge cases), ordinary sizes. */
const f32Arb: fc.Arbitrary<number> = fc.oneof(
  fc.integer({ min: 0, max: 0xffffffff }).map(fromBits),
  fc.float(),
  fc.float({ min: -10, max: 10, noNaN: true }),
  fc.float({ min: f32(-1e-3), max: f32(1e-3), noNaN: true }),
  fc.constantFrom(...SPECIALS),
);
/**
 * A float32 value of the kernels' domain for the state `u` and for β2: ≥ +0, +∞ or NaN of either sign
 * (−x for a negative x or −0). The update only writes max(·, |g|) there, `loadState` rejects negative
 * values and `AdamaxCore.normalizeU` turns −0 into +0, options reject β2 outside [0, 1] and AdamaxCore
 * writes f32(β2) + 0. On it the kernels' integer maximum of β2·u and |g| is max(β2·u, |g|) bit for bit.
 */
const notNegative = (x: number): number => (x < 0 || Object.is(x, -0) ? -x : x);
/** State `u` as training produces it, plus every bit pattern of its domain. */
const uArb: fc.Arbitrary<number> = fc.oneof(fc.float({ min: 0, max: 100, noNaN: true }), f32Arb.map(notNegative));
const offsetArb = fc.integer({ min: 0, max: 7 });

const hyperArb: fc.Arbitrary<Hyper> = fc.record({
  lr: fc.oneof(fc.constantFrom(f32(0.001), f32(0.1), 1, 0), fc.float({ min: 0, max: 10, noNaN: true }), f32Arb),
  beta1: fc.oneof(fc.constantFrom(0.9, 0, 0.5, 0.99, 0.999999), fc.double({ min: 0, max: 1, noNaN: true })),
  beta2: fc.oneof(
    fc.constantFrom(f32(0.999), 0, 1, f32(0.5)),
    fc.float({ min: 0, max: 1, noNaN: true }),
    f32Arb.map(notNegative),
  ),
  eps: fc.oneof(fc.constantFrom(f32(1e-7), 0, MIN_SUBNORMAL, f32(1e-3)), f32Arb),
  t0: fc.oneof(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 100_000 })),
});

const caseArb: fc.Arbitrary<Case> = fc
  .record({
    n: fc.integer({ min: 0, max: 67 }),
    steps: fc.integer({ min: 1, max: 6 }),
    hyper: hyperArb,
    offsets: fc.record({ w: offsetArb, g: offsetArb, m: offsetArb, u: offsetArb }),
  })
  .chain(({ n, steps, hyper, offsets }) => {
    const arr = (a: fc.Arbitrary<number>) =>
      fc.array(a, { minLength: n, maxLength: n }).map((xs) => Float32Array.from(xs));
    return fc.record({
      w: arr(f32Arb),
      m: arr(f32Arb),
      u: arr(uArb),
      grads: fc.array(arr(f32Arb), { minLength: steps, maxLength: steps }),
      hyper: fc.constant(hyper),
      offsets: fc.constant(offsets),
    });
  });

/** Ordinary training-like values (finite, small), so the state stays finite over many steps. */
const tameCaseArb: fc.Arbitrary<Case> = fc
  .record({
    n: fc.integer({ min: 0, max: 67 }),
    steps: fc.integer({ min: 1, max: 30 }),
    offsets: fc.record({ w: offsetArb, g: offsetArb, m: offsetArb, u: offsetArb }),
    beta2: fc.constantFrom(f32(0.999), 0, 1),
  })
  .chain(({ n, steps, offsets, beta2 }) => {
    const val = fc.float({ min: -5, max: 5, noNaN: true });
    const arr = () => fc.array(val, { minLength: n, maxLength: n }).map((xs) => Float32Array.from(xs));
    return fc.record({
      w: arr(),
      m: fc.constant(new Float32Array(n)),
      u: fc.constant(new Float32Array(n)),
      grads: fc.array(arr(), { minLength: steps, maxLength: steps }),
      hyper: fc.constant({ ...KERAS, beta2 }),
      offsets: fc.constant(offsets),
    });
  });

// ---------------------------------------------------------------------------------------------------

describe('adamax-simd.generated.ts', () => {
  it('is in sync with adamax-simd.wat (npm run build:wasm)', async () => {
    const wat = await readFile(new URL('../../src/core/wasm/adamax-simd.wat', import.meta.url), 'utf8');
    const bytes = await compileKernelWat(wat);
    expect(ADAMAX_SIMD_WASM_BASE64).toBe(Buffer.from(bytes).toString('base64'));
  });
});

describe('createAdamaxWasm', () => {
  it('is available on Node 20 and binds to the given memory', () => {
    expect(wasmSimdAvailable()).toBe(true);
    const memory = createWasmMemory(1);
    expect(memory).not.toBeNull();
    const k = createAdamaxWasm(memory!);
    expect(k).not.toBeNull();
    expect(k!.memory).toBe(memory);
    expect(typeof k!.adamax).toBe('function');
    expect(memory!.buffer.byteLength).toBe(65536);
  });

  it('traps instead of writing outside the memory', () => {
    const memory = createWasmMemory(1)!;
    const k = createAdamaxWasm(memory)!;
    expect(() => k.adamax(65536 - 8, 0, 0, 0, 4, 16)).toThrow();
  });

  it('keeps working after the memory grows (fresh views)', () => {
    const memory = createWasmMemory(1)!;
    const k = createAdamaxWasm(memory)!;
    memory.grow(1);
    const heap = new Float32Array(memory.buffer);
    const at = 65536 / 4 + 10; // in the new page
    heap[at + 100] = 1; // g
    heap.set([1, 1, 0, 0, 1], at + 400); // lr, c1, beta2, eps, k
    k.adamax(4 * at, 4 * (at + 100), 4 * (at + 200), 4 * (at + 300), 1, 4 * (at + 400));
    expect(heap[at]).toBe(-1); // w = 0 - (1·1)/(1·(1+0))
  });
});

describe('adamax wasm SIMD kernel is bit-identical to adamaxUpdate', () => {
  it('every length 0..67 at every alignment mod 4, Keras defaults, several steps', () => {
    const rnd = new Random(1234);
    for (let n = 0; n <= 67; n++) {
      for (let off = 0; off < 4; off++) {
        const c: Case = {
          w: filled(n, () => rnd.gaussian()),
          m: new Float32Array(n),
          u: new Float32Array(n),
          grads: [0, 1, 2].map(() => filled(n, () => rnd.gaussian() * 3)),
          hyper: KERAS,
          offsets: { w: off, g: (off + 1) % 4, m: (off + 2) % 4, u: (off + 3) % 4 },
        };
        expect(compare(c), `n=${n} off=${off}`).toEqual([]);
      }
    }
  });

  it('the k = 1 loop (32 elements per iteration): every length 0..131 at every alignment mod 4', () => {
    const rnd = new Random(4321);
    expect(kOf(0.9, 200)).toBe(1);
    for (let n = 0; n <= 131; n++) {
      for (let off = 0; off < 4; off++) {
        const c: Case = {
          w: filled(n, () => rnd.gaussian()),
          m: filled(n, () => rnd.gaussian() * 0.1),
          u: filled(n, () => Math.abs(rnd.gaussian())),
          grads: [0, 1].map(() => filled(n, () => rnd.gaussian() * 3)),
          hyper: { ...KERAS, t0: 200 },
          offsets: { w: (off + 3) % 4, g: off, m: (off + 1) % 4, u: (off + 2) % 4 },
        };
        expect(compare(c), `n=${n} off=${off}`).toEqual([]);
      }
    }
  });

  it('a long run: 10 000 parameters, 200 steps, t advancing', () => {
    const rnd = new Random(99);
    const n = 10_001;
    const grads: Float32Array[] = [];
    for (let s = 0; s < 200; s++) grads.push(filled(n, (i) => Math.sin(i * 0.01 + s) + 0.1 * rnd.gaussian()));
    expectIdentical({
      w: filled(n, () => rnd.gaussian()),
      m: new Float32Array(n),
      u: new Float32Array(n),
      grads,
      hyper: KERAS,
      offsets: { w: 1, g: 2, m: 3, u: 0 },
    });
  });

  it('late steps (t up to 10^6, k → 1) and early steps (t = 1, k = 0.1)', () => {
    const rnd = new Random(7);
    for (const t0 of [1, 2, 50, 1000, 1_000_000]) {
      const n = 37;
      expectIdentical({
        w: filled(n, () => rnd.gaussian()),
        m: filled(n, () => rnd.gaussian() * 0.1),
        u: filled(n, () => Math.abs(rnd.gaussian())),
        grads: [filled(n, () => rnd.gaussian()), filled(n, () => rnd.gaussian())],
        hyper: { ...KERAS, t0 },
        offsets: { w: 0, g: 1, m: 2, u: 3 },
      });
    }
  });

  it('all-zero gradients leave w unchanged (0 / (k·ε))', () => {
    const n = 19;
    const w = filled(n, (i) => i - 9);
    const c: Case = {
      w,
      m: new Float32Array(n),
      u: new Float32Array(n),
      grads: [new Float32Array(n), new Float32Array(n)],
      hyper: KERAS,
      offsets: NO_OFFSETS,
    };
    expectIdentical(c);
  });

  it('signed zeros: u = +0 with g = ±0 gives u = +0, m sign as in JS', () => {
    const n = 9;
    const c: Case = {
      w: filled(n, (i) => (i % 2 ? -0 : 0)),
      m: filled(n, (i) => (i % 3 === 0 ? -0 : 0)),
      u: filled(n, () => 0),
      grads: [filled(n, (i) => (i % 2 ? -0 : 0)), filled(n, (i) => (i % 4 < 2 ? -0 : 0))],
      hyper: { ...KERAS, eps: 0 },
      offsets: NO_OFFSETS,
    };
    expectIdentical(c);
  });

  it('NaN gradients propagate into u (like np.maximum), in the vector body and in the tail', () => {
    const n = 11; // 8 in f32x4 lanes, 3 in the tail
    const g = filled(n, () => 0.5);
    g[1] = Number.NaN;
    g[9] = Number.NaN;
    const c: Case = {
      w: filled(n, () => 1),
      m: new Float32Array(n),
      u: filled(n, () => 2),
      grads: [g, filled(n, () => 0.25)],
      hyper: KERAS,
      offsets: { w: 1, g: 0, m: 3, u: 2 },
    };
    expectIdentical(c);
  });

  it('NaN in the state u on either max operand, and ±Infinity gradients', () => {
    const n = 13;
    const u = filled(n, (i) => (i % 5 === 0 ? Number.NaN : 1));
    const g = filled(n, (i) => [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1, -1][i % 4]!);
    expectIdentical({
      w: filled(n, () => 3),
      m: filled(n, (i) => i),
      u,
      grads: [g, g, filled(n, () => 0)],
      hyper: KERAS,
      offsets: NO_OFFSETS,
    });
  });

  it('huge, tiny and subnormal gradients and state; ε = 0 and subnormal ε', () => {
    const n = SPECIALS.length * 3 + 1;
    const pick = (i: number) => SPECIALS[i % SPECIALS.length]!;
    for (const eps of [f32(1e-7), 0, MIN_SUBNORMAL, MAX_SUBNORMAL]) {
      for (const beta2 of [0, 1, f32(0.999)]) {
        expectIdentical({
          w: filled(n, (i) => pick(i * 7 + 1)),
          m: filled(n, (i) => pick(i * 3 + 2)),
          u: filled(n, (i) => Math.abs(pick(i * 5))),
          grads: [filled(n, pick), filled(n, (i) => pick(i + 4)), filled(n, (i) => -pick(i * 11))],
          hyper: { ...KERAS, eps, beta2 },
          offsets: { w: 3, g: 2, m: 1, u: 0 },
        });
      }
    }
  });

  it('u = max(β2·u, |g|) over every pair of special values of u (negative NaN included) and g; β2 = −0 as +0', () => {
    const us = SPECIALS.map(notNegative);
    const n = us.length * SPECIALS.length;
    for (const beta2 of [0, -0, f32(0.5), 1, f32(0.999)]) {
      expectIdentical({
        w: filled(n, () => 1),
        m: filled(n, () => 0),
        u: filled(n, (i) => us[Math.floor(i / SPECIALS.length)]!),
        grads: [filled(n, (i) => SPECIALS[i % SPECIALS.length]!)],
        hyper: { ...KERAS, beta2 },
        offsets: NO_OFFSETS,
      });
    }
  });

  it('gradients near the overflow threshold (g − m overflows to ±Infinity)', () => {
    const n = 8;
    expectIdentical({
      w: filled(n, () => 1),
      m: filled(n, (i) => (i % 2 ? -MAX_F32 : MAX_F32)),
      u: filled(n, () => MAX_F32),
      grads: [filled(n, (i) => (i % 2 ? MAX_F32 : -MAX_F32))],
      hyper: { ...KERAS, beta1: 0 },
      offsets: NO_OFFSETS,
    });
  });

  it('random cases over the whole float32 space (fast-check)', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const problems = compare(c);
        if (problems.length > 0) throw new Error(problems.join('; '));
      }),
      { numRuns: 1500 },
    );
  });

  it('k = 1 exactly (β1 = 0, or β1 = 0.9 from t = 165 on): the k = 1 loop is bit-identical (fast-check)', () => {
    expect(kOf(0.9, 164)).not.toBe(1);
    expect(kOf(0.9, 165)).toBe(1);
    const unitK = caseArb.chain((c) =>
      fc
        .oneof(
          fc.constant({ beta1: 0, t0: c.hyper.t0 }),
          fc.integer({ min: 165, max: 1_000_000 }).map((t0) => ({ beta1: 0.9, t0 })),
        )
        .map((h) => ({ ...c, hyper: { ...c.hyper, ...h } })),
    );
    fc.assert(
      fc.property(unitK, (c) => {
        const problems = compare(c);
        if (problems.length > 0) throw new Error(problems.join('; '));
      }),
      { numRuns: 800 },
    );
  });

  it('random training-like trajectories, up to 30 steps (fast-check)', () => {
    fc.assert(
      fc.property(tameCaseArb, (c) => {
        const problems = compare(c);
        if (problems.length > 0) throw new Error(problems.join('; '));
      }),
      { numRuns: 400 },
    );
  });
});
