import { createHash } from 'node:crypto';
import { PRIOR_WEIGHTS_BASE64 } from '../models/prior/prior-weights.generated.js';

/**
 * Version of the speech prior's saved state: the state layout's version and a digest of the shipped
 * weights (a checkpoint of other weights does not resume).
 */
export const PRIOR_MODEL_VERSION = `1+${createHash('sha256').update(PRIOR_WEIGHTS_BASE64).digest('hex').slice(0, 16)}`;
