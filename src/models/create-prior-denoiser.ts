import { SINGLE_CHANNEL_DEFAULTS } from './defaults/single-channel-defaults.js';
import { PriorDenoiser, type PriorDenoiserOptions } from './prior-denoiser.js';

/**
 * The ONE factory of the speech-prior denoiser (`--model prior`): the CLI, the pipelines and the
 * benchmarks build it here from `SINGLE_CHANNEL_DEFAULTS.prior` plus `overrides` (adaptation fields
 * merge with the defaults; `adaptation: null` = prior only), so what is benchmarked is what runs.
 * @example
 * const cleaned = createPriorDenoiser().process(noisy, 48000);
 * @throws InvalidOptionError for bad options.
 */
export function createPriorDenoiser(overrides: PriorDenoiserOptions = {}): PriorDenoiser {
  const d = SINGLE_CHANNEL_DEFAULTS.prior;
  const adaptation = overrides.adaptation === null ? null : { ...d.adaptation, ...(overrides.adaptation ?? {}) };
  return new PriorDenoiser({ ...d, ...overrides, adaptation });
}
