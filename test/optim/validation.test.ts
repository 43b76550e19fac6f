/**
 * Validation, apply-time errors and configs against the real-Keras probes in keras-real-golden.json
 * ("errors" and "configs"). Keras' snake_case argument names are camel-cased in our messages.
 */
import { describe, expect, it } from 'vitest';
import {
  Adamax,
  type AdamaxOptions,
  type AdamaxStreamError,
  CheckpointError,
  ExponentialDecay,
  InvalidOptionError,
  LossScaleOptimizer,
  ShapeError,
  Variable,
} from '../../src/index.js';
import { realGolden } from '../helpers/golden-cases.js';

const camel = (s: string): string =>
  s
    .replace(/learning_rate/g, 'learningRate')
    .replace(/gradient_accumulation_steps/g, 'gradientAccumulationSteps')
    .replace(/ema_momentum/g, 'emaMomentum')
    .replace(/ema_overwrite_frequency/g, 'emaOverwriteFrequency')
    .replace(/global_clipnorm/g, 'globalClipnorm')
    .replace(/loss_scale_factor/g, 'lossScaleFactor');
const probe = (call: string) => {
  const p = realGolden.errors.find((e) => e.call === call);
  if (!p) throw new Error(`no probe ${call}`);
  return p;
};
const silent = { onWarning: () => {} };

describe('constructor validation (Keras 3 rules and messages)', () => {
  const rejecting: [string, AdamaxOptions][] = [
    ['Adamax(gradient_accumulation_steps=1)', { gradientAccumulationSteps: 1 }],
    ['Adamax(gradient_accumulation_steps=-1)', { gradientAccumulationSteps: -1 }],
    ['Adamax(use_ema=True, ema_momentum=1.5)', { useEma: true, emaMomentum: 1.5 }],
    ['Adamax(use_ema=True, ema_momentum=-0.1)', { useEma: true, emaMomentum: -0.1 }],
    ['Adamax(use_ema=True, ema_overwrite_frequency=-1)', { useEma: true, emaOverwriteFrequency: -1 }],
    ['Adamax(use_ema=True, ema_overwrite_frequency=1.5)', { useEma: true, emaOverwriteFrequency: 1.5 }],
    ['Adamax(clipnorm=1.0, clipvalue=1.0)', { clipnorm: 1.0, clipvalue: 1.0 }],
    ['Adamax(clipnorm=1.0, global_clipnorm=1.0)', { clipnorm: 1.0, globalClipnorm: 1.0 }],
  ];
  it.each(rejecting)('%s raises the Keras message', (call, options) => {
    const p = probe(call);
    expect(p.raises).toBe('ValueError');
    // Python prints 1.0 where JS prints 1; None stays None.
    const expected = camel(p.message!).replace(/=1\.0\b/g, '=1');
    expect(() => new Adamax(options)).toThrow(InvalidOptionError);
    expect(() => new Adamax(options)).toThrow(expected);
  });

  const accepting: [string, AdamaxOptions][] = [
    ['Adamax(learning_rate=-0.1)', { learningRate: -0.1 }],
    ['Adamax(gradient_accumulation_steps=0)', { gradientAccumulationSteps: 0 }],
    ['Adamax(use_ema=False, ema_momentum=1.5)', { useEma: false, emaMomentum: 1.5 }],
    ['Adamax(use_ema=True, ema_overwrite_frequency=0)', { useEma: true, emaOverwriteFrequency: 0 }],
    ['Adamax(use_ema=False, ema_overwrite_frequency=-1)', { useEma: false, emaOverwriteFrequency: -1 }],
    ['Adamax(clipnorm=-1.0)', { clipnorm: -1.0 }],
  ];
  // Keras accepts these, but they cannot work: 2.5 accumulation steps never align, beta1 = 1 divides
  // by zero in the bias correction, and 1e39 is Infinity in float32. Rejected here on purpose.
  it.each([
    ['gradientAccumulationSteps', { gradientAccumulationSteps: 2.5 }],
    ['beta1', { beta1: 1 }],
    ['learningRate', { learningRate: 1e39 }],
  ] as [string, AdamaxOptions][])('%s that can only give NaN or never step is rejected (not Keras)', (opt, options) => {
    expect(probe('Adamax(gradient_accumulation_steps=2.5)').raises).toBeNull();
    expect(() => new Adamax(options)).toThrow(InvalidOptionError);
    expect(() => new Adamax(options)).toThrow(opt);
  });

  it.each(accepting)('%s is accepted, as in Keras', (call, options) => {
    expect(probe(call).raises).toBeNull();
    expect(() => new Adamax(options)).not.toThrow();
  });

  it('decay is accepted and ignored with the Keras warning', () => {
    const p = probe('Adamax(decay=0.1)');
    const warnings: string[] = [];
    new Adamax({ decay: 0.1, onWarning: (m) => warnings.push(m) });
    expect(warnings).toEqual(p.warnings);
  });

  it("unknown keys: Argument(s) not recognized: {'foo': 1}", () => {
    expect(() => new Adamax({ foo: 1 } as never)).toThrow(probe('Adamax(foo=1)').message!);
  });

  it('a learning rate that is not a number, schedule or function is rejected', () => {
    expect(() => new Adamax({ learningRate: '0.1' as never })).toThrow(/Argument `learningRate` should be/);
    expect(() => new Adamax({ learningRate: Number.NaN })).toThrow(/Received instead: learningRate=NaN/);
  });

  it('collects every problem and throws once', () => {
    try {
      new Adamax({ beta1: 2, beta2: -1, epsilon: 'x' } as never);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(InvalidOptionError);
      expect((e as InvalidOptionError).issues.map((i) => i.option)).toEqual(['beta1', 'beta2', 'epsilon']);
      expect((e as InvalidOptionError).code).toBe('invalid_option');
    }
  });

  it('"zero means off": clipnorm 0, accumulation 0, overwrite frequency 0', () => {
    const v = new Variable([1, 2]);
    const w = new Variable([1, 2]);
    const off = new Adamax({ clipnorm: 0, gradientAccumulationSteps: 0, useEma: true, emaOverwriteFrequency: 0 });
    const plain = new Adamax({ useEma: true });
    for (let i = 0; i < 3; i++) {
      off.apply([Float32Array.of(100, -100)], [v]);
      plain.apply([Float32Array.of(100, -100)], [w]);
    }
    expect(Array.from(v.value)).toEqual(Array.from(w.value));
    expect(off.iterations).toBe(3);
  });

  it('LossScaleOptimizer validation', () => {
    expect(() => new LossScaleOptimizer(new Adamax(), { dynamic: false } as never)).toThrow(
      camel(probe('LossScaleOptimizer(Adamax(), dynamic=False)').message!),
    );
    expect(() => new LossScaleOptimizer(new Adamax(), { useEma: true } as never)).toThrow(
      'LossScaleOptimizer does not support `useEma`. Instead, set `useEma` on the `inner_optimizer`.',
    );
    expect(() => new LossScaleOptimizer(new Adamax(), { weightDecay: null } as never)).not.toThrow();
    expect(() => new LossScaleOptimizer(new Adamax(), { initialScale: -1 })).toThrow(/initialScale/);
  });
});

describe('apply-time errors change no state', () => {
  const setup = () => {
    const a = new Variable([1, 2], { name: 'a' });
    const b = new Variable([3], { name: 'b' });
    const opt = new Adamax({ learningRate: 0.1, ...silent });
    opt.apply([Float32Array.of(1, 1), Float32Array.of(1)], [a, b]);
    const snapshot = () => [Array.from(a.value), Array.from(b.value), opt.iterations, opt.saveState()];
    return { a, b, opt, snapshot };
  };

  it('all-null gradients', () => {
    const { a, b, opt, snapshot } = setup();
    const before = snapshot();
    expect(() => opt.apply([null, null], [a, b])).toThrow(probe('apply_gradients with all-None grads').message!);
    expect(snapshot()).toEqual(before);
  });

  it('unknown variable', () => {
    const { a, opt, snapshot } = setup();
    const x = new Variable([1, 1], { name: 'x' });
    const before = snapshot();
    expect(() => opt.apply([Float32Array.of(1, 1), Float32Array.of(1, 1)], [a, x])).toThrow(
      'Unknown variable: <Variable path=x, shape=(2,), dtype=float32>. This optimizer can only be called for the variables it was originally built with.',
    );
    expect(snapshot()).toEqual(before);
  });

  it('wrong gradient count without variables (Keras message, with "one-to-one")', () => {
    const { opt, snapshot } = setup();
    const before = snapshot();
    expect(() => opt.apply([Float32Array.of(1, 1)])).toThrow(
      'Received a list of 1 gradients, but the optimizer is tracking 2 trainable variables.',
    );
    expect(snapshot()).toEqual(before);
  });

  it('unbuilt optimizer without variables', () => {
    expect(() => new Adamax().apply([Float32Array.of(1)])).toThrow(
      'When passing `grads` without `variables`, the optimizer must already be built on a list of variables.',
    );
  });

  it('a gradient whose length differs from its variable, named with both lengths', () => {
    const { a, b, opt, snapshot } = setup();
    const before = snapshot();
    try {
      opt.apply([Float32Array.of(1, 1), Float32Array.of(1, 2)], [a, b]);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ShapeError);
      expect((e as Error).message).toBe("Gradient for variable 'b' has length 2, but the variable has length 1.");
    }
    expect(snapshot()).toEqual(before);
  });

  it('setting a number on a schedule-based optimizer', () => {
    const opt = new Adamax({
      learningRate: new ExponentialDecay({ initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.9 }),
    });
    expect(() => {
      opt.learningRate = 0.1;
    }).toThrow(/hence its learning rate is not settable/);
    try {
      opt.learningRate = 0.1;
    } catch (e) {
      expect((e as AdamaxStreamError).code).toBe('not_settable');
    }
  });

  it('empty gradient list is a complete no-op', () => {
    const { opt, snapshot } = setup();
    const before = snapshot();
    expect(opt.apply([])).toBeNull();
    expect(snapshot()).toEqual(before);
  });
});

describe('get_config / from_config against real Keras dumps', () => {
  const cfg = realGolden.configs;
  it('defaults', () => {
    expect(new Adamax({ name: 'adamax' }).getConfig()).toEqual(cfg["Adamax(name='adamax')"]);
  });
  it('every argument', () => {
    const opt = new Adamax({
      learningRate: 0.1,
      beta1: 0.8,
      beta2: 0.95,
      epsilon: 1e-5,
      weightDecay: 0.01,
      clipnorm: 1.0,
      useEma: true,
      emaOverwriteFrequency: 5,
      gradientAccumulationSteps: 4,
      lossScaleFactor: 128.0,
      name: 'adamax',
    });
    const expected = Object.entries(cfg).find(([k]) => k.includes('beta_1=0.8'))![1];
    expect(opt.getConfig()).toEqual(expected);
    expect(Adamax.fromConfig(JSON.parse(JSON.stringify(opt.getConfig()))).getConfig()).toEqual(expected);
  });
  it('schedule learning rate', () => {
    const opt = new Adamax({
      learningRate: new ExponentialDecay({ initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.9 }),
      name: 'adamax',
    });
    const expected = cfg["Adamax(learning_rate=ExponentialDecay(0.1, 10, 0.9), name='adamax')"];
    expect(opt.getConfig()).toEqual(expected);
    const back = Adamax.fromConfig(JSON.parse(JSON.stringify(expected)));
    expect(back.getConfig()).toEqual(expected);
    expect(back.learningRate).toBe(Math.fround(0.1));
  });
  it('LossScaleOptimizer', () => {
    const lso = new LossScaleOptimizer(new Adamax({ name: 'adamax' }), { name: 'loss_scale_optimizer' });
    expect(lso.getConfig()).toEqual(cfg["LossScaleOptimizer(Adamax(name='adamax'), name='loss_scale_optimizer')"]);
  });
  it('a callable learning rate has no config', () => {
    expect(() => new Adamax({ learningRate: () => 0.1 }).getConfig()).toThrow(/function/);
  });
});

describe('loadState rejects what does not fit, before changing anything', () => {
  it('layout, EMA and accumulation mismatches; bad format', () => {
    const v = new Variable([1, 2, 3]);
    const opt = new Adamax({ useEma: true });
    opt.apply([Float32Array.of(1, 1, 1)], [v]);
    const state = opt.saveState();
    const other = new Adamax();
    other.build([new Variable([1, 2, 3])]);
    expect(() => other.loadState(state)).toThrow(CheckpointError);
    const small = new Adamax({ useEma: true });
    small.build([new Variable([1, 2])]);
    expect(() => small.loadState(state)).toThrow(/does not match/);
    expect(() => small.loadState({ ...state, format: 'x' } as never)).toThrow(/Not an Adamax state/);
    expect(() => small.loadState({ ...state, version: 2 } as never)).toThrow(/version/);
    expect(small.rawIterations).toBe(0);
  });
});
