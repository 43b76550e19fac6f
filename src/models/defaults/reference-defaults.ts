/**
 * The ONE defaults object of the reference-microphone canceller (FD-Adamax: per-bin Adamax on a
 * partitioned frequency-domain filter). Everything that builds the canceller — the CLI, the
 * pipelines, the samples and the benchmarks — resolves these through `referenceCancellerConfig`
 * and builds through `createReferenceCanceller`, so what is benchmarked is what runs.
 *
 * Rate-free: the filter length is in milliseconds and the time constants in seconds; the block
 * size and the per-block β2 / EMA momentum are derived at the input's own rate.
 *
 * The design and every knob of the two-path canceller are the abrupt-noise-v2 validation pick (the
 * same random-search budget for every method, on validation clips only: other voices and texts than
 * the test split); a test ties them to the pick printed in BENCHMARKS.md. The one-path knobs below
 * (`warmupBoost`, `emaWarmupSeconds`, `tracker`, …) apply to `design: 'one-path'` only. A benchmark
 * prints proposed values; a commit applies them.
 */
export const REFERENCE_DEFAULTS = Object.freeze({
  /** 'two-path': foreground/background `ReferenceCanceller`; 'one-path': the v1 `OptimizedFilter`. */
  design: 'two-path' as 'two-path' | 'one-path',
  /** Knobs of the two-path design (see `ReferenceCanceller`). */
  twoPath: Object.freeze({
    foreground: 'learner' as 'learner' | 'ema' | 'copy',
    copyAndReset: true,
    foregroundLearningRate: 0.005,
    foregroundBeta2Seconds: 0.25,
    copyDb: 1,
    copySeconds: 0.02,
    resetDb: 6,
    resetSeconds: 0.15,
    compareSeconds: 0.05,
    gateDb: 20,
    gateReleaseSeconds: 0.5,
    levelNormalization: 'residual' as 'residual' | 'primary' | 'off',
    floorSeconds: 1.5,
    floorRiseDbPerSecond: 3,
    /** The background error's coherent fraction g: time constant (s; 0 = off), blocks of lag, adapted blocks per update, lr gain per unit of g. */
    coherenceSeconds: 0.05,
    coherenceLags: 2,
    coherenceEvery: 1,
    coherenceBoost: 4,
    copyBoost: 4,
    copyBoostSeconds: 0.5,
    /** Restart the background from zero when both paths stay this many dB above the primary for restartSeconds. */
    restartDb: 1,
    restartSeconds: 0.02,
    restartBoost: 2,
    restartBoostSeconds: 0.25,
    /** Per-bin step control of the background (Valin's residual estimate): lr gain (0 = off), floor, leak time constant (s). */
    binStepGain: 0,
    binStepFloor: 0.05,
    leakSeconds: 0.1,
    /** Proportionate steps across partitions (IPNLMS-like): background α (0 = off), largest factor, foreground learner's α. */
    proportionate: 0.9,
    proportionateMax: 4,
    proportionateForeground: 0.9,
    /** Per-bin mixing toward the path with the lower smoothed error power (logit step per block; 0 = off). */
    mixPowerStep: 0,
    /** 'convex': output through a per-bin convex combination of the two paths (mixing logits learnt by Adamax). */
    combination: 'convex' as 'none' | 'convex',
    mixLearningRate: 0.03,
    mixBeta2Seconds: 0.05,
  }),
  /** Filter length in ms: the taps cover at least this (64 ms models room paths at every rate). */
  filterMs: 64,
  /** Block duration in ms: the block size is the largest power of two ≤ blockMs · rate (64 at 16 kHz, 128 at 48 kHz). */
  blockMs: 4,
  constrained: true,
  /** Weight constraint on one partition per block (AUMDF) instead of all. */
  alternateConstraint: true,
  /** Project the gradient too (2 FFTs per partition); false = weight constraint only. */
  projectGradient: false,
  learningRate: 0.015,
  beta1: 0.8,
  /** beta2 as a time constant in seconds: beta2 = exp(−1 / (τ · blocksPerSecond)). */
  beta2Seconds: 0.05,
  epsilon: 1e-7,
  /** EMA of the weights for the output: time constant in seconds (0 = raw weights). */
  emaSeconds: 0,
  /** Learning rate scaled by √(P_primary / P_reference), smoothed over 100 blocks. */
  levelNormalizedLr: true,
  /** Start-up lr boost: × (1 + (boost − 1)·exp(−t / τ)), τ in seconds. */
  warmupBoost: 16,
  warmupSeconds: 0.25,
  /** Raw weights are output for this long after the start while the EMA catches up (s). */
  emaWarmupSeconds: 1,
  /** Change tracker (Page–Hinkley + moment reset + lr boost): off in the chosen default. */
  tracker: null,
  activityFloor: 1e-10,
  maxGainDb: 6,
});
