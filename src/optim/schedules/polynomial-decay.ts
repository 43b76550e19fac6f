import { powfLibm } from '../../core/powf-libm.js';
import { LearningRateSchedule } from './learning-rate-schedule.js';
import { camelCaseKeys, checkScheduleOptions } from './schedule-options.js';

const f32 = Math.fround;

export interface PolynomialDecayOptions {
  readonly initialLearningRate: number;
  readonly decaySteps: number;
  readonly endLearningRate?: number;
  readonly power?: number;
  readonly cycle?: boolean;
  readonly name?: string;
}

/**
 * Keras `PolynomialDecay`: `lr = (lr0 − end) · (1 − s'/D)^power + end`, with `s' = min(s, D)`
 * (no cycle) or `D = decaySteps · ceil(s / decaySteps)` (cycle; `D = decaySteps` at s = 0).
 * float32 throughout.
 *
 * @example new PolynomialDecay({ initialLearningRate: 0.1, decaySteps: 10, endLearningRate: 0.01 }).at(10) // 0.01
 */
export class PolynomialDecay extends LearningRateSchedule {
  readonly className = 'PolynomialDecay';
  readonly initialLearningRate: number;
  readonly decaySteps: number;
  readonly endLearningRate: number;
  readonly power: number;
  readonly cycle: boolean;
  readonly name: string;

  constructor(options: PolynomialDecayOptions) {
    super();
    checkScheduleOptions(
      options,
      ['initialLearningRate', 'decaySteps', 'endLearningRate', 'power', 'cycle', 'name'],
      ['initialLearningRate', 'decaySteps'],
      'decaySteps',
    );
    this.initialLearningRate = options.initialLearningRate;
    this.decaySteps = options.decaySteps;
    this.endLearningRate = options.endLearningRate ?? 0.0001;
    this.power = options.power ?? 1.0;
    this.cycle = options.cycle ?? false;
    this.name = options.name ?? 'PolynomialDecay';
  }

  at(step: number): number {
    const lr0 = f32(this.initialLearningRate);
    const end = f32(this.endLearningRate);
    const power = f32(this.power);
    let s = f32(step);
    let d = f32(this.decaySteps);
    if (this.cycle) {
      const multiplier = s === 0 ? 1 : Math.ceil(f32(s / f32(this.decaySteps)));
      d = f32(d * multiplier);
    } else {
      s = Math.min(s, d);
    }
    const p = f32(s / d);
    return f32(f32(f32(lr0 - end) * powfLibm(f32(1 - p), power)) + end);
  }

  getConfig(): Record<string, unknown> {
    return {
      initial_learning_rate: this.initialLearningRate,
      decay_steps: this.decaySteps,
      end_learning_rate: this.endLearningRate,
      power: this.power,
      cycle: this.cycle,
      name: this.name,
    };
  }

  static fromConfig(config: Record<string, unknown>): PolynomialDecay {
    return new PolynomialDecay(camelCaseKeys(config) as unknown as PolynomialDecayOptions);
  }
}
