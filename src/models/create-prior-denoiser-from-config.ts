import type { PriorConfig } from './prior-config.js';
import { DEFAULT_PRIOR_ADAPTATION, PriorDenoiser } from './prior-denoiser.js';

/**
 * The speech-prior denoiser of a resolved {@link PriorConfig} (`priorConfig`): what the CLI runs
 * with its learner flags. `createPriorDenoiserFromConfig(priorConfig(rate))` gives, bit for bit,
 * the output of `createPriorDenoiser()` (the benchmarked construction).
 * @example
 * const den = createPriorDenoiserFromConfig(priorConfig(48000, { optimizer: { learning_rate: 0.001 } }));
 * const cleaned = den.process(noisy, 48000);
 * @throws InvalidOptionError for a config that does not validate.
 */
export function createPriorDenoiserFromConfig(config: PriorConfig): PriorDenoiser {
  const m = config.model;
  return new PriorDenoiser({
    gainFloorDb: m.gainFloorDb,
    adaptation: m.adapt
      ? { ...DEFAULT_PRIOR_ADAPTATION, noiseOnlyThreshold: m.noiseOnlyThreshold, optimizer: { ...config.optimizer } }
      : null,
  });
}
