import { CheckpointError, InvalidOptionError } from '../../core/errors.js';
import { pyRepr } from '../../core/validate.js';
import { Adamax, type AdamaxState } from '../../optim/adamax.js';
import { LossScaleOptimizer, type LossScaleOptimizerState } from '../../optim/loss-scale-optimizer.js';
import type { StreamOptimizer } from '../events.js';

/** Whether `x` is an optimizer the operators can drive. */
export function isStreamOptimizer(x: unknown): x is StreamOptimizer {
  return x instanceof Adamax || x instanceof LossScaleOptimizer;
}

/** Throws `InvalidOptionError` unless `x` is an Adamax or LossScaleOptimizer. */
export function requireOptimizer(x: unknown, option = 'optimizer'): StreamOptimizer {
  if (!isStreamOptimizer(x)) {
    throw new InvalidOptionError([
      { option, message: `\`${option}\` must be an Adamax or a LossScaleOptimizer. Received: ${option}=${pyRepr(x)}` },
    ]);
  }
  return x;
}

/** The Adamax doing the math (the inner optimizer of a LossScaleOptimizer). */
export function innerOf(opt: StreamOptimizer): Adamax {
  return opt instanceof LossScaleOptimizer ? opt.inner : opt;
}

/** Learning rate of the last real update (NaN before the first or before build). */
export function lastLearningRate(opt: StreamOptimizer): number {
  const inner = innerOf(opt);
  return inner.built ? inner.core.lastLearningRate : Number.NaN;
}

/** The optimizer's state (`saveState`), typed as the checkpoint union. */
export function saveOptimizerState(opt: StreamOptimizer): AdamaxState | LossScaleOptimizerState {
  return opt.saveState();
}

/** Loads a checkpointed optimizer state, checking that its kind matches the optimizer. */
export function loadOptimizerState(opt: StreamOptimizer, state: AdamaxState | LossScaleOptimizerState): void {
  if (opt instanceof LossScaleOptimizer) {
    if (state.format !== 'adamax-stream/loss-scale-state') {
      throw new CheckpointError(
        `The checkpoint holds a plain Adamax state (format ${pyRepr(state.format)}) but the optimizer is a LossScaleOptimizer.`,
      );
    }
    opt.loadState(state);
    return;
  }
  if (state.format !== 'adamax-stream/adamax-state') {
    throw new CheckpointError(
      `The checkpoint holds a ${pyRepr(state.format)} state but the optimizer is a plain Adamax (wrap it in the same LossScaleOptimizer).`,
    );
  }
  opt.loadState(state);
}

/** Index of the first non-finite element of `a[offset, offset + length)`, or −1. */
export { firstNonFinite } from '../../optim/finite-step.js';
