import type { PriorOverrides } from '../models/prior-config.js';
import type { ReferenceCancellerOverrides } from '../models/reference-canceller-config.js';
import type { ReferenceMethod } from '../models/reference-method.js';
import type { SingleChannelOverrides } from '../models/single-channel-config.js';
import type { SingleChannelMethod } from '../models/single-channel-method.js';

/** How one file is denoised and where its output goes (what a pool or queue worker needs). */
export interface ReplayItemSettings {
  /** Where `<name>.denoised.wav` files go (created). Default: none written. */
  readonly outDir?: string;
  /** Method for files without a reference. Default `'online'`. */
  readonly singleMethod?: SingleChannelMethod;
  /** Method for files with a reference. Default `'fd-adamax'`. */
  readonly referenceMethod?: ReferenceMethod;
  /** Skip STOI (faster). Default false. */
  readonly skipStoi?: boolean;
  /** FD-Adamax canceller configuration on top of `REFERENCE_DEFAULTS` (resolved at each file's rate). */
  readonly referenceConfig?: ReferenceCancellerOverrides;
  /**
   * Configuration of the single-channel Adamax method in use: the online denoiser's on top of
   * `SINGLE_CHANNEL_DEFAULTS.online`, or — with `singleMethod: 'prior'` — the prior's adaptation on
   * top of `SINGLE_CHANNEL_DEFAULTS.prior` (resolved at each file's rate).
   */
  readonly singleConfig?: SingleChannelOverrides | PriorOverrides;
  /**
   * Learner checkpoint of this file (online and prior single-channel methods): a rerun after a crash
   * resumes from it; removed when the file completes. Default: none.
   */
  readonly checkpointPath?: string;
  /** Frames between two checkpoints. Default ≈ 5 s of audio. */
  readonly checkpointEvery?: number;
}

/** The per-file settings of a run's options (the one place a new setting is threaded to every runner). */
export function itemSettings(
  options: Omit<ReplayItemSettings, 'checkpointPath' | 'checkpointEvery'>,
): ReplayItemSettings {
  return {
    ...(options.outDir !== undefined ? { outDir: options.outDir } : {}),
    ...(options.singleMethod ? { singleMethod: options.singleMethod } : {}),
    ...(options.referenceMethod ? { referenceMethod: options.referenceMethod } : {}),
    ...(options.skipStoi ? { skipStoi: true } : {}),
    ...(options.referenceConfig ? { referenceConfig: options.referenceConfig } : {}),
    ...(options.singleConfig ? { singleConfig: options.singleConfig } : {}),
  };
}
