import type { PriorOverrides } from '../models/prior-config.js';
import type { ReferenceCancellerOverrides } from '../models/reference-canceller-config.js';
import type { ReferenceMethod } from '../models/reference-method.js';
import type { SingleChannelOverrides } from '../models/single-channel-config.js';
import { DEFAULT_SINGLE_CHANNEL_METHOD, type SingleChannelMethod } from '../models/single-channel-method.js';

/** How one file is denoised and where its output goes (what a pool or queue worker needs). */
export interface ReplayItemSettings {
  /** Where `<name>.denoised.wav` files go (created). Default: none written. */
  readonly outDir?: string;
  /**
   * Method for files without a reference. Default `DEFAULT_SINGLE_CHANNEL_METHOD` (`'prior'`, the
   * default of `denoise`); a run's settings always record it (`itemSettings` fills it in).
   */
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

/**
 * The per-file settings of a run's options (the one place a new setting is threaded to every
 * runner). The single-channel method is always recorded, resolved to its default when not given,
 * so a state file or a queued job says which model its files were made with.
 */
export function itemSettings(
  options: Omit<ReplayItemSettings, 'checkpointPath' | 'checkpointEvery'>,
): ReplayItemSettings {
  return {
    ...(options.outDir !== undefined ? { outDir: options.outDir } : {}),
    singleMethod: options.singleMethod ?? DEFAULT_SINGLE_CHANNEL_METHOD,
    ...(options.referenceMethod ? { referenceMethod: options.referenceMethod } : {}),
    ...(options.skipStoi ? { skipStoi: true } : {}),
    ...(options.referenceConfig ? { referenceConfig: options.referenceConfig } : {}),
    ...(options.singleConfig ? { singleConfig: options.singleConfig } : {}),
  };
}
