import { LearningRateSchedule } from './learning-rate-schedule.js';
import { camelCaseKeys, checkScheduleOptions } from './schedule-options.js';

const f32 = Math.fround;

export interface InverseTimeDecayOptions {
  readonly initialLearningRate: number;
  readonly decaySteps: number;
  readonly decayRate: number;
  readonly staircase?: boolean;
  readonly name?: string;
}

/**
 * Keras `InverseTimeDecay`: `lr = lr0 / (1 + rate · s / decaySteps)`; with `staircase` the
 * quotient `s / decaySteps` is floored. float32 throughout.
 *
 * @example new InverseTimeDecay({ initialLearningRate: 0.1, decaySteps: 1, decayRate: 1 }).at(1) // 0.05
 */
export class InverseTimeDecay extends LearningRateSchedule {
  readonly className = 'InverseTimeDecay';
  readonly initialLearningRate: number;
  readonly decaySteps: number;
  readonly decayRate: number;
  readonly staircase: boolean;
  readonly name: string;

  constructor(options: InverseTimeDecayOptions) {
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
    this.name = options.name ?? 'InverseTimeDecay';
  }

  at(step: number): number {
    let p = f32(f32(step) / f32(this.decaySteps));
    if (this.staircase) p = Math.floor(p);
    const denom = f32(1 + f32(f32(this.decayRate) * p));
    return f32(f32(this.initialLearningRate) / denom);
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

  static fromConfig(config: Record<string, unknown>): InverseTimeDecay {
    return new InverseTimeDecay(camelCaseKeys(config) as unknown as InverseTimeDecayOptions);
  }
}
