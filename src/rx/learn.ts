import { Observable, type OperatorFunction } from 'rxjs';
import {
  AdamaxStreamError,
  CheckpointError,
  InvalidOptionError,
  NonFiniteGradientError,
  ShapeError,
} from '../core/errors.js';
import { IssueCollector, pyRepr } from '../core/validate.js';
import type { AdaptiveModel, ModelState } from '../models/adaptive-model.js';
import { Adamax } from '../optim/adamax.js';
import { type AdamaxCore, StepOutcome } from '../optim/adamax-core.js';
import { LossScaleOptimizer } from '../optim/loss-scale-optimizer.js';
import { checkCheckpoint } from './decode-checkpoint.js';
import type { Checkpoint, ModelSnapshot, NonFinitePolicy, StepEvent, StepSource, StreamOptimizer } from './events.js';
import { checkQueueOptions, FrameQueue, type QueueOptions } from './internal/frame-queue.js';
import { restoreModelState } from './internal/model-state.js';
import { firstNonFinite, isStreamOptimizer, loadOptimizerState } from './internal/optimizer.js';

/** Makes a fresh, unbuilt optimizer; {@link learn} calls it once per subscription. */
export type OptimizerFactory = () => StreamOptimizer;

export interface LearnOptions {
  /** Attach a fresh copy of each frame's model output to its StepEvent (`output`). Default `false`. */
  readonly emitOutput?: boolean;
  /**
   * On completion, copy the EMA weights into the parameters (Keras `fit()` end; no-op without EMA or
   * before the first micro-step). Default `true`.
   */
  readonly finalizeOnComplete?: boolean;
  /** Non-finite gradients (plain Adamax): `'error'` (default), `'skip'` or `'propagate'`. */
  readonly nonFinite?: NonFinitePolicy;
  /** Bounded live-input queue (drop-oldest); its drop counter is each event's `dropped`. */
  readonly queue?: QueueOptions;
  /** Resume from this checkpoint (optimizer state, parameters, model state, step counter) on subscribe. */
  readonly resume?: Checkpoint;
}

const OPTION_KEYS = ['emitOutput', 'finalizeOnComplete', 'nonFinite', 'queue', 'resume'] as const;

/**
 * The fused learner: frame → `model.step` (output, loss, gradient; prequential) → one optimizer
 * step on the flat parameters → {@link StepEvent}. Buffers are allocated once per subscription
 * (`optimizer.buildFlat(model.layout)`, the model state, one output buffer); a frame allocates
 * only its StepEvent (and an output copy with `emitOutput`). Same numbers, bit for bit, as
 * `gradients(model, w)` + `applyGradients(opt, [w])`.
 *
 * **Every subscription is an independent learner.** An optimizer can be built only once, so
 * `optimizer` is either a factory (called on each subscribe; must return an unbuilt optimizer), or
 * an instance used as a *template*: each subscription gets `template.clone()` (same options, learning
 * rate and weight-decay exclusions by name; no state — use `resume` for that) and the template itself
 * is never built or stepped. A callable learning rate is shared by the clones. The live optimizer of a
 * subscription is `event.source.optimizer`.
 *
 * Non-finite gradients follow `nonFinite` (a LossScaleOptimizer uses its own skip rule). Input
 * frames must be delivered synchronously or through `queue` (see {@link replayFrames} for files).
 *
 * ```
 * frames:  --f1--f2--f3--|
 * learn(fir, () => new Adamax({ learningRate: 0.01 }))
 * steps:   --s1--s2--s3--|      s_k: { outcome, step: k, iterations, loss, … }
 * ```
 *
 * @example
 * const fir = new FirFilter({ taps: 64, frameSize: 512 });
 * replayFrames(fileFrames).pipe(learn(fir, new Adamax({ learningRate: 0.01, useEma: true })), smoothedModel({ every: 100 }));
 */
export function learn<S extends ModelState>(
  model: AdaptiveModel<S>,
  optimizer: StreamOptimizer | OptimizerFactory,
  options: LearnOptions = {},
): OperatorFunction<readonly Float32Array[], StepEvent> {
  const c = new IssueCollector();
  if (!model || typeof model.step !== 'function' || !model.layout) {
    c.add('model', `\`model\` must be an AdaptiveModel. Received: ${pyRepr(model)}`);
  }
  if (c.object('options', options)) {
    c.unknownKeys(options, OPTION_KEYS);
    c.boolean('emitOutput', options.emitOutput);
    c.boolean('finalizeOnComplete', options.finalizeOnComplete);
    c.oneOf('nonFinite', options.nonFinite, ['error', 'skip', 'propagate']);
    checkQueueOptions(options.queue, c);
  }
  const create = optimizerFactory(optimizer, c);
  c.throwIfAny();
  const resume = options.resume;
  if (resume !== undefined) checkResume(model, resume);
  const emitOutput = options.emitOutput ?? false;
  const finalizeOnComplete = options.finalizeOnComplete ?? true;
  const policy = options.nonFinite ?? 'error';
  const queueOptions = options.queue;
  const layout = model.layout;
  const n = layout.size;

  return (source) =>
    new Observable<StepEvent>((subscriber) => {
      let opt: StreamOptimizer;
      let core: AdamaxCore;
      let state: S;
      let step = 0;
      let skippedAtStart = 0;
      let droppedAtStart = 0;
      try {
        opt = create();
        if (!isStreamOptimizer(opt)) {
          throw new InvalidOptionError([
            { option: 'optimizer', message: `The optimizer factory returned ${pyRepr(opt)}, not an optimizer.` },
          ]);
        }
        if (opt.built) {
          throw new AdamaxStreamError(
            'invalid_argument',
            `The optimizer factory returned an already built optimizer ('${opt.name}'); learn needs a fresh one per subscription.`,
          );
        }
        core = opt.buildFlat(layout);
        model.initParams(core.params);
        state = model.createState();
        if (resume) {
          loadOptimizerState(opt, resume.optimizer);
          for (let k = 0; k < layout.groups.length; k++) core.params.set(resume.weights[k]!, layout.groups[k]!.offset);
          state = restoreModelState(state, resume.model!.state);
          step = resume.step;
          if (resume.counters) {
            core.lastLearningRate = resume.counters.lastLearningRate;
            skippedAtStart = resume.counters.skipped;
            droppedAtStart = resume.counters.dropped;
          }
        }
      } catch (e) {
        subscriber.error(e);
        return;
      }
      const lso = opt instanceof LossScaleOptimizer ? opt : null;
      const checksFinite = lso === null && policy !== 'propagate';
      const guard = checksFinite ? (opt as Adamax).finiteStep : null;
      const out = new Float32Array(model.frameSize);
      let skipped = skippedAtStart;
      let live = true;
      const droppedNow = (): number => droppedAtStart + (queue ? queue.dropped : 0);

      const copyGroups = (buf: Float32Array): Float32Array[] =>
        layout.groups.map((g) => buf.slice(g.offset, g.offset + g.length));
      const handle: StepSource = {
        optimizer: opt,
        snapshot: (): ModelSnapshot => ({
          iterations: core.iterations,
          weights: copyGroups(core.average && core.rawIterations > 0 ? core.average : core.params),
        }),
        checkpoint: (): Checkpoint => ({
          format: 'adamax-stream/checkpoint',
          version: 1,
          step,
          groups: layout.groups.map((g) => ({ name: g.name, length: g.length })),
          weights: copyGroups(core.params),
          optimizer: opt.saveState(),
          model: { kind: model.kind, state: structuredClone(state) },
          counters: { lastLearningRate: core.lastLearningRate, skipped, dropped: droppedNow() },
        }),
      };

      const process = (frame: readonly Float32Array[]): boolean => {
        if (!live || subscriber.closed) return false;
        try {
          if (!Array.isArray(frame) || frame.length < model.channels) {
            throw new ShapeError(
              `learn expects each frame to be a list of ${model.channels} Float32Array channel(s) of ${model.frameSize} samples. Received: ${pyRepr(frame)}`,
            );
          }
          const loss = model.step(core.params, state, frame, out, core.grads);
          let outcome: StepOutcome;
          if (lso) outcome = lso.stepFlat(policy);
          else if (checksFinite && firstNonFinite(core.grads, 0, n) >= 0) {
            if (policy === 'error') {
              subscriber.error(new NonFiniteGradientError(core.rawIterations));
              return false;
            }
            outcome = StepOutcome.SkippedNonFinite;
          } else if (checksFinite) {
            outcome = guard!.step();
            if (outcome === StepOutcome.SkippedNonFinite && policy === 'error') {
              subscriber.error(new NonFiniteGradientError(core.rawIterations, guard!.describeRejection()));
              return false;
            }
          } else outcome = core.step();
          if (outcome === StepOutcome.SkippedNonFinite) skipped++;
          step++;
          const dropped = droppedNow();
          if (emitOutput) {
            subscriber.next({
              outcome,
              applied: outcome === StepOutcome.Applied,
              step,
              iterations: core.iterations,
              rawIterations: core.rawIterations,
              learningRate: core.lastLearningRate,
              loss,
              dropped,
              skipped,
              output: out.slice(),
              source: handle,
            });
          } else {
            subscriber.next({
              outcome,
              applied: outcome === StepOutcome.Applied,
              step,
              iterations: core.iterations,
              rawIterations: core.rawIterations,
              learningRate: core.lastLearningRate,
              loss,
              dropped,
              skipped,
              source: handle,
            });
          }
        } catch (e) {
          subscriber.error(e);
        }
        return !subscriber.closed;
      };
      const queue = queueOptions ? new FrameQueue<readonly Float32Array[]>(queueOptions, process) : null;

      const subscription = source.subscribe({
        next: (frame) => {
          if (queue) queue.push(frame);
          else process(frame);
        },
        error: (e) => subscriber.error(e),
        complete: () => {
          if (queue) {
            queue.cancelPending();
            queue.drain();
          }
          if (subscriber.closed) return;
          try {
            // Not before the first micro-step: the EMA average starts at zeros (Keras), finalizing it would zero the weights.
            if (finalizeOnComplete && core.rawIterations > 0) opt.finalizeVariableValues();
          } catch (e) {
            subscriber.error(e);
            return;
          }
          subscriber.complete();
        },
      });
      return () => {
        live = false;
        subscription.unsubscribe();
        queue?.dispose();
      };
    });
}

function optimizerFactory(optimizer: unknown, c: IssueCollector): OptimizerFactory {
  if (typeof optimizer === 'function') return optimizer as OptimizerFactory;
  if (optimizer instanceof LossScaleOptimizer || optimizer instanceof Adamax) {
    const template = optimizer;
    return () => template.clone();
  }
  c.add(
    'optimizer',
    `\`optimizer\` must be an Adamax, a LossScaleOptimizer or a factory returning one. Received: optimizer=${pyRepr(optimizer)}`,
  );
  return () => optimizer as StreamOptimizer;
}

function checkResume(model: AdaptiveModel<ModelState>, cp: Checkpoint): void {
  checkCheckpoint(cp);
  const groups = model.layout.groups;
  if (
    cp.groups.length !== groups.length ||
    cp.groups.some((g, i) => g.name !== groups[i]!.name || g.length !== groups[i]!.length)
  ) {
    throw new CheckpointError(
      `Checkpoint parameter groups [${cp.groups.map((g) => `${g.name}:${g.length}`).join(', ')}] do not match the model's [${groups.map((g) => `${g.name}:${g.length}`).join(', ')}].`,
    );
  }
  if (!cp.model) {
    throw new CheckpointError(
      'The checkpoint has no model state (it was written by a gradient pipeline); learn cannot resume from it.',
    );
  }
  if (cp.model.kind !== model.kind) {
    throw new CheckpointError(`The checkpoint is for a '${cp.model.kind}' model, not '${model.kind}'.`);
  }
}
