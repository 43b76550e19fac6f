import { ShapeError } from '../core/errors.js';
import { IssueCollector } from '../core/validate.js';
import type { KernelArena } from '../core/wasm/kernel-arena.js';
import type { Adamax } from '../optim/adamax.js';
import { AdamaxCore, StepOutcome } from '../optim/adamax-core.js';
import type { FiniteStep } from '../optim/finite-step.js';
import type { AdaptiveFilter } from './adaptive-filter.js';
import type { AdaptiveModel, ModelState } from './adaptive-model.js';
import type { Tracker } from './tracking/tracker.js';

/** A model that can project its weights onto a constraint set after an update (e.g. constrained FDAF). */
interface Constrainable {
  constrain(params: Float32Array, partition?: number): void;
  readonly partitions?: number;
}

/**
 * A model whose states live in a kernel arena with room reserved for the optimizer's buffers, so
 * that its kernels read the weights and write the gradients in place (no copy per frame).
 */
interface ArenaStateModel {
  createState(reserveBytes: number): ModelState;
  arenaOf(state: ModelState): KernelArena | null;
}

/** A model that can produce the current frame's output for other weights without re-reading the input. */
interface SameInputForward {
  forwardSameInput(params: Float32Array, state: ModelState, frame: readonly Float32Array[], output: Float32Array): void;
  /** `step` whose loss goes to `lastLoss[0]` instead of a (boxed) return value. */
  learn(
    params: Float32Array,
    state: ModelState,
    frame: readonly Float32Array[],
    output: Float32Array,
    grad: Float32Array,
  ): void;
  readonly lastLoss: Float64Array;
  /**
   * Optional fused form of `learn` + `forwardSameInput(outParams)`: one pass computes both outputs
   * (the learning pass's into `learnOutput`, the other weights' into `output`), bit-identical to the
   * two calls. Returns false, having done nothing, when it cannot (e.g. weights outside its memory).
   */
  learnWithOutput?(
    params: Float32Array,
    outParams: Float32Array,
    state: ModelState,
    frame: readonly Float32Array[],
    learnOutput: Float32Array,
    output: Float32Array,
    grad: Float32Array,
  ): boolean;
}

export interface OptimizedFilterOptions {
  /** The model (its `layout` is built into the optimizer here). */
  readonly model: AdaptiveModel;
  /** An unbuilt Adamax; `buildFlat(model.layout)` is called by the constructor. */
  readonly optimizer: Adamax;
  /** Output through the EMA weights (`core.average`; needs `useEma: true`). Default false. */
  readonly emaOutput?: boolean;
  /** Frames after a tracker detection during which the raw weights are output instead of the EMA. Default 0. */
  readonly emaHoldFrames?: number;
  /** Constrained models: project one partition per frame (AUMDF) instead of all. Default false. */
  readonly alternateConstraint?: boolean;
  /**
   * Activity gate: no update when the mean power of the gating channel (the reference, or the
   * primary for one-channel models) is below this floor. Default 1e-10 (−100 dBFS).
   */
  readonly activityFloor?: number;
  /**
   * Watchdog: a frame whose output power exceeds the primary's by more than this many dB (plus a
   * −100 dBFS floor) is replaced by the primary (bypass: a canceller louder than its input only
   * adds noise); `watchdogFrames` such frames in a row, or any non-finite output/loss, reset the
   * model and the optimizer. Default 6 dB (the output of a completely wrong canceller, |d| + |y|
   * with |y| ≈ |d|).
   */
  readonly maxGainDb?: number;
  /** Consecutive bypassed frames before a reset. Default 8. */
  readonly watchdogFrames?: number;
  /** Change tracker (moment reset, lr boost). Default none. */
  readonly tracker?: Tracker;
  /** Statistic fed to the tracker per frame, in dB. Default 'error-power'. */
  readonly trackerStatistic?: 'error-power' | 'reference-power' | 'coherence';
  /**
   * Scale the learning rate by the smoothed level ratio √(P_primary / P_gate) (time constant
   * `levelFrames`), so the step is relative to the expected weight magnitude and the same lr works
   * whatever the reference's level. Default false.
   */
  readonly levelNormalizedLr?: boolean;
  /** Time constant in frames of the level smoothing for `levelNormalizedLr`. Default 100. */
  readonly levelFrames?: number;
  /**
   * Start-up boost: the learning rate is multiplied by `1 + (warmupBoost − 1)·exp(−t / warmupFrames)`
   * (t = updates since the start or the last reset), so a filter starting from zero weights converges
   * fast and then settles to the base rate (smaller misadjustment). Default 1 (off).
   */
  readonly warmupBoost?: number;
  /** Time constant in frames of the start-up boost's decay. Default 250. */
  readonly warmupFrames?: number;
  /**
   * With `emaOutput`: the raw weights are output for this many updates after the start (or a reset),
   * while the EMA, which lags the fast start-up convergence, catches up. Default 0.
   */
  readonly emaWarmupFrames?: number;
}

/**
 * Adapter from (any {@link AdaptiveModel} + Adamax) to the {@link AdaptiveFilter} interface, with
 * the robustness and tracking machinery of an audio-path learner. Per frame, prequentially:
 * ```
 * out  = model.forward(EMA weights or raw weights)          (the frame's output, before learning)
 * loss = model.step(raw weights) → core.grads
 * watchdog: non-finite → reset all;  P_out > P_d·10^(maxGainDb/10) → output d (bypass)
 * gate:     P_gate < activityFloor → no update
 * lr   = base · trackerMultiplier · (levelNormalizedLr ? √(P̄_d / P̄_gate) : 1)
 * core.step();  model.constrain(params[, frame mod P]);  tracker.observe(statistic)
 * ```
 * Allocation-free per frame (two model states when the EMA output is on, because the output and
 * the learning pass use different weights).
 *
 * References: SpeexDSP `mdf.c` (divergence watchdog, alternating constraint); optax
 * `apply_if_finite`; elizaOS/eliza #9612 (activity gate); Keras `use_ema` (EMA of weights).
 */
export class OptimizedFilter implements AdaptiveFilter {
  readonly kind: string;
  readonly frameSize: number;
  readonly channels: number;
  readonly model: AdaptiveModel;
  readonly optimizer: Adamax;
  readonly core: AdamaxCore;
  readonly emaOutput: boolean;
  readonly emaHoldFrames: number;
  readonly emaWarmupFrames: number;
  readonly tracker: Tracker | null;
  readonly trackerStatistic: 'error-power' | 'reference-power' | 'coherence';
  /** Base learning rate (what the tracker and the level normalisation multiply). */
  baseLearningRate: number;
  /** Frames processed. */
  frames = 0;
  /** Frames whose output was replaced by the primary by the watchdog. */
  bypassed = 0;
  /** Full resets by the watchdog (non-finite values or a sustained blow-up). */
  resets = 0;
  /** Frames with no update because the gating channel was below the activity floor. */
  gated = 0;
  /** Frames whose input held NaN/±Infinity (output silence, no update). */
  nonFiniteInput = 0;
  /** Updates rolled back because the new weights or moments would not have been finite. */
  rejected = 0;
  private readonly guard: FiniteStep;
  private readonly constrainable: Constrainable | null;
  private readonly alternate: boolean;
  private readonly activityFloor: number;
  private readonly maxGain: number;
  private readonly watchdogFrames: number;
  private readonly levelNormalizedLr: boolean;
  private readonly levelAlpha: number;
  private state: ModelState;
  private readonly outState: ModelState | null;
  /** The model's same-input forward (one state, one input FFT for the EMA and the raw pass), if any. */
  private readonly sameInput: SameInputForward | null;
  private readonly scratch: Float32Array;
  private consecutive = 0;
  /**
   * Scalar state kept in a typed array so that per-frame updates never box a double:
   * [0] smoothed primary level, [1] smoothed gate level, [2] last lr set, [3] start-up boost above 1,
   * [4] this frame's lr, [5..7] scratch, [8] this frame's primary power, [9] its gate power, [10] its loss.
   */
  private readonly sc = new Float64Array([0, 0, Number.NaN, 0, 0, 0, 0, 0, 0, 0, 0]);
  private readonly warmupExtra: number;
  private readonly warmupDecay: number;

  constructor(options: OptimizedFilterOptions) {
    const stat = checkOptions(options);
    const model = options.model;
    this.model = model;
    this.kind = `adamax-${model.kind}`;
    this.frameSize = model.frameSize;
    this.channels = model.channels;
    this.optimizer = options.optimizer;
    const am = model as unknown as Partial<ArenaStateModel>;
    if (typeof am.arenaOf === 'function' && typeof am.createState === 'function') {
      // the learning state and the optimizer share one arena: zero-copy weights and gradients
      this.state = am.createState(AdamaxCore.arenaBytes(model.layout.size, options.optimizer.hyperParameters));
      const arena = am.arenaOf(this.state);
      this.core = options.optimizer.buildFlat(model.layout, arena ? { arena } : {});
    } else {
      this.state = model.createState();
      this.core = options.optimizer.buildFlat(model.layout);
    }
    this.guard = options.optimizer.finiteStep;
    this.baseLearningRate = options.optimizer.learningRate;
    this.emaOutput = options.emaOutput ?? false;
    this.emaHoldFrames = options.emaHoldFrames ?? 0;
    this.emaWarmupFrames = options.emaWarmupFrames ?? 0;
    this.tracker = options.tracker ?? null;
    this.trackerStatistic = stat ?? 'error-power';
    const maybe = model as unknown as Partial<Constrainable>;
    this.constrainable = typeof maybe.constrain === 'function' ? (model as unknown as Constrainable) : null;
    this.alternate = options.alternateConstraint ?? false;
    this.activityFloor = options.activityFloor ?? 1e-10;
    this.maxGain = 10 ** ((options.maxGainDb ?? 6) / 10);
    this.watchdogFrames = options.watchdogFrames ?? 8;
    this.levelNormalizedLr = options.levelNormalizedLr ?? false;
    this.levelAlpha = Math.exp(-1 / (options.levelFrames ?? 100));
    this.warmupExtra = (options.warmupBoost ?? 1) - 1;
    this.warmupDecay = Math.exp(-1 / (options.warmupFrames ?? 250));
    const fs = model as unknown as Partial<SameInputForward>;
    this.sameInput =
      typeof fs.forwardSameInput === 'function' && typeof fs.learn === 'function' && fs.lastLoss instanceof Float64Array
        ? (model as unknown as SameInputForward)
        : null;
    this.outState = this.emaOutput && !this.sameInput ? model.createState() : null;
    this.scratch = new Float32Array(model.frameSize);
    model.initParams(this.core.params);
    if (this.core.average) this.core.average.set(this.core.params);
    this.sc[3] = this.warmupExtra;
  }

  /** The weight EMA (null without one). */
  get smoothedWeights(): Float32Array | null {
    return this.core.average ?? null;
  }

  /** Weights currently used for the output (the EMA when `emaOutput`, else the raw weights). */
  get outputWeights(): Float32Array {
    return this.emaOutput && this.core.average ? this.core.average : this.core.params;
  }

  reset(): void {
    this.hardReset();
    this.tracker?.reset();
    this.frames = 0;
    this.bypassed = 0;
    this.resets = 0;
    this.gated = 0;
    this.nonFiniteInput = 0;
    this.rejected = 0;
    this.sc[0] = 0;
    this.sc[1] = 0;
  }

  private hardReset(): void {
    const core = this.core;
    this.model.initParams(core.params);
    core.m.fill(0);
    core.u.fill(0);
    core.grads.fill(0);
    if (core.average) core.average.set(core.params);
    core.rawIterations = 0;
    this.sc[3] = this.warmupExtra;
    zeroState(this.state);
    if (this.outState) zeroState(this.outState);
    this.consecutive = 0;
  }

  process(frame: readonly Float32Array[], output: Float32Array): void {
    const n = this.frameSize;
    if (frame.length < this.channels || output.length !== n) {
      throw new ShapeError(
        `OptimizedFilter expects ${this.channels} channel(s) of ${n} samples and an output of ${n}; received ${frame.length} channel(s), output ${output.length}.`,
      );
    }
    const sc = this.sc;
    this.inputPowers(frame);
    if (!Number.isFinite(sc[8] + sc[9])) {
      // Non-finite input: output silence for the frame, keep learning state (skip the frame).
      output.fill(0);
      this.frames++;
      this.nonFiniteInput++;
      return;
    }
    this.runModel(frame, output);
    this.frames++;
    if (!this.watchdog(frame[0], output)) return;
    if (sc[9] < this.activityFloor) {
      this.gated++;
      return;
    }
    this.setFrameLearningRate();
    // Transactional: a step whose weights or moments would not be finite is rejected and counted.
    if (this.guard.step() === StepOutcome.SkippedNonFinite) {
      this.rejected++;
      return;
    }
    this.afterUpdate();
  }

  /** Mean powers of the primary (sc[8]) and of the gating channel (sc[9]) of the frame. */
  private inputPowers(frame: readonly Float32Array[]): void {
    const n = this.frameSize;
    const d = frame[0];
    const gate = frame[this.channels >= 2 ? 1 : 0];
    let pd = 0;
    let px = 0;
    for (let i = 0; i < n; i++) {
      pd += d[i] * d[i];
      px += gate[i] * gate[i];
    }
    this.sc[8] = pd / n;
    this.sc[9] = px / n;
  }

  /**
   * The frame through the model, prequentially: `output` with the output weights (EMA or raw), the
   * loss into sc[10] and the gradient of the raw weights into `core.grads`.
   */
  private runModel(frame: readonly Float32Array[], output: Float32Array): void {
    const { core, model, sc } = this;
    const si = this.sameInput;
    if (!this.emaOutput) {
      if (si) {
        si.learn(core.params, this.state, frame, output, core.grads);
        sc[10] = si.lastLoss[0];
      } else {
        sc[10] = model.step(core.params, this.state, frame, output, core.grads);
      }
      return;
    }
    const useRaw =
      core.rawIterations < this.emaWarmupFrames ||
      (this.tracker !== null && this.tracker.framesSinceDetection < this.emaHoldFrames);
    const w = useRaw ? core.params : core.average!;
    if (!si) {
      model.forward(w, this.outState!, frame, output);
      sc[10] = model.step(core.params, this.state, frame, this.scratch, core.grads);
      return;
    }
    if (useRaw) {
      si.learn(core.params, this.state, frame, this.scratch, core.grads);
      output.set(this.scratch);
    } else if (!si.learnWithOutput?.(core.params, w, this.state, frame, this.scratch, output, core.grads)) {
      // learning pass first (pushes the input), then the output weights on the same input spectra
      si.learn(core.params, this.state, frame, this.scratch, core.grads);
      si.forwardSameInput(w, this.state, frame, output);
    }
    sc[10] = si.lastLoss[0];
  }

  /**
   * Divergence watchdog on the frame's output: non-finite output or loss → primary out and full
   * reset; output power above maxGain · P_d → primary out (bypass), `watchdogFrames` in a row → reset.
   * Returns false when the frame ends here (no update).
   */
  private watchdog(d: Float32Array, output: Float32Array): boolean {
    const n = this.frameSize;
    let po = 0;
    for (let i = 0; i < n; i++) po += output[i] * output[i];
    po /= n;
    if (!Number.isFinite(po) || !Number.isFinite(this.sc[10])) {
      output.set(d);
      this.bypassed++;
      this.resets++;
      this.hardReset();
      return false;
    }
    if (po > this.maxGain * this.sc[8] + 1e-10) {
      output.set(d);
      this.bypassed++;
      if (++this.consecutive >= this.watchdogFrames) {
        this.resets++;
        this.hardReset();
        return false;
      }
    } else {
      this.consecutive = 0;
    }
    return true;
  }

  /** This frame's learning rate (computed in sc[4], so that no intermediate double is boxed) into the optimizer. */
  private setFrameLearningRate(): void {
    const sc = this.sc;
    sc[4] = this.baseLearningRate;
    if (this.tracker) sc[4] *= this.tracker.lrMultiplier;
    if (this.levelNormalizedLr) {
      sc[5] = this.frames === 1 ? 0 : this.levelAlpha;
      sc[0] = sc[5] * sc[0] + (1 - sc[5]) * sc[8];
      sc[1] = sc[5] * sc[1] + (1 - sc[5]) * sc[9];
      sc[4] *= Math.sqrt(sc[0] / (sc[1] + this.activityFloor));
    }
    if (sc[3] > 1e-6) {
      sc[4] *= 1 + sc[3];
      sc[3] *= this.warmupDecay;
    }
    // Re-set the optimizer's rate only when it moved by more than 1 % (the level normalisation
    // drifts a little every frame): in a steady state the setter (which boxes its argument) is idle.
    if (!(Math.abs(sc[4] - sc[2]) <= 0.01 * sc[2])) {
      this.optimizer.learningRate = sc[4];
      sc[2] = sc[4];
    }
  }

  /** After an applied update: the weight constraint, then the tracker's statistic. */
  private afterUpdate(): void {
    const core = this.core;
    const cm = this.constrainable;
    if (cm) {
      const parts = cm.partitions ?? 1;
      cm.constrain(core.params, this.alternate ? this.frames % parts : -1);
    }
    if (!this.tracker) return;
    let stat: number;
    if (this.trackerStatistic === 'reference-power') stat = 10 * Math.log10(this.sc[9] + 1e-20);
    else if (this.trackerStatistic === 'error-power') stat = 10 * Math.log10(2 * this.sc[10] + 1e-20);
    else {
      let sm = 0;
      let su = 0;
      const { m, u } = core;
      for (let i = 0; i < m.length; i++) {
        sm += Math.abs(m[i]);
        su += u[i];
      }
      stat = 10 * Math.log10((sm + 1e-30) / (su + 1e-30));
    }
    this.tracker.observe(stat, core);
  }
}

/** Validates the options (all issues at once); returns the tracker statistic option. */
function checkOptions(options: OptimizedFilterOptions): OptimizedFilterOptions['trackerStatistic'] {
  const c = new IssueCollector();
  c.unknownKeys(
    options,
    new Set([
      'model',
      'optimizer',
      'emaOutput',
      'emaHoldFrames',
      'alternateConstraint',
      'activityFloor',
      'maxGainDb',
      'watchdogFrames',
      'tracker',
      'trackerStatistic',
      'levelNormalizedLr',
      'levelFrames',
      'warmupBoost',
      'warmupFrames',
      'emaWarmupFrames',
    ]),
  );
  c.boolean('emaOutput', options.emaOutput);
  c.boolean('alternateConstraint', options.alternateConstraint);
  c.boolean('levelNormalizedLr', options.levelNormalizedLr);
  c.integer('emaHoldFrames', options.emaHoldFrames, 0, undefined, true);
  c.integer('emaWarmupFrames', options.emaWarmupFrames, 0, undefined, true);
  c.integer('watchdogFrames', options.watchdogFrames, 1, undefined, true);
  c.inRange('activityFloor', options.activityFloor, 0, Number.MAX_VALUE);
  c.inRange('maxGainDb', options.maxGainDb, 0, 400);
  c.inRange('levelFrames', options.levelFrames, 1, Number.MAX_VALUE);
  c.inRange('warmupBoost', options.warmupBoost, 1, 1e6);
  c.inRange('warmupFrames', options.warmupFrames, 1, Number.MAX_VALUE);
  const stat = options.trackerStatistic;
  if (stat !== undefined && stat !== 'error-power' && stat !== 'reference-power' && stat !== 'coherence') {
    c.add('trackerStatistic', `\`trackerStatistic\` must be 'error-power', 'reference-power' or 'coherence'.`);
  }
  if (options.emaOutput && !options.optimizer.hyperParameters.useEma) {
    c.add('emaOutput', '`emaOutput: true` needs an optimizer created with `useEma: true`.');
  }
  c.throwIfAny();
  return stat;
}

/** Zeroes every typed array and number of a model state in place (no allocation of the arrays). */
function zeroState(state: ModelState): void {
  for (const key in state) {
    const v = state[key];
    if (typeof v === 'number') state[key] = 0;
    else v.fill(0);
  }
}
