import type { OperatorFunction } from 'rxjs';
import { ShapeError } from '../core/errors.js';
import { IssueCollector, pyRepr } from '../core/validate.js';
import type { AdaptiveModel, ModelState } from '../models/adaptive-model.js';
import { Variable } from '../optim/variable.js';
import type { GradientEvent } from './events.js';
import { checkQueueOptions, FrameQueue, type QueueOptions } from './internal/frame-queue.js';
import { operate } from './internal/operate.js';

export interface GradientsOptions {
  /** Bounded live-input queue (drop-oldest); its drop counter goes into each event's `dropped`. */
  readonly queue?: QueueOptions;
}

/**
 * Computes, for each frame (`model.channels` aligned `Float32Array`s of `model.frameSize`), the
 * model output and the gradient of the frame's loss with respect to the flat parameters held by
 * `params` — **prequentially**: with the weights as they are when the frame arrives, i.e. before
 * this frame's update by a synchronous downstream `applyGradients`.
 *
 * Emits `{ grads: [grad], loss, output }`: `grad` and `output` are fresh arrays (ownership passes
 * downstream). The model's per-stream state (delay lines, …) is created per subscription.
 * `params` must hold `model.layout.size` values, initialised by you (see {@link modelVariable}).
 *
 * ```
 * frames:   --f1--f2--|
 * gradients(fir, w)
 * grads:    --g1--g2--|      g_k = { grads: [∂loss_k/∂w], loss_k, output_k }
 * ```
 *
 * @example
 * const w = modelVariable(fir);
 * frames$.pipe(gradients(fir, w), applyGradients(new Adamax({ learningRate: 0.01 }), [w]));
 */
export function gradients<S extends ModelState>(
  model: AdaptiveModel<S>,
  params: Variable,
  options: GradientsOptions = {},
): OperatorFunction<readonly Float32Array[], GradientEvent> {
  const c = new IssueCollector();
  if (!model || typeof model.step !== 'function' || !model.layout) {
    c.add('model', `\`model\` must be an AdaptiveModel. Received: ${pyRepr(model)}`);
  }
  if (!(params instanceof Variable)) {
    c.add('params', `\`params\` must be a Variable. Received: params=${pyRepr(params)}`);
  }
  if (c.object('options', options)) {
    c.unknownKeys(options, ['queue']);
    checkQueueOptions(options.queue, c);
  }
  c.throwIfAny();
  if (params.value.length !== model.layout.size) {
    throw new ShapeError(
      `Variable '${params.name}' has length ${params.value.length}, but the model's parameters have length ${model.layout.size}.`,
    );
  }
  const n = model.layout.size;
  const frameSize = model.frameSize;
  const queueOptions = options.queue;

  return operate<readonly Float32Array[], GradientEvent>((subscriber) => {
    let state: S | null = model.createState();
    const process = (frame: readonly Float32Array[]): boolean => {
      if (subscriber.closed || !state) return false;
      try {
        const grad = new Float32Array(n);
        const output = new Float32Array(frameSize);
        const loss = model.step(params.value, state, frame, output, grad);
        model.postStep?.(params.value, state, grad);
        if (queue) subscriber.next({ grads: [grad], loss, output, dropped: queue.dropped });
        else subscriber.next({ grads: [grad], loss, output });
      } catch (e) {
        subscriber.error(e);
      }
      return !subscriber.closed;
    };
    const queue = queueOptions ? new FrameQueue<readonly Float32Array[]>(queueOptions, process) : null;
    return {
      next: (frame) => {
        if (queue) queue.push(frame);
        else process(frame);
      },
      complete: () => {
        queue?.cancelPending();
        queue?.drain();
      },
      finalize: () => {
        queue?.dispose();
        state = null;
      },
    };
  });
}
