import { powfLibm } from '../../core/powf-libm.js';
import { LearningRateSchedule } from './learning-rate-schedule.js';
import { camelCaseKeys, checkScheduleOptions } from './schedule-options.js';

const f32 = Math.fround;

export interface ExponentialDecayOptions {
  readonly initialLearningRate: number;
  readonly decaySteps: number;
  readonly decayRate: number;
  readonly staircase?: boolean;
  readonly name?: string;
}

/**
 * Keras `ExponentialDecay`: `lr = lr0 · rate^(s / decaySteps)`; with `staircase` the exponent
 * is floored. Evaluated in float32 (keras/src/optimizers/schedules/learning_rate_schedule.py).
 *
 * @example new ExponentialDecay({ initialLearningRate: 0.1, decaySteps: 100, decayRate: 0.5 }).at(100) // 0.05
 */
export class ExponentialDecay extends LearningRateSchedule {
  readonly className = 'ExponentialDecay';
  readonly initialLearningRate: number;
  readonly decaySteps: number;
  readonly decayRate: number;
  readonly staircase: boolean;
  readonly name: string;

  constructor(options: ExponentialDecayOptions) {
    super();
    checkScheduleOptions(
      options,
      ['initialLearningRate', 'decaySteps', 'decayRate', 'staircase', 'name'],
      ['initialLearningRate', 'decaySteps', 'decayRate'],
      'decaySteps',
    );
    this.initialLearningRate = options.initialLearningRate;
    this.decaySteps = options.decaySteps;
    this.decayRate = options.decayRate;
    this.staircase = options.staircase ?? false;
    this.name = options.name ?? 'ExponentialDecay';
  }

  at(step: number): number {
    let p = f32(f32(step) / f32(this.decaySteps));
    if (this.staircase) p = Math.floor(p);
    return f32(f32(this.initialLearningRate) * powfLibm(this.decayRate, p));
  }

  getConfig(): Record<string, unknown> {
    return {
      initial_learning_rate: this.initialLearningRate,
      decay_steps: this.decaySteps,
      decay_rate: this.decayRate,
      staircase: this.staircase,
      name: this.name,
    };
  }

  static fromConfig(config: Record<string, unknown>): ExponentialDecay {
    return new ExponentialDecay(camelCaseKeys(config) as unknown as ExponentialDecayOptions);
  }
}
