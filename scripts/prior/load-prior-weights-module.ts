/**
 * Loads a weights module written by scripts/train-prior.ts (or scripts/prior/average-prior-weights.ts):
 * its decoded weights and its noise-only threshold. `file` is a path, relative to the working directory.
 */
import { resolve } from 'node:path';
import { base64ToBytes, decodePriorWeights, type PriorWeights } from '../../src/models/prior/prior-weights-codec.js';

export async function loadPriorWeightsModule(file: string): Promise<{ weights: PriorWeights; threshold: number }> {
  const mod = (await import(resolve(file))) as { PRIOR_WEIGHTS_BASE64: string; PRIOR_NOISE_ONLY_THRESHOLD: number };
  return {
    weights: decodePriorWeights(base64ToBytes(mod.PRIOR_WEIGHTS_BASE64)),
    threshold: mod.PRIOR_NOISE_ONLY_THRESHOLD,
  };
}
