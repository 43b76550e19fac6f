/** A time series: x values (seconds or steps) and one or more named y series of the same length. */
export interface ReportSeries {
  readonly x: number[];
  readonly lines: Record<string, number[]>;
}

/**
 * Everything a run reports, as plain JSON (written verbatim as the `.json` report and rendered by
 * {@link renderHtmlReport}). Absent series are simply not plotted.
 */
export interface RunReport {
  readonly title: string;
  readonly createdAt: string;
  readonly command: string;
  readonly input: {
    readonly file: string;
    readonly sampleRate: number;
    readonly durationSec: number;
    readonly channels: number;
  };
  readonly output?: string;
  /** 'reference' (reference-based cancellation) or 'single-channel' (online denoiser). */
  readonly mode: string;
  readonly settings: Record<string, unknown>;
  /** Scalar results, e.g. `{ siSdrIn: 1.2, siSdrOut: 9.8, … }` (dB unless the name says otherwise). */
  readonly summary: Record<string, number | string | null>;
  /** Times (s) of detected or known noise changes, drawn as dashed marks. */
  readonly changeTimes: readonly number[];
  /** Quality over time (needs a clean track): SI-SDR / SNR of input and output per window. */
  readonly quality?: ReportSeries;
  /** Input and output level over time (dBFS): always available. */
  readonly levels?: ReportSeries;
  /** Loss per optimizer step. */
  readonly loss?: ReportSeries;
  /** Learning rate per optimizer step. */
  readonly learningRate?: ReportSeries;
  /** Weight norm per step: raw weights and their EMA. */
  readonly weightNorm?: ReportSeries;
  /** ‖smoothed − raw‖ per step (the weight EMA, or the two-path canceller's foreground against its background). */
  readonly emaVsRaw?: ReportSeries;
}

/**
 * The audio behind a report, for its players and spectrograms (not part of the JSON): the input (the
 * primary channel, or the downmix) and the output aligned with it, at one rate.
 */
export interface ReportAudio {
  readonly sampleRate: number;
  readonly input: Float32Array;
  readonly output: Float32Array;
  /** Length of the embedded before/after excerpt, s: at most 10 (the default). */
  readonly maxSeconds?: number;
}
