import { cosfNumpy } from '../../core/cosf-numpy.js';
import { powfLibm } from '../../core/powf-libm.js';
import { LearningRateSchedule } from './learning-rate-schedule.js';
import { camelCaseKeys, checkScheduleOptions } from './schedule-options.js';

const f32 = Math.fround;
const PI32 = Math.fround(Math.PI);

export interface CosineDecayRestartsOptions {
  readonly initialLearningRate: number;
  readonly firstDecaySteps: number;
  readonly tMul?: number;
  readonly mMul?: number;
  readonly alpha?: number;
  readonly name?: string;
}

/**
 * Keras `CosineDecayRestarts` (SGDR, Loshchilov & Hutter 2017). With `f = s / firstDecaySteps`:
 * `tMul = 1`: `i = floor(f)`, `f ← f − i`; else `i = floor(log(1 − f(1 − tMul)) / log(tMul))`,
 * `f ← (f − (1 − tMul^i)/(1 − tMul)) / tMul^i`. Then
 * `lr = lr0 · ((1 − α) · 0.5 · mMul^i · (1 + cos(π f)) + α)` — α is not scaled by `mMul^i`.
 *
 * @example new CosineDecayRestarts({ initialLearningRate: 1, firstDecaySteps: 10 }).at(0) // 1
 */
export class CosineDecayRestarts extends LearningRateSchedule {
  readonly className = 'CosineDecayRestarts';
  readonly initialLearningRate: number;
  readonly firstDecaySteps: number;
  readonly tMul: number;
  readonly mMul: number;
  readonly alpha: number;
  readonly name: string;

  constructor(options: CosineDecayRestartsOptions) {
    super();
    checkScheduleOptions(
      options,
      ['initialLearningRate', 'firstDecaySteps', 'tMul', 'mMul', 'alpha', 'name'],
      ['initialLearningRate', 'firstDecaySteps'],
      'firstDecaySteps',
    );
    this.initialLearningRate = options.initialLearningRate;
    this.firstDecaySteps = options.firstDecaySteps;
    this.tMul = options.tMul ?? 2.0;
    this.mMul = options.mMul ?? 1.0;
    this.alpha = options.alpha ?? 0.0;
    this.name = options.name ?? 'SGDRDecay';
  }

  at(step: number): number {
    const lr0 = f32(this.initialLearningRate);
    const first = f32(this.firstDecaySteps);
    const alpha = f32(this.alpha);
    const tMul = f32(this.tMul);
    const mMul = f32(this.mMul);
    let fraction = f32(f32(step) / first);
    let i: number;
    if (tMul === 1) {
      i = Math.floor(fraction);
      fraction = f32(fraction - i);
    } else {
      const num = f32(Math.log(f32(1 - f32(fraction * f32(1 - tMul)))));
      i = Math.floor(f32(num / f32(Math.log(tMul))));
      const tPow = powfLibm(tMul, i);
      const sumR = f32(f32(1 - tPow) / f32(1 - tMul));
      fraction = f32(f32(fraction - sumR) / tPow);
    }
    const mFac = powfLibm(mMul, i);
    const cosineDecayed = f32(f32(0.5 * mFac) * f32(1 + cosfNumpy(f32(PI32 * fraction))));
    const decayed = f32(f32(f32(1 - alpha) * cosineDecayed) + alpha);
    return f32(lr0 * decayed);
  }

  getConfig(): Record<string, unknown> {
    return {
      initial_learning_rate: this.initialLearningRate,
      first_decay_steps: this.firstDecaySteps,
      t_mul: this.tMul,
      m_mul: this.mMul,
      alpha: this.alpha,
      name: this.name,
    };
  }

  static fromConfig(config: Record<string, unknown>): CosineDecayRestarts {
    return new CosineDecayRestarts(camelCaseKeys(config) as unknown as CosineDecayRestartsOptions);
  }
}
