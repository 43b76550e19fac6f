import { CheckpointError } from '../../core/errors.js';
import { pyRepr } from '../../core/validate.js';
import type { ModelState } from '../../models/adaptive-model.js';

/**
 * Copies a checkpointed model state into a fresh one (from `model.createState()`), checking that
 * both have the same keys, kinds and lengths. Returns `fresh`.
 */
export function restoreModelState<S extends ModelState>(fresh: S, saved: ModelState): S {
  const keys = Object.keys(fresh);
  const savedKeys = Object.keys(saved ?? {});
  if (keys.length !== savedKeys.length || savedKeys.some((k) => !(k in fresh))) {
    throw new CheckpointError(
      `Checkpoint model state has keys ${pyRepr(savedKeys)}; the model's state has ${pyRepr(keys)}.`,
    );
  }
  const target = fresh as ModelState;
  for (const k of keys) {
    const a = target[k]!;
    const b = saved[k];
    if (typeof a === 'number') {
      if (typeof b !== 'number')
        throw new CheckpointError(`Checkpoint model state '${k}' must be a number. Received: ${pyRepr(b)}`);
      target[k] = b;
    } else if (!(b instanceof a.constructor) || (b as typeof a).length !== a.length) {
      throw new CheckpointError(
        `Checkpoint model state '${k}' must be a ${a.constructor.name} of length ${a.length}. Received: ${pyRepr(b)}`,
      );
    } else {
      (a as Float32Array).set(b as Float32Array);
    }
  }
  return fresh;
}
