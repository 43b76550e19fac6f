export * from './core/errors.js';
export { createLayout, type ParamGroup, type ParamGroupSpec, type ParamLayout } from './core/param-layout.js';
export { Random } from './core/random.js';
export {
  Adamax,
  type AdamaxConfig,
  type AdamaxState,
  adamaxOptionsFromConfig,
} from './optim/adamax.js';
export { type AdamaxBackend, AdamaxCore, type AdamaxHyperParameters, StepOutcome } from './optim/adamax-core.js';
export { ADAMAX_DEFAULTS, type AdamaxOptions } from './optim/adamax-options.js';
export type { LearningRateInput } from './optim/learning-rate.js';
export {
  LossScaleOptimizer,
  type LossScaleOptimizerConfig,
  type LossScaleOptimizerOptions,
  type LossScaleOptimizerState,
} from './optim/loss-scale-optimizer.js';
export { CosineDecay, type CosineDecayOptions } from './optim/schedules/cosine-decay.js';
export { CosineDecayRestarts, type CosineDecayRestartsOptions } from './optim/schedules/cosine-decay-restarts.js';
export { deserializeSchedule } from './optim/schedules/deserialize-schedule.js';
export { ExponentialDecay, type ExponentialDecayOptions } from './optim/schedules/exponential-decay.js';
export { InverseTimeDecay, type InverseTimeDecayOptions } from './optim/schedules/inverse-time-decay.js';
export { LearningRateSchedule, type SerializedSchedule } from './optim/schedules/learning-rate-schedule.js';
export {
  PiecewiseConstantDecay,
  type PiecewiseConstantDecayOptions,
} from './optim/schedules/piecewise-constant-decay.js';
export { PolynomialDecay, type PolynomialDecayOptions } from './optim/schedules/polynomial-decay.js';
export { Variable, type VariableOptions } from './optim/variable.js';
