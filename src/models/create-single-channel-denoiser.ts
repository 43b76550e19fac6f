import { adamaxOptionsFromConfig } from '../optim/adamax.js';
import { OnlineDenoiser } from './online-denoiser.js';
import type { SingleChannelConfig } from './single-channel-config.js';

/**
 * The ONE factory of the single-channel online denoiser: the CLI, the pipelines, the samples and
 * the benchmarks build it here from a config resolved by `singleChannelConfig` (defaults:
 * `SINGLE_CHANNEL_DEFAULTS`), so what is benchmarked is what runs.
 * @example
 * const den = createSingleChannelDenoiser(singleChannelConfig({ optimizer: { learning_rate: 0.2 } }));
 * const cleaned = den.process(noisy, 16000);
 * @throws InvalidOptionError for a config that does not validate (same messages as the API).
 */
export function createSingleChannelDenoiser(config: SingleChannelConfig): OnlineDenoiser {
  return new OnlineDenoiser({ ...config.model, optimizer: adamaxOptionsFromConfig({ ...config.optimizer }) });
}
