import type { QualityMetrics } from './quality-metrics.js';

/** A time series (x in seconds or steps) with named lines of the same length — `RunReport`'s `ReportSeries`. */
export interface Series {
  readonly x: number[];
  readonly lines: Record<string, number[]>;
}

/**
 * What a file pipeline returns: the output signal plus every field of a `RunReport` that the
 * pipeline knows (the CLI adds the title, command, input and output names).
 */
export interface PipelineResult {
  /** The enhanced signal: mono, exactly the input's length, at `sampleRate` (the input's rate). */
  readonly output: Float32Array;
  readonly sampleRate: number;
  /** `'reference'` or `'single-channel'`. */
  readonly mode: string;
  /** Method id, e.g. `'online'`, `'fd-adamax'`, `'nlms'`. */
  readonly model: string;
  readonly settings: Record<string, unknown>;
  readonly summary: Record<string, number | string | null>;
  readonly metrics: QualityMetrics | null;
  readonly changeTimes: readonly number[];
  readonly quality?: Series;
  readonly levels: Series;
  readonly loss?: Series;
  readonly learningRate?: Series;
  readonly weightNorm?: Series;
  readonly emaVsRaw?: Series;
  /** Wall-clock seconds spent processing (not decoding / writing). */
  readonly elapsedSec: number;
  /** Processing time ÷ audio duration (< 1: faster than real time). */
  readonly realTimeFactor: number;
}

/** Options every file pipeline accepts. */
export interface PipelineCommonOptions {
  /** Clean speech (same length and rate as the input) for the metrics. */
  readonly clean?: Float32Array;
  /** Known time of a noise change, in seconds (drawn in the plots; T10 is computed from it). */
  readonly changeTime?: number;
  /** Called with the fraction done (0…1) between batches of frames. */
  readonly onProgress?: (fraction: number) => void;
  /** Stops the run between two batches of frames (the pipeline rejects with an `AbortError`). */
  readonly signal?: AbortSignal;
  /** Frames per scheduler task of `replayFrames`. Default 256. */
  readonly batch?: number;
  /** Skip STOI (the slowest metric). Default false. */
  readonly skipStoi?: boolean;
}
