/**
 * Pipeline: reference-based noise cancellation (two microphones: the noisy primary and a noise
 * reference). The default method is FD-Adamax with `REFERENCE_DEFAULTS` (the two-path
 * `ReferenceCanceller`: a fast per-bin Adamax background, a slow foreground, their per-bin convex
 * combination as the output, reference-activity gate, restart and divergence watchdog; the
 * one-path `OptimizedFilter` with `model.design: 'one-path'`); `'nlms'` is the classical baseline.
 *
 * The signal is streamed through RxJS: `replayFrames` (pull-paced, deterministic) → a per-frame
 * filter operator → collected output. Each frame is processed prequentially (output with the
 * weights before the frame, then one Adamax step), exactly as `filter.process` in a plain loop
 * (test/cli/pipelines.test.ts checks the two are bit-identical).
 *
 * Rates and channels: the model runs at the primary's own rate, full band (block size and filter
 * taps follow from `REFERENCE_DEFAULTS.blockMs` / `filterMs`); a reference at another rate is
 * resampled to the primary's. Multichannel inputs are downmixed (mean of the channels). The output
 * is mono with exactly the primary's length and rate. A reference of another length is cut or
 * zero-padded to the primary's.
 */

import {
  type AdaptiveFilter,
  createReferenceCanceller,
  Nlms,
  paddedFrames,
  type ReferenceCancellerConfig,
  type ReferenceCancellerFilter,
  type ReferenceCancellerOverrides,
  referenceCancellerConfig,
  referencePartitions,
  replayFrames,
  runAdaptiveFilter,
} from '../src/index.js';
import type { ReferenceMethod } from '../src/models/reference-method.js';
import { TraceRecorder } from '../src/node/io.js';
import { finishReport } from '../src/report/finish-report.js';
import type { PipelineCommonOptions, PipelineResult } from '../src/report/pipeline-result.js';
import { drain } from '../src/rx/drain.js';
import { filterFrames } from '../src/rx/filter-frames.js';
import { fitLength } from '../src/signal/fit-length.js';
import { asMono, distance, norm, sanitize, toRate } from './common.js';

/** NLMS baseline step size (the value tuned on the validation split in BENCHMARKS.md). */
const NLMS_STEP_SIZE = 0.01;

export interface ReferenceCancellationOptions extends PipelineCommonOptions {
  /** The noisy primary: mono samples or planar channels (downmixed). */
  readonly primary: Float32Array | readonly Float32Array[];
  /** The noise reference: mono samples or planar channels (downmixed). */
  readonly reference: Float32Array | readonly Float32Array[];
  /** Rate of the primary (and of the clean track) in Hz. */
  readonly sampleRate: number;
  /** Rate of the reference; default `sampleRate`. */
  readonly referenceSampleRate?: number;
  /** Default `'fd-adamax'`. */
  readonly method?: ReferenceMethod;
  /**
   * Canceller configuration on top of `REFERENCE_DEFAULTS` (a full `{ optimizer, model }` from
   * `--print-config` / `referenceCancellerConfig` is used exactly as given).
   */
  readonly config?: ReferenceCancellerOverrides;
}

/** A reference-track filter with the rate it runs at and the settings for the report. */
export interface ReferenceFilter {
  readonly filter: AdaptiveFilter;
  readonly sampleRate: number;
  /** The exact configuration (FD-Adamax: `{ optimizer, model }`, fed back it rebuilds the same filter). */
  readonly config: ReferenceCancellerConfig;
  readonly settings: Record<string, unknown>;
  /** The Adamax adapter (FD-Adamax only): its `core` gives the raw and EMA weights for the traces. */
  readonly optimized: ReferenceCancellerFilter | null;
}

/**
 * Builds the filter of a method at the input's own rate through the one factory
 * (`createReferenceCanceller`, defaults `REFERENCE_DEFAULTS`, `overrides` on top; never tuned here).
 * NLMS gets the same geometry (block size and taps).
 */
export function createReferenceFilter(
  method: ReferenceMethod = 'fd-adamax',
  sampleRate: number = 16000,
  overrides: ReferenceCancellerOverrides = {},
): ReferenceFilter {
  const config = referenceCancellerConfig(sampleRate, overrides);
  const blockSize = config.model.blockSize;
  const taps = referencePartitions(config.model, sampleRate) * blockSize;
  if (method === 'nlms') {
    const filter = new Nlms({ taps, frameSize: blockSize, stepSize: NLMS_STEP_SIZE, regularization: 1e-8 });
    return {
      filter,
      sampleRate,
      config,
      optimized: null,
      settings: { method, sampleRate, blockSize, taps, stepSize: NLMS_STEP_SIZE },
    };
  }
  const filter = createReferenceCanceller(config, sampleRate);
  return { filter, sampleRate, config, optimized: filter, settings: { method, sampleRate, taps, ...config } };
}

/** Direct (non-RxJS) loop over the same frames: the reference the stream path is tested against. */
export function runReferenceFilterDirect(filter: AdaptiveFilter, primary: Float32Array, reference: Float32Array) {
  return runAdaptiveFilter(filter, primary, reference);
}

/** A frame's trace values: the loss and, for FD-Adamax, the learning rate and weight norms. */
function traceValues(loss: number, optimized: ReferenceCancellerFilter | null): Record<string, number> {
  const values: Record<string, number> = { loss };
  if (optimized) {
    const core = optimized.core;
    values.lr = optimized.optimizer.learningRate;
    values.raw = norm(core.params);
    const smooth = optimized.smoothedWeights;
    if (smooth) {
      // two-path: the foreground; one-path: the weight EMA
      const fg = optimized.kind === 'reference-canceller';
      values[fg ? 'fg' : 'ema'] = norm(smooth);
      values[fg ? 'fgDiff' : 'diff'] = distance(smooth, core.params);
    }
  }
  return values;
}

/**
 * Reference-based cancellation of a whole recording through the RxJS stream path.
 * @returns the output (input's length and rate) and every report field.
 */
export async function cancelWithReference(options: ReferenceCancellationOptions): Promise<PipelineResult> {
  const method = options.method ?? 'fd-adamax';
  const fileRate = options.sampleRate;
  const primaryIn = asMono(options.primary);
  const refIn = asMono(options.reference);
  const { filter, settings, optimized } = createReferenceFilter(method, fileRate, options.config);
  const started = performance.now();
  // native rate: the primary as it is; a reference at another rate is resampled to the primary's
  const d = primaryIn;
  const x = fitLength(toRate(refIn, options.referenceSampleRate ?? fileRate, fileRate), d.length);
  const n = filter.frameSize;
  const totalFrames = Math.ceil(d.length / n);
  // The output itself (exactly the primary's length): the last frame's padding is not kept.
  const y = new Float32Array(d.length);
  const trace = new TraceRecorder(totalFrames);
  const batch = options.batch ?? 256;

  await drain(replayFrames(paddedFrames([d, x], n), { batch }).pipe(filterFrames(filter)), {
    signal: options.signal,
    next: ({ index, output, loss }) => {
      const at = index * n;
      y.set(at + n <= y.length ? output : output.subarray(0, y.length - at), at);
      const step = index + 1;
      if (trace.wants(step)) trace.record(step, traceValues(loss, optimized));
      if (step % batch === 0) options.onProgress?.(step / totalFrames);
    },
  });
  options.onProgress?.(1);

  const output = sanitize(y);
  const elapsedSec = (performance.now() - started) / 1000;
  const duration = primaryIn.length / fileRate;
  return finishReport({
    mode: 'reference',
    model: method,
    input: primaryIn,
    output,
    sampleRate: fileRate,
    settings,
    elapsedSec,
    duration,
    trace,
    extra: optimized
      ? { bypassedFrames: optimized.bypassed, watchdogResets: optimized.resets, gatedFrames: optimized.gated }
      : {},
    options,
  });
}
