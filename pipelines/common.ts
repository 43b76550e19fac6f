/**
 * Shared pieces of the ready-made pipelines: report series, step traces (decimated), quality
 * metrics against a clean track, mono downmix and rate conversion. Public API only.
 */
import { reconvergenceTime, resample, segmentalSnr, siSdr, snr, stoi } from '../src/index.js';

/** A time series (x in seconds or steps) with named lines of the same length — `RunReport`'s `ReportSeries`. */
export interface Series {
  readonly x: number[];
  readonly lines: Record<string, number[]>;
}

/** Quality numbers of a run that had a clean track (dB unless named otherwise). */
export interface QualityMetrics {
  readonly siSdrIn: number;
  readonly siSdrOut: number;
  readonly siSdrImprovement: number;
  readonly snrIn: number;
  readonly snrOut: number;
  readonly segSnrIn: number;
  readonly segSnrOut: number;
  readonly stoiIn: number | null;
  readonly stoiOut: number | null;
  /** Seconds from the known noise change until the framed SNR improvement holds ≥ 10 dB (T10); null without a change time, Infinity if never. */
  readonly t10: number | null;
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

/** Most points a per-step trace keeps (decimated by a fixed stride, chosen from the frame count). */
export const MAX_TRACE_POINTS = 2000;

/** Collects per-step values at a fixed stride so that at most {@link MAX_TRACE_POINTS} are kept. */
export class TraceRecorder {
  readonly stride: number;
  readonly steps: number[] = [];
  readonly values: Record<string, number[]> = {};

  constructor(totalSteps: number) {
    this.stride = Math.max(1, Math.ceil(totalSteps / MAX_TRACE_POINTS));
  }

  /** Whether step `step` (1-based) is recorded. */
  wants(step: number): boolean {
    return (step - 1) % this.stride === 0;
  }

  record(step: number, values: Record<string, number>): void {
    this.steps.push(step);
    for (const [k, v] of Object.entries(values)) {
      const arr = this.values[k] ?? [];
      if (arr.length === 0) this.values[k] = arr;
      arr.push(Number.isFinite(v) ? v : Number.NaN);
    }
  }

  series(names: Record<string, string>): Series | undefined {
    const lines: Record<string, number[]> = {};
    for (const [key, label] of Object.entries(names)) {
      const v = this.values[key];
      if (v && v.length === this.steps.length) lines[label] = v;
    }
    return Object.keys(lines).length > 0 && this.steps.length > 0 ? { x: [...this.steps], lines } : undefined;
  }
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

const db = (num: number, den: number): number => 10 * Math.log10(num / den);

/** Level over time (dBFS, RMS per 50 ms window) of the input and the output. */
export function levelSeries(input: Float32Array, output: Float32Array, sampleRate: number): Series {
  const win = Math.max(1, Math.round(0.05 * sampleRate));
  const x: number[] = [];
  const inDb: number[] = [];
  const outDb: number[] = [];
  for (let s = 0; s + win <= input.length; s += win) {
    let pi = 0;
    let po = 0;
    for (let i = s; i < s + win; i++) {
      pi += input[i]! * input[i]!;
      po += output[i]! * output[i]!;
    }
    x.push(Number((s / sampleRate).toFixed(4)));
    inDb.push(Math.max(-120, db(pi / win + 1e-30, 1)));
    outDb.push(Math.max(-120, db(po / win + 1e-30, 1)));
  }
  return { x, lines: { input: inDb, output: outDb } };
}

/**
 * SI-SDR and SNR of the input and the output in 0.5 s windows (windows whose clean energy is more than
 * 40 dB below the loudest window's are skipped: SI-SDR of silence is meaningless), time = window centre.
 */
export function qualitySeries(clean: Float32Array, noisy: Float32Array, output: Float32Array, rate: number): Series {
  const win = Math.max(1, Math.round(0.5 * rate));
  const starts: number[] = [];
  const energies: number[] = [];
  for (let s = 0; s + win <= clean.length; s += win) {
    let e = 0;
    for (let i = s; i < s + win; i++) e += clean[i]! * clean[i]!;
    starts.push(s);
    energies.push(e);
  }
  const maxE = Math.max(0, ...energies);
  const x: number[] = [];
  const lines: Record<string, number[]> = {
    'SI-SDR in': [],
    'SI-SDR out': [],
    'SNR in': [],
    'SNR out': [],
  };
  starts.forEach((s, k) => {
    if (!(energies[k]! > maxE * 1e-4) || energies[k] === 0) return;
    const c = clean.subarray(s, s + win);
    const n = noisy.subarray(s, s + win);
    const o = output.subarray(s, s + win);
    x.push(Number(((s + win / 2) / rate).toFixed(4)));
    lines['SI-SDR in']!.push(siSdr(c, n));
    lines['SI-SDR out']!.push(siSdr(c, o));
    lines['SNR in']!.push(snr(c, n));
    lines['SNR out']!.push(snr(c, o));
  });
  return { x, lines };
}

/** Whole-signal metrics of input and output against the clean track. */
export function qualityMetrics(
  clean: Float32Array,
  noisy: Float32Array,
  output: Float32Array,
  rate: number,
  options: { changeTime?: number; skipStoi?: boolean } = {},
): QualityMetrics {
  const siSdrIn = siSdr(clean, noisy);
  const siSdrOut = siSdr(clean, output);
  let t10: number | null = null;
  if (options.changeTime !== undefined && options.changeTime >= 0 && options.changeTime < clean.length / rate) {
    t10 = reconvergenceTime({ clean, noisy, enhanced: output, sampleRate: rate }, { changeTime: options.changeTime });
  }
  const canStoi = !options.skipStoi && clean.length >= rate * 0.5;
  return {
    siSdrIn,
    siSdrOut,
    siSdrImprovement: siSdrOut - siSdrIn,
    snrIn: snr(clean, noisy),
    snrOut: snr(clean, output),
    segSnrIn: segmentalSnr(clean, noisy, rate),
    segSnrOut: segmentalSnr(clean, output, rate),
    stoiIn: canStoi ? stoi(clean, noisy, rate) : null,
    stoiOut: canStoi ? stoi(clean, output, rate) : null,
    t10,
  };
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
