import { Random } from '../../src/core/random.js';
import type { AdaptiveFilter } from '../../src/models/adaptive-filter.js';
import { FdNlms } from '../../src/models/baselines/fd-nlms.js';
import { Nlms } from '../../src/models/baselines/nlms.js';
import { Rls } from '../../src/models/baselines/rls.js';
import { createReferenceCanceller } from '../../src/models/create-reference-canceller.js';
import { type LevelNormalization, ReferenceCanceller } from '../../src/models/reference-canceller.js';
import {
  type ReferenceCancellerOverrides,
  referenceCancellerConfig,
} from '../../src/models/reference-canceller-config.js';
import { betaFromTimeConstant } from '../../src/models/tracking/time-constants.js';
import { Adamax } from '../../src/optim/adamax.js';
import { FD_ADAMAX_V1, type FdAdamaxConfig, makeFdAdamax } from './reference-methods.js';

/** Filter length of every method of the v2 benchmark (ms), except RLS (O(L²) per sample). */
export const V2_FILTER_MS = 64;

/** Block size at a rate: the largest power of two ≤ 4 ms (64 at 16 kHz, 128 at 48 kHz). */
export const v2BlockSize = (fs: number): number => ReferenceCanceller.blockSizeFor(fs);

/** Knobs of the two-path canceller (rate-free: seconds and dB). */
export interface CancellerKnobs {
  readonly lr: number;
  readonly beta1: number;
  readonly beta2Seconds: number;
  readonly epsilon: number;
  /** 'ema': the background's weight EMA; 'learner': its own slow Adamax; 'copy': copies only. */
  readonly foreground: 'ema' | 'learner' | 'copy';
  readonly emaSeconds: number;
  readonly fgLr: number;
  readonly fgBeta2Seconds: number;
  readonly twoPath: boolean;
  readonly copyDb: number;
  readonly copySeconds: number;
  readonly resetDb: number;
  readonly resetSeconds: number;
  readonly compareSeconds: number;
  readonly gateDb: number;
  readonly gateReleaseSeconds: number;
  readonly levelNormalization: LevelNormalization;
  readonly floorSeconds: number;
  readonly floorRiseDbPerSecond: number;
  readonly filterMs?: number;
  /** Foreground-learner lr boost after each copy (1 = off) and its decay (s). */
  readonly copyBoost?: number;
  readonly copyBoostSeconds?: number;
  /** Per-bin convex combination of the two paths ('none' when absent), its logits' lr and β2 (s). */
  readonly combination?: 'none' | 'convex';
  readonly mixLr?: number;
  readonly mixBeta2Seconds?: number;
  /** Restart of the background from zero when both paths are worse than no filter (0 = off), its hold (s) and lr boost. */
  readonly restartDb?: number;
  readonly restartSeconds?: number;
  readonly restartBoost?: number;
  /** Per-bin step control of the background (0 = off): lr gain, floor of the factor, leak time constant (s). */
  readonly binStepGain?: number;
  readonly binStepFloor?: number;
  readonly leakSeconds?: number;
  /** Proportionate steps across partitions: background α (0 = off), the largest factor, the foreground learner's α. */
  readonly proportionate?: number;
  readonly proportionateMax?: number;
  readonly proportionateForeground?: number;
  /** Per-bin mixing toward the path with the lower smoothed error power (0 = off). */
  readonly mixPowerStep?: number;
  /** Coherent power in the background's level ratio: time constant (s; 0 = off) and blocks of lag. */
  readonly coherenceSeconds?: number;
  readonly coherenceLags?: number;
  readonly coherenceEvery?: number;
  readonly coherenceBoost?: number;
}

/** The knobs a configuration may leave out, with the value that turns each one off (or its seed value). */
function optionalKnobs(k: CancellerKnobs) {
  return {
    restartDb: k.restartDb ?? 0,
    restartSeconds: k.restartSeconds ?? 0.05,
    restartBoost: k.restartBoost ?? 1,
    binStepGain: k.binStepGain ?? 0,
    binStepFloor: k.binStepFloor ?? 0.05,
    leakSeconds: k.leakSeconds ?? 0.1,
    proportionate: k.proportionate ?? 0,
    proportionateMax: k.proportionateMax ?? 4,
    proportionateForeground: k.proportionateForeground ?? 0,
    mixPowerStep: k.mixPowerStep ?? 0,
    coherenceSeconds: k.coherenceSeconds ?? 0,
    coherenceLags: k.coherenceLags ?? 4,
    coherenceEvery: k.coherenceEvery ?? 1,
    coherenceBoost: k.coherenceBoost ?? 4,
  };
}

/** The factory overrides of a two-path configuration (`design: 'two-path'`) at `fs`. */
export function cancellerOverrides(fs: number, k: CancellerKnobs): ReferenceCancellerOverrides {
  const ema = k.foreground === 'ema' || (!k.twoPath && k.foreground !== 'learner');
  return {
    optimizer: { learning_rate: k.lr, beta_1: k.beta1, epsilon: k.epsilon },
    beta2Seconds: k.beta2Seconds,
    emaSeconds: ema ? k.emaSeconds : 0,
    model: {
      design: 'two-path',
      filterMs: k.filterMs ?? V2_FILTER_MS,
      blockSize: v2BlockSize(fs),
      twoPath: {
        foreground: k.foreground,
        copyAndReset: k.twoPath,
        foregroundLearningRate: k.fgLr,
        foregroundBeta2Seconds: k.fgBeta2Seconds,
        copyDb: k.copyDb,
        copySeconds: k.copySeconds,
        resetDb: k.resetDb,
        resetSeconds: k.resetSeconds,
        compareSeconds: k.compareSeconds,
        gateDb: k.gateDb,
        gateReleaseSeconds: k.gateReleaseSeconds,
        levelNormalization: k.levelNormalization,
        floorSeconds: k.floorSeconds,
        floorRiseDbPerSecond: k.floorRiseDbPerSecond,
        copyBoost: k.copyBoost ?? 1,
        copyBoostSeconds: k.copyBoostSeconds ?? 0.5,
        combination: k.combination ?? 'none',
        mixLearningRate: k.mixLr ?? 0.1,
        mixBeta2Seconds: k.mixBeta2Seconds ?? 0.05,
        ...optionalKnobs(k),
      },
    },
  };
}

/** The two-path canceller through the ONE factory (`createReferenceCanceller`), as the CLI builds it. */
export function makeCanceller(fs: number, k: CancellerKnobs): AdaptiveFilter {
  return createReferenceCanceller(referenceCancellerConfig(fs, cancellerOverrides(fs, k)), fs);
}

/** The same canceller assembled by hand (the test asserts both are bit-identical). */
export function makeCancellerByHand(fs: number, k: CancellerKnobs): ReferenceCanceller {
  const B = v2BlockSize(fs);
  const rate = fs / B;
  const ema = k.foreground === 'ema' || (!k.twoPath && k.foreground !== 'learner');
  const optimizer = new Adamax({
    learningRate: k.lr,
    beta1: k.beta1,
    beta2: betaFromTimeConstant(k.beta2Seconds, rate),
    epsilon: k.epsilon,
    useEma: ema,
    emaMomentum: ema ? betaFromTimeConstant(k.emaSeconds, rate) : 0.99,
  });
  const fg =
    k.foreground === 'learner'
      ? new Adamax({ learningRate: k.fgLr, beta1: k.beta1, beta2: betaFromTimeConstant(k.fgBeta2Seconds, rate) })
      : undefined;
  const mix =
    k.combination === 'convex'
      ? new Adamax({
          learningRate: k.mixLr ?? 0.1,
          beta1: k.beta1,
          beta2: betaFromTimeConstant(k.mixBeta2Seconds ?? 0.05, rate),
        })
      : undefined;
  return new ReferenceCanceller({
    sampleRate: fs,
    optimizer,
    ...(fg ? { foregroundOptimizer: fg } : {}),
    ...(mix ? { mixOptimizer: mix } : {}),
    blockSize: B,
    filterMs: k.filterMs ?? V2_FILTER_MS,
    twoPath: k.twoPath,
    copyDb: k.copyDb,
    copySeconds: k.copySeconds,
    resetDb: k.resetDb,
    resetSeconds: k.resetSeconds,
    compareSeconds: k.compareSeconds,
    gateDb: k.gateDb,
    gateReleaseSeconds: k.gateReleaseSeconds,
    levelNormalization: k.levelNormalization,
    floorSeconds: k.floorSeconds,
    floorRiseDbPerSecond: k.floorRiseDbPerSecond,
    ...(k.copyBoost !== undefined ? { copyBoost: k.copyBoost, copyBoostSeconds: k.copyBoostSeconds ?? 0.5 } : {}),
    ...optionalKnobs(k),
  });
}

/** A method of the benchmark: a knob space sampled by random search, and a builder. */
export interface V2Method<K = Record<string, unknown>> {
  readonly name: string;
  /** Random configuration (all knobs, structure included). */
  readonly sample: (rng: Random) => K;
  readonly make: (fs: number, k: K) => AdaptiveFilter;
  /** A hand-given starting configuration (counts against the budget), e.g. today's defaults. */
  readonly seedConfig?: K;
}

const logU = (rng: Random, lo: number, hi: number): number => Math.exp(rng.uniform(Math.log(lo), Math.log(hi)));
const pick = <T>(rng: Random, xs: readonly T[]): T => xs[Math.floor(rng.next() * xs.length)];

/** Taps of a filter of `ms` milliseconds at `fs`, in whole blocks of {@link v2BlockSize}. */
export const v2Taps = (fs: number, ms = V2_FILTER_MS): number => {
  const B = v2BlockSize(fs);
  return Math.ceil((ms * fs) / 1000 / B) * B;
};

export interface NlmsKnobs {
  readonly mu: number;
  readonly regularization: number;
}
export const NLMS_METHOD: V2Method<NlmsKnobs> = {
  name: 'NLMS',
  sample: (rng) => ({ mu: logU(rng, 0.002, 0.5), regularization: logU(rng, 1e-10, 1e-5) }),
  make: (fs, k) =>
    new Nlms({ taps: v2Taps(fs), frameSize: v2BlockSize(fs), stepSize: k.mu, regularization: k.regularization }),
  seedConfig: { mu: 0.01, regularization: 1e-8 },
};

export interface FdNlmsKnobs {
  readonly mu: number;
  readonly smoothing: number;
  readonly regularization: number;
  readonly constrained: boolean;
}
export const FD_NLMS_METHOD: V2Method<FdNlmsKnobs> = {
  name: 'FD-NLMS',
  sample: (rng) => ({
    mu: logU(rng, 0.01, 1),
    smoothing: rng.uniform(0.5, 0.99),
    regularization: logU(rng, 1e-10, 1e-5),
    constrained: rng.next() < 0.5,
  }),
  make: (fs, k) =>
    new FdNlms({
      blockSize: v2BlockSize(fs),
      partitions: v2Taps(fs) / v2BlockSize(fs),
      stepSize: k.mu,
      smoothing: k.smoothing,
      regularization: k.regularization,
      constrained: k.constrained,
    }),
  seedConfig: { mu: 0.05, smoothing: 0.9, regularization: 1e-8, constrained: true },
};

export interface RlsKnobs {
  readonly lambda: number;
  readonly taps: number;
  readonly delta: number;
}
export const RLS_METHOD: V2Method<RlsKnobs> = {
  name: 'RLS (≤ 64 taps)',
  sample: (rng) => ({ lambda: 1 - logU(rng, 5e-5, 1e-2), taps: pick(rng, [16, 32, 64]), delta: logU(rng, 0.01, 10) }),
  make: (fs, k) => new Rls({ taps: k.taps, frameSize: v2BlockSize(fs), forgetting: k.lambda, delta: k.delta }),
  seedConfig: { lambda: 0.9999, taps: 32, delta: 1 },
};

/** Today's FD-Adamax (the OptimizedFilter adapter) with every structural knob open. */
export const FD_ADAMAX_METHOD: V2Method<FdAdamaxConfig> = {
  name: 'FD-Adamax (one path)',
  sample: (rng) => {
    const ema = rng.next() < 0.6 ? logU(rng, 0.05, 1.5) : 0;
    return {
      lr: logU(rng, 0.001, 0.1),
      beta1: pick(rng, [0.8, 0.9, 0.95]),
      beta2Seconds: logU(rng, 0.02, 2),
      emaSeconds: ema,
      emaWarmupSeconds: ema > 0 ? pick(rng, [0, 0.5, 1]) : 0,
      constrained: true,
      alternateConstraint: rng.next() < 0.5,
      projectGradient: rng.next() < 0.5,
      levelNormalizedLr: rng.next() < 0.7,
      warmupBoost: pick(rng, [1, 4, 16]),
      warmupSeconds: logU(rng, 0.1, 1),
      tracker:
        rng.next() < 0.3
          ? {
              statistic: 'error-power',
              delta: 0.5,
              threshold: rng.uniform(5, 30),
              lrBoost: pick(rng, [2, 4, 8]),
              boostSeconds: rng.uniform(0.2, 1),
              resetMoments: rng.next() < 0.5,
              emaHoldSeconds: rng.uniform(0, 1),
            }
          : null,
    };
  },
  make: (fs, c) => makeFdAdamax({ sampleRate: fs, blockSize: v2BlockSize(fs), taps: v2Taps(fs), rlsTaps: 32 }, c),
  seedConfig: {
    lr: 0.005,
    beta1: 0.9,
    beta2Seconds: 0.25,
    emaSeconds: 0.3,
    emaWarmupSeconds: 1,
    constrained: true,
    alternateConstraint: true,
    projectGradient: false,
    levelNormalizedLr: true,
    warmupBoost: 16,
    warmupSeconds: 0.25,
    tracker: null,
  },
};

/** The two-path canceller with every knob open (structure: foreground kind, two-path, gate, level ratio). */
export const CANCELLER_METHOD: V2Method<CancellerKnobs> = {
  name: 'FD-Adamax two-path (new)',
  sample: (rng) => ({
    lr: logU(rng, 0.005, 0.15),
    beta1: pick(rng, [0.8, 0.9, 0.95]),
    beta2Seconds: logU(rng, 0.01, 0.5),
    epsilon: 1e-7,
    foreground: pick(rng, ['ema', 'learner', 'copy'] as const),
    emaSeconds: logU(rng, 0.1, 3),
    fgLr: logU(rng, 0.001, 0.03),
    fgBeta2Seconds: logU(rng, 0.05, 1),
    twoPath: rng.next() < 0.8,
    copyDb: rng.uniform(0.3, 4),
    copySeconds: logU(rng, 0.008, 0.1),
    resetDb: rng.uniform(3, 12),
    resetSeconds: logU(rng, 0.03, 0.5),
    compareSeconds: logU(rng, 0.02, 0.3),
    gateDb: rng.next() < 0.8 ? rng.uniform(8, 30) : 0,
    gateReleaseSeconds: logU(rng, 0.1, 2),
    levelNormalization: rng.next() < 0.75 ? 'residual' : 'primary',
    floorSeconds: logU(rng, 0.5, 3),
    floorRiseDbPerSecond: logU(rng, 1, 10),
    copyBoost: pick(rng, [1, 2, 4, 8]),
    copyBoostSeconds: logU(rng, 0.2, 1),
    combination: rng.next() < 0.6 ? 'convex' : 'none',
    mixLr: logU(rng, 0.01, 0.3),
    mixBeta2Seconds: logU(rng, 0.02, 0.5),
    restartDb: rng.next() < 0.7 ? rng.uniform(0.5, 6) : 0,
    restartSeconds: logU(rng, 0.01, 0.2),
    restartBoost: pick(rng, [1, 2, 4]),
    proportionate: rng.next() < 0.6 ? rng.uniform(0.3, 0.95) : 0,
    proportionateMax: pick(rng, [2, 4, 8]),
    proportionateForeground: rng.next() < 0.6 ? rng.uniform(0.3, 0.95) : 0,
    coherenceSeconds: rng.next() < 0.6 ? logU(rng, 0.02, 0.2) : 0,
    coherenceLags: pick(rng, [1, 2, 4, 8]),
    coherenceEvery: pick(rng, [1, 2, 4]),
    coherenceBoost: pick(rng, [0, 1, 2, 4, 8]),
  }),
  make: makeCanceller,
  /**
   * The hand-picked starting point: a slow learner as the foreground, its lr ×4 after each copy
   * (decaying in 0.5 s), the per-bin convex combination of the two paths (mixing lr 0.03), and a
   * restart of the background from zero when both paths stay 1 dB above the primary for 20 ms, and
   * proportionate steps across partitions (α 0.9, factor ≤ 4) for both learners; a background lr of
   * 0.015 ×2 at the start and after each restart (decaying in 0.25 s) and β1 0.8 (chosen with
   * `--validate --per-kind 3`: validation clips only); the fraction g of the background's error
   * coherent with the reference (0.05 s, 2 blocks of lag, every block) raises its level ratio and its
   * lr (× (1 + 4g)) (chosen with `--validate --per-kind 3` and `--validate --gain-jump 10,20`; 2 lags
   * scored as 4 there, and cost less).
   */
  seedConfig: {
    lr: 0.015,
    beta1: 0.8,
    beta2Seconds: 0.05,
    epsilon: 1e-7,
    foreground: 'learner',
    emaSeconds: 0.5,
    fgLr: 0.005,
    fgBeta2Seconds: 0.25,
    twoPath: true,
    copyDb: 1,
    copySeconds: 0.02,
    resetDb: 6,
    resetSeconds: 0.15,
    compareSeconds: 0.05,
    gateDb: 20,
    gateReleaseSeconds: 0.5,
    levelNormalization: 'residual',
    floorSeconds: 1.5,
    floorRiseDbPerSecond: 3,
    copyBoost: 4,
    copyBoostSeconds: 0.5,
    combination: 'convex',
    mixLr: 0.03,
    mixBeta2Seconds: 0.05,
    restartDb: 1,
    restartSeconds: 0.02,
    restartBoost: 2,
    proportionate: 0.9,
    proportionateMax: 4,
    proportionateForeground: 0.9,
    coherenceSeconds: 0.05,
    coherenceLags: 2,
    coherenceEvery: 1,
    coherenceBoost: 4,
  },
};

/** `count` random configurations of a method (the seed config first when it has one), reproducible. */
export function randomConfigs<K>(m: V2Method<K>, count: number, seed: number): K[] {
  const rng = new Random(seed);
  const out: K[] = m.seedConfig ? [m.seedConfig] : [];
  while (out.length < count) out.push(m.sample(rng));
  return out;
}

/** The v1 one-path setting (abrupt-noise-v1 validation pick; the default before the two-path canceller). */
export const V1_DEFAULT_FD: FdAdamaxConfig = FD_ADAMAX_V1;

/** Every method by name (workers look them up; configs travel as plain objects). */
/** A method with its config type erased (configs are plain JSON objects between threads). */
export type AnyV2Method = V2Method<unknown>;

export const V2_METHODS: Record<string, AnyV2Method> = {
  [NLMS_METHOD.name]: NLMS_METHOD as unknown as AnyV2Method,
  [FD_NLMS_METHOD.name]: FD_NLMS_METHOD as unknown as AnyV2Method,
  [RLS_METHOD.name]: RLS_METHOD as unknown as AnyV2Method,
  [FD_ADAMAX_METHOD.name]: FD_ADAMAX_METHOD as unknown as AnyV2Method,
  [CANCELLER_METHOD.name]: CANCELLER_METHOD as unknown as AnyV2Method,
};
