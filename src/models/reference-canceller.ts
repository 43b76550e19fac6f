import { ShapeError } from '../core/errors.js';
import { createLayout } from '../core/param-layout.js';
import { IssueCollector } from '../core/validate.js';
import { arenaFloatBytes, type KernelArena } from '../core/wasm/kernel-arena.js';
import type { Adamax } from '../optim/adamax.js';
import { AdamaxCore } from '../optim/adamax-core.js';
import type { AdaptiveFilter } from './adaptive-filter.js';
import {
  type CoherenceKernel,
  type FdLearnPass,
  type FdStepKernel,
  PartitionedFdFilter,
  type PartitionedFdState,
} from './partitioned-fd-filter.js';
import { MinimumTracker } from './tracking/minimum-tracker.js';

/** The bound coherence kernel of the background's error, its bias and its use (`coherenceSeconds`). */
interface Coherence {
  readonly kernel: CoherenceKernel;
  /** Adapted blocks per update. */
  readonly every: number;
  /**
   * [bias, boost] as float64 elements (a double field of an object is boxed when read on some V8
   * tiers: an allocation per block): bias = 2L (1 − a)/(1 + a), twice the expected num/den of an
   * error incoherent with the reference; boost = the lr gain per unit of g.
   */
  readonly k: Float64Array;
}

/** How the background's learning rate follows the signal levels. */
export type LevelNormalization = 'residual' | 'primary' | 'off';

export interface ReferenceCancellerOptions {
  /** Native sample rate of the input (Hz); every time constant below is in seconds at this rate. */
  readonly sampleRate: number;
  /**
   * The background learner, unbuilt (`buildFlat` is called here). Its learning rate is relative: it is
   * multiplied by the level ratio (see `levelNormalization`). With `useEma: true` its weight EMA is
   * the foreground's smoothing; without, the foreground changes only by copies (Speex MDF style).
   */
  readonly optimizer: Adamax;
  /**
   * Optional slow learner of the foreground, unbuilt: the foreground then also learns on its own
   * error (a deep, slow Adamax; the AEC3 coarse/refined pair) besides the copies from the background.
   * Its learning rate is level-normalised like the background's. Default none: the foreground is
   * the background's weight EMA (or copy-only without an EMA).
   */
  readonly foregroundOptimizer?: Adamax;
  /**
   * With a foreground learner: its lr is multiplied by `1 + (copyBoost − 1)·exp(−t / copyBoostSeconds)`,
   * t = time since the start or the last copy, so a foreground that has just taken the background's
   * coarse weights refines them quickly, then settles. Default 1 (off).
   */
  readonly copyBoost?: number;
  /** Decay time constant of the copy boost (s). Default 0.5. */
  readonly copyBoostSeconds?: number;
  /**
   * Optional per-bin convex combination of the two paths (Arenas-García 2006): the output filter is
   * W_c = λ_k W_b + (1 − λ_k) W_f per bin k, λ_k = sigmoid(a_k), with a_k learnt by this Adamax
   * (unbuilt) from the combined error. Default none: the output is the foreground.
   */
  readonly mixOptimizer?: Adamax;
  /** Bound of the mixing logits |a_k| (λ stays in [sigmoid(−A), sigmoid(A)]). Default 4. */
  readonly mixLimit?: number;
  /** Samples per block, a power of two. Default {@link ReferenceCanceller.blockSizeFor}(sampleRate). */
  readonly blockSize?: number;
  /** Filter length in milliseconds (rounded up to whole blocks). Default 64. */
  readonly filterMs?: number;
  /** Foreground/background two-path structure (default true); false outputs the EMA (or raw) weights. */
  readonly twoPath?: boolean;
  /** Copy background → foreground when its smoothed error energy is this many dB lower… Default 1. */
  readonly copyDb?: number;
  /** …for this long (s). Default 0.02. */
  readonly copySeconds?: number;
  /** Reset background ← foreground when its error energy is this many dB higher… Default 6. */
  readonly resetDb?: number;
  /** …for this long (s). Default 0.15. */
  readonly resetSeconds?: number;
  /**
   * Restart: when both paths' smoothed error energy stays this many dB above the primary's for
   * `restartSeconds` (every path makes the output worse than no filter: the noise path changed), the
   * background restarts from zero weights with cleared moments and a boosted lr (see `restartBoost`).
   * 0 disables. Default 0 (off).
   */
  readonly restartDb?: number;
  /** …for this long (s). Default 0.05. */
  readonly restartSeconds?: number;
  /**
   * The background's lr is multiplied by `1 + (restartBoost − 1)·exp(−t / restartBoostSeconds)`,
   * t = time since the start or the last restart (a filter starting from zero converges fast, then
   * settles). Default 1 (off).
   */
  readonly restartBoost?: number;
  /** Decay time constant of the restart boost (s). Default 0.25. */
  readonly restartBoostSeconds?: number;
  /**
   * Per-bin step control of the background from a residual estimate (Valin 2007): each bin's
   * Adamax step is scaled by `binStepGain · clip(η · Ŷ_k / Ê_k, binStepFloor, 1)`, Ŷ_k and Ê_k the
   * smoothed power spectra of the background's prediction and error, η the leak (the regression of
   * the error's power fluctuations on the prediction's, over all bins). A fresh mismatch (η → 1)
   * gets up to `binStepGain` × the lr; a converged bin, or one where speech dominates the error,
   * small steps. 0 disables (default).
   */
  readonly binStepGain?: number;
  /** Lowest per-bin step factor of the step control (before the gain). Default 0.05. */
  readonly binStepFloor?: number;
  /** Time constant of the leak estimate (s). Default 0.1. */
  readonly leakSeconds?: number;
  /** Time constant of the per-bin power spectra of the step control (s). Default 0.05. */
  readonly binPowerSeconds?: number;
  /**
   * Proportionate steps across partitions (IPNLMS-like): the background's step in partition p is
   * scaled by `clip((1 − α) + α · ‖W_p‖ / mean_q ‖W_q‖, 0, proportionateMax)`, α = this value, so
   * the tail partitions of a decaying room path (small weights) jitter less and the strong ones
   * move faster. 0 disables (default).
   */
  readonly proportionate?: number;
  /** Largest partition step factor of the proportionate steps. Default 4. */
  readonly proportionateMax?: number;
  /** α of the proportionate steps of the foreground learner (its own weights' norms); 0 disables (default). */
  readonly proportionateForeground?: number;
  /**
   * With the convex combination: after each logit step, a_k also moves by
   * `mixPowerStep · clip(10·log10(Ê_f,k / Ê_b,k) / 3, −1, 1)` toward the path whose smoothed error
   * power in bin k is lower (Ê over `binPowerSeconds`). 0 disables (default).
   */
  readonly mixPowerStep?: number;
  /** Time constant of the error-energy smoothing that the two paths are compared with (s). Default 0.05. */
  readonly compareSeconds?: number;
  /**
   * Reference-activity gate: no learning while the reference's smoothed power is more than this many
   * dB below its recent level (fast attack, `gateReleaseSeconds` release). 0 disables. Default 20.
   */
  readonly gateDb?: number;
  /** Release time constant of the gate's recent reference level (s). Default 0.5. */
  readonly gateReleaseSeconds?: number;
  /**
   * `'residual'` (default): lr × √min(P̄_d / P̄_x, max(P̄_y / P̄_x, m)), P̄_y the background
   * prediction's power and m the floor of the level ratio P̄_d / P̄_x (its minimum over
   * `floorSeconds`, rising by at most `floorRiseDbPerSecond`), so speech in the primary does not
   * inflate the step. `'primary'`: lr × √(P̄_d / P̄_x) (speech included). `'off'`: the bare lr.
   */
  readonly levelNormalization?: LevelNormalization;
  /** Time constant of the level smoothing (s). Default 0.05. */
  readonly levelSeconds?: number;
  /** Window of the level ratio's floor (s). Default 1.5. */
  readonly floorSeconds?: number;
  /** Fastest rise of the level ratio's floor (dB/s). Default 3. */
  readonly floorRiseDbPerSecond?: number;
  /**
   * With `'residual'`: the fraction g of the background's error that is coherent with the reference
   * over the filter's newest `coherenceLags` input spectra raises the background's level ratio and
   * its lr. Every `coherenceEvery` adapted blocks, with E = FFT([0_B, e_b]) (e_b the background's
   * error of the block), X_l the input spectrum l blocks old and a from this time constant (per
   * update), per bin k and lag l:
   * ```
   * C_lk ← a C_lk + (1−a) conj(X_lk) E_k,   S_k ← a S_k + (1−a) |X_0k|²,   Q_k ← a Q_k + (1−a) |E_k|²
   * g = clip((Σ_k Σ_l |C_lk|² / S_k − 2L (1−a)/(1+a) Σ_k Q_k) / Σ_k Q_k, 0, 1)
   * ρ_b² = max(min(P̄_d/P̄_x, max(P̄_y/P̄_x, m)), min(P̄_d, P̄_y + g P̄_eb)/P̄_x)
   * lr_b ← lr_b · (1 + coherenceBoost · g)
   * ```
   * (2L (1−a)/(1+a) is twice the expected ratio for an error independent of the reference; P̄_eb the
   * background's smoothed error power). Speech, uncorrelated with the reference, does not raise g;
   * a filter that no longer matches the path (after a change of path or gain) does, at once.
   * 0 disables (s).
   */
  readonly coherenceSeconds?: number;
  /** Blocks of lag of the coherent fraction (see `coherenceSeconds`; at most the partitions). Default 4. */
  readonly coherenceLags?: number;
  /** Adapted blocks per update of the coherent fraction (see `coherenceSeconds`). Default 1. */
  readonly coherenceEvery?: number;
  /** The background's lr gain per unit of coherent fraction g (see `coherenceSeconds`). Default 4. */
  readonly coherenceBoost?: number;
  /** Absolute reference power below which nothing is learnt. Default 1e-10 (−100 dBFS). */
  readonly activityFloor?: number;
  /** Watchdog: an output louder than the primary by more than this (dB) is replaced by the primary. Default 6. */
  readonly maxGainDb?: number;
  /** Bypassed time in a row after which the weights are restored from the last good snapshot (s). Default 0.03. */
  readonly watchdogSeconds?: number;
  /** Interval of the last-good-weights snapshot (s): taken when the foreground reduces the primary. Default 0.25. */
  readonly snapshotSeconds?: number;
}

const f32 = Math.fround;

const OPTION_KEYS = new Set([
  'sampleRate',
  'optimizer',
  'foregroundOptimizer',
  'mixOptimizer',
  'mixLimit',
  'copyBoost',
  'copyBoostSeconds',
  'blockSize',
  'filterMs',
  'twoPath',
  'copyDb',
  'copySeconds',
  'resetDb',
  'resetSeconds',
  'compareSeconds',
  'restartDb',
  'restartSeconds',
  'restartBoost',
  'restartBoostSeconds',
  'binStepGain',
  'binStepFloor',
  'leakSeconds',
  'binPowerSeconds',
  'proportionate',
  'proportionateMax',
  'proportionateForeground',
  'mixPowerStep',
  'gateDb',
  'gateReleaseSeconds',
  'levelNormalization',
  'levelSeconds',
  'floorSeconds',
  'floorRiseDbPerSecond',
  'coherenceSeconds',
  'coherenceLags',
  'coherenceEvery',
  'coherenceBoost',
  'activityFloor',
  'maxGainDb',
  'watchdogSeconds',
  'snapshotSeconds',
]);

// Scalar state slots (a Float64Array, so that per-block updates never box a double).
const PD = 0; // smoothed primary power
const PX = 1; // smoothed reference power
const PY = 2; // smoothed background prediction power
const REC = 3; // recent reference level (gate)
const EF = 4; // smoothed foreground error energy
const EB = 5; // smoothed background error energy
const LR_CAP = 6; // largest lr handed to an optimizer (float32-safe)
const LR = 7; // this block's lr
const RHO = 8; // this block's level ratio
const F_EO = 9; // this block's output energy (the combination's, else the foreground's)
const FLOOR = 10; // slew-limited floor of the level ratio
const BOOST = 11; // foreground lr boost above 1 (decays)
// this block's powers (passed to the helpers through the array: a double argument would be boxed)
const F_PD = 12;
const F_PX = 13;
const F_PY = 14;
const F_EF = 15;
const F_EB = 16;
const RATIO = 17; // level ratio pushed to the floor tracker
const RBOOST = 18; // background lr boost above 1 after the start or a restart (decays)
const TMP = 19; // scratch for a min/max without Math.min/max (builtin calls box doubles in V8's mid tier)
const PEY = 20; // smoothed covariance of the background's error and prediction power fluctuations
const PYY = 21; // smoothed variance of the prediction power fluctuations
const LEAK = 22; // leak estimate η
const RHO_FG = 23; // this block's level ratio for the foreground (without the coherent term)
const PC = 24; // the last coherent fraction g of `coherenceSeconds` (updated every coherenceEvery-th adapted block)
const SLOTS = 25;

/**
 * Blocks of lag of the coherent fraction (at most the partitions), or 0 when it does not run: it
 * runs with `coherenceSeconds` > 0 and the 'residual' level normalisation.
 */
function coherenceLagsOf(options: ReferenceCancellerOptions, partitions: number): number {
  const on = (options.coherenceSeconds ?? 0) > 0 && (options.levelNormalization ?? 'residual') === 'residual';
  return on ? Math.min(options.coherenceLags ?? 4, partitions) : 0;
}

function validate(options: ReferenceCancellerOptions): void {
  const c = new IssueCollector();
  c.unknownKeys(options, OPTION_KEYS);
  c.inRange('sampleRate', options.sampleRate, 1000, 768000, false);
  c.integer('blockSize', options.blockSize, 1, undefined, true);
  const b = options.blockSize;
  if (b !== undefined && Number.isInteger(b) && (b & (b - 1)) !== 0) {
    c.add('blockSize', `\`blockSize\` must be a power of two. Received: blockSize=${b}`);
  }
  c.inRange('filterMs', options.filterMs, 0.1, 2000);
  c.boolean('twoPath', options.twoPath);
  c.inRange('copyDb', options.copyDb, 0, 60);
  c.inRange('copyBoost', options.copyBoost, 1, 1e4);
  c.inRange('resetDb', options.resetDb, 0, 120);
  c.inRange('restartDb', options.restartDb, 0, 120);
  c.inRange('restartBoost', options.restartBoost, 1, 1e4);
  c.inRange('binStepGain', options.binStepGain, 0, 1e3);
  c.inRange('binStepFloor', options.binStepFloor, 0, 1);
  c.inRange('proportionate', options.proportionate, 0, 1);
  c.inRange('proportionateMax', options.proportionateMax, 1, 1e3);
  c.inRange('proportionateForeground', options.proportionateForeground, 0, 1);
  c.inRange('mixPowerStep', options.mixPowerStep, 0, 100);
  c.inRange('gateDb', options.gateDb, 0, 200);
  for (const k of [
    'copySeconds',
    'copyBoostSeconds',
    'resetSeconds',
    'restartSeconds',
    'restartBoostSeconds',
    'leakSeconds',
    'binPowerSeconds',
    'compareSeconds',
    'gateReleaseSeconds',
    'levelSeconds',
    'floorSeconds',
    'coherenceSeconds',
    'watchdogSeconds',
    'snapshotSeconds',
  ]) {
    c.inRange(k, (options as unknown as Record<string, unknown>)[k], 0, 3600);
  }
  c.inRange('floorRiseDbPerSecond', options.floorRiseDbPerSecond, 0, 1000);
  c.integer('coherenceLags', options.coherenceLags, 1, 64, true);
  c.integer('coherenceEvery', options.coherenceEvery, 1, 64, true);
  c.inRange('coherenceBoost', options.coherenceBoost, 0, 1000);
  c.inRange('activityFloor', options.activityFloor, 0, Number.MAX_VALUE);
  c.inRange('maxGainDb', options.maxGainDb, 0, 400);
  const ln = options.levelNormalization;
  if (ln !== undefined && ln !== 'residual' && ln !== 'primary' && ln !== 'off') {
    c.add(
      'levelNormalization',
      `\`levelNormalization\` must be 'residual', 'primary' or 'off'. Received: levelNormalization=${String(ln)}`,
    );
  }
  const opt = options.optimizer as Adamax | undefined;
  if (!opt || typeof opt.buildFlat !== 'function') {
    c.add('optimizer', '`optimizer` must be an unbuilt Adamax instance.');
  } else if (opt.built) {
    c.add('optimizer', '`optimizer` is already built; pass a fresh Adamax.');
  }
  const fo = options.foregroundOptimizer as Adamax | undefined;
  if (fo !== undefined && (typeof fo.buildFlat !== 'function' || fo.built || fo === opt)) {
    c.add('foregroundOptimizer', '`foregroundOptimizer` must be a second, unbuilt Adamax instance.');
  }
  const mo = options.mixOptimizer as Adamax | undefined;
  if (mo !== undefined && (typeof mo.buildFlat !== 'function' || mo.built || mo === opt || mo === fo)) {
    c.add('mixOptimizer', '`mixOptimizer` must be another unbuilt Adamax instance.');
  }
  c.inRange('mixLimit', options.mixLimit, 0, 30);
  c.throwIfAny();
}

/** Per-block decay for a time constant of `seconds` at `rate` blocks per second (0 s → 0: no memory). */
function decay(seconds: number, rate: number): number {
  return seconds > 0 ? Math.exp(-1 / (seconds * rate)) : 0;
}

/**
 * Reference-microphone noise canceller: a two-path (foreground/background) partitioned
 * frequency-domain filter whose background learns with Adamax per bin, at the input's native rate,
 * full band. Frame = [primary d, reference x] of `blockSize` samples; output = d − y_fg.
 * ```
 * background:  e_b = d − y(W_b);  ∂loss/∂W_b per bin (PBFDAF gradient);  Adamax step with
 *              lr_t = lr · ρ_t,  ρ_t² = min(P̄_d/P̄_x, max(P̄_y/P̄_x, m))      ('residual')
 *              m: minimum of P̄_d/P̄_x over floorSeconds, rising ≤ floorRiseDbPerSecond
 * foreground:  e_f = d − y(W_f);  W_f ← EMA(W_b) (Adamax use_ema) when the optimizer has one
 * compare:     E_f ← α E_f + (1−α) Σe_f²,  E_b likewise
 *   E_b < E_f · 10^(−copyDb/10)  for copySeconds   →  W_f ← W_b           (copy: fast)
 *   E_b > E_f · 10^(resetDb/10)  for resetSeconds  →  W_b ← W_f, m ← 0    (reset a diverged background)
 *   min(E_b, E_f) > P̄_d · 10^(restartDb/10) for restartSeconds → W_b ← 0, m, u ← 0, boost ← restartBoost
 *              (both paths worse than no filter: the path changed; a zero filter is closer to the new one)
 *   background lr × (1 + (restartBoost − 1)·e^(−t/restartBoostSeconds)), t since the start or a restart
 * proportionate (α = proportionate for W_b, proportionateForeground for the foreground learner):
 *              W ← W₀ + f_p (W − W₀) after each Adamax step (W₀ the weights before it), per partition p,
 *              f_p = min((1 − α) + α ‖W₀_p‖ / mean_q ‖W₀_q‖, proportionateMax)   (IPNLMS on partitions)
 * convex (with mixOptimizer): output filter W_c[p][k] = W_f + λ_k (W_b − W_f),  λ_k = σ(a_k),
 *              a_k ← Adamax step on  λ_k(1−λ_k) Σ_p ⟨∂loss(e_c)/∂W_c[p][k], W_b − W_f⟩,  |a_k| ≤ mixLimit
 *              (e_c = d − y(W_c) is the output; without it the output is e_f). Per-bin λ makes both
 *              come from the two paths' output spectra: Y_c = Y_f + λ ⊙ (Y_b − Y_f), and the sum
 *              over p is c_k/N · Re(conj(G_c)·(Y_b − Y_f)) (no pass over the weights)
 * gate:        P̄_x < R · 10^(−gateDb/10)  (R: recent reference level)  →  no learning at all
 * watchdog:    P_out > P_d · 10^(maxGainDb/10) → output d; sustained or non-finite →
 *              W_b, W_f ← last good snapshot (taken while the foreground reduced the primary)
 * ```
 * The background is fast (short β2, large lr), so after a change it converges quickly and is copied
 * to the foreground; in a steady state the foreground's weight EMA averages the background's
 * step-size jitter away (depth). Learning never speeds up because the reference went quiet: the
 * level ratio uses the filter's own prediction and a slowly rising floor, not the primary's
 * power (which carries the speech), and the gate freezes learning on a reference drop.
 * Allocation-free per block.
 *
 * References: Valin, "On adjusting the learning rate in frequency domain echo cancellation with
 * double-talk", IEEE TASLP 15(3), 2007 and SpeexDSP `mdf.c` (two-path filter, copy and reset);
 * Arenas-García, Figueiras-Vidal & Sayed, "Mean-square performance of a convex combination of two
 * adaptive filters", IEEE TSP 54(3), 2006; Martin, "Noise power spectral density estimation based on
 * optimal smoothing and minimum statistics", IEEE TSAP 9(5), 2001; Benesty & Gay, "An improved PNLMS
 * algorithm", ICASSP 2002 (proportionate steps).
 *
 * @example
 * const c = new ReferenceCanceller({ sampleRate: 48000, optimizer: new Adamax({ learningRate: 0.02, useEma: true }) });
 * c.process([primaryBlock, referenceBlock], out);
 */
export class ReferenceCanceller implements AdaptiveFilter {
  readonly kind = 'reference-canceller';
  readonly channels = 2;
  readonly sampleRate: number;
  readonly frameSize: number;
  readonly taps: number;
  readonly model: PartitionedFdFilter;
  readonly optimizer: Adamax;
  readonly core: AdamaxCore;
  /** The foreground's own learner (with `foregroundOptimizer`), else null. */
  readonly foregroundCore: AdamaxCore | null;
  readonly twoPath: boolean;
  readonly levelNormalization: LevelNormalization;
  readonly foregroundOptimizer: Adamax | null;
  /** Base (relative) learning rate. */
  baseLearningRate: number;
  /** Base (relative) learning rate of the foreground's own learner. */
  foregroundLearningRate: number;
  /** Blocks processed. */
  frames = 0;
  /** Background → foreground copies. */
  copies = 0;
  /** Background resets from the foreground. */
  backgroundResets = 0;
  /** Background restarts from zero (both paths worse than no filter). */
  restarts = 0;
  /** Blocks without learning because the reference was quiet (gate or absolute floor). */
  gated = 0;
  /** Blocks whose output the watchdog replaced by the primary. */
  bypassed = 0;
  /** Restorations of the last good weights (sustained blow-up or non-finite values). */
  restores = 0;
  private readonly state: PartitionedFdState;
  /**
   * The model's step kernels on the state for the background and the foreground learner (gradient,
   * proportionate factors and one partition's constraint in the Adamax call), null without a shared arena.
   */
  private stepKernel: FdStepKernel | null = null;
  private fgStepKernel: FdStepKernel | null = null;
  private readonly fg: Float32Array;
  private readonly good: Float32Array;
  private readonly scratch: Float32Array;
  private readonly fgError: Float32Array;
  /** Convex combination: the mixing logits' learner (its gradient is ∂loss/∂λ until adaptMix), λ per bin. */
  readonly mixCore: AdamaxCore | null;
  private readonly lambda: Float32Array;
  private readonly mixLimit: number;
  /** 8 bytes of the arena holding `mixLimit` as a float64 (the `sigmoidClip` kernel reads it), or null. */
  private readonly limitSlot: Float32Array | null;
  private readonly floor: MinimumTracker;
  private readonly s = new Float64Array(SLOTS);
  private readonly aLevel: number;
  private readonly aCompare: number;
  private readonly aRelease: number;
  private readonly copyRatio: number;
  private readonly resetRatio: number;
  private readonly gateRatio: number;
  private readonly copyBlocks: number;
  private readonly resetBlocks: number;
  private readonly watchdogBlocks: number;
  private readonly snapshotBlocks: number;
  private readonly activityFloor: number;
  private readonly maxGain: number;
  private readonly floorRise: number;
  /** The coherence of the background's error (see `coherenceSeconds`); null when off. */
  private readonly coh: Coherence | null;
  /** Adapted blocks until the next update of the coherent fraction. */
  private cohWait = 0;
  private readonly boostExtra: number;
  private readonly boostDecay: number;
  private readonly restartRatio: number;
  private readonly restartBlocks: number;
  private readonly restartExtra: number;
  private readonly restartDecay: number;
  private binGain: number = 0;
  private binFloor: number = 0;
  private aLeak: number = 0;
  private aBin: number = 0;
  /** Per-bin step control: power spectra (this block's, smoothed), step factors, weights before the step. */
  private ePow: Float32Array = new Float32Array(0);
  private yPow: Float32Array = new Float32Array(0);
  private eSmooth: Float32Array = new Float32Array(0);
  private ySmooth: Float32Array = new Float32Array(0);
  private binStep: Float32Array = new Float32Array(0);
  private before: Float32Array = new Float32Array(0);
  private propAlpha: number = 0;
  private mixPower: number = 0;
  /** Smoothed per-bin error powers of the background and the foreground (power-driven mixing). */
  private ebSmooth: Float32Array = new Float32Array(0);
  private efSmooth: Float32Array = new Float32Array(0);
  private propMax: number = 0;
  private propFgAlpha: number = 0;
  /** Step factor per weight row (2P rows: the real parts' partitions, then the imaginary parts'). */
  private rowStep: Float32Array = new Float32Array(0);
  /** This block's background prediction y_b = d − e_b. */
  private readonly prediction: Float32Array;
  /** One path, no EMA, no combination: the output is the background's own (no second weight set). */
  private readonly outputBackground: boolean;
  /**
   * Both passes and the block energies in one kernel call (null when the buffers are not in one
   * arena): bound once to the background's and the foreground's weights and the block buffers
   * (`prediction`, `scratch`, `fgError`, in the kernels' arena so that it writes them in place).
   */
  private readonly learnPass: FdLearnPass | null;
  private restartCount = 0;
  private copyCount = 0;
  private resetCount = 0;
  private bypassCount = 0;

  /** Default block size at a sample rate: the largest power of two ≤ 4 ms (64 at 16 kHz, 128 at 48 kHz). */
  static blockSizeFor(sampleRate: number): number {
    return 2 ** Math.max(0, Math.floor(Math.log2(0.004 * sampleRate)));
  }

  constructor(options: ReferenceCancellerOptions) {
    validate(options);
    const fs = options.sampleRate;
    const B = options.blockSize ?? ReferenceCanceller.blockSizeFor(fs);
    const partitions = Math.max(1, Math.ceil(((options.filterMs ?? 64) * fs) / 1000 / B));
    this.sampleRate = fs;
    this.frameSize = B;
    this.taps = B * partitions;
    this.model = new PartitionedFdFilter({ blockSize: B, partitions, constrained: true, projectGradient: false });
    this.optimizer = options.optimizer;
    this.foregroundOptimizer = options.foregroundOptimizer ?? null;
    // One arena for the filter's state and both learners: the kernels read the weights and write
    // the gradients in place (no copies). The kernels take only integers (the Adamax scalars are read
    // from a block in the arena), so a call site that sees several instances boxes nothing.
    const n0 = this.model.layout.size;
    const fo = this.foregroundOptimizer;
    const mo = options.mixOptimizer;
    const bins = this.model.bins;
    const reserve =
      AdamaxCore.arenaBytes(n0, options.optimizer.hyperParameters) +
      (fo ? AdamaxCore.arenaBytes(n0, fo.hyperParameters) : 0) +
      (mo ? AdamaxCore.arenaBytes(bins, mo.hyperParameters) : 0) +
      arenaFloatBytes(2 * partitions) +
      arenaFloatBytes(bins) * 2 +
      arenaFloatBytes(B) * 3 +
      arenaFloatBytes(4) * 2 +
      (mo ? arenaFloatBytes(2) : 0) +
      this.coherenceReserve(options, partitions);
    this.state = this.model.createState(reserve);
    const arena = this.model.arenaOf(this.state);
    const where = arena ? { arena } : {};
    this.core = options.optimizer.buildFlat(this.model.layout, where);
    this.baseLearningRate = options.optimizer.learningRate;
    this.foregroundCore = fo?.buildFlat(this.model.layout, where) ?? null;
    this.mixCore = mo?.buildFlat(createLayout([{ name: 'mix/logit', length: bins }]), where) ?? null;
    // λ in the kernels' arena: the convex output kernel reads it in place
    this.lambda = arena ? arena.allocF32(bins) : new Float32Array(bins);
    this.mixLimit = options.mixLimit ?? 4;
    // the limit as a float64 in the arena, for the kernel that clips the logits and takes their sigmoids
    this.limitSlot = arena && this.mixCore ? arena.allocF32(2) : null;
    if (this.limitSlot) new Float64Array(this.limitSlot.buffer, this.limitSlot.byteOffset, 1)[0] = this.mixLimit;
    this.foregroundLearningRate = this.foregroundOptimizer?.learningRate ?? 0;
    this.twoPath = options.twoPath ?? true;
    this.levelNormalization = options.levelNormalization ?? 'residual';
    const rate = fs / B;
    const blocks = (sec: number): number => Math.max(1, Math.round(sec * rate));
    this.aLevel = decay(options.levelSeconds ?? 0.05, rate);
    this.aCompare = decay(options.compareSeconds ?? 0.05, rate);
    this.aRelease = decay(options.gateReleaseSeconds ?? 0.5, rate);
    this.copyRatio = 10 ** (-(options.copyDb ?? 1) / 10);
    this.resetRatio = 10 ** ((options.resetDb ?? 6) / 10);
    const gateDb = options.gateDb ?? 20;
    this.gateRatio = gateDb > 0 ? 10 ** (-gateDb / 10) : 0;
    this.copyBlocks = blocks(options.copySeconds ?? 0.02);
    this.resetBlocks = blocks(options.resetSeconds ?? 0.15);
    this.watchdogBlocks = blocks(options.watchdogSeconds ?? 0.03);
    this.snapshotBlocks = blocks(options.snapshotSeconds ?? 0.25);
    this.activityFloor = options.activityFloor ?? 1e-10;
    this.maxGain = 10 ** ((options.maxGainDb ?? 6) / 10);
    this.floor = new MinimumTracker(4, blocks((options.floorSeconds ?? 1.5) / 4));
    this.floorRise = 10 ** ((options.floorRiseDbPerSecond ?? 3) / 10 / rate);
    this.coh = this.coherence(options, rate, partitions);
    this.boostExtra = (options.copyBoost ?? 1) - 1;
    this.boostDecay = decay(options.copyBoostSeconds ?? 0.5, rate);
    const restartDb = options.restartDb ?? 0;
    this.restartRatio = restartDb > 0 ? 10 ** (restartDb / 10) : Number.POSITIVE_INFINITY;
    this.restartBlocks = blocks(options.restartSeconds ?? 0.05);
    this.restartExtra = (options.restartBoost ?? 1) - 1;
    this.restartDecay = decay(options.restartBoostSeconds ?? 0.25, rate);
    const n = this.model.layout.size;
    this.initSteps(options, rate, bins, n, partitions, arena);
    this.prediction = arena ? arena.allocF32(B) : new Float32Array(B);
    this.fg = this.foregroundCore?.params ?? this.core.average ?? new Float32Array(n);
    this.good = new Float32Array(n);
    this.scratch = arena ? arena.allocF32(B) : new Float32Array(B);
    this.fgError = arena ? arena.allocF32(B) : new Float32Array(B);
    this.outputBackground = !this.twoPath && !this.core.average && !this.mixCore;
    this.learnPass = this.outputBackground ? null : this.bindLearnPass();
    this.reset();
  }

  /** The step-control state (proportionate, per-bin, power-driven mixing): buffers sized only when used. */
  private initSteps(
    options: ReferenceCancellerOptions,
    rate: number,
    bins: number,
    n: number,
    partitions: number,
    arena: KernelArena | null,
  ): void {
    this.binGain = options.binStepGain ?? 0;
    this.propAlpha = options.proportionate ?? 0;
    this.propMax = options.proportionateMax ?? 4;
    this.propFgAlpha = options.foregroundOptimizer ? (options.proportionateForeground ?? 0) : 0;
    const prop = this.propAlpha > 0 || this.propFgAlpha > 0;
    // the factors in the kernels' arena (the fused step reads them there)
    const inArena = (len: number): Float32Array => (arena ? arena.allocF32(len) : new Float32Array(len));
    this.rowStep = inArena(prop || this.binGain > 0 ? 2 * partitions : 0);
    this.binFloor = options.binStepFloor ?? 0.05;
    this.aLeak = decay(options.leakSeconds ?? 0.1, rate);
    this.aBin = decay(options.binPowerSeconds ?? 0.05, rate);
    const sized = (len: number): Float32Array => new Float32Array(this.binGain > 0 ? len : 0);
    this.mixPower = options.mixOptimizer ? (options.mixPowerStep ?? 0) : 0;
    this.ebSmooth = new Float32Array(this.mixPower > 0 ? bins : 0);
    this.efSmooth = new Float32Array(this.mixPower > 0 ? bins : 0);
    this.ePow = new Float32Array(this.binGain > 0 || this.mixPower > 0 ? bins : 0);
    this.yPow = new Float32Array(this.binGain > 0 || this.mixPower > 0 ? bins : 0);
    this.eSmooth = sized(bins);
    this.ySmooth = sized(bins);
    this.binStep = inArena(this.binGain > 0 || prop ? bins : 0);
    this.before = new Float32Array(this.binGain > 0 || prop ? n : 0);
    if (!arena) return;
    this.stepKernel = this.model.proportionateStepKernel(this.state, arena, this.propAlpha, this.propMax);
    if (this.propFgAlpha > 0) {
      this.fgStepKernel = this.model.proportionateStepKernel(this.state, arena, this.propFgAlpha, this.propMax);
    }
  }

  /** The one-call learning pass on the state, both weight sets, the block buffers (and λ, ∂λ with a combination). */
  private bindLearnPass(): FdLearnPass | null {
    const mix = this.mixCore ? { lambda: this.lambda, dLambda: this.mixCore.grads } : null;
    return this.model.learnPass(
      this.state,
      this.core.params,
      this.fg,
      this.scratch,
      this.fgError,
      this.prediction,
      mix,
    );
  }

  /** Same as {@link restores} (the factory's common counter name). */
  get resets(): number {
    return this.restores;
  }

  /** The foreground weights (the output's). */
  get foregroundWeights(): Float32Array {
    return this.fg;
  }

  /** The smoothed model: the foreground (the factory's common name). */
  get smoothedWeights(): Float32Array {
    return this.fg;
  }

  /** The last coherent fraction g of the background's error (0 without `coherenceSeconds`). */
  get errorCoherence(): number {
    return this.s[PC]!;
  }

  /** The background weights (the learner's). */
  get backgroundWeights(): Float32Array {
    return this.core.params;
  }

  /** The per-bin mixing weights λ_k of the convex combination (all ½ without one). */
  get mixing(): Float32Array {
    return this.lambda;
  }

  /** The last good weights (restored on divergence). */
  get lastGoodWeights(): Float32Array {
    return this.good;
  }

  reset(): void {
    const core = this.core;
    this.model.initParams(core.params);
    this.fg.set(core.params);
    this.good.set(core.params);
    core.m.fill(0);
    core.u.fill(0);
    core.grads.fill(0);
    core.rawIterations = 0;
    this.coh?.kernel.reset();
    this.cohWait = 0;
    this.s[PC] = 0;
    const fc = this.foregroundCore;
    if (fc) {
      fc.m.fill(0);
      fc.u.fill(0);
      fc.grads.fill(0);
      fc.rawIterations = 0;
    }
    this.resetMix();
    const st = this.state;
    st.xPrev.fill(0);
    st.xRe.fill(0);
    st.xIm.fill(0);
    st.head = 0;
    st.frames = 0;
    this.s.fill(0);
    this.eSmooth.fill(0);
    this.ySmooth.fill(0);
    this.ebSmooth.fill(0);
    this.efSmooth.fill(0);
    this.binStep.fill(1);
    this.s[LR_CAP] = 1e6;
    this.s[FLOOR] = Number.POSITIVE_INFINITY;
    this.s[BOOST] = this.boostExtra;
    this.s[RBOOST] = this.restartExtra;
    this.floor.reset();
    this.frames = 0;
    this.copies = 0;
    this.backgroundResets = 0;
    this.restarts = 0;
    this.restartCount = 0;
    this.gated = 0;
    this.bypassed = 0;
    this.restores = 0;
    this.copyCount = 0;
    this.resetCount = 0;
    this.bypassCount = 0;
  }

  process(frame: readonly Float32Array[], output: Float32Array): void {
    const B = this.frameSize;
    if (frame.length < 2 || frame[0].length !== B || frame[1].length !== B || output.length !== B) {
      throw new ShapeError(
        `ReferenceCanceller expects [primary, reference] of ${B} samples each and an output of ${B}; received ${frame.length} channel(s) of ${frame[0]?.length} / ${frame[1]?.length}, output ${output.length}.`,
      );
    }
    this.frames++;
    const lp = this.learnPass;
    if (lp !== null) {
      // both passes and the energies in one kernel call (false: a non-finite input block)
      if (!lp.run(frame[0], frame[1])) {
        output.fill(0); // a non-finite input block: silence out, learning state untouched
        return;
      }
      const st = lp.stats;
      const s = this.s;
      s[F_PD] = st[0]! / B;
      s[F_PX] = st[1]! / B;
      s[F_EB] = st[2]! / B;
      s[F_EF] = st[3]! / B;
      s[F_PY] = st[4]! / B;
      if (!this.mixCore) output.set(this.fgError);
    } else if (!this.separatePasses(frame, output)) {
      output.fill(0); // a non-finite input block: silence out, learning state untouched
      return;
    }
    this.afterPasses(frame[0], output);
  }

  /**
   * The learning pass and the output pass in separate calls (the reference of {@link learnPass}), the
   * block energies into the scalar array. False, having done nothing, on a non-finite input block.
   */
  private separatePasses(frame: readonly Float32Array[], output: Float32Array): boolean {
    const B = this.frameSize;
    const d = frame[0];
    const x = frame[1];
    let pd = 0;
    let px = 0;
    for (let i = 0; i < B; i++) {
      pd += d[i] * d[i];
      px += x[i] * x[i];
    }
    pd /= B;
    px /= B;
    if (!Number.isFinite(pd + px)) return false;
    const core = this.core;
    const model = this.model;
    // background learning pass, then the foreground (one pass over the input ring when they share the arena)
    if (this.outputBackground) {
      model.learn(core.params, this.state, frame, this.scratch, null);
      output.set(this.scratch);
    } else if (!model.learnWithOutput(core.params, this.fg, this.state, frame, this.scratch, output, null)) {
      model.learn(core.params, this.state, frame, this.scratch, null);
      model.forwardSameInput(this.fg, this.state, frame, output);
    }
    let eb = 0;
    let ef = 0;
    let py = 0;
    const e = this.scratch;
    for (let i = 0; i < B; i++) {
      eb += e[i] * e[i];
      ef += output[i] * output[i];
      const y = d[i] - e[i];
      this.prediction[i] = y;
      py += y * y;
    }
    this.fgError.set(output);
    const s = this.s;
    s[F_PD] = pd;
    s[F_PX] = px;
    s[F_EB] = eb / B;
    s[F_EF] = ef / B;
    s[F_PY] = py / B;
    return true;
  }

  /** The combination's output, the watchdog, the statistics and the learning steps of one block. */
  private afterPasses(d: Float32Array, output: Float32Array): void {
    const B = this.frameSize;
    const s = this.s;
    let eo = s[F_EF];
    const lp = this.learnPass;
    if (lp?.hasConvex) {
      // the combined output and ∂loss/∂λ in one call with its energy (the branch below, bit for bit)
      lp.convex(output);
      eo = lp.stats[5]! / B;
    } else if (this.mixCore) {
      // the combined output and ∂loss/∂λ from the two paths' output spectra (see convexOutput)
      this.model.convexOutput(this.state, this.lambda, d, output, this.mixCore.grads);
      eo = 0;
      for (let i = 0; i < B; i++) eo += output[i] * output[i];
      eo /= B;
    }
    if (!Number.isFinite(s[F_EB] + s[F_EF] + eo + this.model.lastLoss[0])) {
      output.set(d);
      this.bypassed++;
      this.restore();
      return;
    }
    s[F_EO] = eo;
    if (this.watchdog(d, output)) return;
    this.track();
    if (this.frames % this.snapshotBlocks === 0 && s[EF] < s[PD] && s[F_EF] <= s[F_PD]) this.good.set(this.fg);
    if (s[F_PX] < this.activityFloor || s[F_PX] < this.gateRatio * s[REC]) {
      this.gated++;
      return;
    }
    if (this.mixCore) this.adaptMix();
    this.adapt();
    if (this.twoPath) this.compare();
  }

  /**
   * One Adamax step of the mixing logits: ∂loss/∂a_k = λ_k(1 − λ_k) ∂loss/∂λ_k; then a is clipped to
   * ±mixLimit and λ = σ(a) (the `sigmoidClip` kernel, bit-identical to the loop it falls back to).
   */
  private adaptMix(): void {
    const mc = this.mixCore!;
    const lam = this.lambda;
    const ga = mc.grads;
    const bins = lam.length;
    for (let k = 0; k < bins; k++) ga[k] *= lam[k] * (1 - lam[k]);
    mc.step();
    const a = mc.params;
    if (this.mixPower > 0) this.mixTowardLowerPower(a);
    // the loop below in one kernel call (its own exponential; it asks for the loop when a λ could differ)
    const ls = this.limitSlot;
    if (ls !== null && mc.arena.kernels.sigmoidClip(a.byteOffset, lam.byteOffset, bins, ls.byteOffset) === 0) return;
    const lim = this.mixLimit;
    for (let k = 0; k < bins; k++) {
      if (a[k] > lim) a[k] = lim;
      else if (a[k] < -lim) a[k] = -lim;
      lam[k] = 1 / (1 + Math.exp(-a[k]));
    }
  }

  /** Logits a_k ← a_k + κ · clip(10·log10(Ê_f,k / Ê_b,k) / 3, −1, 1) (toward the lower smoothed error power). */
  private mixTowardLowerPower(a: Float32Array): void {
    this.model.powerSpectrum(this.state, this.scratch, this.ePow);
    this.model.powerSpectrum(this.state, this.fgError, this.yPow);
    const eb = this.ebSmooth;
    const ef = this.efSmooth;
    const c = this.aBin;
    const kappa = this.mixPower;
    const s = this.s;
    const scale = 10 / 3 / Math.LN10;
    for (let k = 0; k < eb.length; k++) {
      eb[k] = c * eb[k] + (1 - c) * this.ePow[k];
      ef[k] = c * ef[k] + (1 - c) * this.yPow[k];
      // clipped in the scalar array (a ternary mixing a double with an integer constant is a tagged phi)
      s[TMP] = scale * Math.log((ef[k] + 1e-30) / (eb[k] + 1e-30));
      if (s[TMP] > 1) s[TMP] = 1;
      else if (s[TMP] < -1) s[TMP] = -1;
      a[k] += kappa * s[TMP];
    }
  }

  /** Output louder than the primary: bypass; sustained → restore the last good weights. True when restored. */
  private watchdog(d: Float32Array, output: Float32Array): boolean {
    if (this.s[F_EO] > this.maxGain * this.s[F_PD] + 1e-10) {
      output.set(d);
      this.bypassed++;
      if (++this.bypassCount >= this.watchdogBlocks) {
        this.restore();
        return true;
      }
    } else {
      this.bypassCount = 0;
    }
    return false;
  }

  /** Level, gate and comparison statistics (before learning on the block). */
  private track(): void {
    const s = this.s;
    const pd = s[F_PD];
    const px = s[F_PX];
    const py = s[F_PY];
    const ef = s[F_EF];
    const eb = s[F_EB];
    const a = this.frames === 1 ? 0 : this.aLevel;
    s[PD] = a * s[PD] + (1 - a) * pd;
    s[PX] = a * s[PX] + (1 - a) * px;
    s[PY] = a * s[PY] + (1 - a) * py;
    s[REC] = s[PX] > s[REC] ? s[PX] : this.aRelease * s[REC] + (1 - this.aRelease) * s[PX];
    s[RATIO] = s[PD] / (s[PX] + this.activityFloor);
    this.floor.pushFrom(s, RATIO);
    s[TMP] = s[FLOOR] * this.floorRise;
    // biome-ignore lint/complexity/useMathMinMax: Math.min/max are builtin calls whose double arguments V8's mid tier (Maglev) boxes
    s[FLOOR] = this.floor.value < s[TMP] ? this.floor.value : s[TMP];
    const c = this.frames === 1 ? 0 : this.aCompare;
    s[EF] = c * s[EF] + (1 - c) * ef;
    s[EB] = c * s[EB] + (1 - c) * eb;
  }

  /**
   * One Adamax step of the background with the level-normalised lr, then one partition's constraint.
   * The background's gradient (of its error, left in the model by the learning pass) is made by the
   * step: inside the kernel pass ({@link fusedStep}), else by `gradientInto` before it.
   */
  private adapt(): void {
    const s = this.s;
    s[RHO] = 1;
    const coh = this.coh;
    if (coh !== null && --this.cohWait <= 0) {
      this.cohWait = coh.every;
      this.coherentFraction(this.scratch); // g of the background's error, into s[PC]
    }
    if (this.levelNormalization === 'residual') {
      const inv = 1 / (s[PX] + this.activityFloor);
      // ρ² = min(P̄_d/P̄_x, max(P̄_y/P̄_x, floor)) without Math.min/max
      // biome-ignore lint/complexity/useMathMinMax: Math.min/max are builtin calls whose double arguments V8's mid tier (Maglev) boxes
      s[RHO] = s[PY] * inv > s[FLOOR] ? s[PY] * inv : s[FLOOR];
      if (s[PD] * inv < s[RHO]) s[RHO] = s[PD] * inv;
      s[RHO_FG] = Math.sqrt(s[RHO]);
      if (coh !== null) {
        // the background's ratio also takes (P̄_y + g P̄_eb)/P̄_x, within P̄_d/P̄_x
        s[TMP] = (s[PY] + s[PC] * s[EB]) * inv;
        if (s[PD] * inv < s[TMP]) s[TMP] = s[PD] * inv;
        if (s[TMP] > s[RHO]) s[RHO] = s[TMP];
      }
      s[RHO] = Math.sqrt(s[RHO]);
    } else {
      if (this.levelNormalization === 'primary') s[RHO] = Math.sqrt(s[PD] / (s[PX] + this.activityFloor));
      s[RHO_FG] = s[RHO];
    }
    // the rate goes to the optimizer from the scalar array (no boxed double)
    s[LR] = this.baseLearningRate * s[RHO] * (1 + s[RBOOST]);
    if (coh !== null) s[LR] *= 1 + coh.k[1]! * s[PC];
    s[RBOOST] *= this.restartDecay;
    if (this.binGain > 0) s[LR] *= this.binGain;
    const perBin = this.binGain > 0 || this.propAlpha > 0;
    if (!(s[LR] <= s[LR_CAP])) s[LR] = s[LR_CAP];
    this.optimizer.setLearningRateFrom(s, LR);
    const core = this.core;
    const part = this.frames % this.model.partitions;
    // the fused step also projects partition `part` (the weight constraint)
    let projected = false;
    if (perBin) {
      if (this.binGain > 0) this.updateBinSteps();
      projected = this.fusedStep(core, false);
      if (!projected) this.unfusedStep(core, false);
    } else {
      this.model.gradientInto(this.state, core.grads, null);
      core.step();
    }
    if (!projected) this.model.constrain(core.params, part);
    const fc = this.foregroundCore;
    if (fc) {
      // the foreground's gradient from its own error (on the same input spectra), made by its step
      this.model.lastError.set(this.fgError);
      s[LR] = this.foregroundLearningRate * s[RHO_FG] * (1 + s[BOOST]);
      s[BOOST] *= this.boostDecay;
      if (!(s[LR] <= s[LR_CAP])) s[LR] = s[LR_CAP];
      this.foregroundOptimizer!.setLearningRateFrom(s, LR);
      if (!(this.propFgAlpha > 0)) {
        this.model.gradientInto(this.state, fc.grads, null);
        fc.step();
        this.model.constrain(fc.params, part);
      } else if (!this.fusedStep(fc, true)) {
        this.unfusedStep(fc, true);
        this.model.constrain(fc.params, part);
      }
    }
  }

  /**
   * The per-bin step factors from this block's background error and prediction spectra:
   * ```
   * Ê_k ← a Ê_k + (1−a)|E_k|²,  Ŷ_k likewise;   P_ey ← b P_ey + (1−b) Σ_k (|E_k|² − Ê_k)(|Y_k|² − Ŷ_k)
   * P_yy ← b P_yy + (1−b) Σ_k (|Y_k|² − Ŷ_k)²;   η = clip(P_ey / P_yy, 0, 1)
   * s_k = clip(η Ŷ_k / Ê_k, floor, 1)
   * ```
   */
  private updateBinSteps(): void {
    const s = this.s;
    this.model.powerSpectrum(this.state, this.scratch, this.ePow);
    this.model.powerSpectrum(this.state, this.prediction, this.yPow);
    const E = this.ePow;
    const Y = this.yPow;
    const eh = this.eSmooth;
    const yh = this.ySmooth;
    const a = this.aBin;
    let pey = 0;
    let pyy = 0;
    for (let k = 0; k < E.length; k++) {
      eh[k] = a * eh[k] + (1 - a) * E[k];
      yh[k] = a * yh[k] + (1 - a) * Y[k];
      const dy = Y[k] - yh[k];
      pey += (E[k] - eh[k]) * dy;
      pyy += dy * dy;
    }
    const b = this.aLeak;
    s[PEY] = b * s[PEY] + (1 - b) * pey;
    s[PYY] = b * s[PYY] + (1 - b) * pyy;
    s[LEAK] = s[PEY] / (s[PYY] + 1e-30);
    if (!(s[LEAK] >= 0)) s[LEAK] = 0;
    else if (s[LEAK] > 1) s[LEAK] = 1;
    const leak = s[LEAK];
    const lo = this.binFloor;
    const st = this.binStep;
    for (let k = 0; k < E.length; k++) {
      st[k] = (leak * yh[k]) / (eh[k] + 1e-30);
      if (st[k] > 1) st[k] = 1;
      else if (st[k] < lo) st[k] = lo;
    }
  }

  /**
   * g of `coherenceSeconds` into the scalar array: the fraction of the power of `e` (the background's
   * error) coherent with the reference over the filter's newest `coherenceLags` input spectra, its
   * estimation bias subtracted (see the option).
   */
  private coherentFraction(e: Float32Array): void {
    const c = this.coh!;
    c.kernel.run(e);
    const out = c.kernel.out;
    const s = this.s;
    // into the scalar array, never returned: a returned double may be boxed (an allocation per block)
    s[TMP] = out[0]! - c.k[0]! * out[1]!;
    s[PC] = s[TMP] > 0 && out[1]! > 0 ? (s[TMP] < out[1]! ? s[TMP] / out[1]! : 1) : 0;
  }

  /** Arena bytes of the coherence kernel (0 when the coherent fraction does not run). */
  private coherenceReserve(options: ReferenceCancellerOptions, partitions: number): number {
    const lags = coherenceLagsOf(options, partitions);
    return lags > 0 ? this.model.coherenceBytes(lags) : 0;
  }

  /** The coherence kernel in the state's arena, or null when off (`coherenceSeconds` 0, or a level normalisation other than 'residual'). */
  private coherence(options: ReferenceCancellerOptions, rate: number, partitions: number): Coherence | null {
    const lags = coherenceLagsOf(options, partitions);
    if (lags === 0) return null;
    const every = options.coherenceEvery ?? 1;
    const a = decay(options.coherenceSeconds!, rate / every);
    const k = Float64Array.of((2 * lags * (1 - a)) / (1 + a), options.coherenceBoost ?? 4);
    return { kernel: this.model.coherenceKernel(this.state, lags, a), every, k };
  }

  /**
   * One Adamax step of `core` (the background's, or the foreground learner's with `foreground`)
   * with its proportionate (and, for the background, per-bin) factors, fused: one `fdStep` kernel
   * call ({@link PartitionedFdFilter.proportionateStepKernel}) makes the partition norms of the
   * weights, the factors ({@link rowFactors}), the gradient of the model's last error per element
   * inside the Adamax pass (the weights before the step kept in registers), and the weight
   * constraint of this block's partition. Bit-identical to {@link unfusedStep} followed by
   * `constrain`. False, having done nothing, when the engine cannot take the fused step.
   */
  private fusedStep(core: AdamaxCore, foreground: boolean): boolean {
    // the background's bin factors; all 1 (no pointer: f_r · 1 = f_r exactly) without the step control
    const bin = foreground || !(this.binGain > 0) ? null : this.binStep;
    const kernel = foreground ? this.fgStepKernel : this.stepKernel;
    if (kernel === null) return false;
    kernel.partition = this.frames % this.model.partitions;
    return core.stepScaledFrom(this.rowStep, bin, kernel);
  }

  /**
   * The same step in separate passes (the TypeScript reference of {@link fusedStep}): the gradient
   * into the engine's `grads` (`gradientInto` on the model's last error), the norms
   * ({@link rowSteps}), a copy W₀ of the weights, `core.step()`, then {@link scaleStep}.
   */
  private unfusedStep(core: AdamaxCore, foreground: boolean): void {
    this.model.gradientInto(this.state, core.grads, null);
    if (foreground) this.binStep.fill(1);
    this.rowSteps(core.params, foreground);
    this.before.set(core.params);
    core.step();
    this.scaleStep(core.params);
  }

  /**
   * Proportionate factors per partition p of weights `w` (all 1 with α = 0):
   * f_p = clip((1 − α) + α ‖W_p‖ / mean_q ‖W_q‖, 0, max), the same for its real and imaginary row;
   * α = `proportionateForeground` for the foreground's weights, else `proportionate`. The norms
   * ‖W_p‖ = f32(√Σ_k (Re² + Im²)), summed in float64 in bin order.
   */
  private rowSteps(w: Float32Array, foreground: boolean): void {
    const f = this.rowStep;
    const P = f.length / 2;
    const bins = this.binStep.length;
    const im = P * bins;
    for (let p = 0; p < P; p++) {
      let e = 0;
      for (let i = p * bins; i < (p + 1) * bins; i++) e += w[i] * w[i] + w[im + i] * w[im + i];
      f[p] = Math.sqrt(e);
    }
    this.rowFactors(foreground);
  }

  /** The factors f_p of {@link rowSteps} from the partition norms in `rowStep[0..P)`. */
  private rowFactors(foreground: boolean): void {
    const f = this.rowStep;
    const P = f.length / 2;
    if (P === 0) return;
    const a = foreground ? this.propFgAlpha : this.propAlpha;
    if (!(a > 0)) {
      f.fill(1);
      return;
    }
    let total = 0;
    for (let p = 0; p < P; p++) total += f[p];
    if (!(total > 0)) {
      f.fill(1);
      return;
    }
    // no ternary mixing a double with an integer constant: such a phi is tagged (a heap number per use)
    const hi = this.propMax;
    const inv = P / total;
    for (let p = 0; p < P; p++) {
      f[p] = 1 - a + a * f[p] * inv;
      if (f[p] > hi) f[p] = hi;
      f[P + p] = f[p];
    }
  }

  /** Weights ← before + f_row · s_k (after − before), per bin of every partition (re and im rows); every op float32. */
  private scaleStep(w: Float32Array): void {
    const w0 = this.before;
    const st = this.binStep;
    const rf = this.rowStep;
    const bins = st.length;
    const rows = w0.length / bins;
    for (let r = 0; r < rows; r++) {
      const o = r * bins;
      const g = rf[r];
      // every op float32, as the fused kernel's lanes
      for (let k = 0; k < bins; k++) w[o + k] = w0[o + k] + f32(f32(g * st[k]) * f32(w[o + k] - w0[o + k]));
    }
  }

  /** Two-path comparison: copy a consistently better background, reset a diverged one. */
  private compare(): void {
    const s = this.s;
    if (s[EB] < this.copyRatio * s[EF]) {
      if (++this.copyCount >= this.copyBlocks) {
        this.fg.set(this.core.params);
        this.foregroundCore?.m.fill(0);
        s[BOOST] = this.boostExtra;
        s[EF] = s[EB];
        this.copies++;
        this.copyCount = 0;
      }
    } else {
      this.copyCount = 0;
    }
    if (s[EB] > this.resetRatio * s[EF] + 1e-12) {
      if (++this.resetCount >= this.resetBlocks) {
        this.core.params.set(this.fg);
        this.core.m.fill(0);
        s[EB] = s[EF];
        this.backgroundResets++;
        this.resetCount = 0;
      }
    } else {
      this.resetCount = 0;
    }
    this.restartIfWorse();
  }

  /** Both paths worse than no filter for restartSeconds: the background restarts from zero, boosted. */
  private restartIfWorse(): void {
    const s = this.s;
    // both paths: E_b and E_f above the bound (no Math.min: a builtin call in V8's mid tier boxes doubles)
    if (!(s[EB] > this.restartRatio * s[PD] + 1e-12 && s[EF] > this.restartRatio * s[PD] + 1e-12)) {
      this.restartCount = 0;
      return;
    }
    if (++this.restartCount < this.restartBlocks) return;
    const core = this.core;
    this.model.initParams(core.params);
    core.m.fill(0);
    core.u.fill(0);
    s[RBOOST] = this.restartExtra;
    s[EB] = s[PD];
    this.restarts++;
    this.restartCount = 0;
  }

  /** Mixing logits to 0 (λ = ½), their moments cleared. */
  private resetMix(): void {
    this.lambda.fill(0.5);
    const mc = this.mixCore;
    if (!mc) return;
    mc.params.fill(0);
    mc.m.fill(0);
    mc.u.fill(0);
    mc.grads.fill(0);
  }

  /** Both paths back to the last good weights; the background's moments and the foreground's m cleared. */
  private restore(): void {
    const core = this.core;
    core.params.set(this.good);
    this.fg.set(this.good);
    core.m.fill(0);
    // u restarts too (a scan for non-finite values would box every element while this rare path
    // runs unoptimised: an allocation inside process())
    core.u.fill(0);
    this.foregroundCore?.m.fill(0);
    this.resetMix();
    this.s[EF] = this.s[PD];
    this.s[EB] = this.s[PD];
    this.bypassCount = 0;
    this.restores++;
  }
}
