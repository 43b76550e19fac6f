import type { ParamLayout } from '../core/param-layout.js';

/** Per-stream state of a model (delay lines, spectra, noise estimates): plain typed arrays and numbers. */
export type ModelState = Record<string, Float32Array | Float64Array | Int32Array | number>;

/**
 * An adaptive model driven by an optimizer over one flat parameter buffer (padasip-sized unit).
 *
 * The model object is configuration only; everything that changes while streaming lives in a
 * {@link ModelState} from {@link createState}, so one model can serve many independent streams and
 * its state can be checkpointed (`structuredClone`-able).
 *
 * A frame is `channels` aligned `Float32Array`s of `frameSize` samples: channel 0 is the primary
 * (noisy) signal; further channels are what the model needs (a noise reference, a clean target).
 * Learning is **prequential**: `step` writes the output for the frame using the parameters as they
 * were before this frame's update, then the gradient of the frame's loss. Neither method allocates.
 *
 * A learner drives one frame as `step` → `postStep` (when the model has one) → optimizer update:
 * ```
 * loss = model.step(params, state, frame, output, grad)   // reads params, never writes them
 * model.postStep?.(params, state, grad)                   // the model's own move, if any
 * optimizer.apply(grad)                                   // params ← update(params, grad)
 * ```
 * `step` and `forward` never write `params`: only the optimizer and `postStep` do.
 */
export interface AdaptiveModel<S extends ModelState = ModelState> {
  /** Short identifier, e.g. `'fir'`. */
  readonly kind: string;
  /** Named parameter groups of the flat parameter buffer. */
  readonly layout: ParamLayout;
  /** Samples per channel in one frame. */
  readonly frameSize: number;
  /** Number of aligned input channels per frame (≥ 1). */
  readonly channels: number;
  /** Writes the initial parameter values into `params` (length `layout.size`). */
  initParams(params: Float32Array): void;
  /** Fresh per-stream state. */
  createState(): S;
  /**
   * Output for the frame with the current parameters, the loss of that output, and ∂loss/∂params
   * into `grad` (overwritten). Advances the state by one frame.
   */
  step(
    params: Float32Array,
    state: S,
    frame: readonly Float32Array[],
    output: Float32Array,
    grad: Float32Array,
  ): number;
  /** Output only, no gradient (applying a fixed or smoothed model). Advances the state by one frame. */
  forward(params: Float32Array, state: S, frame: readonly Float32Array[], output: Float32Array): void;
  /**
   * Optional post-step hook, the one place where a model moves its own parameters outside the
   * optimizer (e.g. a jump to a new noise level that the optimizer's rate limit would take seconds to
   * reach). A learner calls it once per learned frame, right after `step` and before the optimizer
   * applies `grad`, with the same `params` and `state`. A hook that moves parameters rewrites `grad`
   * as the gradient of the frame's loss at the moved parameters. It reads only its arguments (what it
   * needs from the frame, `step` left in `state`), so streams may interleave `step` and `postStep`
   * calls on one model object. Allocation-free.
   */
  postStep?(params: Float32Array, state: S, grad: Float32Array): void;
}
