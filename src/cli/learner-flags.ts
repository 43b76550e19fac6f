import { readFile } from 'node:fs/promises';
import { InvalidOptionError } from '../core/errors.js';
import { type PriorOverrides, priorConfig } from '../models/prior-config.js';
import { type ReferenceCancellerOverrides, referenceCancellerConfig } from '../models/reference-canceller-config.js';
import { type SingleChannelOverrides, singleChannelConfig } from '../models/single-channel-config.js';
import type { AdamaxConfig } from '../optim/adamax.js';
import { CliUsageError, numberFlag } from './io.js';

/** The learner flags shared by `denoise` and `replay` (node:util parseArgs definitions). */
export const LEARNER_FLAGS = {
  'learning-rate': { type: 'string' },
  beta1: { type: 'string' },
  beta2: { type: 'string' },
  'beta2-seconds': { type: 'string' },
  epsilon: { type: 'string' },
  'ema-momentum': { type: 'string' },
  'ema-seconds': { type: 'string' },
  'gradient-accumulation-steps': { type: 'string' },
  clipnorm: { type: 'string' },
  'weight-decay': { type: 'string' },
  'filter-ms': { type: 'string' },
  config: { type: 'string' },
  'print-config': { type: 'boolean' },
} as const;

/** Help lines of the learner flags. */
export const LEARNER_HELP = `Learner (Adamax arguments as in the API; defaults = the benchmarked configuration):
      --learning-rate <x>   Adamax learning rate
      --beta1 <x>           first-moment decay (per step)
      --beta2 <x> | --beta2-seconds <s>   infinity-norm decay, per step or as a time constant
      --epsilon <x>         added to the infinity norm
      --ema-momentum <x> | --ema-seconds <s>   EMA of the weights for the output (canceller, and the
                            prior's adapted layer; 0 s = off)
      --gradient-accumulation-steps <n>   accumulate n steps (>= 2) into one update
      --clipnorm <x>        per-variable gradient norm clip
      --weight-decay <x>    decoupled weight decay
      --filter-ms <ms>      canceller filter length in ms (default 64)
      --config <file.json>  { "optimizer": <Adamax getConfig()>, "model": {...} }; flags win over it
                            (--model prior: the optimizer of its online adaptation; model: gainFloorDb,
                            adapt, noiseOnlyThreshold)
      --print-config        print the exact configuration of the run (JSON) and exit; --config reproduces it`;

/** What the learner flags say, before it is resolved against a model's defaults. */
export interface LearnerFlags {
  readonly optimizer: Partial<AdamaxConfig>;
  readonly model: Record<string, unknown>;
  readonly beta2Seconds?: number;
  readonly emaSeconds?: number;
  /** Whether any learner flag or --config was given. */
  readonly any: boolean;
  readonly printConfig: boolean;
}

type LearnerValues = {
  readonly [K in keyof typeof LEARNER_FLAGS]?: (typeof LEARNER_FLAGS)[K]['type'] extends 'boolean' ? boolean : string;
};

const NUMBER_FLAGS: readonly [keyof typeof LEARNER_FLAGS, keyof AdamaxConfig][] = [
  ['learning-rate', 'learning_rate'],
  ['beta1', 'beta_1'],
  ['beta2', 'beta_2'],
  ['epsilon', 'epsilon'],
  ['gradient-accumulation-steps', 'gradient_accumulation_steps'],
  ['clipnorm', 'clipnorm'],
  ['weight-decay', 'weight_decay'],
];

/** Reads the learner flags (and the --config file); ranges are checked later by the API's validation. */
export async function parseLearnerFlags(command: string, values: LearnerValues): Promise<LearnerFlags> {
  const both = (a: keyof LearnerValues, b: keyof LearnerValues) => {
    if (values[a] !== undefined && values[b] !== undefined) {
      throw new CliUsageError(`${command}: give --${a} or --${b}, not both.`);
    }
  };
  both('beta2', 'beta2-seconds');
  both('ema-momentum', 'ema-seconds');
  const file = values.config !== undefined ? await readConfigFile(command, values.config) : {};
  const optimizer: Record<string, unknown> = { ...(file.optimizer ?? {}) };
  for (const [flag, key] of NUMBER_FLAGS) {
    const v = numberFlag(command, flag, values[flag] as string | undefined);
    if (v !== undefined) optimizer[key] = v;
  }
  const ema = numberFlag(command, 'ema-momentum', values['ema-momentum']);
  if (ema !== undefined) {
    optimizer.use_ema = true;
    optimizer.ema_momentum = ema;
  }
  const model: Record<string, unknown> = { ...(file.model ?? {}) };
  const filterMs = numberFlag(command, 'filter-ms', values['filter-ms']);
  if (filterMs !== undefined) model.filterMs = filterMs;
  const beta2Seconds = numberFlag(command, 'beta2-seconds', values['beta2-seconds']);
  const emaSeconds = numberFlag(command, 'ema-seconds', values['ema-seconds']);
  const any = Object.keys(LEARNER_FLAGS).some(
    (k) => k !== 'print-config' && values[k as keyof LearnerValues] !== undefined,
  );
  return {
    optimizer: optimizer as Partial<AdamaxConfig>,
    model,
    ...(beta2Seconds !== undefined ? { beta2Seconds } : {}),
    ...(emaSeconds !== undefined ? { emaSeconds } : {}),
    any,
    printConfig: values['print-config'] === true,
  };
}

async function readConfigFile(command: string, path: string): Promise<{ optimizer?: object; model?: object }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new CliUsageError(`${command}: cannot read --config ${path}: ${(e as Error).message.split('\n')[0]}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new CliUsageError(`${command}: --config ${path} is not JSON: ${(e as Error).message}`);
  }
  const isObject = (v: unknown): v is Record<string, unknown> =>
    typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isObject(json))
    throw new CliUsageError(`${command}: --config ${path} must hold a JSON object { "optimizer", "model" }.`);
  const extra = Object.keys(json).filter((k) => k !== 'optimizer' && k !== 'model');
  if (extra.length > 0) {
    throw new CliUsageError(
      `${command}: --config ${path}: unknown section(s) ${extra.map((k) => `'${k}'`).join(', ')}. Allowed: optimizer, model.`,
    );
  }
  for (const k of ['optimizer', 'model'] as const) {
    if (json[k] !== undefined && !isObject(json[k])) {
      throw new CliUsageError(`${command}: --config ${path}: "${k}" must be a JSON object.`);
    }
  }
  return json as { optimizer?: object; model?: object };
}

/** Runs a config resolution, turning the API's `InvalidOptionError` into a usage error (exit 2), message unchanged. */
export function usageOnInvalid<T>(command: string, resolve: () => T): T {
  try {
    return resolve();
  } catch (e) {
    if (e instanceof InvalidOptionError) throw new CliUsageError(`${command}: ${e.message.split('\n').join('; ')}`);
    throw e;
  }
}

/** The canceller overrides of the flags. */
export function referenceOverrides(l: LearnerFlags): ReferenceCancellerOverrides {
  return {
    optimizer: l.optimizer,
    model: l.model,
    ...(l.beta2Seconds !== undefined ? { beta2Seconds: l.beta2Seconds } : {}),
    ...(l.emaSeconds !== undefined ? { emaSeconds: l.emaSeconds } : {}),
  };
}

/** The flags as overrides of a single-channel model (`--filter-ms` belongs to the canceller). */
function channelOverrides(command: string, l: LearnerFlags) {
  if (l.model.filterMs !== undefined) {
    throw new CliUsageError(
      `${command}: --filter-ms (model.filterMs) applies to the reference canceller (--reference).`,
    );
  }
  return {
    optimizer: l.optimizer,
    model: l.model,
    ...(l.beta2Seconds !== undefined ? { beta2Seconds: l.beta2Seconds } : {}),
    ...(l.emaSeconds !== undefined ? { emaSeconds: l.emaSeconds } : {}),
  };
}

/** The online single-channel denoiser's overrides of the flags. */
export function singleOverrides(command: string, l: LearnerFlags): SingleChannelOverrides {
  return channelOverrides(command, l);
}

/** The speech prior's overrides of the flags. */
export function priorOverrides(command: string, l: LearnerFlags): PriorOverrides {
  return channelOverrides(command, l);
}

/** Validates the flags against a model's defaults now (before any file is read), so mistakes exit 2 at once. */
export function checkLearnerFlags(command: string, l: LearnerFlags, kind: 'reference' | 'single' | 'prior'): void {
  usageOnInvalid(command, () => {
    if (kind === 'reference') return referenceCancellerConfig(16000, referenceOverrides(l));
    if (kind === 'prior') return priorConfig(16000, priorOverrides(command, l));
    return singleChannelConfig(singleOverrides(command, l));
  });
}
