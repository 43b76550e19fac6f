/** Statistics of one report interval of the denoiser node (posted by the processor through its port). */
export interface DenoiserStats {
  /** Context time in seconds at the end of the interval. */
  readonly time: number;
  /** Input (primary) level over the interval, dBFS (RMS; −Infinity for silence). */
  readonly inputDb: number;
  /** Output level over the interval, dBFS. */
  readonly outputDb: number;
  /** `inputDb − outputDb`: how much the node removed over the interval, in dB. */
  readonly reductionDb: number;
  /** Mean loss of the model steps in the interval (reference: ½·mean(e²); single: the quantile loss). */
  readonly loss: number;
  /** Learning rate of the last update (reference mode: level-normalised and start-up boosted). */
  readonly learningRate: number;
  /** Euclidean norm of the smoothed (EMA) weights. */
  readonly weightNorm: number;
  /** Model steps since the start. */
  readonly steps: number;
  /** Frames the watchdog replaced by the input (reference mode). */
  readonly bypassed: number;
  /** Model resets by the watchdog (reference mode). */
  readonly resets: number;
  /** Non-finite input samples replaced by 0 since the start. */
  readonly nonFinite: number;
}

/** A smoothed (EMA) model snapshot of the denoiser node. */
export interface DenoiserSnapshot {
  /** Context time in seconds. */
  readonly time: number;
  /** Optimizer updates so far. */
  readonly iterations: number;
  /** The EMA weights (the raw weights when the EMA is off), one array per parameter group. */
  readonly weights: Float32Array[];
  /** Names of the groups, in the order of `weights`. */
  readonly groups: readonly string[];
}

/** Messages from the processor to the node. */
export type DenoiserMessage =
  | {
      readonly type: 'ready';
      readonly latency: number;
      readonly frameSize: number;
      readonly groups: readonly { readonly name: string; readonly offset: number; readonly length: number }[];
    }
  | {
      readonly type: 'report';
      readonly stats: DenoiserStats;
      readonly iterations: number;
      readonly weights: Float32Array | null;
    }
  | { readonly type: 'error'; readonly message: string };

/** Messages from the node to the processor. */
export type DenoiserCommand = { readonly type: 'reset' } | { readonly type: 'stop' };

/** Name under which the processor is registered. */
export const DENOISER_PROCESSOR = 'adamax-stream-denoiser';
