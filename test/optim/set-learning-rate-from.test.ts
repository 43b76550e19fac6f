import { describe, expect, it } from 'vitest';
import { Adamax } from '../../src/optim/adamax.js';
import { ExponentialDecay } from '../../src/optim/schedules/exponential-decay.js';

describe('Adamax.setLearningRateFrom (allocation-free per-block rate)', () => {
  it('sets a number rate from a typed-array slot, rounded to float32 like the setter', () => {
    const a = new Adamax({ learningRate: 0.01 });
    const b = new Adamax({ learningRate: 0.01 });
    const s = new Float64Array([0, 0.0123456789]);
    a.setLearningRateFrom(s, 1);
    b.learningRate = 0.0123456789;
    expect(a.learningRate).toBe(b.learningRate);
    expect(a.learningRate).toBe(Math.fround(0.0123456789));
  });

  it('refuses a schedule or a non-finite value and leaves the rate unchanged', () => {
    const a = new Adamax({ learningRate: 0.01 });
    expect(() => a.setLearningRateFrom(new Float64Array([Number.NaN]), 0)).toThrow(/finite/);
    expect(() => a.setLearningRateFrom(new Float64Array([1e39]), 0)).toThrow(/finite/);
    expect(a.learningRate).toBe(Math.fround(0.01));
    const s = new Adamax({
      learningRate: new ExponentialDecay({ initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.5 }),
    });
    expect(() => s.setLearningRateFrom(new Float64Array([0.1]), 0)).toThrow(/schedule/);
  });
});
