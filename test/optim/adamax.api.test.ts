import { describe, expect, it } from 'vitest';
import { Adamax, createLayout, ExponentialDecay, LossScaleOptimizer, StepOutcome, Variable } from '../../src/index.js';
import { bitEqual } from '../helpers/golden.js';

const silent = { onWarning: () => {} };

describe('Adamax API details', () => {
  it('clone(): same settings and exclusions, independent state, identical trajectory', () => {
    const opt = new Adamax({
      learningRate: 0.05,
      weightDecay: 0.1,
      clipnorm: 1,
      useEma: true,
      backend: 'js',
      ...silent,
    });
    opt.excludeFromWeightDecay({ names: ['bias'] });
    const copy = opt.clone();
    const mk = () => [new Variable([1, -2, 3], { name: 'kernel' }), new Variable([0.5], { name: 'bias' })];
    const [k1, b1] = mk();
    const [k2, b2] = mk();
    for (let i = 0; i < 5; i++) {
      const g = [Float32Array.of(0.3 * i, -1, 2), Float32Array.of(0.7)];
      opt.apply(g, [k1!, b1!]);
      copy.apply(g, [k2!, b2!]);
    }
    expect(bitEqual(k1!.value, k2!.value) && bitEqual(b1!.value, b2!.value)).toBe(true);
    expect(copy.getConfig()).toEqual(opt.getConfig());
    expect(copy.core.backend).toBe('js');
    expect(copy.core).not.toBe(opt.core);
  });

  it('LossScaleOptimizer.clone()', () => {
    const lso = new LossScaleOptimizer(new Adamax({ learningRate: 0.1, ...silent }), {
      initialScale: 8,
      dynamicGrowthSteps: 3,
    });
    const c = lso.clone();
    expect(c.getConfig()).toEqual(lso.getConfig());
    expect(c.inner).not.toBe(lso.inner);
  });

  it('the learning-rate setter takes numbers, schedules and functions (float32 storage)', () => {
    const opt = new Adamax({ learningRate: 0.1 });
    expect(opt.learningRate).toBe(Math.fround(0.1));
    opt.learningRate = 0.01;
    expect(opt.learningRate).toBe(Math.fround(0.01));
    opt.learningRate = new ExponentialDecay({ initialLearningRate: 1, decaySteps: 1, decayRate: 0.5 });
    expect(opt.learningRate).toBe(1);
    opt.setLearningRate(() => 0.25);
    expect(opt.learningRate).toBe(0.25);
  });

  it('excludeFromWeightDecay after build takes effect from the next step and replaces the previous setting', () => {
    const v = new Variable([2], { name: 'gamma' });
    const opt = new Adamax({ learningRate: 1, weightDecay: 0.5, ...silent });
    opt.apply([Float32Array.of(0)], [v]);
    expect(v.value[0]).toBe(1); // 2 − 2·0.5·1
    opt.excludeFromWeightDecay({ names: ['gam+a'] });
    opt.apply([Float32Array.of(0)], [v]);
    expect(v.value[0]).toBe(1);
    opt.excludeFromWeightDecay({ names: [] });
    opt.apply([Float32Array.of(0)], [v]);
    expect(v.value[0]).toBe(0.5);
    expect(() => opt.excludeFromWeightDecay({ names: ['('] })).toThrow(/regular expression/);
  });

  it('apply returns Accumulated on accumulate-only micro-steps and Applied on updates', () => {
    const v = new Variable([1]);
    const opt = new Adamax({ gradientAccumulationSteps: 3, ...silent });
    const outcomes = [0, 1, 2, 3].map(() => opt.apply([Float32Array.of(1)], [v]));
    expect(outcomes).toEqual([
      StepOutcome.Accumulated,
      StepOutcome.Accumulated,
      StepOutcome.Applied,
      StepOutcome.Accumulated,
    ]);
    expect(opt.iterations).toBe(1);
    expect(opt.rawIterations).toBe(4);
  });

  it('a variable listed twice or a flat build on a built optimizer is rejected', () => {
    const v = new Variable([1]);
    expect(() => new Adamax().build([v, v])).toThrow(/listed twice/);
    const opt = new Adamax();
    opt.build([v]);
    expect(() => opt.buildFlat(createLayout([{ name: 'x', length: 1 }]))).toThrow(/already built/);
  });

  it('the None-gradient warning is emitted once per distinct message', () => {
    const warnings: string[] = [];
    const a = new Variable([1], { name: 'a' });
    const b = new Variable([1], { name: 'b' });
    const opt = new Adamax({ onWarning: (m) => warnings.push(m) });
    opt.apply([Float32Array.of(1), null], [a, b]);
    opt.apply([Float32Array.of(1), null], [a, b]);
    expect(warnings).toEqual([
      "Gradients do not exist for variables ['b'] when minimizing the loss. If using `model.compile()`, did you forget to provide a `loss` argument?",
    ]);
  });
});

describe('LossScaleOptimizer has the optimizer methods', () => {
  it('applyGradients, rawIterations and core delegate to the inner optimizer', () => {
    const v = new Variable([1, 2], { name: 'v' });
    const lso = new LossScaleOptimizer(new Adamax({ learningRate: 0.1, ...silent }), { initialScale: 4 });
    lso.applyGradients([[Float32Array.of(4, -4), v]]);
    lso.applyGradients([[Float32Array.of(Number.NaN, 1), v]]);
    expect(lso.iterations).toBe(1);
    expect(lso.rawIterations).toBe(1);
    expect(lso.core).toBe(lso.inner.core);
    expect(lso.dynamicScale).toBe(2);
  });
});
