import { describe, expect, it } from 'vitest';
import {
  CosineDecay,
  CosineDecayRestarts,
  ExponentialDecay,
  InverseTimeDecay,
  PiecewiseConstantDecay,
  PolynomialDecay,
} from '../../src/index.js';
import { deserializeSchedule } from '../../src/optim/schedules/deserialize-schedule.js';
import { bitEqual, closeTo, loadJson } from '../helpers/golden.js';

interface ScheduleTable {
  class: string;
  config: Record<string, unknown>;
  steps: number[];
  values: number[];
}
const golden = loadJson<{ schedules: ScheduleTable[] }>('keras-real-golden.json');

describe('learning-rate schedules match the real-Keras tables', () => {
  const notBitExact: string[] = [];
  it.each(golden.schedules.map((t, i) => [`${i}: ${t.class} ${JSON.stringify(t.config)}`, t] as const))(
    '%s',
    (_label, table) => {
      const schedule = deserializeSchedule({ class_name: table.class, config: table.config });
      expect(schedule.className).toBe(table.class);
      const values = table.steps.map((s) => schedule.at(s));
      // pow is glibc's powf and cos NumPy's float32 kernel, bit for bit; log is Math.log rounded to
      // float32, which NumPy's float32 log could differ from by 1 ulp (the tolerance guards that case).
      expect(closeTo(values, table.values, 1e-5, 1e-7)).toBeNull();
      if (!bitEqual(values, table.values)) notBitExact.push(table.class);
      // config round-trip: the Keras config in, the same config out.
      expect(schedule.getConfig()).toEqual(table.config);
    },
  );
  it('is bit-exact on all 19 tables (486 cosine values among them)', () => {
    expect(golden.schedules.length).toBe(19);
    expect(notBitExact).toEqual([]);
  });
});

describe('schedule validation (Keras messages, camelCase names)', () => {
  it('rejects decaySteps <= 0', () => {
    expect(() => new ExponentialDecay({ initialLearningRate: 0.1, decaySteps: 0, decayRate: 0.5 })).toThrow(
      'Argument `decaySteps` must be > 0. Received: decaySteps=0',
    );
    expect(() => new PolynomialDecay({ initialLearningRate: 0.1, decaySteps: -1 })).toThrow(
      'Argument `decaySteps` must be > 0. Received: decaySteps=-1',
    );
    expect(() => new InverseTimeDecay({ initialLearningRate: 0.1, decaySteps: 0, decayRate: 0.5 })).toThrow(
      'Argument `decaySteps` must be > 0. Received: decaySteps=0',
    );
    expect(() => new CosineDecay({ initialLearningRate: 0.1, decaySteps: 0 })).toThrow(
      'Argument `decaySteps` must be > 0. Received: decaySteps=0',
    );
    expect(() => new CosineDecayRestarts({ initialLearningRate: 0.1, firstDecaySteps: 0 })).toThrow(
      'Argument `firstDecaySteps` must be > 0. Received: firstDecaySteps=0',
    );
  });
  it('rejects mismatched boundaries/values', () => {
    expect(() => new PiecewiseConstantDecay({ boundaries: [1, 2], values: [0.1, 0.2] })).toThrow(
      'The length of boundaries should be 1 less than the length of values. Received: boundaries=[1, 2] of length 2, and values=[0.1, 0.2] of length 2.',
    );
  });
  it('rejects unknown keys and non-numbers', () => {
    expect(
      () => new ExponentialDecay({ initialLearningRate: 0.1, decaySteps: 1, decayRate: 0.5, foo: 1 } as never),
    ).toThrow("Argument(s) not recognized: {'foo': 1}");
    expect(() => new ExponentialDecay({ initialLearningRate: '0.1', decaySteps: 1, decayRate: 0.5 } as never)).toThrow(
      /initialLearningRate/,
    );
  });
});
