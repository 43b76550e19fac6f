import { CheckpointError } from '../../core/errors.js';
import type { ModelState } from '../adaptive-model.js';

/** The saved counter `state[key]` (a non-negative safe integer), or a `CheckpointError` naming it. */
export function priorStateCount(state: ModelState, key: string): number {
  const v = state[key];
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) {
    throw new CheckpointError(
      `The prior's saved state '${key}' must be an integer >= 0. Received: ${typeof v === 'number' ? v : typeof v}.`,
    );
  }
  return v;
}
