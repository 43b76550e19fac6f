import { cosfNumpy } from '../../core/cosf-numpy.js';
import { LearningRateSchedule } from './learning-rate-schedule.js';
import { camelCaseKeys, checkScheduleOptions } from './schedule-options.js';

const f32 = Math.fround;
const PI32 = Math.fround(Math.PI);

export interface CosineDecayOptions {
  readonly initialLearningRate: number;
  readonly decaySteps: number;
  readonly alpha?: number;
  readonly name?: string;
  readonly warmupTarget?: number | null;
  readonly warmupSteps?: number;
}

/**
 * Keras `CosineDecay` (SGDR without restarts), with optional linear warm-up.
 * `decay(x, from) = from · ((1 − α) · 0.5 · (1 + cos(π x / decaySteps)) + α)`.
 * Without `warmupTarget`: `lr = decay(min(s, decaySteps), lr0)` (warmupSteps ignored). With it:
 * `s' = min(s, decaySteps + warmupSteps)`; linear from lr0 to warmupTarget while `s' < warmupSteps`,
 * then `decay(s' − warmupSteps, warmupTarget)` — the cosine phase starts from the warm-up target.
 *
 * @example new CosineDecay({ initialLearningRate: 1, decaySteps: 10 }).at(5) // 0.5
 */
export class CosineDecay extends LearningRateSchedule {
  readonly className = 'CosineDecay';
  readonly initialLearningRate: number;
  readonly decaySteps: number;
  readonly alpha: number;
  readonly name: string;
  readonly warmupTarget: number | null;
  readonly warmupSteps: number;

  constructor(options: CosineDecayOptions) {
    super();
    checkScheduleOptions(
      options,
      ['initialLearningRate', 'decaySteps', 'alpha', 'name', 'warmupTarget', 'warmupSteps'],
      ['initialLearningRate', 'decaySteps'],
      'decaySteps',
    );
    this.initialLearningRate = options.initialLearningRate;
    this.decaySteps = options.decaySteps;
    this.alpha = options.alpha ?? 0.0;
    this.name = options.name ?? 'CosineDecay';
    this.warmupTarget = options.warmupTarget ?? null;
    this.warmupSteps = options.warmupSteps ?? 0;
  }

  private decay(step: number, decaySteps: number, from: number): number {
    const fraction = f32(step / decaySteps);
    const cosineDecayed = f32(0.5 * f32(1 + cosfNumpy(f32(PI32 * fraction))));
    const decayed = f32(f32(f32(1 - this.alpha) * cosineDecayed) + f32(this.alpha));
    return f32(from * decayed);
  }

  at(step: number): number {
    const lr0 = f32(this.initialLearningRate);
    const decaySteps = f32(this.decaySteps);
    let s = f32(step);
    if (this.warmupTarget === null) {
      s = Math.min(s, decaySteps);
      return this.decay(s, decaySteps, lr0);
    }
    const target = f32(this.warmupTarget);
    const warmupSteps = f32(this.warmupSteps);
    s = Math.min(s, f32(decaySteps + warmupSteps));
    if (s < warmupSteps) {
      const fraction = f32(s / warmupSteps);
      return f32(f32(f32(target - lr0) * fraction) + lr0);
    }
    return this.decay(f32(s - warmupSteps), decaySteps, target);
  }

  getConfig(): Record<string, unknown> {
    return {
      initial_learning_rate: this.initialLearningRate,
      decay_steps: this.decaySteps,
      alpha: this.alpha,
      name: this.name,
      warmup_target: this.warmupTarget,
      warmup_steps: this.warmupSteps,
    };
  }

  static fromConfig(config: Record<string, unknown>): CosineDecay {
    return new CosineDecay(camelCaseKeys(config) as unknown as CosineDecayOptions);
  }
}
