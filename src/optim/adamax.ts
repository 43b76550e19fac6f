import {
  AdamaxStreamError,
  CheckpointError,
  InvalidOptionError,
  NonFiniteGradientError,
  ShapeError,
} from '../core/errors.js';
import { createLayout, type ParamLayout } from '../core/param-layout.js';
import { pyRepr } from '../core/validate.js';
import type { KernelArena } from '../core/wasm/kernel-arena.js';
import { type AdamaxBackend, AdamaxCore, type AdamaxHyperParameters, StepOutcome } from './adamax-core.js';
import { type AdamaxOptions, resolveAdamaxOptions } from './adamax-options.js';
import { checkAdamaxState } from './check-adamax-state.js';
import { FiniteStep, firstNonFinite, type NonFiniteResultPolicy } from './finite-step.js';
import type { LearningRate, LearningRateInput } from './learning-rate.js';
import { deserializeSchedule } from './schedules/deserialize-schedule.js';
import { LearningRateSchedule } from './schedules/learning-rate-schedule.js';
import { splitGradsAndVars } from './split-grads-and-vars.js';
import type { Variable } from './variable.js';

/** Keras `get_config()` of Adamax (snake_case keys, Keras order), JSON-serialisable. */
export interface AdamaxConfig {
  name: string;
  learning_rate: number | Record<string, unknown>;
  weight_decay: number | null;
  clipnorm: number | null;
  global_clipnorm: number | null;
  clipvalue: number | null;
  use_ema: boolean;
  ema_momentum: number;
  ema_overwrite_frequency: number | null;
  loss_scale_factor: number | null;
  gradient_accumulation_steps: number | null;
  beta_1: number;
  beta_2: number;
  epsilon: number;
}

/** A saved optimizer state: plain data (typed arrays included), survives `structuredClone`. */
export interface AdamaxState {
  readonly format: 'adamax-stream/adamax-state';
  readonly version: 1;
  readonly name: string;
  readonly groups: readonly { readonly name: string; readonly length: number }[];
  readonly rawIterations: number;
  /** Stored float32 learning rate, or `null` for a schedule/callable learning rate. */
  readonly learningRate: number | null;
  readonly m: Float32Array;
  readonly u: Float32Array;
  readonly average: Float32Array | null;
  readonly acc: Float32Array | null;
}

const nameCounts = new Map<string, number>();

/**
 * `apply` streams separate gradient arrays (`AdamaxCore.stepFrom`) from this many parameters on.
 * Below it the copy into `core.grads` stays in cache and streaming saves nothing (measured on a
 * 2-core EPYC: equal at 4,096 and 16,384 parameters, 3 % faster at 32,768, 8 % at 100,000).
 */
const STREAM_MIN_FLOATS = 32768;
function autoName(base: string): string {
  const n = nameCounts.get(base) ?? 0;
  nameCounts.set(base, n + 1);
  return n === 0 ? base : `${base}_${n}`;
}

function defaultWarn(message: string): void {
  const p = (globalThis as { process?: { emitWarning?: (m: string, t: string) => void } }).process;
  p?.emitWarning?.(message, 'UserWarning');
}

/**
 * Keras 3 `Adamax` (Kingma & Ba 2015, §7.1), exact to float32: the infinity-norm variant of
 * Adam with every `optimizer_adamax()` argument — schedules, clipping, decoupled weight
 * decay, EMA of weights, loss scaling, gradient accumulation — in Keras' order.
 * ```
 * m ← m + (g − m)(1 − β1)
 * u ← max(β2 · u, |g|)
 * w ← w − lr · m / ((1 − β1^t)(u + ε))
 * ```
 * The math lives in {@link AdamaxCore}; this class maps variables onto its flat buffers.
 *
 * @example
 * const w = new Variable([1, 2, 3, 4], { name: 'w' });
 * const opt = new Adamax({ learningRate: 0.5 });
 * opt.apply([new Float32Array([1, 6, 7, 2])], [w]); // w.value → [0.5, 1.5, 2.5, 3.5]
 */
export class Adamax {
  readonly name: string;
  private hp: AdamaxHyperParameters;
  private readonly lr: LearningRate;
  private readonly backend: AdamaxBackend;
  private readonly warn: (message: string) => void;
  private readonly warned = new Set<string>();
  private engine: AdamaxCore | null = null;
  private vars: Variable[] | null = null;
  private varIndex: Map<Variable, number> | null = null;
  private excludeVars: Set<Variable> = new Set();
  private excludeNames: RegExp | null = null;
  private pendingState: AdamaxState | null = null;
  private readonly options: AdamaxOptions;

  constructor(options: AdamaxOptions = {}) {
    const r = resolveAdamaxOptions(options);
    this.options = options;
    this.hp = r.hp;
    this.lr = r.learningRate;
    this.backend = r.backend;
    this.name = r.name ?? autoName('adamax');
    this.warn = options.onWarning ?? defaultWarn;
    for (const w of r.warnings) this.warnOnce(w);
  }

  private warnOnce(message: string): void {
    if (this.warned.has(message)) return;
    this.warned.add(message);
    this.warn(message);
  }

  /** The hyper-parameters in force (read-only). */
  get hyperParameters(): AdamaxHyperParameters {
    return this.hp;
  }

  /** Whether `build` / `buildFlat` has run. */
  get built(): boolean {
    return this.engine !== null;
  }

  /** The engine (after build): flat `params`/`grads` and `step()` for allocation-free use. */
  get core(): AdamaxCore {
    if (!this.engine) {
      throw new AdamaxStreamError(
        'not_built',
        'The optimizer is not built. Call `build(variables)` or `buildFlat(layout)` first.',
      );
    }
    return this.engine;
  }

  /** Real updates so far: floor(raw micro-steps / gradientAccumulationSteps). */
  get iterations(): number {
    if (this.engine) return this.engine.iterations;
    const raw = this.pendingState?.rawIterations ?? 0;
    const n = this.hp.gradientAccumulationSteps;
    return n ? Math.floor(raw / n) : raw;
  }

  /** Raw micro-step counter (Keras `_iterations`; what schedules read). */
  get rawIterations(): number {
    return this.engine ? this.engine.rawIterations : (this.pendingState?.rawIterations ?? 0);
  }

  /** Current learning rate (float32): the stored value, the schedule at the raw counter, or the callable's result. */
  get learningRate(): number {
    return this.lr.read(this.rawIterations);
  }

  set learningRate(value: LearningRateInput) {
    this.lr.set(value);
  }

  /**
   * Sets a number learning rate to `source[index]` without boxing a double (for per-block rates in
   * audio loops; allocation-free). Throws for an optimizer whose learning rate is a schedule or a
   * callable, or for a non-finite value (the rate is then unchanged).
   */
  setLearningRateFrom(source: Float64Array, index: number): void {
    this.lr.setValueFrom(source, index);
  }

  /** Sets the learning rate to a number, a schedule or a function (same rules as the setter). */
  setLearningRate(value: LearningRateInput): void {
    this.lr.set(value);
  }

  /**
   * Builds the optimizer state for `variables` (optional: `apply` builds on first use).
   * Calling it again on a built optimizer does nothing (Keras).
   */
  build(variables: readonly Variable[]): void {
    if (this.engine) return;
    if (!Array.isArray(variables) || variables.length === 0) {
      throw new InvalidOptionError([
        {
          option: 'variables',
          message: `\`build\` needs a non-empty list of Variables. Received: ${pyRepr(variables)}`,
        },
      ]);
    }
    const seen = new Set<Variable>();
    for (const v of variables) {
      if (!v || !(v.value instanceof Float32Array)) {
        throw new InvalidOptionError([{ option: 'variables', message: `Not a Variable: ${pyRepr(v)}` }]);
      }
      if (seen.has(v)) {
        throw new InvalidOptionError([{ option: 'variables', message: `Variable ${v} is listed twice.` }]);
      }
      seen.add(v);
    }
    const layout = createLayout(variables.map((v, i) => ({ name: `${i}:${v.name}`, length: v.value.length })));
    this.checkPendingLayout(layout);
    this.vars = [...variables];
    this.varIndex = new Map(this.vars.map((v, i) => [v, i]));
    this.makeEngine(
      layout,
      this.vars.map((v) => v.name),
    );
    const core = this.engine!;
    // zero-copy: each variable's value becomes its slice of the engine's weights
    this.views = this.vars.map((v, i) => {
      const g = layout.groups[i]!;
      return v.bindStorage(core.params.subarray(g.offset, g.offset + g.length));
    });
    this.gradViews = layout.groups.map((g) => core.grads.subarray(g.offset, g.offset + g.length));
    this.sources = layout.groups.map(() => null);
  }

  /** Each built variable's slice of the engine's weights (what its `value` is while bound here). */
  private views: Float32Array[] = [];
  /** Each built variable's slice of the engine's gradient buffer. */
  private gradViews: Float32Array[] = [];
  /** The gradient `apply` received for each group this call (null: none). */
  private sources: (Float32Array | null)[] = [];

  /**
   * The engine's gradient slot of `variable` (built with {@link build}): a gradient written into it
   * and passed to {@link apply} is used in place, without the copy `apply` makes of other arrays.
   * Valid for the optimizer's lifetime; `apply` consumes it like `core.grads` (clipping and loss
   * scaling rewrite it).
   */
  gradientBuffer(variable: Variable): Float32Array {
    const k = this.varIndex?.get(variable);
    if (k === undefined) {
      throw new AdamaxStreamError(
        'unknown_variable',
        `Unknown variable: ${String(variable)}. Build the optimizer on it first.`,
      );
    }
    return this.gradViews[k]!;
  }

  /**
   * Builds on a flat parameter layout and returns the allocation-free engine:
   * write gradients into `core.grads`, call `core.step()`, read `core.params`.
   *
   * @example
   * const core = new Adamax({ learningRate: 0.01 }).buildFlat(createLayout([{ name: 'taps', length: 64 }]));
   * model.lossAndGrad(core.params, frame, core.grads); core.step();
   *
   * `options.arena`: allocate the engine's buffers in this {@link KernelArena} (it must have
   * `AdamaxCore.arenaBytes(layout.size, hyperParameters)` bytes free), e.g. the arena of a model
   * state, so that the model's kernels read the weights and write the gradients with no copy.
   */
  buildFlat(layout: ParamLayout, options: { readonly arena?: KernelArena } = {}): AdamaxCore {
    if (this.engine) {
      throw new AdamaxStreamError(
        'invalid_argument',
        `Optimizer '${this.name}' is already built; create a new optimizer for a new layout.`,
      );
    }
    this.checkPendingLayout(layout);
    this.makeEngine(
      layout,
      layout.groups.map((g) => g.name),
      options.arena,
    );
    return this.engine!;
  }

  /** A state loaded before build must fit the layout; checked before anything is built (atomic). */
  private checkPendingLayout(layout: ParamLayout): void {
    const s = this.pendingState;
    if (s) checkLayout(s, layout);
  }

  private makeEngine(layout: ParamLayout, names: readonly string[], arena?: KernelArena): void {
    const core = new AdamaxCore(layout, this.hp, this.lr, this.backend, arena);
    this.engine = core;
    this.guard = null;
    this.groupNames = names;
    this.refreshDecayMask();
    if (this.pendingState) {
      const s = this.pendingState;
      this.pendingState = null;
      this.restore(s);
    }
  }

  private groupNames: readonly string[] = [];
  private guard: FiniteStep | null = null;

  /**
   * The transactional step of the engine (built on first use): runs `core.step()` and rolls it back
   * when the new weights or moments are not finite. See {@link FiniteStep}.
   */
  get finiteStep(): FiniteStep {
    if (!this.guard) this.guard = new FiniteStep(this.core);
    return this.guard;
  }

  private refreshDecayMask(): void {
    const core = this.engine;
    if (!core) return;
    for (let k = 0; k < this.groupNames.length; k++) {
      const byVar = this.vars ? this.excludeVars.has(this.vars[k]!) : false;
      const byName = this.excludeNames ? this.excludeNames.test(this.groupNames[k]!) : false;
      core.decayMask[k] = byVar || byName ? 0 : 1;
    }
  }

  /**
   * Excludes variables from weight decay, by identity and/or by name (each name is a regular
   * expression *searched* in the variable name, Keras `re.search`). A new call replaces both
   * previous settings; it takes effect from the next step.
   */
  excludeFromWeightDecay(options: { variables?: readonly Variable[]; names?: readonly string[] } = {}): void {
    const { variables, names } = options;
    if (names !== undefined && (!Array.isArray(names) || !names.every((n) => typeof n === 'string'))) {
      throw new InvalidOptionError([
        { option: 'names', message: `\`names\` must be a list of strings. Received: names=${pyRepr(names)}` },
      ]);
    }
    let re: RegExp | null = null;
    if (names && names.length > 0) {
      try {
        re = new RegExp(names.join('|'));
      } catch (cause) {
        throw new InvalidOptionError([
          {
            option: 'names',
            message: `\`names\` do not form a valid regular expression: ${String(cause)}. Received: names=${pyRepr(names)}`,
          },
        ]);
      }
    }
    this.excludeVars = new Set(variables ?? []);
    this.excludeNames = re;
    this.refreshDecayMask();
  }

  /**
   * Keras `apply(grads, trainable_variables)`: one micro-step, in place on the variables.
   * A `null` gradient skips that variable this step (it still takes part in EMA). All checks
   * run before any state changes.
   */
  apply(
    grads: readonly (Float32Array | null)[],
    variables?: readonly Variable[],
    options: ApplyOptions = {},
  ): StepOutcome | null {
    const policy = applyPolicy(options);
    if (!Array.isArray(grads)) {
      throw new InvalidOptionError([
        { option: 'grads', message: `\`grads\` must be a list. Received: ${pyRepr(grads)}` },
      ]);
    }
    if (grads.length === 0) return null;
    const idx = this.resolveIndices(grads, variables);
    this.checkGrads(grads, idx);
    if (policy === 'error') this.refuseNonFiniteGrads(grads, idx);
    const core = this.engine!;
    const all = this.vars!;
    const groups = core.layout.groups;
    const sources = this.sources;
    sources.fill(null);
    let missing: string[] | null = null;
    for (let i = 0; i < grads.length; i++) {
      const k = idx[i]!;
      sources[k] = grads[i] ?? null;
      if (sources[k] !== null) continue;
      if (missing === null) missing = [];
      missing.push(all[k]!.name);
    }
    if (missing) {
      this.warnOnce(
        `Gradients do not exist for variables ${pyRepr(missing)} when minimizing the loss. If using \`model.compile()\`, did you forget to provide a \`loss\` argument?`,
      );
    }
    // variables bound to this engine are updated in place; others (re-bound elsewhere) are copied
    const views = this.views;
    for (let k = 0; k < all.length; k++)
      if (all[k]!.value !== views[k]) core.params.set(all[k]!.value, groups[k]!.offset);
    const outcome =
      policy === 'propagate' &&
      core.streamsGradients &&
      core.params.length >= STREAM_MIN_FLOATS &&
      this.outsideEngine(sources)
        ? core.stepFrom(sources)
        : this.stepCopied(sources, policy);
    sources.fill(null);
    if (outcome === StepOutcome.SkippedNonFinite && policy === 'error') {
      throw new NonFiniteGradientError(core.rawIterations, this.finiteStep.describeRejection());
    }
    for (let k = 0; k < all.length; k++) if (all[k]!.value !== views[k]) all[k]!.value.set(views[k]!);
    for (let k = 0; k < all.length; k++) if (core.present[k] && all[k]!.constraint) all[k]!.constraint!(all[k]!.value);
    return outcome;
  }

  /** Whether no gradient shares the engine's memory (its slots, weights or state): `stepFrom` may stream them. */
  private outsideEngine(sources: readonly (Float32Array | null)[]): boolean {
    const buffer = this.engine!.arena.buffer;
    for (const g of sources) if (g !== null && g.buffer === buffer) return false;
    return true;
  }

  /** `apply`'s step through `core.grads`: copies each gradient into its slot (unless it is the slot). */
  private stepCopied(sources: readonly (Float32Array | null)[], policy: NonFiniteResultPolicy): StepOutcome {
    const core = this.engine!;
    const groups = core.layout.groups;
    for (let k = 0; k < sources.length; k++) {
      const g = sources[k]!;
      core.present[k] = g ? 1 : 0;
      if (g && g !== this.gradViews[k]) core.grads.set(g, groups[k]!.offset);
    }
    return policy === 'propagate' ? core.step() : this.finiteStep.step();
  }

  /**
   * Runs every check `apply` runs (types, lengths, known variables, at least one gradient)
   * without changing any state. Builds the optimizer if variables are given and it is not built.
   */
  validateApply(grads: readonly (Float32Array | null)[], variables?: readonly Variable[]): void {
    const idx = this.resolveIndices(grads, variables);
    this.checkGrads(grads, idx);
  }

  /** Drops a static `lossScaleFactor` (LossScaleOptimizer does this, as Keras ≥ 3.10). */
  clearLossScaleFactor(): void {
    if (this.hp.lossScaleFactor === null) return;
    if (this.engine) {
      throw new AdamaxStreamError(
        'invalid_argument',
        'Cannot wrap an already built optimizer that has a `lossScaleFactor`.',
      );
    }
    this.hp = { ...this.hp, lossScaleFactor: null };
  }

  private refuseNonFiniteGrads(grads: readonly (Float32Array | null)[], idx: readonly number[]): void {
    for (let i = 0; i < grads.length; i++) {
      const g = grads[i];
      if (g && firstNonFinite(g, 0, g.length) >= 0) {
        const raw = this.rawIterations;
        throw new NonFiniteGradientError(
          raw,
          `Non-finite gradient (NaN or Infinity) for variable '${this.vars![idx[i]!]!.name}' at raw iteration ${raw}; the step was not applied.`,
        );
      }
    }
  }

  private checkGrads(grads: readonly (Float32Array | null)[], idx: readonly number[]): void {
    const all = this.vars!;
    let anyGrad = false;
    for (let i = 0; i < grads.length; i++) {
      const g = grads[i];
      if (g === null || g === undefined) continue;
      const v = all[idx[i]!]!;
      if (!(g instanceof Float32Array)) {
        throw new ShapeError(`Gradient for variable '${v.name}' must be a Float32Array. Received: ${pyRepr(g)}`);
      }
      if (g.length !== v.value.length) {
        throw new ShapeError(
          `Gradient for variable '${v.name}' has length ${g.length}, but the variable has length ${v.value.length}.`,
        );
      }
      anyGrad = true;
    }
    if (!anyGrad) throw new AdamaxStreamError('no_gradients', 'No gradients provided for any variable.');
  }

  /** Keras `apply_gradients(grads_and_vars)`. */
  applyGradients(
    pairs: readonly (readonly [Float32Array | null, Variable])[],
    options: ApplyOptions = {},
  ): StepOutcome | null {
    const { grads, vars } = splitGradsAndVars(pairs);
    return this.apply(grads, vars, options);
  }

  private resolveIndices(grads: readonly (Float32Array | null)[], variables?: readonly Variable[]): number[] {
    if (variables === undefined) {
      if (!this.vars) {
        throw new AdamaxStreamError(
          'not_built',
          'When passing `grads` without `variables`, the optimizer must already be built on a list of variables. Call `optimizer.build(trainableVariables)` first.',
        );
      }
      if (grads.length !== this.vars.length) {
        throw new ShapeError(
          `When passing \`grads\` as a list of gradient tensors, the gradients must match \`optimizer.variables\` one-to-one. Received a list of ${grads.length} gradients, but the optimizer is tracking ${this.vars.length} trainable variables.`,
        );
      }
      return grads.map((_, i) => i);
    }
    if (!Array.isArray(variables) || variables.length !== grads.length) {
      throw new ShapeError(
        `\`grads\` and \`variables\` must have the same length. Received ${grads.length} gradients and ${Array.isArray(variables) ? variables.length : pyRepr(variables)} variables.`,
      );
    }
    if (!this.engine) this.build(variables);
    else if (!this.vars) {
      throw new AdamaxStreamError(
        'invalid_argument',
        `Optimizer '${this.name}' was built on a flat layout; use \`core.step()\`.`,
      );
    }
    const out: number[] = [];
    for (const v of variables) {
      const i = this.varIndex!.get(v);
      if (i !== undefined && out.includes(i)) {
        throw new InvalidOptionError([
          { option: 'variables', message: `Variable ${String(v)} is passed twice to one apply call.` },
        ]);
      }
      if (i === undefined) {
        throw new AdamaxStreamError(
          'unknown_variable',
          `Unknown variable: ${String(v)}. This optimizer can only be called for the variables it was originally built with. When working with a new set of variables, you should recreate a new optimizer instance.`,
        );
      }
      out.push(i);
    }
    return out;
  }

  /**
   * Copies the EMA averages into the variables (Keras `finalize_variable_values`, which
   * `fit()` calls after the last epoch). No-op without EMA.
   */
  finalizeVariableValues(variables?: readonly Variable[]): void {
    if (!this.hp.useEma || !this.engine) return;
    const core = this.engine;
    if (!this.vars) {
      core.finalize();
      return;
    }
    const list = variables ?? this.vars;
    if (list.length !== this.vars.length) {
      throw new ShapeError(
        `finalizeVariableValues expects all ${this.vars.length} variables the optimizer was built with. Received ${list.length}.`,
      );
    }
    const groups = core.layout.groups;
    for (let i = 0; i < list.length; i++) {
      const k = this.varIndex!.get(list[i]!);
      if (k === undefined) {
        throw new AdamaxStreamError('unknown_variable', `Unknown variable: ${String(list[i])}.`);
      }
      const g = groups[k]!;
      list[i]!.value.set(core.average!.subarray(g.offset, g.offset + g.length));
    }
  }

  /**
   * A new, unbuilt optimizer with the same settings: every option (also `backend` and `onWarning`),
   * the current learning rate (a schedule or function is shared, a number copied) and the weight-decay
   * exclusions by name (exclusions by variable identity do not carry over to other variables).
   * No state is copied: use `saveState`/`loadState` for that.
   */
  clone(): Adamax {
    const copy = new Adamax({ ...this.options, learningRate: this.lr.input, name: this.name });
    copy.excludeNames = this.excludeNames;
    copy.excludeVars = new Set(this.excludeVars);
    return copy;
  }

  /** Keras `get_config()`: snake_case keys in Keras' order; a number learning rate is its float32 value. */
  getConfig(): AdamaxConfig {
    let lr: AdamaxConfig['learning_rate'];
    if (this.lr.isValue) lr = this.lr.storedValue;
    else if (this.lr.isSchedule) lr = this.lr.scheduleObject!.serialize() as unknown as Record<string, unknown>;
    else {
      throw new AdamaxStreamError(
        'invalid_argument',
        'The learning rate of this optimizer is a function, which has no serialisable config. Use a number or a LearningRateSchedule.',
      );
    }
    const hp = this.hp;
    return {
      name: this.name,
      learning_rate: lr,
      weight_decay: hp.weightDecay,
      clipnorm: hp.clipnorm,
      global_clipnorm: hp.globalClipnorm,
      clipvalue: hp.clipvalue,
      use_ema: hp.useEma,
      ema_momentum: hp.emaMomentum,
      ema_overwrite_frequency: hp.emaOverwriteFrequency,
      loss_scale_factor: hp.lossScaleFactor,
      gradient_accumulation_steps: hp.gradientAccumulationSteps,
      beta_1: hp.beta1,
      beta_2: hp.beta2,
      epsilon: hp.epsilon,
    };
  }

  /** Keras `from_config`: accepts the snake_case config (from `getConfig` or from Python Keras). */
  static fromConfig(config: AdamaxConfig | Record<string, unknown>): Adamax {
    return new Adamax(adamaxOptionsFromConfig(config as Record<string, unknown>));
  }

  /** Snapshot of the optimizer state (not the variables): plain data, `structuredClone`-able. */
  saveState(): AdamaxState {
    const core = this.core;
    return {
      format: 'adamax-stream/adamax-state',
      version: 1,
      name: this.name,
      groups: core.layout.groups.map((g) => ({ name: g.name, length: g.length })),
      rawIterations: core.rawIterations,
      learningRate: this.lr.isValue ? this.lr.storedValue : null,
      m: core.m.slice(),
      u: core.u.slice(),
      average: core.average ? core.average.slice() : null,
      acc: core.acc ? core.acc.slice() : null,
    };
  }

  /**
   * Restores a state from {@link saveState}. Everything is checked at the call, before anything
   * changes (values too: finite moments, `u` ≥ 0, an integer counter, a float32-finite learning rate);
   * on an unbuilt optimizer the state is kept and its layout checked by `build` before building, so
   * a failed build leaves the optimizer unbuilt. A −0 in `u` is stored as +0 (every later step is the
   * same; Keras never writes −0 there). Throws `CheckpointError`.
   */
  loadState(state: AdamaxState): void {
    checkAdamaxState(state, this.hp);
    if (this.engine) checkLayout(state, this.engine.layout);
    if (!this.engine) {
      // Kept until build; the learning rate is restored now so that a setter called between
      // loadState and the first apply wins, as it would on a built optimizer.
      this.pendingState = {
        ...state,
        groups: state.groups.map((g) => ({ name: g.name, length: g.length })),
        m: state.m.slice(),
        u: state.u.slice(),
        average: state.average ? state.average.slice() : null,
        acc: state.acc ? state.acc.slice() : null,
      };
    } else this.restore(state);
    if (state.learningRate !== null && this.lr.isValue) this.lr.restoreValue(state.learningRate);
  }

  private restore(state: AdamaxState): void {
    const core = this.engine!;
    core.m.set(state.m);
    core.u.set(state.u);
    core.normalizeU();
    if (state.average) core.average!.set(state.average);
    if (state.acc) core.acc!.set(state.acc);
    core.rawIterations = state.rawIterations;
  }
}

/** Options of {@link Adamax.apply} that are not Keras arguments. */
export interface ApplyOptions {
  /**
   * What to do when the gradients or the step's result (weights, moments) are not finite:
   * `'propagate'` (default, Keras), `'skip'` (roll back, return `SkippedNonFinite`) or `'error'`
   * (roll back, throw `NonFiniteGradientError`).
   */
  readonly nonFinite?: NonFiniteResultPolicy;
}

function applyPolicy(options: ApplyOptions): NonFiniteResultPolicy {
  const p = (options as ApplyOptions | null)?.nonFinite ?? 'propagate';
  if (p !== 'propagate' && p !== 'skip' && p !== 'error') {
    throw new InvalidOptionError([
      {
        option: 'nonFinite',
        message: `\`nonFinite\` must be 'error', 'skip' or 'propagate'. Received: nonFinite=${pyRepr(p)}`,
      },
    ]);
  }
  return p;
}

function checkLayout(state: AdamaxState, layout: ParamLayout): void {
  const groups = layout.groups;
  if (state.groups.length !== groups.length || state.groups.some((g, i) => g.length !== groups[i]!.length)) {
    throw new CheckpointError(
      `State layout [${state.groups.map((g) => g.length).join(', ')}] does not match the optimizer's variables [${groups.map((g) => g.length).join(', ')}].`,
    );
  }
}

const CONFIG_KEYS: Record<string, string> = {
  name: 'name',
  learning_rate: 'learningRate',
  weight_decay: 'weightDecay',
  clipnorm: 'clipnorm',
  global_clipnorm: 'globalClipnorm',
  clipvalue: 'clipvalue',
  use_ema: 'useEma',
  ema_momentum: 'emaMomentum',
  ema_overwrite_frequency: 'emaOverwriteFrequency',
  loss_scale_factor: 'lossScaleFactor',
  gradient_accumulation_steps: 'gradientAccumulationSteps',
  beta_1: 'beta1',
  beta_2: 'beta2',
  epsilon: 'epsilon',
  decay: 'decay',
};

/** Maps a Keras snake_case Adamax config to constructor options (schedules deserialised). */
export function adamaxOptionsFromConfig(config: Record<string, unknown>): AdamaxOptions {
  if (typeof config !== 'object' || config === null) {
    throw new InvalidOptionError([
      { option: 'config', message: `Adamax config must be an object. Received: ${pyRepr(config)}` },
    ]);
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(config)) {
    const key = CONFIG_KEYS[k] ?? k;
    if (key === 'learningRate' && typeof v === 'object' && v !== null && !(v instanceof LearningRateSchedule)) {
      out[key] = deserializeSchedule(v);
    } else out[key] = v;
  }
  return out as AdamaxOptions;
}
