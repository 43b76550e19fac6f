import { asyncScheduler, Observable, type OperatorFunction, type SchedulerLike, type Subscription } from 'rxjs';
import {
  AdamaxStreamError,
  CheckpointError,
  InvalidOptionError,
  NonFiniteGradientError,
  ShapeError,
} from '../core/errors.js';
import { IssueCollector, pyRepr } from '../core/validate.js';
import { StepOutcome } from '../optim/adamax-core.js';
import { LossScaleOptimizer } from '../optim/loss-scale-optimizer.js';
import { Variable } from '../optim/variable.js';
import { checkCheckpoint } from './decode-checkpoint.js';
import type {
  Checkpoint,
  GradientEvent,
  ModelSnapshot,
  NonFinitePolicy,
  StepEvent,
  StepSource,
  StreamOptimizer,
} from './events.js';
import {
  firstNonFinite,
  innerOf,
  lastLearningRate,
  loadOptimizerState,
  requireOptimizer,
} from './internal/optimizer.js';
import { checkScheduler } from './internal/options.js';

export interface ApplyGradientsOptions {
  /** Non-finite gradients (plain Adamax): `'error'` (default), `'skip'` or `'propagate'`. See {@link NonFinitePolicy}. */
  readonly nonFinite?: NonFinitePolicy;
  /** Average this many consecutive events into one micro-step (a frame-count window). */
  readonly windowCount?: number;
  /** Average the events of a window lasting this many ms (from its first event) into one micro-step. */
  readonly windowMs?: number;
  /** Scheduler of the `windowMs` timer. Default `asyncScheduler` (use a `TestScheduler` in tests). */
  readonly scheduler?: SchedulerLike;
  /**
   * On completion, copy the EMA weights into the variables (Keras `fit()` end; no-op without EMA or
   * before the first micro-step). Default `true`.
   */
  readonly finalizeOnComplete?: boolean;
  /** Restore this checkpoint (optimizer state + variable values) when subscribed. */
  readonly resume?: Checkpoint;
}

const OPTION_KEYS = ['nonFinite', 'windowCount', 'windowMs', 'scheduler', 'finalizeOnComplete', 'resume'] as const;

/**
 * Applies each {@link GradientEvent} as one Keras micro-step of `optimizer` on `variables` and
 * emits one {@link StepEvent} per micro-step.
 *
 * Without a window, each event is one `optimizer.apply(grads, variables)` call, so the optimizer's
 * `gradientAccumulationSteps`, clipping, weight decay and EMA behave exactly as in Keras: the
 * events of an accumulation group come out as `Accumulated` (1), then one `Applied` (0).
 *
 * Windows (not in Keras) average several events into **one** micro-step, emitting one StepEvent
 * per window: `windowCount: n` closes a window after n events; `windowMs: t` closes it t ms after
 * its first event (on `scheduler`); with both, whichever comes first. Per variable the gradients
 * are summed in float64 and divided by the number of events *that had a gradient for it* (a
 * variable whose gradient was `null` in some events is averaged over the others; `null` in all
 * of them gives a `null` gradient). The loss is the mean over the events that carried one; `time`
 * and `dropped` come from the window's last event. When the source completes, a partial window is
 * applied (divided by its actual count). The non-finite policy applies to each micro-step.
 *
 * Errors (via `subscriber.error`, never thrown out of `next`): a `ShapeError` when an event's
 * gradient list or lengths do not match `variables` (checked before anything changes), a
 * `NonFiniteGradientError` under `nonFinite: 'error'`, anything `apply` throws.
 *
 * The optimizer and the variables you pass **are** the state: every subscription steps the same
 * objects (as Keras does). For an independent learner per subscription use {@link learn}. The
 * optimizer is built on `variables` at subscribe time if it is not built yet (in that order);
 * a built optimizer must have been built on exactly these variables, in this order.
 *
 * ```
 * grads:      --g1--g2--g3--|            gradientAccumulationSteps: 3
 * applyGradients(opt, [w])
 * steps:      --s1--s2--s3--|            s1.outcome = 1, s2.outcome = 1, s3.outcome = 0
 *
 * grads:      --g1--g2--g3--g4--|        windowCount: 2
 * steps:      --------s(g1,g2)----s(g3,g4)|
 * ```
 *
 * @example
 * const w = new Variable(new Float32Array(64), { name: 'taps' });
 * grads$.pipe(applyGradients(new Adamax({ learningRate: 0.01, useEma: true }), [w], { nonFinite: 'skip' }));
 */
export function applyGradients(
  optimizer: StreamOptimizer,
  variables: readonly Variable[],
  options: ApplyGradientsOptions = {},
): OperatorFunction<GradientEvent, StepEvent> {
  requireOptimizer(optimizer);
  const c = new IssueCollector();
  if (!Array.isArray(variables) || variables.length === 0 || !variables.every((v) => v instanceof Variable)) {
    c.add('variables', `\`variables\` must be a non-empty list of Variables. Received: variables=${pyRepr(variables)}`);
  } else if (new Set(variables).size !== variables.length) {
    c.add('variables', 'A variable is listed twice in `variables`.');
  }
  if (c.object('options', options)) {
    c.unknownKeys(options, OPTION_KEYS);
    c.oneOf('nonFinite', options.nonFinite, ['error', 'skip', 'propagate']);
    c.integer('windowCount', options.windowCount, 1, undefined, true);
    c.positive('windowMs', options.windowMs, true);
    checkScheduler(options.scheduler, c);
    c.boolean('finalizeOnComplete', options.finalizeOnComplete);
  }
  c.throwIfAny();
  const resume = options.resume;
  if (resume !== undefined) {
    checkCheckpoint(resume);
    if (
      resume.groups.length !== variables.length ||
      resume.groups.some((g, i) => g.length !== variables[i]!.value.length)
    ) {
      throw new CheckpointError(
        `Checkpoint weights [${resume.groups.map((g) => g.length).join(', ')}] do not match the variables [${variables.map((v) => v.value.length).join(', ')}].`,
      );
    }
  }
  const policy = options.nonFinite ?? 'error';
  const windowCount = options.windowCount ?? 0;
  const windowMs = options.windowMs ?? 0;
  const windowed = windowCount > 0 || windowMs > 0;
  const scheduler = options.scheduler ?? asyncScheduler;
  const finalizeOnComplete = options.finalizeOnComplete ?? true;
  const vars = [...variables];
  const nVars = vars.length;
  const checksFinite = policy !== 'propagate' && !(optimizer instanceof LossScaleOptimizer);

  return (source) =>
    new Observable<StepEvent>((subscriber) => {
      const inner = innerOf(optimizer);
      let step = 0;
      let skipped = 0;
      let dropped = 0;
      try {
        prepareOptimizer(optimizer, vars);
        if (resume) {
          loadOptimizerState(optimizer, resume.optimizer);
          for (let i = 0; i < nVars; i++) vars[i]!.value.set(resume.weights[i]!);
          step = resume.step;
          if (resume.counters) {
            inner.core.lastLearningRate = resume.counters.lastLearningRate;
            skipped = resume.counters.skipped;
            dropped = resume.counters.dropped;
          }
        }
      } catch (e) {
        subscriber.error(e);
        return;
      }

      const weightsNow = (): Float32Array[] => {
        const core = inner.core;
        if (core.average && core.rawIterations > 0) {
          return core.layout.groups.map((g) => core.average!.slice(g.offset, g.offset + g.length));
        }
        return vars.map((v) => v.value.slice());
      };
      const handle: StepSource = {
        optimizer,
        snapshot: (): ModelSnapshot => ({ iterations: optimizer.iterations, weights: weightsNow() }),
        checkpoint: (): Checkpoint => ({
          format: 'adamax-stream/checkpoint',
          version: 1,
          step,
          groups: vars.map((v) => ({ name: v.name, length: v.value.length })),
          weights: vars.map((v) => v.value.slice()),
          optimizer: optimizer.saveState(),
          model: null,
          counters: { lastLearningRate: lastLearningRate(optimizer), skipped, dropped },
        }),
      };

      const checkShape = (event: GradientEvent): void => {
        const grads = event?.grads;
        if (!Array.isArray(grads)) {
          throw new ShapeError(
            `A GradientEvent needs \`grads\`: a list of ${nVars} Float32Array | null. Received: ${pyRepr(grads)}`,
          );
        }
        if (grads.length !== nVars) {
          throw new ShapeError(
            `A GradientEvent has ${grads.length} gradients, but ${nVars} variables are optimized (${vars.map((v) => `'${v.name}'`).join(', ')}).`,
          );
        }
        for (let i = 0; i < nVars; i++) {
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
      };

      /** One micro-step; emits its StepEvent. Returns false when the stream was errored. */
      const microStep = (
        grads: readonly (Float32Array | null)[],
        loss: number | undefined,
        time: number | undefined,
      ) => {
        let outcome: StepOutcome;
        let bad = -1;
        if (checksFinite) {
          for (let i = 0; i < nVars && bad < 0; i++) {
            const g = grads[i];
            if (g && firstNonFinite(g, 0, g.length) >= 0) bad = i;
          }
        }
        if (bad >= 0 && policy === 'error') {
          subscriber.error(
            new NonFiniteGradientError(
              inner.rawIterations,
              `Non-finite gradient (NaN or Infinity) for variable '${vars[bad]!.name}' at raw iteration ${inner.rawIterations}; the step was not applied. Use \`nonFinite: 'skip'\` to skip such steps.`,
            ),
          );
          return;
        }
        if (bad >= 0) outcome = StepOutcome.SkippedNonFinite;
        else {
          // The step itself is transactional too: a non-finite result (NaN learning rate, overflow) is rolled back.
          const r = optimizer.apply(grads, vars, { nonFinite: policy === 'propagate' ? 'propagate' : 'skip' });
          if (r === null) throw new AdamaxStreamError('no_gradients', 'No gradients provided for any variable.');
          outcome = r;
          if (r === StepOutcome.SkippedNonFinite && policy === 'error' && checksFinite) {
            subscriber.error(new NonFiniteGradientError(inner.rawIterations, inner.finiteStep.describeRejection()));
            return;
          }
        }
        if (outcome === StepOutcome.SkippedNonFinite) skipped++;
        const event: {
          -readonly [K in keyof StepEvent]: StepEvent[K];
        } = {
          outcome,
          applied: outcome === StepOutcome.Applied,
          step,
          iterations: optimizer.iterations,
          rawIterations: inner.rawIterations,
          learningRate: lastLearningRate(optimizer),
          dropped,
          skipped,
          source: handle,
        };
        if (loss !== undefined) event.loss = loss;
        if (time !== undefined) event.time = time;
        subscriber.next(event);
      };

      // Window state (allocated only when windowed).
      const sums = windowed ? vars.map((v) => new Float64Array(v.value.length)) : [];
      const avg = windowed ? vars.map((v) => new Float32Array(v.value.length)) : [];
      const counts = new Int32Array(windowed ? nVars : 0);
      const avgList: (Float32Array | null)[] = new Array<Float32Array | null>(nVars).fill(null);
      let inWindow = 0;
      let lossSum = 0;
      let lossCount = 0;
      let lastTime: number | undefined;
      let timer: Subscription | null = null;

      const addToWindow = (event: GradientEvent): void => {
        const grads = event.grads;
        for (let i = 0; i < nVars; i++) {
          const g = grads[i];
          if (!g) continue;
          const s = sums[i]!;
          const n = g.length;
          for (let k = 0; k < n; k++) s[k]! += g[k]!;
          counts[i]!++;
        }
        inWindow++;
        if (event.loss !== undefined) {
          lossSum += event.loss;
          lossCount++;
        }
        lastTime = event.time;
      };

      const flush = (): void => {
        if (timer) {
          timer.unsubscribe();
          timer = null;
        }
        if (inWindow === 0) return;
        for (let i = 0; i < nVars; i++) {
          const c = counts[i]!;
          if (c === 0) {
            avgList[i] = null;
            continue;
          }
          const s = sums[i]!;
          const a = avg[i]!;
          for (let k = 0; k < s.length; k++) a[k] = s[k]! / c;
          s.fill(0);
          counts[i] = 0;
          avgList[i] = a;
        }
        const loss = lossCount > 0 ? lossSum / lossCount : undefined;
        const time = lastTime;
        inWindow = 0;
        lossSum = 0;
        lossCount = 0;
        lastTime = undefined;
        microStep(avgList, loss, time);
      };

      const subscription = source.subscribe({
        next: (event) => {
          if (subscriber.closed) return;
          try {
            checkShape(event);
            step++;
            if (event.dropped !== undefined) dropped = event.dropped;
            if (!windowed) {
              microStep(event.grads, event.loss, event.time);
              return;
            }
            const opening = inWindow === 0;
            addToWindow(event);
            if (windowCount > 0 && inWindow >= windowCount) flush();
            else if (opening && windowMs > 0) {
              timer = scheduler.schedule(() => {
                timer = null;
                if (subscriber.closed) return;
                try {
                  flush();
                } catch (e) {
                  subscriber.error(e);
                }
              }, windowMs);
            }
          } catch (e) {
            subscriber.error(e);
          }
        },
        error: (e) => subscriber.error(e),
        complete: () => {
          if (subscriber.closed) return;
          try {
            if (windowed) flush();
            if (subscriber.closed) return;
            // Not before the first micro-step: the EMA average starts at zeros (Keras), finalizing it would zero the weights.
            if (finalizeOnComplete && inner.rawIterations > 0) optimizer.finalizeVariableValues(vars);
          } catch (e) {
            subscriber.error(e);
            return;
          }
          subscriber.complete();
        },
      });
      return () => {
        subscription.unsubscribe();
        timer?.unsubscribe();
        timer = null;
        sums.length = 0;
        avg.length = 0;
        avgList.length = 0;
      };
    });
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
