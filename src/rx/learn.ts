import type { OperatorFunction } from 'rxjs';
import { CheckpointError } from '../core/errors.js';
import { IssueCollector, pyRepr } from '../core/validate.js';
import type { AdaptiveModel, ModelState } from '../models/adaptive-model.js';
import { Adamax } from '../optim/adamax.js';
import { LossScaleOptimizer } from '../optim/loss-scale-optimizer.js';
import { checkCheckpoint } from './decode-checkpoint.js';
import type { Checkpoint, NonFinitePolicy, StepEvent, StreamOptimizer } from './events.js';
import { checkQueueOptions, FrameQueue, type QueueOptions } from './internal/frame-queue.js';
import { LearnRun, type LearnSettings } from './internal/learn-run.js';
import { operate } from './internal/operate.js';

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
  const settings: LearnSettings = {
    emitOutput: options.emitOutput ?? false,
    finalizeOnComplete: options.finalizeOnComplete ?? true,
    policy: options.nonFinite ?? 'error',
    resume,
  };
  const queueOptions = options.queue;

  return operate<readonly Float32Array[], StepEvent>((subscriber) => {
    const run = new LearnRun(model, create, settings, subscriber);
    const queue = queueOptions
      ? new FrameQueue<readonly Float32Array[]>(queueOptions, (frame) => run.process(frame))
      : null;
    if (queue) run.droppedByQueue = () => queue.dropped;
    return {
      next: (frame) => {
        if (queue) queue.push(frame);
        else run.process(frame);
      },
      complete: () => {
        queue?.cancelPending();
        queue?.drain();
        if (!subscriber.closed) run.finish();
      },
      finalize: () => {
        run.live = false;
        queue?.dispose();
      },
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
