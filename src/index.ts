/**
 * adamax-stream — the isomorphic core: the Keras-exact Adamax optimizer (`optim`), the RxJS stream
 * operators (`rx`), the adaptive models and denoisers (`models`), the signal toolkit and quality
 * metrics (`signal`), WAV encoding/parsing and the typed errors. Nothing under this entry point
 * imports a Node built-in or a native module: it runs in Node, in a browser and in an
 * AudioWorklet. File and device I/O, checkpoint files and the ready-made pipelines are in
 * `adamax-stream/node`; the Web Audio denoiser node is in `adamax-stream/web`.
 *
 * @packageDocumentation
 * @module adamax-stream
 */
export { type EncodeWavOptions, encodeWav, type WavEncoding } from './audio/encode-wav.js';
export {
  type NoiseCancellationScenario,
  type NoiseCancellationScenarioOptions,
  noiseCancellationScenario,
} from './audio/live-scenario.js';
export {
  type ParseWavHeaderOptions,
  parseWavHeader,
  type WavHeader,
  type WavSampleFormat,
} from './audio/parse-wav-header.js';
export * from './core/errors.js';
export { FilterState } from './core/filter-state.js';
export { AdamaxScalars } from './core/kernels/adamax-scalars.js';
export { createLayout, type ParamGroup, type ParamGroupSpec, type ParamLayout } from './core/param-layout.js';
export { Random } from './core/random.js';
export type { AdamaxWasmKernel, WasmMemory } from './core/wasm/adamax-wasm.js';
export {
  arenaFloatBytes,
  KernelArena,
  type KernelBackend,
  type SimdKernels,
} from './core/wasm/kernel-arena.js';
export type { AdaptiveFilter } from './models/adaptive-filter.js';
export { type AdaptiveLineEnhancerOptions, adaptiveLineEnhancer } from './models/adaptive-line-enhancer.js';
export type { AdaptiveModel, ModelState } from './models/adaptive-model.js';
export { FdNlms, type FdNlmsOptions } from './models/baselines/fd-nlms.js';
export { Lms, type LmsOptions } from './models/baselines/lms.js';
export { Nlms, type NlmsOptions } from './models/baselines/nlms.js';
export { Rls, type RlsOptions } from './models/baselines/rls.js';
export { RnnoiseDenoiser, type RnnoiseDenoiserOptions } from './models/baselines/rnnoise-denoiser.js';
export { WienerDenoiser, type WienerDenoiserOptions } from './models/baselines/wiener-denoiser.js';
export { createPriorDenoiser } from './models/create-prior-denoiser.js';
export { createPriorDenoiserFromConfig } from './models/create-prior-denoiser-from-config.js';
export { createReferenceCanceller, type ReferenceCancellerFilter } from './models/create-reference-canceller.js';
export { createSingleChannelDenoiser } from './models/create-single-channel-denoiser.js';
export { REFERENCE_DEFAULTS } from './models/defaults/reference-defaults.js';
export { SINGLE_CHANNEL_DEFAULTS } from './models/defaults/single-channel-defaults.js';
export type { Denoiser } from './models/denoiser.js';
export { FirFilter, type FirFilterOptions, type FirState } from './models/fir-filter.js';
export {
  OnlineDenoiser,
  type OnlineDenoiserOptions,
  type OnlineDenoiserState,
  type RiseDetectorOptions,
} from './models/online-denoiser.js';
export { OptimizedFilter, type OptimizedFilterOptions } from './models/optimized-filter.js';
export {
  type CoherenceKernel,
  type FdLearnPass,
  type FdStepKernel,
  PartitionedFdFilter,
  type PartitionedFdFilterOptions,
  type PartitionedFdState,
} from './models/partitioned-fd-filter.js';
export type { GainNetwork } from './models/prior/gain-network.js';
export { type HopAnalyzer, priorFftSize } from './models/prior/hop-analyzer.js';
export { type PriorBandMap, priorBandEdges } from './models/prior/prior-bands.js';
export type { PriorFeatureConfig, PriorFeatures } from './models/prior/prior-features.js';
export type { PriorStream } from './models/prior/prior-stream.js';
export {
  decodePriorWeights,
  encodePriorWeights,
  type PriorWeights,
} from './models/prior/prior-weights-codec.js';
export {
  defaultPriorOptimizer,
  type PriorConfig,
  type PriorModelConfig,
  type PriorOverrides,
  priorConfig,
} from './models/prior-config.js';
export {
  bundledPriorWeights,
  DEFAULT_PRIOR_ADAPTATION,
  type PriorAdaptationOptions,
  PriorDenoiser,
  type PriorDenoiserOptions,
} from './models/prior-denoiser.js';
export {
  type LevelNormalization,
  ReferenceCanceller,
  type ReferenceCancellerOptions,
} from './models/reference-canceller.js';
export {
  defaultBlockSize,
  type ReferenceCancellerConfig,
  type ReferenceCancellerOverrides,
  type ReferenceModelConfig,
  type ReferenceTrackerConfig,
  type ReferenceTwoPathConfig,
  referenceCancellerConfig,
  referencePartitions,
} from './models/reference-canceller-config.js';
export { runAdaptiveFilter } from './models/run-adaptive-filter.js';
export {
  type SingleChannelConfig,
  type SingleChannelModelConfig,
  type SingleChannelOverrides,
  singleChannelConfig,
} from './models/single-channel-config.js';
export {
  SpectralMaskLearner,
  type SpectralMaskLearnerOptions,
  type SpectralMaskState,
} from './models/spectral-mask-learner.js';
export { MinimumTracker } from './models/tracking/minimum-tracker.js';
export { PageHinkley, type PageHinkleyOptions } from './models/tracking/page-hinkley.js';
export { betaFromTimeConstant, halfLifeFromBeta, timeConstantFromBeta } from './models/tracking/time-constants.js';
export { Tracker, type TrackerOptions } from './models/tracking/tracker.js';
export {
  Adamax,
  type AdamaxConfig,
  type AdamaxState,
  type ApplyOptions,
  adamaxOptionsFromConfig,
} from './optim/adamax.js';
export {
  type AdamaxBackend,
  AdamaxCore,
  type AdamaxHyperParameters,
  type PowfFlavour,
  type ScaledStepKernel,
  StepOutcome,
} from './optim/adamax-core.js';
export { ADAMAX_DEFAULTS, type AdamaxOptions } from './optim/adamax-options.js';
export { FiniteStep, type NonFiniteResultPolicy } from './optim/finite-step.js';
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
export * from './rx/index.js';
export * from './signal/index.js';
