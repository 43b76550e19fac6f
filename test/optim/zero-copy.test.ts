import { describe, expect, it } from 'vitest';
import { Random } from '../../src/core/random.js';
import { Adamax } from '../../src/optim/adamax.js';
import { Variable } from '../../src/optim/variable.js';

function data(seed: number, n: number): { w: Float32Array; grads: Float32Array[] } {
  const rnd = new Random(seed);
  const w = Float32Array.from({ length: n }, () => rnd.gaussian());
  const grads = Array.from({ length: 12 }, () => Float32Array.from({ length: n }, () => 0.1 * rnd.gaussian()));
  return { w, grads };
}

describe('zero-copy variables', () => {
  it('after build, variable.value is the engine weights (same memory), updated in place by apply', () => {
    const { w, grads } = data(1, 37);
    const v = new Variable(w, { name: 'w' });
    const opt = new Adamax({ learningRate: 0.01 });
    opt.build([v]);
    const view = v.value;
    expect(view.buffer).toBe(opt.core.params.buffer);
    expect(Array.from(view)).toEqual(Array.from(w));
    for (const g of grads) opt.apply([g], [v]);
    expect(v.value).toBe(view);
    expect(Array.from(opt.core.params)).toEqual(Array.from(view));
  });

  it('gradientBuffer gives the same trajectory as separate gradient arrays, bit for bit (EMA, weight decay, clipnorm)', () => {
    const { w, grads } = data(2, 101);
    const options = { learningRate: 0.02, useEma: true, weightDecay: 0.01, clipnorm: 0.5 } as const;
    const a = new Variable(w, { name: 'a' });
    const b = new Variable(w, { name: 'b' });
    const oa = new Adamax(options);
    const ob = new Adamax(options);
    oa.build([a]);
    ob.build([b]);
    const slot = ob.gradientBuffer(b);
    for (const g of grads) {
      oa.apply([g], [a]);
      slot.set(g);
      ob.apply([slot], [b]);
    }
    expect(new Uint32Array(b.value.buffer, b.value.byteOffset, b.value.length)).toEqual(
      new Uint32Array(a.value.buffer, a.value.byteOffset, a.value.length),
    );
    expect(() => ob.gradientBuffer(a)).toThrow(/Unknown variable/);
  });

  it('a variable built into a second optimizer moves there; the first one copies in and out and stays exact', () => {
    const { w, grads } = data(3, 16);
    const shared = new Variable(w, { name: 's' });
    const ref = new Variable(w, { name: 'r' });
    const first = new Adamax({ learningRate: 0.01 });
    const refOpt = new Adamax({ learningRate: 0.01 });
    first.build([shared]);
    refOpt.build([ref]);
    new Adamax({ learningRate: 0.01 }).build([shared]);
    expect(shared.value.buffer).not.toBe(first.core.params.buffer);
    for (const g of grads) {
      first.apply([g], [shared]);
      refOpt.apply([g], [ref]);
    }
    expect(Array.from(shared.value)).toEqual(Array.from(ref.value));
  });
});
