import { IssueCollector, pyRepr } from '../../core/validate.js';
import { LearningRateSchedule } from './learning-rate-schedule.js';
import { camelCaseKeys, checkScheduleOptions } from './schedule-options.js';

const f32 = Math.fround;

export interface PiecewiseConstantDecayOptions {
  readonly boundaries: readonly number[];
  readonly values: readonly number[];
  readonly name?: string;
}

/**
 * Keras `PiecewiseConstantDecay`: right-closed intervals. `values[0]` while `s ≤ b[0]`,
 * `values[i]` while `b[i−1] < s ≤ b[i]`, `values[last]` when `s > b[last]`. Boundaries are
 * compared with the integer step counter (Keras casts them to the step dtype, i.e. truncates).
 *
 * @example new PiecewiseConstantDecay({ boundaries: [100], values: [0.1, 0.01] }).at(101) // 0.01
 */
export class PiecewiseConstantDecay extends LearningRateSchedule {
  readonly className = 'PiecewiseConstantDecay';
  readonly boundaries: readonly number[];
  readonly values: readonly number[];
  readonly name: string;
  private readonly b: Float64Array;
  private readonly v: Float64Array;

  constructor(options: PiecewiseConstantDecayOptions) {
    super();
    checkScheduleOptions(options, ['boundaries', 'values', 'name'], ['boundaries', 'values'], '');
    const c = new IssueCollector();
    const { boundaries, values } = options;
    const isNumList = (x: unknown): x is number[] =>
      Array.isArray(x) && x.every((e) => typeof e === 'number' && Number.isFinite(e));
    if (!isNumList(boundaries)) {
      c.add(
        'boundaries',
        `\`boundaries\` must be a list of finite numbers. Received: boundaries=${pyRepr(boundaries)}`,
      );
    }
    if (!isNumList(values) || values.length === 0) {
      c.add('values', `\`values\` must be a non-empty list of finite numbers. Received: values=${pyRepr(values)}`);
    }
    c.throwIfAny();
    if (boundaries.length !== values.length - 1) {
      c.add(
        'boundaries',
        `The length of boundaries should be 1 less than the length of values. Received: boundaries=${pyRepr(boundaries)} of length ${boundaries.length}, and values=${pyRepr(values)} of length ${values.length}.`,
      );
    }
    c.throwIfAny();
    this.boundaries = [...boundaries];
    this.values = [...values];
    this.name = options.name ?? 'PiecewiseConstant';
    this.b = Float64Array.from(boundaries, (x) => Math.trunc(x));
    this.v = Float64Array.from(values, (x) => f32(x));
  }

  at(step: number): number {
    const b = this.b;
    const v = this.v;
    const n = b.length;
    if (n === 0) return v[0]!;
    if (step <= b[0]!) return v[0]!;
    if (step > b[n - 1]!) return v[n]!;
    for (let i = 1; i < n; i++) if (step > b[i - 1]! && step <= b[i]!) return v[i]!;
    return 0;
  }

  getConfig(): Record<string, unknown> {
    return { boundaries: [...this.boundaries], values: [...this.values], name: this.name };
  }

  static fromConfig(config: Record<string, unknown>): PiecewiseConstantDecay {
    return new PiecewiseConstantDecay(camelCaseKeys(config) as unknown as PiecewiseConstantDecayOptions);
  }
}
