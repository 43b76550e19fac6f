/**
 * Shared pieces of the ready-made pipelines: the result type of a file pipeline and its report
 * (quality metrics, level and quality series, the decimated step trace, from the public API), mono
 * downmix and rate conversion. Public API only.
 */
import { resample } from '../src/index.js';
import { levelSeries, type QualityMetrics, qualityMetrics, qualitySeries, type TraceRecorder } from '../src/node/io.js';

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

/** Euclidean norm of a vector. */
export function norm(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]! * x[i]!;
  return Math.sqrt(s);
}

/** ‖a − b‖ over the common length. */
export function distance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = a[i]! - b[i]!;
    s += d * d;
  }
  return Math.sqrt(s);
}

/**
 * Mono view of planar channels: the channel itself for mono, else the mean of the channels
 * (a downmix; documented behaviour of every file pipeline).
 */
export function downmix(channels: readonly Float32Array[]): Float32Array {
  if (channels.length === 0) return new Float32Array(0);
  if (channels.length === 1) return channels[0]!;
  const n = channels[0]!.length;
  const out = new Float32Array(n);
  for (const ch of channels) for (let i = 0; i < n; i++) out[i] = out[i]! + ch[i]!;
  const g = 1 / channels.length;
  for (let i = 0; i < n; i++) out[i] = out[i]! * g;
  return out;
}

/** A mono signal as is, or several channels downmixed (see {@link downmix}). */
export const asMono = (x: Float32Array | readonly Float32Array[]): Float32Array =>
  x instanceof Float32Array ? x : downmix(x);

/** `x` at `toRate` (no copy when the rates match). */
export function toRate(x: Float32Array, fromRate: number, toRateHz: number): Float32Array {
  return fromRate === toRateHz ? x : resample(x, fromRate, toRateHz);
}

/** `x` cut or zero-padded to exactly `length` samples. */
export function fitLength(x: Float32Array, length: number): Float32Array {
  if (x.length === length) return x;
  const out = new Float32Array(length);
  out.set(x.subarray(0, Math.min(length, x.length)));
  return out;
}

/** Replaces non-finite samples by 0 (in place) and returns the array. */
export function sanitize(x: Float32Array): Float32Array {
  for (let i = 0; i < x.length; i++) if (!Number.isFinite(x[i]!)) x[i] = 0;
  return x;
}

/** Rounds for JSON summaries (4 significant decimals in dB is plenty); keeps null and ±Infinity as null/strings. */
export function round(v: number | null | undefined, digits = 3): number | null {
  if (v === null || v === undefined || Number.isNaN(v)) return null;
  if (!Number.isFinite(v)) return v;
  const p = 10 ** digits;
  return Math.round(v * p) / p;
}

/** The summary table of a run: processing numbers plus the quality metrics when present. */
export function summarize(
  base: Record<string, number | string | null>,
  metrics: QualityMetrics | null,
): Record<string, number | string | null> {
  const out: Record<string, number | string | null> = { ...base };
  if (metrics) {
    out.siSdrIn = round(metrics.siSdrIn);
    out.siSdrOut = round(metrics.siSdrOut);
    out.siSdrImprovement = round(metrics.siSdrImprovement);
    out.snrIn = round(metrics.snrIn);
    out.snrOut = round(metrics.snrOut);
    out.segSnrIn = round(metrics.segSnrIn);
    out.segSnrOut = round(metrics.segSnrOut);
    out.stoiIn = round(metrics.stoiIn, 4);
    out.stoiOut = round(metrics.stoiOut, 4);
    if (metrics.t10 !== null) out.t10Sec = Number.isFinite(metrics.t10) ? round(metrics.t10) : 'never';
  }
  return out;
}

/** An `Error` named `AbortError` (what `signal.throwIfAborted()` throws when no reason was given). */
export function abortError(signal: AbortSignal | undefined): unknown {
  const reason: unknown = signal?.reason;
  if (reason instanceof Error) return reason;
  const e = new Error('The operation was aborted.');
  e.name = 'AbortError';
  return e;
}

/** True for the error of an aborted run. */
export function isAbortError(e: unknown): boolean {
  return e instanceof Error && e.name === 'AbortError';
}

/** Builds the {@link PipelineResult} shared by both file pipelines. */
export function finishReport(args: {
  mode: string;
  model: string;
  input: Float32Array;
  output: Float32Array;
  sampleRate: number;
  settings: Record<string, unknown>;
  elapsedSec: number;
  duration: number;
  trace: TraceRecorder | null;
  extra: Record<string, number | string | null>;
  options: PipelineCommonOptions;
}): PipelineResult {
  const { input, output, sampleRate, options, trace } = args;
  const clean = options.clean ? fitLength(options.clean, input.length) : null;
  const metrics = clean
    ? qualityMetrics(clean, input, output, sampleRate, {
        ...(options.changeTime !== undefined ? { changeTime: options.changeTime } : {}),
        ...(options.skipStoi ? { skipStoi: true } : {}),
      })
    : null;
  const summary = summarize(
    {
      model: args.model,
      durationSec: round(args.duration),
      processingSec: round(args.elapsedSec),
      realTimeFactor: round(args.elapsedSec / Math.max(1e-9, args.duration), 4),
      ...args.extra,
    },
    metrics,
  );
  const result: {
    -readonly [K in keyof PipelineResult]: PipelineResult[K];
  } = {
    output,
    sampleRate,
    mode: args.mode,
    model: args.model,
    settings: args.settings,
    summary,
    metrics,
    changeTimes: options.changeTime !== undefined ? [options.changeTime] : [],
    levels: levelSeries(input, output, sampleRate),
    elapsedSec: args.elapsedSec,
    realTimeFactor: args.elapsedSec / Math.max(1e-9, args.duration),
  };
  if (clean) result.quality = qualitySeries(clean, input, output, sampleRate);
  if (trace) {
    const loss = trace.series({ loss: 'loss' });
    const lr = trace.series({ lr: 'learning rate' });
    const wn = trace.series({ raw: 'raw', ema: 'EMA', fg: 'foreground' });
    const diff = trace.series({ diff: '‖EMA − raw‖', fgDiff: '‖foreground − background‖' });
    if (loss) result.loss = loss;
    if (lr) result.learningRate = lr;
    if (wn) result.weightNorm = wn;
    if (diff) result.emaVsRaw = diff;
  }
  return result;
}
