import { CheckpointError } from '../../core/errors.js';
import type { ModelState } from '../adaptive-model.js';

type StateArray = Float32Array | Float64Array;

/**
 * Copies the saved array `state[key]` into `target` (same type and length), or throws a
 * `CheckpointError` that names the key, what was received and what was expected.
 */
export function priorStateIo(state: ModelState, key: string, target: StateArray): void {
  const v = state[key];
  const kind = target instanceof Float64Array ? 'Float64Array' : 'Float32Array';
  const ok = target instanceof Float64Array ? v instanceof Float64Array : v instanceof Float32Array;
  if (!ok || (v as StateArray).length !== target.length) {
    const got = typeof v === 'number' ? `the number ${v}` : v ? `${v.constructor.name}(${v.length})` : 'nothing';
    throw new CheckpointError(
      `The prior's saved state '${key}' must be a ${kind} of length ${target.length}. Received: ${got}.`,
    );
  }
  target.set(v as StateArray);
}
