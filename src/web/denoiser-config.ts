import { InvalidOptionError, type OptionIssue } from '../core/errors.js';

import { DEFAULT_SINGLE_CHANNEL_METHOD } from '../models/single-channel-method.js';

/** What the denoiser node does with its input. */
export type DenoiserMode = 'reference' | 'single';

/** The single-channel models the node runs: the learned speech prior, or the prior-free online denoiser. */
export type SingleChannelNodeModel = 'prior' | 'online';

/**
 * The node's single-channel model when none is given: the CLI's (`DEFAULT_SINGLE_CHANNEL_METHOD`,
 * the default of `denoise`, `replay` and `denoiseSingleChannel`), so the browser runs what was measured.
 */
export const DEFAULT_SINGLE_CHANNEL_NODE_MODEL: SingleChannelNodeModel = nodeModel(DEFAULT_SINGLE_CHANNEL_METHOD);

function nodeModel(method: string): SingleChannelNodeModel {
  if (method === 'prior' || method === 'online') return method;
  throw new TypeError(`The default single-channel method '${method}' does not run in the AudioWorklet.`);
}

/**
 * Options of `createDenoiserNode`. Every field is optional; the defaults are the CLI's
 * (`REFERENCE_DEFAULTS` for `'reference'`; for `'single'` the CLI's default model, the learned
 * speech prior `SINGLE_CHANNEL_DEFAULTS.prior`, or with `model: 'online'` the prior-free
 * `SINGLE_CHANNEL_DEFAULTS.online`), converted to the context's sample rate.
 */
export interface DenoiserNodeOptions {
  /**
   * `'reference'`: one input with 2 channels — channel 0 the noisy primary, channel 1 a noise
   * reference — cancelled by the FD-Adamax filter; `'single'` (default): mono in, the single-channel
   * denoiser of {@link model}. The output is mono in both modes.
   */
  readonly mode?: DenoiserMode;
  /**
   * Single mode: `'prior'` (default, as the CLI's `denoise`): the learned speech prior at the
   * context's rate with the online adaptation of its last layer (`priorConfig` +
   * `createPriorDenoiserFromConfig`, `SINGLE_CHANNEL_DEFAULTS.prior`); `'online'`: the prior-free
   * online denoiser (`SINGLE_CHANNEL_DEFAULTS.online`).
   */
  readonly model?: SingleChannelNodeModel;
  /**
   * Adamax learning rate. Default: the model's default (`REFERENCE_DEFAULTS`; single mode:
   * `SINGLE_CHANNEL_DEFAULTS.prior.adaptation.learningRate` = 0.0002 for the prior's adaptation,
   * `SINGLE_CHANNEL_DEFAULTS.online` = 0.15 for the online model).
   */
  readonly learningRate?: number;
  /** Adamax β1. Default: the model's default (0.9 reference, 0.5 single online; not for the prior). */
  readonly beta1?: number;
  /**
   * Adamax β2. Reference mode: as a time constant in seconds (`beta2Seconds`, default 0.05 s);
   * single online model: per STFT hop (`beta2`, default 0.9). Give one or the other (none for the prior).
   */
  readonly beta2?: number;
  /** Reference mode: the background learner's β2 as a time constant in seconds. Default 0.05 (`REFERENCE_DEFAULTS`). */
  readonly beta2Seconds?: number;
  /**
   * Time constant in seconds of the EMA of the weights; 0 = off. Prior (default: the adaptation's
   * EMA, momentum 0.98 per update): the output uses the EMA of the adapted last layer, which the
   * snapshots carry. Online model (default 0.3): feeds the snapshots. Reference mode (default 0): an
   * EMA of the background's weights, unused by the default two-path canceller, whose smoothed model
   * (the one the snapshots carry) is its foreground.
   */
  readonly emaSeconds?: number;
  /** Reference mode: filter length in milliseconds. Default 64. */
  readonly filterMs?: number;
  /** Reference mode: block size (a power of two). Default 128 at 44.1/48 kHz (64 at 16 kHz). */
  readonly blockSize?: number;
  /** Single online model: STFT length (a power of two). Default: the power of two closest to 32 ms. */
  readonly fftSize?: number;
  /** Single mode: lowest spectral gain in dB. Default −40 (prior), −25 (online). */
  readonly gainFloorDb?: number;
  /** Interval in milliseconds (of audio time) between stats/snapshot messages; 0 = none. Default 100. */
  readonly reportIntervalMs?: number;
  /** Whether the reports carry the EMA weights (a copy per report). Default true. */
  readonly snapshots?: boolean;
}

/** The validated, structured-cloneable configuration handed to the processor. */
export interface DenoiserConfig {
  readonly mode: DenoiserMode;
  /** Single mode: the model (always set by `resolveDenoiserConfig` in single mode). */
  readonly model?: SingleChannelNodeModel;
  readonly sampleRate: number;
  readonly reportIntervalMs: number;
  readonly snapshots: boolean;
  readonly learningRate?: number;
  readonly beta1?: number;
  readonly beta2?: number;
  readonly beta2Seconds?: number;
  readonly emaSeconds?: number;
  readonly filterMs?: number;
  readonly blockSize?: number;
  readonly fftSize?: number;
  readonly gainFloorDb?: number;
}

const KEYS = [
  'mode',
  'model',
  'learningRate',
  'beta1',
  'beta2',
  'beta2Seconds',
  'emaSeconds',
  'filterMs',
  'blockSize',
  'fftSize',
  'gainFloorDb',
  'reportIntervalMs',
  'snapshots',
] as const;

const RANGES: Readonly<Record<string, readonly [number, number]>> = {
  learningRate: [0, 10],
  beta1: [0, 0.999999],
  beta2: [0, 0.999999],
  beta2Seconds: [1e-4, 3600],
  emaSeconds: [0, 3600],
  filterMs: [0.1, 2000],
  gainFloorDb: [-120, 0],
  reportIntervalMs: [0, 60_000],
};

function powerOfTwo(value: unknown, lo: number, hi: number): boolean {
  return (
    typeof value === 'number' && Number.isInteger(value) && value >= lo && value <= hi && (value & (value - 1)) === 0
  );
}

function collectIssues(o: Record<string, unknown>, issues: OptionIssue[]): void {
  const unknown = Object.keys(o).filter((k) => !(KEYS as readonly string[]).includes(k));
  if (unknown.length > 0) {
    issues.push({
      option: unknown.join(','),
      message: `Unknown option(s): ${unknown.join(', ')}. Allowed: ${KEYS.join(', ')}.`,
    });
  }
  if (o.mode !== undefined && o.mode !== 'reference' && o.mode !== 'single') {
    issues.push({
      option: 'mode',
      message: `\`mode\` must be 'reference' or 'single'. Received: mode=${String(o.mode)}`,
    });
  }
  for (const [key, [lo, hi]] of Object.entries(RANGES)) {
    const v = o[key];
    if (v !== undefined && !(typeof v === 'number' && Number.isFinite(v) && v >= lo && v <= hi)) {
      issues.push({
        option: key,
        message: `\`${key}\` must be a finite number in [${lo}, ${hi}]. Received: ${key}=${String(v)}`,
      });
    }
  }
  if (o.blockSize !== undefined && !powerOfTwo(o.blockSize, 1, 16384)) {
    issues.push({
      option: 'blockSize',
      message: `\`blockSize\` must be a power of two in [1, 16384]. Received: blockSize=${String(o.blockSize)}`,
    });
  }
  if (o.fftSize !== undefined && !powerOfTwo(o.fftSize, 64, 65536)) {
    issues.push({
      option: 'fftSize',
      message: `\`fftSize\` must be a power of two in [64, 65536]. Received: fftSize=${String(o.fftSize)}`,
    });
  }
  if (o.snapshots !== undefined && typeof o.snapshots !== 'boolean') {
    issues.push({
      option: 'snapshots',
      message: `\`snapshots\` must be a boolean. Received: snapshots=${String(o.snapshots)}`,
    });
  }
  const mode = o.mode ?? 'single';
  if (o.model !== undefined && o.model !== 'prior' && o.model !== 'online') {
    issues.push({
      option: 'model',
      message: `\`model\` must be 'prior' or 'online'. Received: model=${String(o.model)}`,
    });
  }
  const only: Record<string, DenoiserMode> = {
    beta2Seconds: 'reference',
    filterMs: 'reference',
    blockSize: 'reference',
    model: 'single',
    beta2: 'single',
    fftSize: 'single',
    gainFloorDb: 'single',
  };
  for (const [key, m] of Object.entries(only)) {
    if (o[key] !== undefined && mode !== m)
      issues.push({ option: key, message: `\`${key}\` applies to mode '${m}' only. Received: mode=${String(mode)}` });
  }
}

/** The options the prior does not take, and the rates it does not run at (single mode, model prior). */
function priorIssues(o: Record<string, unknown>, sampleRate: number, issues: OptionIssue[]): void {
  if ((o.mode ?? 'single') !== 'single' || (o.model ?? DEFAULT_SINGLE_CHANNEL_NODE_MODEL) !== 'prior') return;
  if (sampleRate > 192000 && sampleRate <= 384000) {
    issues.push({
      option: 'context.sampleRate',
      message: `The speech prior runs at 8000–192000 Hz (model 'online' up to 384000). Received: ${sampleRate}`,
    });
  }
  for (const key of ['beta1', 'beta2', 'fftSize']) {
    if (o[key] !== undefined)
      issues.push({
        option: key,
        message: `\`${key}\` applies to the single-channel model 'online' only (the prior's STFT and optimizer are fixed; its options: learningRate, emaSeconds, gainFloorDb). Received: model=prior`,
      });
  }
}

/**
 * Validates {@link DenoiserNodeOptions} for a context at `sampleRate` and returns the processor's
 * configuration. Throws {@link InvalidOptionError} listing every issue.
 */
export function resolveDenoiserConfig(options: DenoiserNodeOptions, sampleRate: number): DenoiserConfig {
  const issues: OptionIssue[] = [];
  if (typeof options !== 'object' || options === null) {
    issues.push({ option: 'options', message: `\`options\` must be an object. Received: ${String(options)}` });
  } else {
    collectIssues(options as Record<string, unknown>, issues);
    priorIssues(options as Record<string, unknown>, sampleRate, issues);
  }
  if (!(Number.isFinite(sampleRate) && sampleRate >= 8000 && sampleRate <= 384000)) {
    issues.push({
      option: 'context.sampleRate',
      message: `The context's sample rate must be in [8000, 384000] Hz. Received: ${sampleRate}`,
    });
  }
  if (issues.length > 0) throw new InvalidOptionError(issues);
  const config: Record<string, unknown> = {
    mode: options.mode ?? 'single',
    ...((options.mode ?? 'single') === 'single' ? { model: options.model ?? DEFAULT_SINGLE_CHANNEL_NODE_MODEL } : {}),
    sampleRate,
    reportIntervalMs: options.reportIntervalMs ?? 100,
    snapshots: options.snapshots ?? true,
  };
  for (const key of KEYS) {
    const v = (options as Record<string, unknown>)[key];
    if (v !== undefined && !(key in config)) config[key] = v;
  }
  return config as unknown as DenoiserConfig;
}
