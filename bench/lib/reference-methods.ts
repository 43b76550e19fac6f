import type { AdaptiveFilter } from '../../src/models/adaptive-filter.js';
import { FdNlms } from '../../src/models/baselines/fd-nlms.js';
import { Nlms } from '../../src/models/baselines/nlms.js';
import { Rls } from '../../src/models/baselines/rls.js';
import type { REFERENCE_DEFAULTS } from '../../src/models/defaults/reference-defaults.js';
import { FirFilter } from '../../src/models/fir-filter.js';
import { OptimizedFilter } from '../../src/models/optimized-filter.js';
import { PartitionedFdFilter } from '../../src/models/partitioned-fd-filter.js';
import { betaFromTimeConstant } from '../../src/models/tracking/time-constants.js';
import { Tracker } from '../../src/models/tracking/tracker.js';
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
 * FD-Adamax structure (chosen on the VALIDATION split, see BENCHMARKS.md): weight-constrained
 * PBFDAF without gradient projection, one partition constrained per block (AUMDF), level-normalised
 * lr with a ×16 start-up boost decaying with τ = 0.25 s.
 */
export const FD_ADAMAX_BASE: FdAdamaxConfig = {
  lr: 0.01,
  beta2Seconds: 0.25,
  beta1: 0.9,
  emaSeconds: 0,
  constrained: true,
  alternateConstraint: true,
  projectGradient: false,
  levelNormalizedLr: true,
  warmupBoost: 16,
  warmupSeconds: 0.25,
  tracker: null,
};

export function makeFdAdamax(g: Geometry, c: FdAdamaxConfig): OptimizedFilter {
  const rate = g.sampleRate / g.blockSize;
  const model = new PartitionedFdFilter({
    blockSize: g.blockSize,
    partitions: Math.ceil(g.taps / g.blockSize),
    constrained: c.constrained,
    projectGradient: c.projectGradient ?? true,
  });
  const useEma = c.emaSeconds > 0;
  const optimizer = new Adamax({
    learningRate: c.lr,
    beta1: c.beta1,
    beta2: betaFromTimeConstant(c.beta2Seconds, rate),
    useEma,
    ...(c.epsilon !== undefined ? { epsilon: c.epsilon } : {}),
    emaMomentum: useEma ? betaFromTimeConstant(c.emaSeconds, rate) : 0.99,
  });
  const t = c.tracker;
  const tracker = t
    ? new Tracker({
        detector: { delta: t.delta, threshold: t.threshold, alpha: betaFromTimeConstant(1, rate), minSamples: 25 },
        lrBoost: t.lrBoost,
        boostFrames: Math.max(1, t.boostSeconds * rate),
        resetMoments: t.resetMoments,
        refractoryFrames: Math.round(0.3 * rate),
      })
    : null;
  return new OptimizedFilter({
    model,
    optimizer,
    emaOutput: useEma,
    ...(useEma && c.emaWarmupSeconds ? { emaWarmupFrames: Math.round(c.emaWarmupSeconds * rate) } : {}),
    alternateConstraint: c.alternateConstraint,
    levelNormalizedLr: c.levelNormalizedLr,
    ...(c.warmupBoost !== undefined && c.warmupBoost > 1
      ? { warmupBoost: c.warmupBoost, warmupFrames: Math.max(1, (c.warmupSeconds ?? 1) * rate) }
      : {}),
    ...(tracker
      ? { tracker, trackerStatistic: t!.statistic, emaHoldFrames: Math.round(t!.emaHoldSeconds * rate) }
      : {}),
  });
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

/** Runs a filter over a whole clip block by block (prequential); returns the output. */
export function runClip(filter: AdaptiveFilter, primary: Float32Array, reference: Float32Array): Float32Array {
  const B = filter.frameSize;
  const n = Math.floor(primary.length / B) * B;
  const out = new Float32Array(primary.length);
  const frame = [new Float32Array(B), new Float32Array(B)];
  const o = new Float32Array(B);
  for (let s = 0; s < n; s += B) {
    frame[0].set(primary.subarray(s, s + B));
    frame[1].set(reference.subarray(s, s + B));
    filter.process(frame, o);
    out.set(o, s);
  }
  out.set(primary.subarray(n), n);
  return out;
}

/** The written defaults (`REFERENCE_DEFAULTS`, `src/models/defaults/reference-defaults.ts`) as an {@link FdAdamaxConfig}. */
export function fdConfigFromDefaults(r: typeof REFERENCE_DEFAULTS): FdAdamaxConfig {
  return {
    lr: r.learningRate,
    beta2Seconds: r.beta2Seconds,
    beta1: r.beta1,
    emaSeconds: r.emaSeconds,
    constrained: r.constrained,
    alternateConstraint: r.alternateConstraint,
    projectGradient: r.projectGradient,
    levelNormalizedLr: r.levelNormalizedLr,
    warmupBoost: r.warmupBoost,
    warmupSeconds: r.warmupSeconds,
    emaWarmupSeconds: r.emaWarmupSeconds,
    tracker: r.tracker,
  };
}
