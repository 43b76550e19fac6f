import type { AdaptiveFilter } from '../../src/models/adaptive-filter.js';
import { FdNlms } from '../../src/models/baselines/fd-nlms.js';
import { Nlms } from '../../src/models/baselines/nlms.js';
import { Rls } from '../../src/models/baselines/rls.js';
import { createReferenceCanceller } from '../../src/models/create-reference-canceller.js';
import { FirFilter } from '../../src/models/fir-filter.js';
import { OptimizedFilter } from '../../src/models/optimized-filter.js';
import {
  type ReferenceCancellerOverrides,
  referenceCancellerConfig,
  referencePartitions,
} from '../../src/models/reference-canceller-config.js';
import { runAdaptiveFilter } from '../../src/models/run-adaptive-filter.js';
import { betaFromTimeConstant } from '../../src/models/tracking/time-constants.js';
import { Adamax } from '../../src/optim/adamax.js';

/** Geometry shared by every method of one run (same filter length and block size: fair). */
export interface Geometry {
  readonly sampleRate: number;
  readonly blockSize: number;
  readonly taps: number;
  /** RLS is O(L²) per sample: it gets this shorter filter. */
  readonly rlsTaps: number;
}

/** FD-Adamax method settings (the structure; `lr` is the tuned knob). */
export interface FdAdamaxConfig {
  readonly lr: number;
  /** Time constant of beta2 in seconds. */
  readonly beta2Seconds: number;
  readonly beta1: number;
  /** EMA output: time constant in seconds, or 0 for raw weights. */
  readonly emaSeconds: number;
  readonly constrained: boolean;
  readonly alternateConstraint: boolean;
  /** Also project the gradient (constrained filters; default true). */
  readonly projectGradient?: boolean;
  readonly levelNormalizedLr: boolean;
  /** Start-up lr boost factor (1 = off) and its decay time constant in seconds. */
  readonly warmupBoost?: number;
  readonly warmupSeconds?: number;
  /** Raw-weight output for this long after the start (s) while the EMA catches up. */
  readonly emaWarmupSeconds?: number;
  /** Adamax epsilon (default Keras' 1e-7). */
  readonly epsilon?: number;
  /** Change tracker: null for none. */
  readonly tracker: null | {
    readonly statistic: 'error-power' | 'reference-power' | 'coherence';
    readonly delta: number;
    readonly threshold: number;
    readonly lrBoost: number;
    readonly boostSeconds: number;
    readonly resetMoments: boolean;
    readonly emaHoldSeconds: number;
  };
}

/**
 * The v1 one-path FD-Adamax setting (the abrupt-noise-v1 validation pick: `OptimizedFilter` with a
 * 0.3 s weight EMA and a start-up boost). It was `REFERENCE_DEFAULTS` until the two-path canceller
 * (abrupt-noise-v2 validation pick) became the default; the v1 tables and the one-path probes keep it.
 */
export const FD_ADAMAX_V1: FdAdamaxConfig = Object.freeze({
  lr: 0.005,
  beta1: 0.9,
  beta2Seconds: 0.25,
  epsilon: 1e-7,
  emaSeconds: 0.3,
  emaWarmupSeconds: 1,
  constrained: true,
  alternateConstraint: true,
  projectGradient: false,
  levelNormalizedLr: true,
  warmupBoost: 16,
  warmupSeconds: 0.25,
  tracker: null,
});

/** The same structure without the EMA output (raw weights), the other FD-Adamax row of the tables. */
export const FD_ADAMAX_BASE: FdAdamaxConfig = { ...FD_ADAMAX_V1, emaSeconds: 0, emaWarmupSeconds: 0 };

/** The geometry of the defaults at `sampleRate` (block size and taps of the factory), RLS at `rlsTaps`. */
export function defaultGeometry(sampleRate: number, rlsTaps = 32): Geometry {
  const model = referenceCancellerConfig(sampleRate).model;
  return {
    sampleRate,
    blockSize: model.blockSize,
    taps: referencePartitions(model, sampleRate) * model.blockSize,
    rlsTaps,
  };
}

/** The factory overrides of a benchmark configuration at a geometry. */
export function fdOverrides(g: Geometry, c: FdAdamaxConfig): ReferenceCancellerOverrides {
  return {
    optimizer: { learning_rate: c.lr, beta_1: c.beta1, ...(c.epsilon !== undefined ? { epsilon: c.epsilon } : {}) },
    beta2Seconds: c.beta2Seconds,
    emaSeconds: c.emaSeconds,
    model: {
      design: 'one-path',
      filterMs: (g.taps * 1000) / g.sampleRate,
      blockSize: g.blockSize,
      constrained: c.constrained,
      alternateConstraint: c.alternateConstraint,
      projectGradient: c.projectGradient ?? true,
      levelNormalizedLr: c.levelNormalizedLr,
      warmupBoost: c.warmupBoost ?? 1,
      warmupSeconds: c.warmupSeconds ?? 1,
      emaWarmupSeconds: c.emaWarmupSeconds ?? 0,
      tracker: c.tracker,
    },
  };
}

/** FD-Adamax through the one factory (`createReferenceCanceller`), as the CLI builds it. */
export function makeFdAdamax(g: Geometry, c: FdAdamaxConfig): OptimizedFilter {
  const f = createReferenceCanceller(referenceCancellerConfig(g.sampleRate, fdOverrides(g, c)), g.sampleRate);
  if (!(f instanceof OptimizedFilter))
    throw new Error('makeFdAdamax: the one-path design must build an OptimizedFilter');
  return f;
}

export function makeTdAdamax(g: Geometry, lr: number, beta2Seconds = 0.25): OptimizedFilter {
  const rate = g.sampleRate / g.blockSize;
  return new OptimizedFilter({
    model: new FirFilter({ taps: g.taps, frameSize: g.blockSize }),
    optimizer: new Adamax({ learningRate: lr, beta2: betaFromTimeConstant(beta2Seconds, rate) }),
    levelNormalizedLr: true,
  });
}

export function makeNlms(g: Geometry, mu: number): AdaptiveFilter {
  return new Nlms({ taps: g.taps, frameSize: g.blockSize, stepSize: mu, regularization: 1e-8 });
}

export function makeFdNlms(g: Geometry, mu: number): AdaptiveFilter {
  return new FdNlms({
    blockSize: g.blockSize,
    partitions: Math.ceil(g.taps / g.blockSize),
    stepSize: mu,
    smoothing: 0.9,
    regularization: 1e-8,
  });
}

export function makeRls(g: Geometry, lambda: number): AdaptiveFilter {
  return new Rls({ taps: g.rlsTaps, frameSize: g.blockSize, forgetting: lambda, delta: 1 });
}

/** Runs a filter over a whole clip block by block (prequential, as the pipeline); returns the output. */
export function runClip(filter: AdaptiveFilter, primary: Float32Array, reference: Float32Array): Float32Array {
  return runAdaptiveFilter(filter, primary, reference);
}
