import type { ModelState } from '../models/adaptive-model.js';
import type { Adamax, AdamaxState } from '../optim/adamax.js';
import type { StepOutcome } from '../optim/adamax-core.js';
import type { LossScaleOptimizer, LossScaleOptimizerState } from '../optim/loss-scale-optimizer.js';

/** The optimizers the stream operators drive. */
export type StreamOptimizer = Adamax | LossScaleOptimizer;

/**
 * What happens to a micro-step whose gradient holds NaN or ±Infinity (plain {@link Adamax} only;
 * a {@link LossScaleOptimizer} always applies its own Keras skip rule instead):
 * - `'error'` (default): the stream errors with `NonFiniteGradientError`; no weight changes.
 * - `'skip'`: a `SkippedNonFinite` {@link StepEvent} is emitted and counted in `skipped`; no state changes.
 * - `'propagate'`: the step is applied as is (Keras without loss scaling: the NaNs reach the weights).
 */
export type NonFinitePolicy = 'error' | 'skip' | 'propagate';

/**
 * One Keras micro-step worth of gradients, one entry per variable (`null`: no gradient for that
 * variable, Keras' `None`). Ownership of the arrays passes to the receiver on `next`.
 */
export interface GradientEvent {
  readonly grads: readonly (Float32Array | null)[];
  /** Loss of the frame the gradients came from. */
  readonly loss?: number;
  /** A caller-defined timestamp, passed through to the {@link StepEvent}. */
  readonly time?: number;
  /** The model output for the frame (prequential: computed before this event's update); a fresh copy. */
  readonly output?: Float32Array;
  /** Frames dropped so far by a bounded input queue upstream (cumulative). */
  readonly dropped?: number;
}

/** A copy of the model weights, one `Float32Array` per variable / parameter group. */
export interface ModelSnapshot {
  /** Real optimizer updates so far (Keras `optimizer.iterations`). */
  readonly iterations: number;
  readonly weights: Float32Array[];
}

/**
 * A saved pipeline: optimizer state, weights (one array per variable / parameter group) and, for
 * {@link learn}, the model's per-stream state. Plain data; see `encodeCheckpoint` for the file format.
 */
export interface Checkpoint {
  readonly format: 'adamax-stream/checkpoint';
  readonly version: 1;
  /** Events (frames or gradient events) the pipeline had consumed when the checkpoint was taken. */
  readonly step: number;
  /** Names and lengths of `weights`, in order. */
  readonly groups: readonly { readonly name: string; readonly length: number }[];
  readonly weights: readonly Float32Array[];
  readonly optimizer: AdamaxState | LossScaleOptimizerState;
  /** The model kind and state (`learn`); `null` for a gradient pipeline, which does not own the model state. */
  readonly model: { readonly kind: string; readonly state: ModelState } | null;
  /**
   * The pipeline's counters, so that a resumed stream continues them (absent in checkpoints written
   * before they were saved: a resume then starts them at NaN / 0).
   */
  readonly counters?: CheckpointCounters;
  /**
   * Facts a file pipeline ties to the checkpoint (e.g. the checksum of the output written so far and
   * the input's fingerprint), so that one file covers them atomically. Strings and finite numbers.
   */
  readonly annotations?: Readonly<Record<string, string | number>>;
}

/** Counters of a pipeline that a {@link Checkpoint} carries over to the resumed stream. */
export interface CheckpointCounters {
  /** The learning rate of the last real update (`StepEvent.learningRate`; NaN before the first). */
  readonly lastLearningRate: number;
  /** Micro-steps skipped as non-finite so far (`StepEvent.skipped`). */
  readonly skipped: number;
  /** Input frames dropped so far (`StepEvent.dropped`). */
  readonly dropped: number;
}

/**
 * The learner behind a {@link StepEvent}, valid for the subscription that emitted it. Reading it
 * reflects the state *now*, so read it synchronously when the event arrives.
 */
export interface StepSource {
  /** The optimizer this subscription steps (for `learn`: the subscription's own instance). */
  readonly optimizer: StreamOptimizer;
  /** Copies the weights: the EMA averages when the optimizer uses EMA (after its first step), else the raw weights. */
  snapshot(): ModelSnapshot;
  /** Copies the whole learner state (optimizer, weights, model state) into a {@link Checkpoint}. */
  checkpoint(): Checkpoint;
}

/**
 * What one input event did. Scalars only, plus the `source` handle (and `output` copies when a
 * `learn` pipeline is asked for them).
 */
export interface StepEvent {
  /** `StepOutcome`: 0 applied (weights changed), 1 accumulated (gradient accumulation), 2 skipped (non-finite). */
  readonly outcome: StepOutcome;
  /** `outcome === StepOutcome.Applied`. */
  readonly applied: boolean;
  /** Events consumed by this learner so far, 1-based (continues from a resumed checkpoint's `step`). */
  readonly step: number;
  /** Real updates so far (Keras `optimizer.iterations`). */
  readonly iterations: number;
  /** Raw micro-steps so far (Keras `optimizer._iterations`). */
  readonly rawIterations: number;
  /** The learning rate of the last real update (this step's when `applied`; NaN before the first). */
  readonly learningRate: number;
  /** Loss of the frame (a window: mean over its events that carried one). */
  readonly loss?: number;
  /** The input event's `time` (a window: its last event's). */
  readonly time?: number;
  /** Input frames dropped so far by the bounded live-input queue (drop-oldest); 0 without a queue. */
  readonly dropped: number;
  /** Micro-steps skipped so far as non-finite (policy `'skip'`, or a LossScaleOptimizer's skip rule). */
  readonly skipped: number;
  /** Model output for the frame, a fresh copy (only `learn` with `emitOutput: true`). */
  readonly output?: Float32Array;
  readonly source: StepSource;
}
