/**
 * Pipeline: reference-based noise cancellation (two microphones: the noisy primary and a noise
 * reference). The default method is FD-Adamax with `REFERENCE_DEFAULTS` (a partitioned
 * frequency-domain filter learned by per-bin Adamax through the `OptimizedFilter` adapter: EMA
 * output, level-normalised learning rate, activity gate, divergence watchdog); `'nlms'` is the
 * classical baseline.
 *
 * The signal is streamed through RxJS: `replayFrames` (pull-paced, deterministic) → a per-frame
 * filter operator → collected output. Each frame is processed prequentially (output with the
 * weights before the frame, then one Adamax step), exactly as `filter.process` in a plain loop
 * (test/cli/pipelines.test.ts checks the two are bit-identical).
 *
 * Rates and channels: the model runs at `REFERENCE_DEFAULTS.sampleRate`; inputs at another rate are
 * resampled in and the output back. Multichannel inputs are downmixed (mean of the channels). The
 * output is mono with exactly the primary's length and rate. A reference of another length is cut
 * or zero-padded to the primary's.
 */
import { map, type Observable } from 'rxjs';
import {
  Adamax,
  type AdaptiveFilter,
  betaFromTimeConstant,
  Nlms,
  OptimizedFilter,
  PageHinkley,
  PartitionedFdFilter,
  REFERENCE_DEFAULTS,
  replayFrames,
  Tracker,
} from '../src/index.js';
import {
  abortError,
  asMono,
  distance,
  finishReport,
  fitLength,
  norm,
  type PipelineCommonOptions,
  type PipelineResult,
  sanitize,
  TraceRecorder,
  toRate,
} from './common.js';

/** Reference-track methods: `'fd-adamax'` (default, `REFERENCE_DEFAULTS`) or `'nlms'` (baseline). */
export type ReferenceMethod = 'fd-adamax' | 'nlms';
export const REFERENCE_METHODS: readonly ReferenceMethod[] = ['fd-adamax', 'nlms'];

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
}

/** Shape of a tracker configuration in `REFERENCE_DEFAULTS.tracker` (null: no tracker). */
interface TrackerDefaults {
  readonly statistic: 'error-power' | 'reference-power' | 'coherence';
  readonly delta: number;
  readonly threshold: number;
  readonly lrBoost: number;
  readonly boostSeconds: number;
  readonly resetMoments: boolean;
  readonly emaHoldSeconds: number;
}

/** A reference-track filter with the rate it runs at and the settings for the report. */
export interface ReferenceFilter {
  readonly filter: AdaptiveFilter;
  readonly sampleRate: number;
  readonly settings: Record<string, unknown>;
  /** The Adamax adapter (FD-Adamax only): its `core` gives the raw and EMA weights for the traces. */
  readonly optimized: OptimizedFilter | null;
}

/** Builds the filter of a method from its public defaults (never tuned here). */
export function createReferenceFilter(method: ReferenceMethod = 'fd-adamax'): ReferenceFilter {
  const d = REFERENCE_DEFAULTS;
  const sampleRate = d.sampleRate;
  const blockRate = sampleRate / d.blockSize;
  if (method === 'nlms') {
    const filter = new Nlms({ taps: d.taps, frameSize: d.blockSize, stepSize: NLMS_STEP_SIZE, regularization: 1e-8 });
    return {
      filter,
      sampleRate,
      optimized: null,
      settings: { method, sampleRate, blockSize: d.blockSize, taps: d.taps, stepSize: NLMS_STEP_SIZE },
    };
  }
  const model = new PartitionedFdFilter({
    blockSize: d.blockSize,
    partitions: Math.ceil(d.taps / d.blockSize),
    constrained: d.constrained,
  });
  const useEma = d.emaSeconds > 0;
  const optimizer = new Adamax({
    learningRate: d.learningRate,
    beta1: d.beta1,
    beta2: betaFromTimeConstant(d.beta2Seconds, blockRate),
    useEma,
    emaMomentum: useEma ? betaFromTimeConstant(d.emaSeconds, blockRate) : 0.99,
  });
  const t = d.tracker as TrackerDefaults | null;
  const tracker = t
    ? new Tracker({
        detector: new PageHinkley({
          delta: t.delta,
          threshold: t.threshold,
          alpha: betaFromTimeConstant(1, blockRate),
          minSamples: 25,
        }),
        lrBoost: t.lrBoost,
        boostFrames: Math.max(1, Math.round(t.boostSeconds * blockRate)),
        resetMoments: t.resetMoments,
        refractoryFrames: Math.round(0.3 * blockRate),
      })
    : null;
  const filter = new OptimizedFilter({
    model,
    optimizer,
    emaOutput: useEma,
    alternateConstraint: d.alternateConstraint,
    levelNormalizedLr: d.levelNormalizedLr,
    activityFloor: d.activityFloor,
    maxGainDb: d.maxGainDb,
    ...(tracker && t
      ? { tracker, trackerStatistic: t.statistic, emaHoldFrames: Math.round(t.emaHoldSeconds * blockRate) }
      : {}),
  });
  return { filter, sampleRate, optimized: filter, settings: { method, ...d } };
}

/** The two aligned channels at the model rate, cut into zero-padded frames of `frameSize`. */
export function* referenceFrames(
  primary: Float32Array,
  reference: Float32Array,
  frameSize: number,
): Generator<Float32Array[]> {
  for (let s = 0; s < primary.length; s += frameSize) {
    const d = new Float32Array(frameSize);
    const x = new Float32Array(frameSize);
    d.set(primary.subarray(s, Math.min(s + frameSize, primary.length)));
    x.set(reference.subarray(s, Math.min(s + frameSize, reference.length)));
    yield [d, x];
  }
}

/** One processed frame: the output (a fresh copy) and the frame's ½·mean(e²). */
export interface FilteredFrame {
  readonly index: number;
  readonly output: Float32Array;
  readonly loss: number;
}

/**
 * RxJS operator: runs an {@link AdaptiveFilter} on each frame (prequential: output, then one
 * adaptation step) and emits the output. Place it synchronously after `replayFrames`.
 */
export function filterFrames(filter: AdaptiveFilter) {
  const out = new Float32Array(filter.frameSize);
  let index = 0;
  return (source: Observable<readonly Float32Array[]>): Observable<FilteredFrame> =>
    source.pipe(
      map((frame) => {
        filter.process(frame, out);
        let p = 0;
        for (let i = 0; i < out.length; i++) p += out[i]! * out[i]!;
        return { index: index++, output: out.slice(), loss: (0.5 * p) / out.length };
      }),
    );
}

/** Direct (non-RxJS) loop over the same frames: the reference the stream path is tested against. */
export function runReferenceFilterDirect(filter: AdaptiveFilter, primary: Float32Array, reference: Float32Array) {
  const n = filter.frameSize;
  const y = new Float32Array(Math.ceil(primary.length / n) * n);
  const out = new Float32Array(n);
  let k = 0;
  for (const frame of referenceFrames(primary, reference, n)) {
    filter.process(frame, out);
    y.set(out, k * n);
    k++;
  }
  return y.subarray(0, primary.length);
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
  const { filter, sampleRate: rate, settings, optimized } = createReferenceFilter(method);
  const started = performance.now();
  const d = toRate(primaryIn, fileRate, rate);
  const x = fitLength(toRate(refIn, options.referenceSampleRate ?? fileRate, rate), d.length);
  const n = filter.frameSize;
  const totalFrames = Math.ceil(d.length / n);
  const y = new Float32Array(totalFrames * n);
  const trace = new TraceRecorder(totalFrames);
  const batch = options.batch ?? 256;
  const signal = options.signal;

  await new Promise<void>((resolve, reject) => {
    const onAbort = () => {
      subscription.unsubscribe();
      reject(abortError(signal));
    };
    const subscription = replayFrames(referenceFrames(d, x, n), { batch })
      .pipe(filterFrames(filter))
      .subscribe({
        next: ({ index, output, loss }) => {
          y.set(output, index * n);
          const step = index + 1;
          if (trace.wants(step)) {
            const values: Record<string, number> = { loss };
            if (optimized) {
              const core = optimized.core;
              values.lr = optimized.optimizer.learningRate;
              values.raw = norm(core.params);
              if (core.average) {
                values.ema = norm(core.average);
                values.diff = distance(core.average, core.params);
              }
            }
            trace.record(step, values);
          }
          if (step % batch === 0) options.onProgress?.(step / totalFrames);
        },
        error: (e: unknown) => {
          signal?.removeEventListener('abort', onAbort);
          reject(e);
        },
        complete: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      });
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
  });
  options.onProgress?.(1);

  const outRate = sanitize(y.subarray(0, d.length).slice());
  const output = fitLength(toRate(outRate, rate, fileRate), primaryIn.length);
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
