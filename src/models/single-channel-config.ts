import { InvalidOptionError } from '../core/errors.js';
import { IssueCollector, pyRepr } from '../core/validate.js';
import { Adamax, type AdamaxConfig } from '../optim/adamax.js';
import { SINGLE_CHANNEL_DEFAULTS } from './defaults/single-channel-defaults.js';
import { OnlineDenoiser, type OnlineDenoiserOptions } from './online-denoiser.js';
import { betaFromTimeConstant } from './tracking/time-constants.js';

/** The structure of the single-channel denoiser: the options of `OnlineDenoiser` except the optimizer. */
export type SingleChannelModelConfig = Omit<OnlineDenoiserOptions, 'optimizer'>;

/**
 * The exact configuration of the single-channel online denoiser: the optimizer as Keras'
 * `Adamax.get_config()` (β2 per STFT hop) and the model options. `createSingleChannelDenoiser`
 * builds the same denoiser, bit for bit, from the same config (JSON round-trip included).
 */
export interface SingleChannelConfig {
  readonly optimizer: AdamaxConfig;
  readonly model: SingleChannelModelConfig;
}

/** Overrides of `SINGLE_CHANNEL_DEFAULTS.online`; `beta2Seconds` is converted at the hop rate. */
export interface SingleChannelOverrides {
  readonly optimizer?: Partial<AdamaxConfig>;
  readonly model?: SingleChannelModelConfig;
  /** β2 as a time constant in seconds (wins over `optimizer.beta_2`). */
  readonly beta2Seconds?: number;
  /** Accepted only as 0 (off): the denoiser learns and outputs with the raw weights. */
  readonly emaSeconds?: number;
}

/**
 * Resolves the full configuration of the single-channel denoiser from `SINGLE_CHANNEL_DEFAULTS`
 * and `overrides`, validated with the API's messages (`OnlineDenoiser` for the model,
 * `Adamax.fromConfig` for the optimizer); throws one `InvalidOptionError`.
 */
export function singleChannelConfig(overrides: SingleChannelOverrides = {}): SingleChannelConfig {
  const c = new IssueCollector();
  c.unknownKeys(overrides, new Set(['optimizer', 'model', 'beta2Seconds', 'emaSeconds']));
  if (overrides.model && 'optimizer' in overrides.model) {
    c.add('model.optimizer', 'The optimizer goes in the `optimizer` section (Adamax get_config keys), not in `model`.');
  }
  c.throwIfAny();
  const { optimizer: defaultOptimizer, ...defaultModel } = SINGLE_CHANNEL_DEFAULTS.online;
  const model: SingleChannelModelConfig = { ...defaultModel, ...(overrides.model ?? {}) };
  const den = new OnlineDenoiser(model); // validates the model section
  const base = new Adamax({ ...defaultOptimizer, name: 'adamax' }).getConfig();
  const opt: Record<string, unknown> = { ...base, ...(overrides.optimizer ?? {}) };
  const b2 = overrides.beta2Seconds;
  if (b2 !== undefined) {
    if (!(typeof b2 === 'number' && Number.isFinite(b2) && b2 > 0)) {
      throw new InvalidOptionError([
        {
          option: 'beta2Seconds',
          message: `\`beta2Seconds\` must be a finite number > 0. Received: beta2Seconds=${pyRepr(b2)}`,
        },
      ]);
    }
    opt.beta_2 = betaFromTimeConstant(b2, den.sampleRate / den.frameSize);
  }
  if ((overrides.emaSeconds !== undefined && overrides.emaSeconds !== 0) || opt.use_ema === true) {
    throw new InvalidOptionError([
      {
        option: 'use_ema',
        message:
          'The single-channel denoiser learns and outputs with the raw weights: an EMA of the weights would change nothing. Received: use_ema=True (or emaSeconds/emaMomentum set)',
      },
    ]);
  }
  return { optimizer: Adamax.fromConfig(opt).getConfig(), model };
}
