import { fitLength } from '../signal/fit-length.js';
import { levelSeries } from './level-series.js';
import type { PipelineCommonOptions, PipelineResult } from './pipeline-result.js';
import { type QualityMetrics, qualityMetrics } from './quality-metrics.js';
import { qualitySeries } from './quality-series.js';
import { round } from './round.js';
import type { TraceRecorder } from './trace-recorder.js';

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
