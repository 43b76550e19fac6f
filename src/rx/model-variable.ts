import type { AdaptiveModel, ModelState } from '../models/adaptive-model.js';
import { Variable } from '../optim/variable.js';

/**
 * A {@link Variable} holding a model's flat parameters, initialised by `model.initParams`: the
 * `params` of {@link gradients} and the variable of {@link applyGradients}.
 *
 * @example
 * const w = modelVariable(new FirFilter({ taps: 64, frameSize: 512 })); // w.name === 'fir'
 */
export function modelVariable<S extends ModelState>(model: AdaptiveModel<S>, name: string = model.kind): Variable {
  const value = new Float32Array(model.layout.size);
  model.initParams(value);
  return new Variable(value, { name });
}
