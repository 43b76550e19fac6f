/**
 * FD-Adamax defaults of the reference-microphone canceller (Track R), chosen on the VALIDATION split
 * by `node --import tsx bench/quality-reference.ts --write` (makeScenario seed 20260401, 8 validation
 * clips, 16 kHz, block 64, 512 taps; method 'FD-Adamax+EMA'). Never tuned on the test split.
 * Generated file: re-run the benchmark to update it.
 */
export const REFERENCE_DEFAULTS = Object.freeze({
  sampleRate: 16000,
  blockSize: 64,
  taps: 512,
  constrained: true,
  alternateConstraint: true,
  /** Project the gradient too (2 FFTs per partition); false = weight constraint only. */
  projectGradient: false,
  learningRate: 0.005,
  beta1: 0.9,
  /** beta2 as a time constant in seconds: beta2 = exp(−1 / (τ · blocksPerSecond)). */
  beta2Seconds: 0.25,
  /** EMA of the weights for the output: time constant in seconds (0 = raw weights). */
  emaSeconds: 0.3,
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
