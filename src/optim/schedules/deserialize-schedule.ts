import { InvalidOptionError } from '../../core/errors.js';
import { pyRepr } from '../../core/validate.js';
import { CosineDecay } from './cosine-decay.js';
import { CosineDecayRestarts } from './cosine-decay-restarts.js';
import { ExponentialDecay } from './exponential-decay.js';
import { InverseTimeDecay } from './inverse-time-decay.js';
import type { LearningRateSchedule } from './learning-rate-schedule.js';
import { PiecewiseConstantDecay } from './piecewise-constant-decay.js';
import { PolynomialDecay } from './polynomial-decay.js';

const REGISTRY: Record<string, (config: Record<string, unknown>) => LearningRateSchedule> = {
  ExponentialDecay: ExponentialDecay.fromConfig,
  PiecewiseConstantDecay: PiecewiseConstantDecay.fromConfig,
  PolynomialDecay: PolynomialDecay.fromConfig,
  InverseTimeDecay: InverseTimeDecay.fromConfig,
  CosineDecay: CosineDecay.fromConfig,
  CosineDecayRestarts: CosineDecayRestarts.fromConfig,
};

/** Rebuilds a schedule from its Keras serialised form `{ class_name, config, … }`. */
export function deserializeSchedule(value: unknown): LearningRateSchedule {
  const v = value as { class_name?: unknown; config?: unknown } | null;
  const make = typeof v?.class_name === 'string' ? REGISTRY[v.class_name] : undefined;
  if (!make || typeof v?.config !== 'object' || v.config === null) {
    throw new InvalidOptionError([
      {
        option: 'learning_rate',
        message: `Cannot deserialize a learning-rate schedule: expected { class_name: one of ${Object.keys(REGISTRY).join(', ')}, config: {...} }. Received: ${pyRepr(value)}`,
      },
    ]);
  }
  return make(v.config as Record<string, unknown>);
}
