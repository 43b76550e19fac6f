import type { Subscriber } from 'rxjs';
import { AdamaxStreamError, InvalidOptionError, NonFiniteGradientError, ShapeError } from '../../core/errors.js';
import { pyRepr } from '../../core/validate.js';
import type { Adamax, ApplyOptions } from '../../optim/adamax.js';
import { StepOutcome } from '../../optim/adamax-core.js';
import { LossScaleOptimizer } from '../../optim/loss-scale-optimizer.js';
import type { Variable } from '../../optim/variable.js';
import type {
  Checkpoint,
  GradientEvent,
  ModelSnapshot,
  NonFinitePolicy,
  StepEvent,
  StepSource,
  StreamOptimizer,
} from '../events.js';
import { firstNonFinite, innerOf, lastLearningRate, loadOptimizerState } from './optimizer.js';
import { stepEvent } from './step-event.js';

/**
 * One subscription of `applyGradients`: the optimizer built on (or checked against) the variables,
 * the resume state, the counters, and the micro-step that turns a gradient list into a StepEvent.
 */
export class ApplyRun {
  /** Gradient events seen (the StepEvent `step`). */
  step = 0;
  /** The producer's drop counter, as last reported by an event. */
  dropped = 0;
  readonly source: StepSource;
  private skipped = 0;
  private readonly inner: Adamax;
  private readonly checksFinite: boolean;
  /** The options of every `apply` call: the step itself is transactional unless the policy propagates. */
  private readonly applyOptions: ApplyOptions;

  /** @throws when the optimizer was built on other variables, or the resume state does not load */
  constructor(
    private readonly optimizer: StreamOptimizer,
    private readonly vars: readonly Variable[],
    private readonly policy: NonFinitePolicy,
    resume: Checkpoint | undefined,
    private readonly subscriber: Subscriber<StepEvent>,
  ) {
    this.inner = innerOf(optimizer);
    this.checksFinite = policy !== 'propagate' && !(optimizer instanceof LossScaleOptimizer);
    this.applyOptions = { nonFinite: policy === 'propagate' ? 'propagate' : 'skip' };
    prepareOptimizer(optimizer, vars);
    if (resume) {
      loadOptimizerState(optimizer, resume.optimizer);
      for (let i = 0; i < vars.length; i++) vars[i]!.value.set(resume.weights[i]!);
      this.step = resume.step;
      if (resume.counters) {
        this.inner.core.lastLearningRate = resume.counters.lastLearningRate;
        this.skipped = resume.counters.skipped;
        this.dropped = resume.counters.dropped;
      }
    }
    this.source = this.stepSource();
  }

  /** The `source` handle of every StepEvent: snapshots (EMA weights when present) and checkpoints. */
  private stepSource(): StepSource {
    const { optimizer, vars, inner } = this;
    const weightsNow = (): Float32Array[] => {
      const core = inner.core;
      if (core.average && core.rawIterations > 0) {
        return core.layout.groups.map((g) => core.average!.slice(g.offset, g.offset + g.length));
      }
      return vars.map((v) => v.value.slice());
    };
    return {
      optimizer,
      snapshot: (): ModelSnapshot => ({ iterations: optimizer.iterations, weights: weightsNow() }),
      checkpoint: (): Checkpoint => ({
        format: 'adamax-stream/checkpoint',
        version: 1,
        step: this.step,
        groups: vars.map((v) => ({ name: v.name, length: v.value.length })),
        weights: vars.map((v) => v.value.slice()),
        optimizer: optimizer.saveState(),
        model: null,
        counters: { lastLearningRate: lastLearningRate(optimizer), skipped: this.skipped, dropped: this.dropped },
      }),
    };
  }

  /** Throws a ShapeError unless `event.grads` lists one Float32Array (or null) of the right length per variable. */
  checkShape(event: GradientEvent): void {
    const { vars } = this;
    const grads = event?.grads;
    if (!Array.isArray(grads)) {
      throw new ShapeError(
        `A GradientEvent needs \`grads\`: a list of ${vars.length} Float32Array | null. Received: ${pyRepr(grads)}`,
      );
    }
    if (grads.length !== vars.length) {
      throw new ShapeError(
        `A GradientEvent has ${grads.length} gradients, but ${vars.length} variables are optimized (${vars.map((v) => `'${v.name}'`).join(', ')}).`,
      );
    }
    for (let i = 0; i < vars.length; i++) {
      const g = grads[i];
      if (g === null || g === undefined) continue;
      const v = vars[i]!;
      if (!(g instanceof Float32Array)) {
        throw new ShapeError(`Gradient for variable '${v.name}' must be a Float32Array. Received: ${pyRepr(g)}`);
      }
      if (g.length !== v.value.length) {
        throw new ShapeError(
          `Gradient for variable '${v.name}' has length ${g.length}, but the variable has length ${v.value.length}.`,
        );
      }
    }
  }

  /** One micro-step on `grads` under the non-finite policy, then its StepEvent (none if it errored the stream). */
  microStep(grads: readonly (Float32Array | null)[], loss: number | undefined, time: number | undefined): void {
    const outcome = this.optimizerStep(grads);
    if (outcome === null) return;
    if (outcome === StepOutcome.SkippedNonFinite) this.skipped++;
    const event = stepEvent(outcome, this.step, this.inner.core, this.dropped, this.skipped, this.source, loss);
    if (time !== undefined) event.time = time;
    this.subscriber.next(event);
  }

  private optimizerStep(grads: readonly (Float32Array | null)[]): StepOutcome | null {
    const { vars, inner, policy } = this;
    let bad = -1;
    if (this.checksFinite) {
      for (let i = 0; i < vars.length && bad < 0; i++) {
        const g = grads[i];
        if (g && firstNonFinite(g, 0, g.length) >= 0) bad = i;
      }
    }
    if (bad >= 0 && policy === 'error') {
      this.subscriber.error(
        new NonFiniteGradientError(
          inner.rawIterations,
          `Non-finite gradient (NaN or Infinity) for variable '${vars[bad]!.name}' at raw iteration ${inner.rawIterations}; the step was not applied. Use \`nonFinite: 'skip'\` to skip such steps.`,
        ),
      );
      return null;
    }
    if (bad >= 0) return StepOutcome.SkippedNonFinite;
    // The step itself is transactional too: a non-finite result (NaN learning rate, overflow) is rolled back.
    const r = this.optimizer.apply(grads, vars, this.applyOptions);
    if (r === null) throw new AdamaxStreamError('no_gradients', 'No gradients provided for any variable.');
    if (r === StepOutcome.SkippedNonFinite && policy === 'error' && this.checksFinite) {
      this.subscriber.error(new NonFiniteGradientError(inner.rawIterations, inner.finiteStep.describeRejection()));
      return null;
    }
    return r;
  }

  /** On completion: the EMA weights into the variables (not before the first micro-step: the average starts at zeros). */
  finish(finalizeOnComplete: boolean): void {
    if (finalizeOnComplete && this.inner.rawIterations > 0) this.optimizer.finalizeVariableValues(this.vars);
  }
}

/** Builds the optimizer on `vars`, or checks that it was built on exactly these variables in this order. */
function prepareOptimizer(optimizer: StreamOptimizer, vars: readonly Variable[]): void {
  const inner = innerOf(optimizer);
  if (!inner.built) {
    optimizer.build(vars);
    return;
  }
  const groups = inner.core.layout.groups;
  const sameOrder =
    groups.length === vars.length &&
    groups.every((g, i) => g.name === `${i}:${vars[i]!.name}` && g.length === vars[i]!.value.length);
  if (!sameOrder) {
    throw new InvalidOptionError([
      {
        option: 'variables',
        message: `Optimizer '${inner.name}' was built on other variables (or another order, or a flat layout) than the ${vars.length} passed to applyGradients; pass the variables in the order it was built with.`,
      },
    ]);
  }
  // Identity check (same names could be different Variable objects); changes no state.
  inner.validateApply(
    vars.map((v) => v.value),
    vars,
  );
}
