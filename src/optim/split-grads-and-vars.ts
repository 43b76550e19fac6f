import { InvalidOptionError } from '../core/errors.js';
import { pyRepr } from '../core/validate.js';
import type { Variable } from './variable.js';

/**
 * Keras' `grads_and_vars` list of `[grad, variable]` pairs as the two parallel lists `apply` takes.
 * @throws InvalidOptionError when `pairs` is not a list
 */
export function splitGradsAndVars(pairs: readonly (readonly [Float32Array | null, Variable])[]): {
  grads: (Float32Array | null)[];
  vars: Variable[];
} {
  if (!Array.isArray(pairs)) {
    throw new InvalidOptionError([
      {
        option: 'grads_and_vars',
        message: `\`applyGradients\` needs a list of [grad, variable] pairs. Received: ${pyRepr(pairs)}`,
      },
    ]);
  }
  return { grads: pairs.map((p) => p[0]), vars: pairs.map((p) => p[1]) };
}
