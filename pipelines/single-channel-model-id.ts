import type { SingleChannelMethod } from '../src/models/single-channel-method.js';
import { PRIOR_MODEL_VERSION } from './prior-run.js';

/**
 * The `<kind>/<version>` of a single-channel method's model, as denoise checkpoints record it:
 * `prior/<PRIOR_MODEL_VERSION>` (the state layout's version and a digest of the shipped weights),
 * `<method>/1` for the others. A replay state records it, so a resumed replay never mixes the
 * outputs of two models.
 */
export function singleChannelModelId(method: SingleChannelMethod): string {
  return method === 'prior' ? `prior/${PRIOR_MODEL_VERSION}` : `${method}/1`;
}
