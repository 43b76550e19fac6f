import { InvalidOptionError } from '../core/errors.js';
import { IssueCollector, pyRepr } from '../core/validate.js';
import { Adamax, type AdamaxConfig } from '../optim/adamax.js';
import { REFERENCE_DEFAULTS } from './defaults/reference-defaults.js';
import type { LevelNormalization } from './reference-canceller.js';
import { betaFromTimeConstant } from './tracking/time-constants.js';

/** Change tracker of the reference canceller (Page–Hinkley on a per-block statistic). */
export interface ReferenceTrackerConfig {
  readonly statistic: 'error-power' | 'reference-power' | 'coherence';
  readonly delta: number;
  readonly threshold: number;
  readonly lrBoost: number;
  readonly boostSeconds: number;
  readonly resetMoments: boolean;
  readonly emaHoldSeconds: number;
}

/**
 * The two-path canceller's own knobs (used when `design` is `'two-path'`): see `ReferenceCanceller`.
 * The optimizer section is the background learner's; `foreground: 'ema'` uses its weight EMA.
 */
export interface ReferenceTwoPathConfig {
  /** 'learner': the foreground learns with its own slow Adamax; 'ema': the background's weight EMA; 'copy': copies only. */
  readonly foreground: 'learner' | 'ema' | 'copy';
  /** Copy/reset between the paths (false: one path with the gate and level ratio, an ablation). */
  readonly copyAndReset: boolean;
  /** The foreground learner's (relative) learning rate and β2 time constant (s). */
  readonly foregroundLearningRate: number;
  readonly foregroundBeta2Seconds: number;
  readonly copyDb: number;
  readonly copySeconds: number;
  readonly resetDb: number;
  readonly resetSeconds: number;
  readonly compareSeconds: number;
  /** Reference-activity gate depth (dB below the recent reference level; 0 = off) and release (s). */
  readonly gateDb: number;
  readonly gateReleaseSeconds: number;
  readonly levelNormalization: LevelNormalization;
  readonly floorSeconds: number;
  readonly floorRiseDbPerSecond: number;
  /** The fraction of the background's error coherent with the reference (time constant, s; 0 = off; over `coherenceLags` blocks of lag, updated every `coherenceEvery` adapted blocks) raises the background's level ratio and, × `coherenceBoost`, its lr. */
  readonly coherenceSeconds: number;
  readonly coherenceLags: number;
  readonly coherenceEvery: number;
  readonly coherenceBoost: number;
  readonly copyBoost: number;
  readonly copyBoostSeconds: number;
  /** Restart the background from zero when both paths stay this many dB above the primary (0 = off)… */
  readonly restartDb: number;
  /** …for this long (s); then its lr is boosted by `restartBoost`, decaying in `restartBoostSeconds` (also at the start). */
  readonly restartSeconds: number;
  readonly restartBoost: number;
  readonly restartBoostSeconds: number;
  /** Per-bin step control of the background from a residual (leak) estimate: max lr gain (0 = off), floor, leak time constant (s). */
  readonly binStepGain: number;
  readonly binStepFloor: number;
  readonly leakSeconds: number;
  /** Proportionate (IPNLMS-like) steps across partitions: the background's α (0 = off), the largest factor, the foreground learner's α (0 = off). */
  readonly proportionate: number;
  readonly proportionateMax: number;
  readonly proportionateForeground: number;
  /** Per-bin mixing toward the path with the lower smoothed error power: logit step per block (0 = off). */
  readonly mixPowerStep: number;
  /** 'convex': per-bin convex combination of background and foreground (λ_k = sigmoid(a_k)); 'none': the foreground. */
  readonly combination: 'none' | 'convex';
  /** Learning rate and β2 time constant (s) of the mixing logits' Adamax. */
  readonly mixLearningRate: number;
  readonly mixBeta2Seconds: number;
}

/** The structure of the canceller (everything but the optimizer), rate-free except `blockSize`. */
export interface ReferenceModelConfig {
  /**
   * 'two-path': the foreground/background `ReferenceCanceller` (its knobs in `twoPath`);
   * 'one-path': the v1 `OptimizedFilter` (EMA output, start-up boost, optional tracker).
   */
  readonly design: 'two-path' | 'one-path';
  readonly twoPath: ReferenceTwoPathConfig;
  /** Filter length in ms; the filter has ⌈filterMs · rate / 1000 / blockSize⌉ partitions of `blockSize` taps. */
  readonly filterMs: number;
  /** Block (frame) size in samples, a power of two; the FFT size is twice it. */
  readonly blockSize: number;
  readonly constrained: boolean;
  readonly alternateConstraint: boolean;
  readonly projectGradient: boolean;
  readonly levelNormalizedLr: boolean;
  readonly warmupBoost: number;
  readonly warmupSeconds: number;
  readonly emaWarmupSeconds: number;
  readonly tracker: ReferenceTrackerConfig | null;
  readonly activityFloor: number;
  readonly maxGainDb: number;
}

/**
 * The exact configuration of a reference canceller: the optimizer as Keras' `Adamax.get_config()`
 * (per-block β2 and EMA momentum) and the model structure. `createReferenceCanceller(config, rate)`
 * builds the same filter, bit for bit, from the same config (JSON round-trip included).
 */
export interface ReferenceCancellerConfig {
  readonly optimizer: AdamaxConfig;
  readonly model: ReferenceModelConfig;
}

/** Overrides of the defaults; the time-constant forms are converted at the block rate. */
export interface ReferenceCancellerOverrides {
  /** Keras-style optimizer arguments (snake_case, as `Adamax.getConfig()`); they win over the defaults. */
  readonly optimizer?: Partial<AdamaxConfig>;
  /**
   * Model structure. `blockSize` absent: the largest power of two ≤ `REFERENCE_DEFAULTS.blockMs` at
   * the rate. `twoPath` may give only some knobs (the rest from the defaults).
   */
  readonly model?: Partial<Omit<ReferenceModelConfig, 'twoPath'>> & {
    readonly twoPath?: Partial<ReferenceTwoPathConfig>;
  };
  /** β2 as a time constant in seconds (wins over `optimizer.beta_2`). */
  readonly beta2Seconds?: number;
  /** EMA output time constant in seconds, 0 = raw weights (wins over `optimizer.use_ema` / `ema_momentum`). */
  readonly emaSeconds?: number;
}

const MODEL_KEYS: ReadonlySet<string> = new Set([
  'design',
  'twoPath',
  'filterMs',
  'blockSize',
  'constrained',
  'alternateConstraint',
  'projectGradient',
  'levelNormalizedLr',
  'warmupBoost',
  'warmupSeconds',
  'emaWarmupSeconds',
  'tracker',
  'activityFloor',
  'maxGainDb',
]);

/** The default block size at `sampleRate`: the largest power of two ≤ `blockMs` ms of audio (≥ 16). */
export function defaultBlockSize(sampleRate: number, blockMs: number = REFERENCE_DEFAULTS.blockMs): number {
  const n = Math.max(16, (blockMs * sampleRate) / 1000);
  return 2 ** Math.floor(Math.log2(n) + 1e-9);
}

/** Partitions of the filter: ⌈filterMs · rate / 1000 / blockSize⌉ (rounding noise of the ms form ignored). */
export function referencePartitions(model: ReferenceModelConfig, sampleRate: number): number {
  return Math.max(1, Math.ceil((model.filterMs * sampleRate) / 1000 / model.blockSize - 1e-9));
}

/**
 * Resolves the full configuration of the reference canceller at `sampleRate` from
 * {@link REFERENCE_DEFAULTS} and `overrides`. Every value is validated with the API's messages
 * (the optimizer section through `Adamax.fromConfig`); throws one `InvalidOptionError` listing
 * every problem.
 */
export function referenceCancellerConfig(
  sampleRate: number,
  overrides: ReferenceCancellerOverrides = {},
): ReferenceCancellerConfig {
  const d = REFERENCE_DEFAULTS;
  checkRate(sampleRate);
  const c = new IssueCollector();
  c.unknownKeys(overrides, new Set(['optimizer', 'model', 'beta2Seconds', 'emaSeconds']));
  const mo = overrides.model ?? {};
  c.unknownKeys(mo, MODEL_KEYS, 'Model argument(s) not recognized');
  c.throwIfAny();
  const model: ReferenceModelConfig = {
    design: d.design,
    twoPath: { ...d.twoPath, ...(mo.twoPath ?? {}) },
    filterMs: d.filterMs,
    blockSize: defaultBlockSize(sampleRate),
    constrained: d.constrained,
    alternateConstraint: d.alternateConstraint,
    projectGradient: d.projectGradient,
    levelNormalizedLr: d.levelNormalizedLr,
    warmupBoost: d.warmupBoost,
    warmupSeconds: d.warmupSeconds,
    emaWarmupSeconds: d.emaWarmupSeconds,
    tracker: d.tracker,
    activityFloor: d.activityFloor,
    maxGainDb: d.maxGainDb,
    ...withoutTwoPath(mo),
  };
  checkModel(model);
  const blockRate = sampleRate / model.blockSize;
  const useEma = d.emaSeconds > 0;
  const base: AdamaxConfig = {
    name: 'adamax',
    learning_rate: d.learningRate,
    weight_decay: null,
    clipnorm: null,
    global_clipnorm: null,
    clipvalue: null,
    use_ema: useEma,
    ema_momentum: useEma ? betaFromTimeConstant(d.emaSeconds, blockRate) : 0.99,
    ema_overwrite_frequency: null,
    loss_scale_factor: null,
    gradient_accumulation_steps: null,
    beta_1: d.beta1,
    beta_2: betaFromTimeConstant(d.beta2Seconds, blockRate),
    epsilon: d.epsilon,
  };
  const opt: Record<string, unknown> = { ...base, ...(overrides.optimizer ?? {}) };
  if (overrides.beta2Seconds !== undefined)
    opt.beta_2 = secondsToBeta('beta2Seconds', overrides.beta2Seconds, blockRate);
  const ema = overrides.emaSeconds;
  if (ema !== undefined) {
    opt.use_ema = ema !== 0;
    if (ema !== 0) opt.ema_momentum = secondsToBeta('emaSeconds', ema, blockRate);
  }
  if (typeof opt.learning_rate !== 'number') {
    throw new InvalidOptionError([
      {
        option: 'learning_rate',
        message: `\`learning_rate\` of the reference canceller must be a number (it is scaled per block). Received: learning_rate=${pyRepr(opt.learning_rate)}`,
      },
    ]);
  }
  return { optimizer: Adamax.fromConfig(opt).getConfig(), model };
}

function withoutTwoPath(mo: NonNullable<ReferenceCancellerOverrides['model']>): Partial<ReferenceModelConfig> {
  const { twoPath: _t, ...rest } = mo;
  return rest;
}

const TWO_PATH_KEYS: ReadonlySet<string> = new Set(Object.keys(REFERENCE_DEFAULTS.twoPath));

function checkTwoPath(c: IssueCollector, t: ReferenceTwoPathConfig): void {
  if (typeof t !== 'object' || t === null || Array.isArray(t)) {
    c.add('twoPath', `\`twoPath\` must be an object. Received: twoPath=${pyRepr(t)}`);
    return;
  }
  c.unknownKeys(t, TWO_PATH_KEYS, 'twoPath argument(s) not recognized');
  if (!['learner', 'ema', 'copy'].includes(t.foreground)) {
    c.add(
      'twoPath.foreground',
      `\`foreground\` must be 'learner', 'ema' or 'copy'. Received: foreground=${pyRepr(t.foreground)}`,
    );
  }
  if (!['residual', 'primary', 'off'].includes(t.levelNormalization)) {
    c.add(
      'twoPath.levelNormalization',
      `\`levelNormalization\` must be 'residual', 'primary' or 'off'. Received: levelNormalization=${pyRepr(t.levelNormalization)}`,
    );
  }
  if (t.combination !== 'none' && t.combination !== 'convex') {
    c.add(
      'twoPath.combination',
      `\`combination\` must be 'none' or 'convex'. Received: combination=${pyRepr(t.combination)}`,
    );
  }
  c.inRange('twoPath.mixLearningRate', t.mixLearningRate, 0, 100, false);
  c.boolean('twoPath.copyAndReset', t.copyAndReset);
  c.inRange('twoPath.foregroundLearningRate', t.foregroundLearningRate, 0, 10, false);
  c.inRange('twoPath.copyDb', t.copyDb, 0, 60, false);
  c.inRange('twoPath.resetDb', t.resetDb, 0, 120, false);
  c.inRange('twoPath.gateDb', t.gateDb, 0, 200, false);
  c.inRange('twoPath.copyBoost', t.copyBoost, 1, 1e4, false);
  c.inRange('twoPath.restartDb', t.restartDb, 0, 120, false);
  c.inRange('twoPath.restartBoost', t.restartBoost, 1, 1e4, false);
  c.inRange('twoPath.binStepGain', t.binStepGain, 0, 1e3, false);
  c.inRange('twoPath.binStepFloor', t.binStepFloor, 0, 1, false);
  c.inRange('twoPath.proportionate', t.proportionate, 0, 1, false);
  c.inRange('twoPath.proportionateMax', t.proportionateMax, 1, 1e3, false);
  c.inRange('twoPath.proportionateForeground', t.proportionateForeground, 0, 1, false);
  c.inRange('twoPath.mixPowerStep', t.mixPowerStep, 0, 100, false);
  for (const k of [
    'foregroundBeta2Seconds',
    'copySeconds',
    'resetSeconds',
    'compareSeconds',
    'gateReleaseSeconds',
    'floorSeconds',
    'copyBoostSeconds',
    'restartSeconds',
    'restartBoostSeconds',
    'leakSeconds',
    'mixBeta2Seconds',
  ] as const) {
    c.inRange(`twoPath.${k}`, t[k], 1e-4, 3600, false);
  }
  c.inRange('twoPath.floorRiseDbPerSecond', t.floorRiseDbPerSecond, 0, 1000, false);
  c.inRange('twoPath.coherenceSeconds', t.coherenceSeconds, 0, 3600, false);
  c.integer('twoPath.coherenceLags', t.coherenceLags, 1, 64);
  c.integer('twoPath.coherenceEvery', t.coherenceEvery, 1, 64);
  c.inRange('twoPath.coherenceBoost', t.coherenceBoost, 0, 1000, false);
}

function secondsToBeta(option: string, seconds: number, blockRate: number): number {
  if (!(typeof seconds === 'number' && Number.isFinite(seconds) && seconds > 0)) {
    throw new InvalidOptionError([
      { option, message: `\`${option}\` must be a finite number > 0. Received: ${option}=${pyRepr(seconds)}` },
    ]);
  }
  return betaFromTimeConstant(seconds, blockRate);
}

function checkRate(sampleRate: number): void {
  if (!(typeof sampleRate === 'number' && Number.isFinite(sampleRate) && sampleRate >= 1000 && sampleRate <= 768000)) {
    throw new InvalidOptionError([
      {
        option: 'sampleRate',
        message: `\`sampleRate\` must be a number in [1000, 768000] Hz. Received: sampleRate=${pyRepr(sampleRate)}`,
      },
    ]);
  }
}

/** Validates a model section (also one read from JSON) with the API's messages. */
export function checkModel(model: ReferenceModelConfig): void {
  const c = new IssueCollector();
  c.unknownKeys(model, MODEL_KEYS, 'Model argument(s) not recognized');
  if (model.design !== 'two-path' && model.design !== 'one-path') {
    c.add('design', `\`design\` must be 'two-path' or 'one-path'. Received: design=${pyRepr(model.design)}`);
  }
  checkTwoPath(c, model.twoPath);
  c.inRange('filterMs', model.filterMs, 0.1, 10000, false);
  c.integer('blockSize', model.blockSize, 16);
  const b = model.blockSize;
  if (typeof b === 'number' && Number.isInteger(b) && b >= 16 && (b & (b - 1)) !== 0) {
    c.add('blockSize', `\`blockSize\` must be a power of two. Received: blockSize=${b}`);
  }
  for (const k of ['constrained', 'alternateConstraint', 'projectGradient', 'levelNormalizedLr'] as const) {
    if (typeof model[k] !== 'boolean') c.add(k, `\`${k}\` must be a boolean. Received: ${k}=${pyRepr(model[k])}`);
  }
  c.inRange('warmupBoost', model.warmupBoost, 1, 1e6, false);
  c.inRange('warmupSeconds', model.warmupSeconds, 0, 3600, false);
  c.inRange('emaWarmupSeconds', model.emaWarmupSeconds, 0, 3600, false);
  c.inRange('activityFloor', model.activityFloor, 0, Number.MAX_VALUE, false);
  c.inRange('maxGainDb', model.maxGainDb, 0, 400, false);
  const t = model.tracker;
  if (t !== null && (typeof t !== 'object' || Array.isArray(t))) {
    c.add('tracker', `\`tracker\` must be null or a tracker object. Received: tracker=${pyRepr(t)}`);
  }
  c.throwIfAny();
}
