/**
 * Pipeline: single-channel denoising (one microphone, no reference). The default method is the
 * learned speech prior with online adaptation (`'prior'`, `SINGLE_CHANNEL_DEFAULTS.prior`, at the
 * file's own rate; `priorRun`), the best method measured on the single-channel v2 benchmark.
 * `'online'` is the prior-free online Adamax denoiser (`SINGLE_CHANNEL_DEFAULTS.online`: a noise
 * model learned prequentially from the noisy stream alone); `'wiener'` and `'rnnoise'` are baselines.
 *
 * The online method runs through the product's stream path:
 * `replayFrames(hops)` → `learn(denoiser, Adamax, { emitOutput: true })` → [`saveCheckpoints`] → collect,
 * and gives bit-identical output to `OnlineDenoiser.process` (test/cli/pipelines.test.ts). The
 * first frame warm-starts the noise model as `process` does (`warmStartedModel`). The prior runs
 * hop by hop (`priorRun`), bit-identical to `PriorDenoiser.process`.
 *
 * Checkpoints (`checkpoint: { path }`, online and prior methods; `DenoiseCheckpoint` keeps the
 * files, tagged with the model kind and version): the learner state and the output so far are
 * saved every `every` frames, so that a later run with the same path resumes from the checkpoint
 * (the learner continues bit-identically; frames already done are not redone). The files are
 * removed when the run completes, or — with `removeWhenDone: false` — by the caller
 * (`removeCheckpointFiles`) once its output is durable.
 *
 * Rates and channels: the online model runs at its configured rate
 * (`SINGLE_CHANNEL_DEFAULTS.online.sampleRate`; other rates are resampled in and the output back),
 * the prior at the file's rate. Multichannel input is downmixed (mean of the channels). The output
 * is mono with exactly the input's length and rate.
 */

import { tap } from 'rxjs';
import { ChannelBuffers } from '../src/audio/channel-buffers.js';
import { abortError } from '../src/core/abort-error.js';
import {
  Adamax,
  AdamaxStreamError,
  type Checkpoint,
  createSingleChannelDenoiser,
  learn,
  type OnlineDenoiser,
  paddedFrames,
  RnnoiseDenoiser,
  replayFrames,
  type SingleChannelConfig,
  type SingleChannelOverrides,
  type StepEvent,
  saveCheckpoints,
  singleChannelConfig,
  WienerDenoiser,
} from '../src/index.js';
import { type CheckpointOptions, DenoiseCheckpoint } from '../src/io/denoise-checkpoint.js';
import { type PriorOverrides, priorConfig } from '../src/models/prior-config.js';
import { DEFAULT_SINGLE_CHANNEL_METHOD, type SingleChannelMethod } from '../src/models/single-channel-method.js';
import { warmStartedModel } from '../src/models/warm-started-model.js';
import { TraceRecorder } from '../src/node/io.js';
import { finishReport } from '../src/report/finish-report.js';
import type { PipelineCommonOptions, PipelineResult } from '../src/report/pipeline-result.js';
import { drain } from '../src/rx/drain.js';
import { fitLength } from '../src/signal/fit-length.js';
import { asMono, norm, sanitize, toRate } from './common.js';
import { priorRun } from './prior-run.js';

export interface SingleChannelDenoiseOptions extends PipelineCommonOptions {
  /** Noisy input: mono samples or planar channels (downmixed). */
  readonly input: Float32Array | readonly Float32Array[];
  /** Rate of the input (and of the clean track) in Hz. */
  readonly sampleRate: number;
  /** Default `'prior'` (`DEFAULT_SINGLE_CHANNEL_METHOD`). */
  readonly method?: SingleChannelMethod;
  /** Save / resume the learner (online and prior methods). */
  readonly checkpoint?: CheckpointOptions;
  /** Online denoiser configuration on top of `SINGLE_CHANNEL_DEFAULTS.online` (online method only). */
  readonly config?: SingleChannelOverrides;
  /** Speech-prior configuration on top of `SINGLE_CHANNEL_DEFAULTS.prior` (prior method only; resolved at the file's rate). */
  readonly prior?: PriorOverrides;
}

/**
 * The online denoiser through the one factory (`createSingleChannelDenoiser`): a fresh instance
 * from `SINGLE_CHANNEL_DEFAULTS` with `overrides` on top (a full `{ optimizer, model }` is used as given).
 */
export function createOnlineDenoiser(overrides: SingleChannelOverrides = {}): OnlineDenoiser {
  return createSingleChannelDenoiser(singleChannelConfig(overrides));
}

/** Records a step's loss, learning rate and weight norm when the trace wants that step. */
function traceStep(trace: TraceRecorder, event: StepEvent): void {
  if (!trace.wants(event.step)) return;
  let s = 0;
  for (const g of event.source.snapshot().weights) s += norm(g) ** 2;
  trace.record(event.step, { loss: event.loss ?? Number.NaN, lr: event.learningRate, raw: Math.sqrt(s) });
}

/**
 * The model-rate output buffers of this thread's online runs, kept from one run to the next (the
 * output returned is a copy): a replay then allocates it once instead of per file. A run takes a
 * set and gives it back; runs at the same time in one thread take different sets.
 */
const spareWork: ChannelBuffers[] = [];

/**
 * Denoises one recording (at the model rate) with the online Adamax denoiser through the RxJS learner.
 * @returns the output at the model rate, aligned (delay compensated), plus the step trace.
 */
async function onlineStream(
  x: Float32Array,
  options: SingleChannelDenoiseOptions,
  fileRate: number,
  den: OnlineDenoiser,
  config: SingleChannelConfig,
  work: ChannelBuffers,
): Promise<{ y: Float32Array; trace: TraceRecorder; resumedFrom: number }> {
  const hop = den.frameSize;
  const latency = den.latency;
  const totalFrames = Math.ceil((x.length + latency) / hop);
  const y = work.take(1, totalFrames * hop)[0]!.fill(0);
  const trace = new TraceRecorder(totalFrames);
  const run = { input: x, sampleRate: fileRate, modelRate: den.sampleRate, hop, config: JSON.stringify(config) };
  const checkpoint = options.checkpoint ? DenoiseCheckpoint.open(options.checkpoint, run, y) : null;
  try {
    const from = checkpoint?.step ?? 0;
    const batch = options.batch ?? 256;
    if (from < totalFrames) {
      const frames = { [Symbol.iterator]: () => paddedFrames([x], hop, latency, from) };
      const resume = checkpoint?.resume;
      let steps$ = replayFrames(frames, { batch }).pipe(
        learn(warmStartedModel(den, x), new Adamax(den.optimizerOptions), {
          emitOutput: true,
          ...(resume ? { resume } : {}),
        }),
        tap((event: StepEvent) => y.set(event.output!, (event.step - 1) * hop)),
      );
      if (checkpoint) {
        // The output is made durable (and hashed) before the checkpoint that covers it is written.
        const save = (cp: Checkpoint, step: number) => checkpoint.save(cp, step);
        steps$ = steps$.pipe(saveCheckpoints({ every: checkpoint.every, final: false, save }));
      }
      await drain(steps$, {
        signal: options.signal,
        next: (event) => {
          traceStep(trace, event);
          if (event.step % batch === 0) options.onProgress?.(event.step / totalFrames);
        },
      });
    }
    checkpoint?.complete();
    return { y: y.subarray(latency, latency + x.length), trace, resumedFrom: from };
  } finally {
    checkpoint?.release();
  }
}

/**
 * Single-channel denoising of a whole recording (online method through the RxJS learner).
 * @returns the output (input's length and rate) and every report field.
 */
export async function denoiseSingleChannel(options: SingleChannelDenoiseOptions): Promise<PipelineResult> {
  const method = options.method ?? DEFAULT_SINGLE_CHANNEL_METHOD;
  const fileRate = options.sampleRate;
  const input = asMono(options.input);
  if (options.checkpoint && method !== 'online' && method !== 'prior') {
    throw new AdamaxStreamError('usage', `Checkpoints need the online or the prior method (got '${method}').`);
  }
  if (options.config && method !== 'online') {
    throw new AdamaxStreamError('usage', `A learner configuration (config) needs the online method (got '${method}').`);
  }
  if (options.prior && method !== 'prior') {
    throw new AdamaxStreamError('usage', `A prior configuration (prior) needs the prior method (got '${method}').`);
  }
  const started = performance.now();
  let output: Float32Array;
  let trace: TraceRecorder | null = null;
  let settings: Record<string, unknown>;
  const extra: Record<string, number | string | null> = {};
  if (input.length === 0) {
    output = new Float32Array(0);
    settings = { method };
  } else if (method === 'online') {
    const config = singleChannelConfig(options.config);
    const den = createSingleChannelDenoiser(config);
    const modelRate = den.sampleRate;
    const x = toRate(input, fileRate, modelRate);
    const work = spareWork.pop() ?? new ChannelBuffers();
    try {
      const r = await onlineStream(x, options, fileRate, den, config, work);
      trace = r.trace;
      output = fitLength(toRate(sanitize(r.y.slice()), modelRate, fileRate), input.length);
      if (r.resumedFrom > 0) extra.resumedFromFrame = r.resumedFrom;
    } finally {
      spareWork.push(work);
    }
    settings = { method, ...config, hop: den.frameSize, latency: den.latency };
  } else if (method === 'prior') {
    const config = priorConfig(fileRate, options.prior);
    const r = await priorRun(input, fileRate, config, options);
    trace = config.model.adapt ? r.trace : null;
    output = fitLength(sanitize(r.y.slice()), input.length);
    if (r.resumedFrom > 0) extra.resumedFromFrame = r.resumedFrom;
    settings = { method, kind: 'prior', ...config, hop: r.hop, latency: r.latency, modelRate: fileRate };
  } else {
    const den = method === 'wiener' ? new WienerDenoiser() : new RnnoiseDenoiser();
    if (options.signal?.aborted) throw abortError(options.signal);
    output = fitLength(sanitize(Float32Array.from(await den.process(input, fileRate))), input.length);
    options.onProgress?.(1);
    settings = { method, kind: den.kind };
  }
  options.onProgress?.(1);
  const elapsedSec = (performance.now() - started) / 1000;
  return finishReport({
    mode: 'single-channel',
    model: method,
    input,
    output,
    sampleRate: fileRate,
    settings,
    elapsedSec,
    duration: input.length / fileRate,
    trace,
    extra,
    options,
  });
}
