/**
 * `AdamaxCore.stepFrom` (what `Adamax.apply` runs on large gradient arrays of its own): bit-identical
 * to copying each gradient into `core.grads` and calling `core.step()`, for any layout, presence
 * pattern, EMA and weight decay, across the chunks of the staging block.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Random } from '../../src/core/random.js';
import { Adamax, type AdamaxOptions, Variable } from '../../src/index.js';
import { bitEqual } from '../helpers/golden.js';

const silent = { onWarning: () => {} };

/** A length that is small, near the 16,384-float staging block, or two blocks and a tail. */
const length = fc.oneof(fc.integer({ min: 0, max: 70 }), fc.integer({ min: 16340, max: 16420 }), fc.constant(33001));

interface Case {
  lengths: number[];
  backend: 'wasm' | 'js';
  useEma: boolean;
  weightDecay: number | null;
  seed: number;
}

const cases = fc.record({
  lengths: fc.array(length, { minLength: 1, maxLength: 3 }),
  backend: fc.constantFrom('wasm' as const, 'js' as const),
  useEma: fc.boolean(),
  weightDecay: fc.constantFrom(null, 0.01),
  seed: fc.integer({ min: 1, max: 1e6 }),
});

function vectors(rnd: Random, lengths: readonly number[], scale: number): Float32Array[] {
  return lengths.map((n) => Float32Array.from({ length: n }, () => scale * rnd.gaussian()));
}

/** Runs `stepFrom` on separate arrays and the copy + `core.step()` reference; expects equal bits. */
function checkCase(c: Case): void {
  const rnd = new Random(c.seed);
  const init = vectors(rnd, c.lengths, 1);
  const options: AdamaxOptions = {
    learningRate: 0.01,
    backend: c.backend,
    useEma: c.useEma,
    emaOverwriteFrequency: c.useEma ? 3 : null,
    weightDecay: c.weightDecay,
    ...silent,
  };
  const va = init.map((w, i) => new Variable(w, { name: `a${i}` }));
  const vb = init.map((w, i) => new Variable(w, { name: `b${i}` }));
  const oa = new Adamax(options);
  const ob = new Adamax(options);
  oa.build(va);
  ob.build(vb);
  expect(oa.core.streamsGradients).toBe(true);
  const offsets = ob.core.layout.groups.map((g) => g.offset);
  for (let step = 0; step < 4; step++) {
    const grads = vectors(rnd, c.lengths, 0.1);
    const mask = grads.map((_, k) => step % 2 === 0 || k % 2 === 0);
    oa.core.grads.fill(Number.NaN);
    oa.core.stepFrom(grads.map((g, k) => (mask[k] ? g : null)));
    // nothing was copied into the gradient slots
    expect(oa.core.grads.every(Number.isNaN)).toBe(true);
    grads.forEach((g, k) => {
      ob.core.present[k] = mask[k] ? 1 : 0;
      if (mask[k]) ob.core.grads.set(g, offsets[k]);
    });
    ob.core.step();
  }
  expect(bitEqual(oa.core.params, ob.core.params)).toBe(true);
  expect(bitEqual(oa.core.m, ob.core.m)).toBe(true);
  expect(bitEqual(oa.core.u, ob.core.u)).toBe(true);
  if (c.useEma) expect(bitEqual(oa.core.average!, ob.core.average!)).toBe(true);
  expect(oa.core.rawIterations).toBe(ob.core.rawIterations);
}

/** Whether `apply` on `n` parameters streamed the array (it left `core.grads` alone). */
function streamed(n: number, options: AdamaxOptions = {}, gradient?: (v: Variable) => Float32Array): boolean {
  const v = new Variable(new Float32Array(n).fill(0.5), { name: 'v' });
  const opt = new Adamax({ ...options, ...silent });
  opt.build([v]);
  opt.core.grads.fill(Number.NaN);
  opt.apply([gradient ? gradient(v) : new Float32Array(n).fill(0.25)], [v]);
  return opt.core.grads.every(Number.isNaN);
}

describe('Adamax.apply streams separate gradient arrays (AdamaxCore.stepFrom)', () => {
  it('streams from 32,768 parameters on, and copies below (where the copy stays in cache)', () => {
    expect(streamed(32768)).toBe(true);
    expect(streamed(40000, { backend: 'js', useEma: true })).toBe(true);
    expect(streamed(32767)).toBe(false);
    // a gradient in the engine's memory, and options that need the whole gradient first, are copied
    expect(streamed(40000, {}, (v) => v.value)).toBe(false);
    expect(streamed(40000, { clipnorm: 1 })).toBe(false);
  });

  it('is bit-identical to copying into core.grads and core.step(), across staging chunks', () => {
    fc.assert(
      fc.property(cases, (c) => checkCase(c)),
      {
        numRuns: 40,
        examples: [[{ lengths: [0], backend: 'wasm', useEma: true, weightDecay: null, seed: 1 }]],
      },
    );
  });

  it('copies a gradient that shares the engine memory (its own weights, with weight decay) and stays exact', () => {
    const w = Float32Array.from({ length: 40000 }, (_, i) => Math.sin(i) + 0.5);
    const a = new Variable(w, { name: 'a' });
    const b = new Variable(w, { name: 'b' });
    const options = { learningRate: 0.01, weightDecay: 0.1 };
    const oa = new Adamax(options);
    const ob = new Adamax(options);
    oa.build([a]);
    ob.build([b]);
    for (let i = 0; i < 3; i++) {
      // the gradient is the variable's own value: weight decay writes it before the update reads it
      oa.apply([a.value], [a]);
      ob.apply([b.value.slice()], [b]);
    }
    expect(bitEqual(a.value, b.value)).toBe(true);
  });

  it('is off where a pass over the whole gradient comes first, and stepFrom refuses to run there', () => {
    const v = [new Variable(new Float32Array(8), { name: 'v' })];
    for (const extra of [
      { clipnorm: 1 },
      { clipvalue: 1 },
      { globalClipnorm: 1 },
      { lossScaleFactor: 2 },
      { gradientAccumulationSteps: 2 },
    ]) {
      const opt = new Adamax({ ...extra, ...silent });
      opt.build(v);
      expect(opt.core.streamsGradients).toBe(false);
      expect(() => opt.core.stepFrom([new Float32Array(8)])).toThrow(/streamsGradients/);
    }
  });
});
