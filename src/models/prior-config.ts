import { InvalidOptionError } from '../core/errors.js';
import { IssueCollector, pyRepr } from '../core/validate.js';
import { Adamax, type AdamaxConfig } from '../optim/adamax.js';
import { SINGLE_CHANNEL_DEFAULTS } from './defaults/single-channel-defaults.js';
import { priorFftSize } from './prior/hop-analyzer.js';
import { DEFAULT_PRIOR_ADAPTATION } from './prior-denoiser.js';
import { betaFromTimeConstant } from './tracking/time-constants.js';

/** The structure of the speech-prior denoiser (everything but the adaptation's optimizer). */
export interface PriorModelConfig {
  /** Lowest spectral gain in dB (≤ 0). */
  readonly gainFloorDb: number;
  /** Whether the last layer adapts online (`false` = the prior alone; the optimizer is then unused). */
  readonly adapt: boolean;
  /** A hop is "noise only" when mean_b ln(E_b / N_b) over the model bands is below this (nats). */
  readonly noiseOnlyThreshold: number;
}

/**
 * The exact configuration of the speech-prior denoiser: the online adaptation's optimizer as Keras'
 * `Adamax.get_config()` (steps per STFT hop, an update every `gradient_accumulation_steps` hops)
 * and the model options. `createPriorDenoiserFromConfig` builds the same denoiser, bit for bit,
 * from the same config (JSON round trip included).
 */
export interface PriorConfig {
  readonly optimizer: AdamaxConfig;
  readonly model: PriorModelConfig;
}

/** Overrides of `SINGLE_CHANNEL_DEFAULTS.prior`; the time constants are converted at the update rate. */
export interface PriorOverrides {
  readonly optimizer?: Partial<AdamaxConfig>;
  readonly model?: Partial<PriorModelConfig>;
  /** β2 as a time constant in seconds (wins over `optimizer.beta_2`). */
  readonly beta2Seconds?: number;
  /** EMA time constant of the adapted layer in seconds, 0 = the raw layer (wins over `use_ema` / `ema_momentum`). */
  readonly emaSeconds?: number;
}

const MODEL_KEYS: ReadonlySet<string> = new Set(['gainFloorDb', 'adapt', 'noiseOnlyThreshold']);

/** The default optimizer of the adaptation, as `Adamax.get_config()`. */
export function defaultPriorOptimizer(): AdamaxConfig {
  const a = SINGLE_CHANNEL_DEFAULTS.prior.adaptation;
  return new Adamax({
    name: 'adamax',
    learningRate: a.learningRate,
    weightDecay: a.weightDecay,
    gradientAccumulationSteps: a.accumulation,
    useEma: true,
    emaMomentum: a.emaMomentum,
  }).getConfig();
}

/**
 * Resolves the full configuration of the speech-prior denoiser for a file at `sampleRate` (the
 * prior runs at the file's rate: hop = N/2 with N = `priorFftSize(sampleRate)`) from
 * `SINGLE_CHANNEL_DEFAULTS.prior` and `overrides`. `beta2Seconds` and `emaSeconds` are converted
 * at the rate of real updates, `sampleRate / hop / gradient_accumulation_steps`:
 * `β = exp(−1 / (τ · rate))`. Validated with the API's messages (`Adamax.fromConfig` for the
 * optimizer); throws one `InvalidOptionError`.
 */
export function priorConfig(sampleRate: number, overrides: PriorOverrides = {}): PriorConfig {
  const c = new IssueCollector();
  c.unknownKeys(overrides, new Set(['optimizer', 'model', 'beta2Seconds', 'emaSeconds']));
  const mo = overrides.model ?? {};
  c.unknownKeys(mo, MODEL_KEYS, 'Model argument(s) not recognized');
  if (!(Number.isFinite(sampleRate) && sampleRate >= 8000 && sampleRate <= 192000))
    c.add('sampleRate', `\`sampleRate\` must be in [8000, 192000] Hz. Received: sampleRate=${pyRepr(sampleRate)}`);
  c.throwIfAny();
  const model: PriorModelConfig = {
    gainFloorDb: SINGLE_CHANNEL_DEFAULTS.prior.gainFloorDb,
    adapt: true,
    noiseOnlyThreshold: DEFAULT_PRIOR_ADAPTATION.noiseOnlyThreshold,
    ...mo,
  };
  if (typeof model.adapt !== 'boolean')
    c.add('adapt', `\`adapt\` must be true or false. Received: adapt=${pyRepr(model.adapt)}`);
  if (!(typeof model.gainFloorDb === 'number' && model.gainFloorDb <= 0 && model.gainFloorDb >= -120))
    c.add('gainFloorDb', `\`gainFloorDb\` must be in [−120, 0]. Received: gainFloorDb=${pyRepr(model.gainFloorDb)}`);
  if (!(typeof model.noiseOnlyThreshold === 'number' && Number.isFinite(model.noiseOnlyThreshold)))
    c.add('noiseOnlyThreshold', `\`noiseOnlyThreshold\` must be finite. Received: ${pyRepr(model.noiseOnlyThreshold)}`);
  c.throwIfAny();
  const opt: Record<string, unknown> = { ...defaultPriorOptimizer(), ...(overrides.optimizer ?? {}) };
  const acc = typeof opt.gradient_accumulation_steps === 'number' ? opt.gradient_accumulation_steps : 1;
  const updateRate = sampleRate / (priorFftSize(sampleRate) / 2) / Math.max(1, acc);
  if (overrides.beta2Seconds !== undefined)
    opt.beta_2 = secondsToBeta('beta2Seconds', overrides.beta2Seconds, updateRate);
  const ema = overrides.emaSeconds;
  if (ema !== undefined) {
    opt.use_ema = ema !== 0;
    if (ema !== 0) opt.ema_momentum = secondsToBeta('emaSeconds', ema, updateRate);
  }
  if (typeof opt.learning_rate !== 'number') {
    throw new InvalidOptionError([
      {
        option: 'learning_rate',
        message: `\`learning_rate\` of the prior's adaptation must be a number. Received: learning_rate=${pyRepr(opt.learning_rate)}`,
      },
    ]);
  }
  return { optimizer: Adamax.fromConfig(opt).getConfig(), model };
}

function secondsToBeta(option: string, seconds: number, rate: number): number {
  if (!(typeof seconds === 'number' && Number.isFinite(seconds) && seconds > 0)) {
    throw new InvalidOptionError([
      { option, message: `\`${option}\` must be a finite number > 0. Received: ${option}=${pyRepr(seconds)}` },
    ]);
  }
  return betaFromTimeConstant(seconds, rate);
}
