import type { Adamax as AdamaxType } from '../optim/adamax.js';
import { Adamax } from '../optim/adamax.js';
import type { AdamaxCore } from '../optim/adamax-core.js';
import type { AdaptiveFilter } from './adaptive-filter.js';
import type { AdaptiveModel } from './adaptive-model.js';
import { OptimizedFilter } from './optimized-filter.js';
import { PartitionedFdFilter } from './partitioned-fd-filter.js';
import { ReferenceCanceller } from './reference-canceller.js';
import { checkModel, type ReferenceCancellerConfig, referencePartitions } from './reference-canceller-config.js';
import { PageHinkley } from './tracking/page-hinkley.js';
import { betaFromTimeConstant } from './tracking/time-constants.js';
import { Tracker } from './tracking/tracker.js';

/** What the factory returns, whichever design: an adaptive filter with its Adamax and counters. */
export interface ReferenceCancellerFilter extends AdaptiveFilter {
  /** The model (a `PartitionedFdFilter`: its `layout`, `blockSize`, `taps`). */
  readonly model: AdaptiveModel;
  /** The (background) learner. */
  readonly optimizer: AdamaxType;
  readonly core: AdamaxCore;
  /** Blocks whose output the watchdog replaced by the primary. */
  readonly bypassed: number;
  /** Watchdog resets (one-path) or restorations of the last good weights (two-path). */
  readonly resets: number;
  /** Blocks without learning because the reference was quiet. */
  readonly gated: number;
  /**
   * The smoothed model next to the learner's raw weights (`core.params`): the weight EMA (one-path
   * with EMA), the foreground (two-path: the slow path the output is built from), or null.
   */
  readonly smoothedWeights: Float32Array | null;
}

/** The two-path design: background = `config.optimizer`, foreground per `model.twoPath`. */
function createTwoPath(config: ReferenceCancellerConfig, sampleRate: number): ReferenceCanceller {
  const m = config.model;
  const t = m.twoPath;
  const blockRate = sampleRate / m.blockSize;
  const o = config.optimizer;
  const foregroundOptimizer =
    t.foreground === 'learner'
      ? new Adamax({
          learningRate: t.foregroundLearningRate,
          beta1: o.beta_1,
          beta2: betaFromTimeConstant(t.foregroundBeta2Seconds, blockRate),
          epsilon: o.epsilon,
        })
      : undefined;
  const mixOptimizer =
    t.combination === 'convex'
      ? new Adamax({
          learningRate: t.mixLearningRate,
          beta1: o.beta_1,
          beta2: betaFromTimeConstant(t.mixBeta2Seconds, blockRate),
          epsilon: o.epsilon,
        })
      : undefined;
  return new ReferenceCanceller({
    sampleRate,
    optimizer: Adamax.fromConfig(o),
    ...(foregroundOptimizer ? { foregroundOptimizer } : {}),
    ...(mixOptimizer ? { mixOptimizer } : {}),
    blockSize: m.blockSize,
    filterMs: m.filterMs,
    twoPath: t.copyAndReset,
    copyDb: t.copyDb,
    copySeconds: t.copySeconds,
    resetDb: t.resetDb,
    resetSeconds: t.resetSeconds,
    compareSeconds: t.compareSeconds,
    gateDb: t.gateDb,
    gateReleaseSeconds: t.gateReleaseSeconds,
    levelNormalization: t.levelNormalization,
    floorSeconds: t.floorSeconds,
    floorRiseDbPerSecond: t.floorRiseDbPerSecond,
    coherenceSeconds: t.coherenceSeconds,
    coherenceLags: t.coherenceLags,
    coherenceEvery: t.coherenceEvery,
    coherenceBoost: t.coherenceBoost,
    copyBoost: t.copyBoost,
    copyBoostSeconds: t.copyBoostSeconds,
    restartDb: t.restartDb,
    restartSeconds: t.restartSeconds,
    restartBoost: t.restartBoost,
    restartBoostSeconds: t.restartBoostSeconds,
    binStepGain: t.binStepGain,
    binStepFloor: t.binStepFloor,
    leakSeconds: t.leakSeconds,
    proportionate: t.proportionate,
    proportionateMax: t.proportionateMax,
    proportionateForeground: t.proportionateForeground,
    mixPowerStep: t.mixPowerStep,
    activityFloor: m.activityFloor,
    maxGainDb: m.maxGainDb,
  });
}

/**
 * The ONE factory of the reference-microphone canceller: a partitioned frequency-domain filter
 * learned by per-bin Adamax through the {@link OptimizedFilter} adapter, at the input's own rate.
 * The CLI, the pipelines, the samples and the benchmarks all build the canceller here, from a
 * config resolved by `referenceCancellerConfig` (defaults: `REFERENCE_DEFAULTS`).
 * ```
 * B = model.blockSize,  P = ⌈filterMs · rate / 1000 / B⌉,  taps = P·B,  blocks/s = rate / B
 * optimizer = Adamax.fromConfig(config.optimizer)       (β2, EMA momentum: per block)
 * warm-up τ = max(1, warmupSeconds · blocks/s) blocks,  raw-output start = round(emaWarmupSeconds · blocks/s)
 * ```
 * @example
 * const f = createReferenceCanceller(referenceCancellerConfig(48000), 48000); // 128-sample blocks, 64 ms
 * f.process([primaryBlock, referenceBlock], cleanedBlock);
 * @throws InvalidOptionError for a config that does not validate (same messages as the API).
 */
export function createReferenceCanceller(
  config: ReferenceCancellerConfig,
  sampleRate: number,
): ReferenceCancellerFilter {
  const m = config.model;
  checkModel(m);
  if (m.design === 'two-path') return createTwoPath(config, sampleRate);
  const blockRate = sampleRate / m.blockSize;
  const model = new PartitionedFdFilter({
    blockSize: m.blockSize,
    partitions: referencePartitions(m, sampleRate),
    constrained: m.constrained,
    projectGradient: m.projectGradient,
  });
  const optimizer = Adamax.fromConfig(config.optimizer);
  const useEma = config.optimizer.use_ema;
  const t = m.tracker;
  const tracker = t
    ? new Tracker({
        detector: new PageHinkley({
          delta: t.delta,
          threshold: t.threshold,
          alpha: betaFromTimeConstant(1, blockRate),
          minSamples: 25,
        }),
        lrBoost: t.lrBoost,
        boostFrames: Math.max(1, t.boostSeconds * blockRate),
        resetMoments: t.resetMoments,
        refractoryFrames: Math.round(0.3 * blockRate),
      })
    : null;
  return new OptimizedFilter({
    model,
    optimizer,
    emaOutput: useEma,
    ...(useEma && m.emaWarmupSeconds > 0 ? { emaWarmupFrames: Math.round(m.emaWarmupSeconds * blockRate) } : {}),
    alternateConstraint: m.alternateConstraint,
    levelNormalizedLr: m.levelNormalizedLr,
    activityFloor: m.activityFloor,
    maxGainDb: m.maxGainDb,
    ...(m.warmupBoost > 1
      ? { warmupBoost: m.warmupBoost, warmupFrames: Math.max(1, m.warmupSeconds * blockRate) }
      : {}),
    ...(tracker && t
      ? { tracker, trackerStatistic: t.statistic, emaHoldFrames: Math.round(t.emaHoldSeconds * blockRate) }
      : {}),
  });
}
