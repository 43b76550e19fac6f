import { AdamaxStreamError, CheckpointError, InvalidOptionError, ShapeError } from '../core/errors.js';
import type { ParamLayout } from '../core/param-layout.js';
import { IssueCollector, pyRepr } from '../core/validate.js';
import { Adamax, type AdamaxConfig, type AdamaxState, type ApplyOptions } from './adamax.js';
import { type AdamaxCore, StepOutcome } from './adamax-core.js';
import type { NonFiniteResultPolicy } from './finite-step.js';
import type { LearningRateInput } from './learning-rate.js';
import { splitGradsAndVars } from './split-grads-and-vars.js';
import type { Variable } from './variable.js';

const f32 = Math.fround;

export interface LossScaleOptimizerOptions {
  /** Starting loss scale. Default 2^15 = 32768. */
  readonly initialScale?: number;
  /** Finite steps in a row before the scale doubles. Default 2000. */
  readonly dynamicGrowthSteps?: number;
  readonly name?: string | null;
}

/** Keras `get_config()` of LossScaleOptimizer (exactly four keys). */
export interface LossScaleOptimizerConfig {
  name: string;
  inner_optimizer: { module: 'keras.optimizers'; class_name: 'Adamax'; config: AdamaxConfig; registered_name: null };
  initial_scale: number;
  dynamic_growth_steps: number;
}

export interface LossScaleOptimizerState {
  readonly format: 'adamax-stream/loss-scale-state';
  readonly version: 1;
  readonly dynamicScale: number;
  readonly stepCounter: number;
  readonly inner: AdamaxState;
}

const INNER_ONLY = [
  'weightDecay',
  'clipnorm',
  'globalClipnorm',
  'clipvalue',
  'useEma',
  'emaMomentum',
  'emaOverwriteFrequency',
  'lossScaleFactor',
  'gradientAccumulationSteps',
];

let lsoCount = 0;

/**
 * Keras `LossScaleOptimizer`: dynamic loss scaling around an inner {@link Adamax}.
 * If every (scaled) gradient is finite: `g ← g / scale`, the inner optimizer applies, and after
 * `dynamicGrowthSteps` finite steps in a row the scale doubles (from the next step). Otherwise the
 * step is skipped entirely — the inner optimizer, its counter, accumulation and EMA do not move —
 * and the scale halves (no floor). The inner `lossScaleFactor` is discarded, as in Keras ≥ 3.10.
 *
 * @example
 * const opt = new LossScaleOptimizer(new Adamax(), { initialScale: 1024 });
 * const scaledLoss = opt.scaleLoss(loss); // backprop that, then opt.apply(scaledGrads, vars)
 */
export class LossScaleOptimizer {
  readonly name: string;
  readonly inner: Adamax;
  readonly initialScale: number;
  readonly dynamicGrowthSteps: number;
  private scale: number;
  private counter = 0;
  private flat: AdamaxCore | null = null;

  constructor(inner: Adamax, options: LossScaleOptimizerOptions = {}) {
    const c = new IssueCollector();
    if (!(inner instanceof Adamax)) {
      c.add('inner', `LossScaleOptimizer needs an Adamax inner optimizer. Received: ${pyRepr(inner)}`);
      c.throwIfAny();
    }
    const o = (options ?? {}) as Record<string, unknown>;
    if ('dynamic' in o && o.dynamic === false) {
      c.add(
        'dynamic',
        'LossScaleOptimizer no longer supports `dynamic=False`. Instead, simply set `lossScaleFactor` directly on the `inner_optimizer`.',
      );
    }
    for (const k of INNER_ONLY) {
      if (k in o && o[k] !== undefined && o[k] !== null && !(k === 'useEma' && o[k] === false)) {
        c.add(k, `LossScaleOptimizer does not support \`${k}\`. Instead, set \`${k}\` on the \`inner_optimizer\`.`);
      }
    }
    const unknown = Object.keys(o).filter(
      (k) => !['initialScale', 'dynamicGrowthSteps', 'name', 'dynamic'].includes(k) && !INNER_ONLY.includes(k),
    );
    if (unknown.length > 0) {
      c.add(
        unknown.join(','),
        `LossScaleOptimizer does not support arguments: ${unknown.map((k) => `\`${k}\``).join(', ')}.`,
      );
    }
    const initialScale = o.initialScale ?? 32768;
    if (typeof initialScale !== 'number' || !Number.isFinite(initialScale) || initialScale <= 0) {
      c.add(
        'initialScale',
        `\`initialScale\` must be a finite number > 0. Received: initialScale=${pyRepr(initialScale)}`,
      );
    }
    const growth = o.dynamicGrowthSteps ?? 2000;
    if (typeof growth !== 'number' || !Number.isInteger(growth) || growth < 1) {
      c.add(
        'dynamicGrowthSteps',
        `\`dynamicGrowthSteps\` must be an integer >= 1. Received: dynamicGrowthSteps=${pyRepr(growth)}`,
      );
    }
    c.string('name', o.name);
    c.throwIfAny();
    this.inner = inner;
    // Keras ≥ 3.10: the wrapper clears any static loss scale of the inner optimizer.
    inner.clearLossScaleFactor();
    this.initialScale = initialScale as number;
    this.dynamicGrowthSteps = growth as number;
    this.scale = f32(this.initialScale);
    this.name =
      (o.name as string | undefined | null) ??
      (lsoCount++ === 0 ? 'loss_scale_optimizer' : `loss_scale_optimizer_${lsoCount - 1}`);
  }

  /** Current dynamic loss scale (float32). */
  get dynamicScale(): number {
    return this.scale;
  }

  /** Consecutive finite steps since the last change of scale. */
  get stepCounter(): number {
    return this.counter;
  }

  /** `loss × dynamicScale`: scale the loss before computing gradients. */
  scaleLoss(loss: number): number {
    return f32(loss * this.scale);
  }

  get iterations(): number {
    return this.inner.iterations;
  }
  /** The inner optimizer's raw micro-step counter (skipped steps do not advance it). */
  get rawIterations(): number {
    return this.inner.rawIterations;
  }
  /** The inner optimizer's engine (after build). */
  get core(): AdamaxCore {
    return this.inner.core;
  }
  get learningRate(): number {
    return this.inner.learningRate;
  }
  set learningRate(value: LearningRateInput) {
    this.inner.learningRate = value;
  }
  get built(): boolean {
    return this.inner.built;
  }

  build(variables: readonly Variable[]): void {
    this.inner.build(variables);
  }

  /** Builds the inner optimizer on a flat layout; use {@link stepFlat} for the hot path. */
  buildFlat(layout: ParamLayout): AdamaxCore {
    this.flat = this.inner.buildFlat(layout);
    return this.flat;
  }

  excludeFromWeightDecay(options: { variables?: readonly Variable[]; names?: readonly string[] } = {}): void {
    this.inner.excludeFromWeightDecay(options);
  }

  finalizeVariableValues(variables?: readonly Variable[]): void {
    this.inner.finalizeVariableValues(variables);
  }

  private afterFinite(): void {
    if (this.counter === this.dynamicGrowthSteps - 1) {
      this.counter = 0;
      this.scale = f32(this.scale * 2);
    } else this.counter += 1;
  }

  private afterNonFinite(): void {
    this.counter = 0;
    this.scale = f32(this.scale * 0.5);
  }

  /**
   * One step with scaled gradients. Returns `SkippedNonFinite` (and halves the scale) when any
   * gradient holds NaN/±Infinity; otherwise unscales and delegates to the inner `apply`. With
   * `nonFinite: 'skip' | 'error'`, a step whose *result* is not finite (a NaN learning rate, an
   * overflow) is rolled back and treated like a non-finite gradient (skipped, scale halved).
   */
  apply(
    grads: readonly (Float32Array | null)[],
    variables?: readonly Variable[],
    options: ApplyOptions = {},
  ): StepOutcome | null {
    const guarded = (options?.nonFinite ?? 'propagate') !== 'propagate';
    if (!Array.isArray(grads)) {
      throw new InvalidOptionError([
        { option: 'grads', message: `\`grads\` must be a list. Received: ${pyRepr(grads)}` },
      ]);
    }
    if (grads.length === 0) return null;
    let finite = true;
    for (const g of grads) {
      if (!g) continue;
      if (!(g instanceof Float32Array))
        throw new ShapeError(`Gradients must be Float32Array or null. Received: ${pyRepr(g)}`);
      for (let i = 0; i < g.length && finite; i++) if (!Number.isFinite(g[i]!)) finite = false;
    }
    if (!finite) {
      // Validate (unknown variables, lengths) without touching state, as a finite step would.
      this.inner.validateApply(grads, variables);
      this.afterNonFinite();
      return StepOutcome.SkippedNonFinite;
    }
    const s = this.scale;
    const unscaled = grads.map((g) => {
      if (!g) return null;
      const out = new Float32Array(g.length);
      for (let i = 0; i < g.length; i++) out[i] = f32(g[i]! / s);
      return out;
    });
    const outcome = this.inner.apply(unscaled, variables, { nonFinite: guarded ? 'skip' : 'propagate' });
    if (outcome === StepOutcome.SkippedNonFinite) this.afterNonFinite();
    else this.afterFinite();
    return outcome;
  }

  /** Keras `apply_gradients(grads_and_vars)` with scaled gradients. */
  applyGradients(
    pairs: readonly (readonly [Float32Array | null, Variable])[],
    options: ApplyOptions = {},
  ): StepOutcome | null {
    const { grads, vars } = splitGradsAndVars(pairs);
    return this.apply(grads, vars, options);
  }

  /**
   * Flat, allocation-free step on `core.grads` (scaled gradients); see {@link apply}. With `policy`
   * `'skip' | 'error'` a non-finite result is rolled back and counts as a skipped step.
   */
  stepFlat(policy: NonFiniteResultPolicy = 'propagate'): StepOutcome {
    const core = this.flat;
    if (!core) throw new AdamaxStreamError('not_built', 'Call `buildFlat(layout)` before `stepFlat()`.');
    const { grads, present } = core;
    const groups = core.layout.groups;
    let finite = true;
    for (let k = 0; k < groups.length && finite; k++) {
      if (!present[k]) continue;
      const end = groups[k]!.offset + groups[k]!.length;
      for (let i = groups[k]!.offset; i < end; i++) {
        if (!Number.isFinite(grads[i]!)) {
          finite = false;
          break;
        }
      }
    }
    if (!finite) {
      this.afterNonFinite();
      return StepOutcome.SkippedNonFinite;
    }
    const s = this.scale;
    for (let k = 0; k < groups.length; k++) {
      if (!present[k]) continue;
      const end = groups[k]!.offset + groups[k]!.length;
      for (let i = groups[k]!.offset; i < end; i++) grads[i] = f32(grads[i]! / s);
    }
    const outcome = policy === 'propagate' ? core.step() : this.inner.finiteStep.step();
    if (outcome === StepOutcome.SkippedNonFinite) this.afterNonFinite();
    else this.afterFinite();
    return outcome;
  }

  /** A new, unbuilt LossScaleOptimizer around `inner.clone()`, with the same initial scale and growth steps. */
  clone(): LossScaleOptimizer {
    return new LossScaleOptimizer(this.inner.clone(), {
      initialScale: this.initialScale,
      dynamicGrowthSteps: this.dynamicGrowthSteps,
      name: this.name,
    });
  }

  getConfig(): LossScaleOptimizerConfig {
    return {
      name: this.name,
      inner_optimizer: {
        module: 'keras.optimizers',
        class_name: 'Adamax',
        config: this.inner.getConfig(),
        registered_name: null,
      },
      initial_scale: this.initialScale,
      dynamic_growth_steps: this.dynamicGrowthSteps,
    };
  }

  static fromConfig(config: LossScaleOptimizerConfig | Record<string, unknown>): LossScaleOptimizer {
    const c = config as Record<string, unknown>;
    const innerCfg = c.inner_optimizer as { config?: Record<string, unknown> } | undefined;
    if (!innerCfg || typeof innerCfg.config !== 'object') {
      throw new InvalidOptionError([
        {
          option: 'inner_optimizer',
          message: `LossScaleOptimizer config needs an 'inner_optimizer'. Received: ${pyRepr(c)}`,
        },
      ]);
    }
    const opts: LossScaleOptimizerOptions = {
      ...(c.initial_scale !== undefined ? { initialScale: c.initial_scale as number } : {}),
      ...(c.dynamic_growth_steps !== undefined ? { dynamicGrowthSteps: c.dynamic_growth_steps as number } : {}),
      ...(c.name !== undefined ? { name: c.name as string } : {}),
    };
    return new LossScaleOptimizer(Adamax.fromConfig(innerCfg.config!), opts);
  }

  saveState(): LossScaleOptimizerState {
    return {
      format: 'adamax-stream/loss-scale-state',
      version: 1,
      dynamicScale: this.scale,
      stepCounter: this.counter,
      inner: this.inner.saveState(),
    };
  }

  loadState(state: LossScaleOptimizerState): void {
    if (state?.format !== 'adamax-stream/loss-scale-state' || state.version !== 1) {
      throw new CheckpointError(
        `Not a LossScaleOptimizer state (format 'adamax-stream/loss-scale-state', version 1). Received: ${pyRepr(state?.format)}`,
      );
    }
    const scale = state.dynamicScale;
    if (
      typeof scale !== 'number' ||
      !(scale > 0) ||
      !Number.isFinite(f32(scale)) ||
      f32(scale) === 0 ||
      !Number.isSafeInteger(state.stepCounter) ||
      state.stepCounter < 0
    ) {
      throw new CheckpointError(
        `Invalid loss-scale state: dynamicScale must be a float32-finite number > 0 and stepCounter an integer >= 0. Received: dynamicScale=${pyRepr(state.dynamicScale)}, stepCounter=${pyRepr(state.stepCounter)}.`,
      );
    }
    this.inner.loadState(state.inner);
    this.scale = f32(state.dynamicScale);
    this.counter = state.stepCounter;
  }
}
