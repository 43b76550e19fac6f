/**
 * The numeric expectations written in Keras' own test files (test/fixtures/keras-tests-golden.json),
 * for everything that applies to Adamax, LossScaleOptimizer and the schedules. Tolerances are the tests' own.
 * SGD/Adam-based entries test other optimizers and are out of scope; fit()-based ones need a model.
 */
import { describe, expect, it } from 'vitest';
import {
  Adamax,
  createLayout,
  deserializeSchedule,
  LossScaleOptimizer,
  StepOutcome,
  Variable,
} from '../../src/index.js';
import { closeTo, flat, type GoldenTensor, loadJson } from '../helpers/golden.js';

interface TestCase {
  source_test: string;
  kind: string;
  config: Record<string, unknown> | null;
  initial_vars: { name: string; shape: number[]; values: GoldenTensor }[] | null;
  gradients_per_step: GoldenTensor[][] | string | null;
  expected_per_step?: { step: number; vars: GoldenTensor[] }[];
  expected_after: Record<string, unknown>;
  tolerance?: { rtol?: number; atol?: number; decimal?: number } | string;
}
const cases = loadJson<{ cases: TestCase[] }>('keras-tests-golden.json').cases;
const find = (suffix: string, cls?: string): TestCase =>
  cases.find((c) => c.source_test.endsWith(suffix) && (cls === undefined || c.config?.class === cls))!;
const silent = { onWarning: () => {} };

describe('keras/src/optimizers/adamax_test.py', () => {
  it('test_single_step', () => {
    const c = find('adamax_test.py::test_single_step');
    const v = new Variable(flat(c.initial_vars![0]!.values));
    new Adamax({ learningRate: 0.5, ...silent }).apply([flat((c.gradients_per_step as GoldenTensor[][])[0]![0]!)], [v]);
    expect(closeTo(v.value, flat((c.expected_after.vars as GoldenTensor[])[0]!), 1e-4, 1e-4)).toBeNull();
  });

  it('test_weight_decay (var1 decayed by three optimizers, the others excluded)', () => {
    const c = find('adamax_test.py::test_weight_decay');
    const var1 = new Variable(2.0, { name: 'var1' });
    const var2 = new Variable(2.0, { name: 'exclude' });
    const var3 = new Variable(2.0, { name: 'var3' });
    const g = () => Float32Array.of(0);
    const o1 = new Adamax({ learningRate: 1.0, weightDecay: 0.004, ...silent });
    o1.apply([g()], [var1]);
    const o2 = new Adamax({ learningRate: 1.0, weightDecay: 0.004, ...silent });
    o2.excludeFromWeightDecay({ names: ['exclude'] });
    o2.apply([g(), g()], [var1, var2]);
    const o3 = new Adamax({ learningRate: 1.0, weightDecay: 0.004, ...silent });
    o3.excludeFromWeightDecay({ variables: [var3] });
    o3.apply([g(), g()], [var1, var3]);
    const e = c.expected_after as { var1: number; var2: number; var3: number };
    expect(var1.value[0]).toBeCloseTo(e.var1, 6);
    expect(var2.value[0]).toBeCloseTo(e.var2, 6);
    expect(var3.value[0]).toBeCloseTo(e.var3, 6);
  });

  it('test_correctness_with_golden (5×10 table, tolerance 5e-4)', () => {
    const c = find('adamax_test.py::test_correctness_with_golden');
    const v = new Variable(flat(c.initial_vars![0]!.values));
    const opt = new Adamax({ learningRate: 0.2, beta1: 0.85, beta2: 0.95, epsilon: 1e-6, ...silent });
    const steps = c.gradients_per_step as GoldenTensor[][];
    c.expected_per_step!.forEach((expected, i) => {
      opt.apply([flat(steps[i]![0]!)], [v]);
      expect(expected.step).toBe(i + 1);
      expect(closeTo(v.value, flat(expected.vars[0]!), 5e-4, 5e-4), `after step ${i + 1}`).toBeNull();
    });
  });

  it.each([
    ['adamax_test.py::test_clip_norm', { clipnorm: 1 }],
    ['adamax_test.py::test_clip_value', { clipvalue: 1 }],
    ['optimizer_test.py::test_global_clip_norm', { globalClipnorm: 1 }],
  ] as const)('%s', (suffix, options) => {
    const c = find(suffix);
    const grad = flat((c.gradients_per_step as GoldenTensor[][])[0]![0]!);
    const core = new Adamax({ ...options, ...silent }).buildFlat(createLayout([{ name: 'g', length: grad.length }]));
    core.grads.set(grad);
    core.clipGradients();
    expect(closeTo(core.grads, flat((c.expected_after.clipped as GoldenTensor[])[0]!), 1e-6, 1e-6)).toBeNull();
  });
});

describe('keras/src/optimizers/optimizer_test.py (Adamax-applicable)', () => {
  it('test_clip_args: only one clip option', () => {
    expect(() => new Adamax({ clipnorm: 0.1, clipvalue: 0.1 })).toThrow(
      'Only one of `clipnorm`, `clipvalue` and `globalClipnorm` can be set.',
    );
  });

  it('test_gradient_accumulation_with_weigth_decay: accumulation of 3 ≡ one step on the mean', () => {
    let seed = 7;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648 - 0.5;
    };
    const a = new Variable([0.9, 0.5], { shape: [2, 1] });
    const b = new Variable([0.9, 0.5], { shape: [2, 1] });
    const plain = new Adamax({ weightDecay: 0.05, ...silent });
    const accumulated = new Adamax({ weightDecay: 0.05, gradientAccumulationSteps: 3, ...silent });
    for (let epoch = 0; epoch < 8; epoch++) {
      const gs = [0, 1, 2].map(() => Float32Array.of(rnd(), rnd()));
      const mean = Float32Array.from([0, 1], (i) => (gs[0]![i]! + gs[1]![i]! + gs[2]![i]!) / 3);
      plain.apply([mean], [a]);
      for (const g of gs) accumulated.apply([g], [b]);
    }
    expect(closeTo(b.value, a.value, 1e-6, 1e-6)).toBeNull();
    expect(accumulated.iterations).toBe(plain.iterations);
  });

  it('test_optimizer_auto_naming: adamax, adamax_1, …; explicit names kept and serialised', () => {
    const first = new Adamax();
    const second = new Adamax();
    expect(first.name).toMatch(/^adamax(_\d+)?$/);
    expect(second.name).toMatch(/^adamax_\d+$/);
    expect(second.name).not.toBe(first.name);
    const named = new Adamax({ name: 'mine' });
    expect(named.name).toBe('mine');
    expect(Adamax.fromConfig(named.getConfig()).name).toBe('mine');
  });
});

describe('keras/src/optimizers/loss_scale_optimizer_test.py (Adamax inner)', () => {
  it('test_downscaling: 400 → 25 after four non-finite steps, nothing applied', () => {
    const c = find('loss_scale_optimizer_test.py::test_downscaling');
    const v = new Variable(flat(c.initial_vars![0]!.values));
    const lso = new LossScaleOptimizer(new Adamax({ learningRate: 0.5, ...silent }), { initialScale: 400 });
    for (const step of c.gradients_per_step as GoldenTensor[][]) {
      expect(lso.apply([flat(step[0]!)], [v])).toBe(StepOutcome.SkippedNonFinite);
    }
    expect(lso.scaleLoss(1.0)).toBe(c.expected_after['scale_loss(1.0)']);
    expect(Array.from(v.value)).toEqual([1, 2, 3, 4]);
    expect(lso.iterations).toBe(0);
  });

  it('test_upscaling: 2 → 32 after eight finite steps with growth 2', () => {
    const c = find('loss_scale_optimizer_test.py::test_upscaling');
    const v = new Variable(flat(c.initial_vars![0]!.values));
    const lso = new LossScaleOptimizer(new Adamax({ learningRate: 0.5, ...silent }), {
      initialScale: 2,
      dynamicGrowthSteps: 2,
    });
    for (const step of c.gradients_per_step as GoldenTensor[][]) lso.apply([flat(step[0]!)], [v]);
    expect(lso.scaleLoss(1.0)).toBe(c.expected_after['scale_loss(1.0)']);
    expect(lso.iterations).toBe(8);
  });

  it('test_finite_step_with_inner_loss_scale: the inner loss_scale_factor is discarded', () => {
    const a = new Variable([1, 2]);
    const b = new Variable([1, 2]);
    const withFactor = new LossScaleOptimizer(new Adamax({ learningRate: 0.5, lossScaleFactor: 100, ...silent }));
    const without = new LossScaleOptimizer(new Adamax({ learningRate: 0.5, ...silent }));
    const g = Float32Array.of(32768, 65536);
    withFactor.apply([g], [a]);
    without.apply([g], [b]);
    expect(Array.from(a.value)).toEqual(Array.from(b.value));
    expect(withFactor.inner.getConfig().loss_scale_factor).toBeNull();
  });

  it('test_serialization: get_config has exactly four keys and round-trips', () => {
    const lso = new LossScaleOptimizer(new Adamax({ learningRate: 0.5 }), {
      initialScale: 3,
      dynamicGrowthSteps: 2,
      name: 'test_opt',
    });
    const cfg = lso.getConfig();
    expect(Object.keys(cfg)).toEqual(['name', 'inner_optimizer', 'initial_scale', 'dynamic_growth_steps']);
    expect(LossScaleOptimizer.fromConfig(JSON.parse(JSON.stringify(cfg))).getConfig()).toEqual(cfg);
  });

  it('test_init_dynamic_arg / unsupported args', () => {
    expect(() => new LossScaleOptimizer(new Adamax(), { dynamic: false } as never)).toThrow(
      'LossScaleOptimizer no longer supports `dynamic=False`.',
    );
    expect(() => new LossScaleOptimizer(new Adamax(), { clipnorm: 1 } as never)).toThrow(
      'LossScaleOptimizer does not support `clipnorm`. Instead, set `clipnorm` on the `inner_optimizer`.',
    );
    expect(() => new LossScaleOptimizer(new Adamax(), { foo: true, bar: 3 } as never)).toThrow(
      'LossScaleOptimizer does not support arguments: `foo`, `bar`.',
    );
  });
});

describe('keras/src/optimizers/schedules/learning_rate_schedule_test.py', () => {
  const scheduleCases = cases.filter((c) => c.kind === 'schedule_value');
  it.each(
    scheduleCases.map(
      (c) => [`${c.source_test.split('::').slice(1).join('::')} ${JSON.stringify(c.config)}`, c] as const,
    ),
  )('%s', (_label, c) => {
    const { class: cls, ...config } = c.config as Record<string, unknown>;
    // np.float64 initial rates have no TypeScript meaning: JS numbers are doubles; we compute in float32.
    if (config.initial_learning_rate === 'np.float64(1.0)') config.initial_learning_rate = 1.0;
    const schedule = deserializeSchedule({ class_name: cls, config });
    const tol = typeof c.tolerance === 'object' ? (c.tolerance.rtol ?? 1e-6) : 1e-6;
    for (const { step, expected } of c.expected_after.values as { step: number; expected: number }[]) {
      expect(closeTo([schedule.at(step)], [expected], tol, 1e-6), `step ${step}`).toBeNull();
    }
  });
});
