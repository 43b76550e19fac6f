import { asyncScheduler, type OperatorFunction, type SchedulerLike, type Subscription } from 'rxjs';
import { CheckpointError } from '../core/errors.js';
import { IssueCollector, pyRepr } from '../core/validate.js';
import { Variable } from '../optim/variable.js';
import { checkCheckpoint } from './decode-checkpoint.js';
import type { Checkpoint, GradientEvent, NonFinitePolicy, StepEvent, StreamOptimizer } from './events.js';
import { ApplyRun } from './internal/apply-run.js';
import { GradientWindow } from './internal/gradient-window.js';
import { operate } from './internal/operate.js';
import { requireOptimizer } from './internal/optimizer.js';
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
  checkArguments(optimizer, variables, options);
  const resume = options.resume;
  const policy = options.nonFinite ?? 'error';
  const windowCount = options.windowCount ?? 0;
  const windowMs = options.windowMs ?? 0;
  const windowed = windowCount > 0 || windowMs > 0;
  const scheduler = options.scheduler ?? asyncScheduler;
  const finalizeOnComplete = options.finalizeOnComplete ?? true;
  const vars = [...variables];

  return operate<GradientEvent, StepEvent>((subscriber) => {
    const run = new ApplyRun(optimizer, vars, policy, resume, subscriber);
    const window = windowed ? new GradientWindow(vars.map((v) => v.value.length)) : null;
    let timer: Subscription | null = null;
    const flush = (): void => {
      timer?.unsubscribe();
      timer = null;
      if (!window || window.size === 0) return;
      const w = window.take();
      run.microStep(w.grads, w.loss, w.time);
    };
    const onTimer = (): void => {
      timer = null;
      if (subscriber.closed) return;
      try {
        flush();
      } catch (e) {
        subscriber.error(e);
      }
    };
    return {
      next: (event) => {
        run.checkShape(event);
        run.step++;
        if (event.dropped !== undefined) run.dropped = event.dropped;
        if (!window) {
          run.microStep(event.grads, event.loss, event.time);
          return;
        }
        const opening = window.size === 0;
        window.add(event);
        if (windowCount > 0 && window.size >= windowCount) flush();
        else if (opening && windowMs > 0) timer = scheduler.schedule(onTimer, windowMs);
      },
      complete: () => {
        flush();
        if (!subscriber.closed) run.finish(finalizeOnComplete);
      },
      finalize: () => {
        timer?.unsubscribe();
        timer = null;
      },
    };
  });
}

/** Throws InvalidOptionError / CheckpointError for bad arguments of {@link applyGradients}, before any subscription. */
function checkArguments(
  optimizer: StreamOptimizer,
  variables: readonly Variable[],
  options: ApplyGradientsOptions,
): void {
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
}
