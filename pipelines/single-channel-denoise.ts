/**
 * Pipeline: single-channel denoising (one microphone, no reference). The default method is the
 * online Adamax denoiser with `SINGLE_CHANNEL_DEFAULTS` (a noise model learned prequentially from
 * the noisy stream alone, Wiener gain); `'wiener'` and `'rnnoise'` are baselines.
 *
 * The online method runs through the product's stream path:
 * `replayFrames(hops)` → `learn(denoiser, Adamax, { emitOutput: true })` → [`checkpoints`] → collect,
 * and gives bit-identical output to `OnlineDenoiser.process` (test/cli/pipelines.test.ts). The
 * first frame warm-starts the noise model as `process` does (a wrapper model whose `initParams`
 * calls `warmStart` on the first look-ahead frame).
 *
 * Checkpoints (`checkpoint: { path }`, online method only): every `every` frames the rx
 * `checkpoints` operator writes the learner state atomically to `path`, after the output produced
 * so far has been appended (and fsynced) to `<path>.partial` (raw float32 at the model rate). A
 * `<path>.meta.json` ties them to the input. A later run with the same path resumes from the
 * checkpoint (the learner continues bit-identically; frames already done are not redone). The three
 * files are removed when the run completes.
 *
 * Rates and channels: the model runs at its configured rate (`SINGLE_CHANNEL_DEFAULTS.online.sampleRate`); other rates
 * are resampled in and the output back. Multichannel input is downmixed (mean of the channels). The
 * output is mono with exactly the input's length and rate.
 */
import {
  closeSync,
  existsSync,
  fsyncSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tap } from 'rxjs';
import {
  Adamax,
  AdamaxStreamError,
  type AdaptiveModel,
  type Checkpoint,
  CheckpointError,
  createPriorDenoiser,
  createSingleChannelDenoiser,
  learn,
  type OnlineDenoiser,
  type OnlineDenoiserState,
  RnnoiseDenoiser,
  replayFrames,
  type SingleChannelConfig,
  type SingleChannelOverrides,
  type StepEvent,
  singleChannelConfig,
  WienerDenoiser,
} from '../src/index.js';
import { checkpoints, readCheckpoint } from '../src/node/io.js';
import {
  abortError,
  asMono,
  finishReport,
  fitLength,
  norm,
  type PipelineCommonOptions,
  type PipelineResult,
  sanitize,
  TraceRecorder,
  toRate,
} from './common.js';

/**
 * Single-channel methods: `'online'` (default, `SINGLE_CHANNEL_DEFAULTS.online`), `'prior'` (the learned
 * speech prior with online adaptation, `SINGLE_CHANNEL_DEFAULTS.prior`, at the file's own rate),
 * `'wiener'`, `'rnnoise'` (needs the optional dependency @jitsi/rnnoise-wasm).
 */
export type SingleChannelMethod = 'online' | 'prior' | 'wiener' | 'rnnoise';
export const SINGLE_CHANNEL_METHODS: readonly SingleChannelMethod[] = ['online', 'prior', 'wiener', 'rnnoise'];

export interface CheckpointOptions {
  /** Checkpoint file (also `<path>.partial` and `<path>.meta.json`). */
  readonly path: string;
  /** Frames between two checkpoints. Default: ≈ 5 s of audio. */
  readonly every?: number;
}

export interface SingleChannelDenoiseOptions extends PipelineCommonOptions {
  /** Noisy input: mono samples or planar channels (downmixed). */
  readonly input: Float32Array | readonly Float32Array[];
  /** Rate of the input (and of the clean track) in Hz. */
  readonly sampleRate: number;
  /** Default `'online'`. */
  readonly method?: SingleChannelMethod;
  /** Save / resume the learner (online method only). */
  readonly checkpoint?: CheckpointOptions;
  /** Online denoiser configuration on top of `SINGLE_CHANNEL_DEFAULTS` (online method only). */
  readonly config?: SingleChannelOverrides;
}

/**
 * The online denoiser through the one factory (`createSingleChannelDenoiser`): a fresh instance
 * from `SINGLE_CHANNEL_DEFAULTS` with `overrides` on top (a full `{ optimizer, model }` is used as given).
 */
export function createOnlineDenoiser(overrides: SingleChannelOverrides = {}): OnlineDenoiser {
  return createSingleChannelDenoiser(singleChannelConfig(overrides));
}

/**
 * The denoiser as an {@link AdaptiveModel} whose initial parameters are the warm start from the
 * first `fftSize` samples of `signal` (what `OnlineDenoiser.process` does), so `learn` reproduces
 * `process` exactly.
 */
export function warmStartedModel(den: OnlineDenoiser, signal: Float32Array): AdaptiveModel<OnlineDenoiserState> {
  return {
    kind: den.kind,
    layout: den.layout,
    frameSize: den.frameSize,
    channels: den.channels,
    initParams: (params) => {
      if (den.warmStartEnabled) den.warmStart(params, signal);
      else den.initParams(params);
    },
    createState: () => den.createState(),
    step: (params, state, frame, output, grad) => den.step(params, state, frame, output, grad),
    forward: (params, state, frame, output) => den.forward(params, state, frame, output),
  };
}

/** Hop-sized frames of `x` followed by zeros that flush the STFT delay (frame `from` onwards). */
export function* hopFrames(x: Float32Array, hop: number, latency: number, from = 0): Generator<Float32Array[]> {
  const frames = Math.ceil((x.length + latency) / hop);
  for (let f = from; f < frames; f++) {
    const frame = new Float32Array(hop);
    const start = f * hop;
    if (start < x.length) frame.set(x.subarray(start, Math.min(start + hop, x.length)));
    yield [frame];
  }
}

interface CheckpointMeta {
  readonly format: 'adamax-stream/denoise-checkpoint';
  readonly version: 1;
  readonly inputLength: number;
  readonly sampleRate: number;
  readonly modelRate: number;
  readonly hop: number;
  readonly fingerprint: number;
  /** The learner's exact configuration (JSON): a checkpoint does not resume under another one. */
  readonly config: string;
}

/** A cheap content fingerprint of the input (so a checkpoint of another file is refused). */
function fingerprint(x: Float32Array): number {
  let h = 2166136261;
  const step = Math.max(1, Math.floor(x.length / 4096));
  const bits = new Uint32Array(x.buffer, x.byteOffset, x.length);
  for (let i = 0; i < x.length; i += step) h = Math.imul(h ^ bits[i]!, 16777619) >>> 0;
  return h;
}

function writeJsonAtomic(path: string, value: unknown): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(value)}\n`);
  renameSync(tmp, path);
}

/** Appends float32 samples to a file and fsyncs it. */
function appendSamples(path: string, samples: Float32Array): void {
  const fd = openSync(path, 'a');
  try {
    const bytes = new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength);
    let written = 0;
    while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Loads a resumable checkpoint for this input, or null when there is none. */
function loadResume(
  cp: CheckpointOptions,
  meta: CheckpointMeta,
  y: Float32Array,
): { checkpoint: Checkpoint; step: number } | null {
  if (!existsSync(cp.path)) return null;
  const metaPath = `${cp.path}.meta.json`;
  const partialPath = `${cp.path}.partial`;
  let saved: CheckpointMeta;
  try {
    saved = JSON.parse(readFileSync(metaPath, 'utf8')) as CheckpointMeta;
  } catch (cause) {
    throw new CheckpointError(
      `Checkpoint ${cp.path} has no readable ${metaPath}; delete the checkpoint to start over.`,
      {
        cause,
      },
    );
  }
  const keys = ['format', 'inputLength', 'sampleRate', 'modelRate', 'hop', 'fingerprint', 'config'] as const;
  if (keys.some((k) => saved[k] !== meta[k])) {
    throw new CheckpointError(
      `Checkpoint ${cp.path} belongs to another input or model; delete it (or pass another --checkpoint) to start over.`,
    );
  }
  const checkpoint = readCheckpoint(cp.path);
  const needed = checkpoint.step * meta.hop;
  const have = existsSync(partialPath) ? statSync(partialPath).size / 4 : 0;
  if (have < needed || needed > y.length) {
    throw new CheckpointError(
      `Checkpoint ${cp.path} is at frame ${checkpoint.step} but ${partialPath} holds only ${Math.floor(have / meta.hop)} frames of output; delete the checkpoint to start over.`,
    );
  }
  // Output written after the checkpoint (a crash between the two writes) is dropped: it is redone.
  truncateSync(partialPath, needed * 4);
  const bytes = readFileSync(partialPath);
  y.set(new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + needed * 4)));
  return { checkpoint, step: checkpoint.step };
}

/**
 * Runs a model over hop frames through `replayFrames` → `learn` (→ `checkpoints`), writing each
 * frame's output at its place in `y`. Resolves when the stream completes.
 */
function streamLearn(args: {
  model: AdaptiveModel<OnlineDenoiserState>;
  optimizer: Adamax;
  frames: Iterable<Float32Array[]>;
  y: Float32Array;
  hop: number;
  totalFrames: number;
  resume: Checkpoint | null;
  checkpoint: (CheckpointOptions & { every: number }) | null;
  trace: TraceRecorder;
  options: PipelineCommonOptions;
}): Promise<void> {
  const { y, hop, trace, options, checkpoint } = args;
  const batch = options.batch ?? 256;
  const signal = options.signal;
  let appendedFrames = args.resume ? args.resume.step : 0;
  const appendUpTo = (step: number) => {
    if (!checkpoint || step <= appendedFrames) return;
    appendSamples(`${checkpoint.path}.partial`, y.subarray(appendedFrames * hop, step * hop));
    appendedFrames = step;
  };
  return new Promise<void>((resolve, reject) => {
    const onAbort = () => {
      subscription.unsubscribe();
      reject(abortError(signal));
    };
    let steps$ = replayFrames(args.frames, { batch }).pipe(
      learn(args.model, args.optimizer, {
        emitOutput: true,
        ...(args.resume ? { resume: args.resume } : {}),
      }),
      tap((event: StepEvent) => {
        y.set(event.output!, (event.step - 1) * hop);
        // The output must be safe on disk before the checkpoint that covers it is written.
        if (checkpoint && event.step % checkpoint.every === 0) appendUpTo(event.step);
      }),
    );
    if (checkpoint) {
      steps$ = steps$.pipe(checkpoints({ every: checkpoint.every, path: checkpoint.path, final: false }));
    }
    const subscription = steps$.subscribe({
      next: (event) => {
        if (trace.wants(event.step)) {
          const w = event.source.snapshot().weights;
          let s = 0;
          for (const g of w) s += norm(g) ** 2;
          trace.record(event.step, { loss: event.loss ?? Number.NaN, lr: event.learningRate, raw: Math.sqrt(s) });
        }
        if (event.step % batch === 0) options.onProgress?.(event.step / args.totalFrames);
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
}

/**
 * Denoises one recording with the online Adamax denoiser through the RxJS learner.
 * @returns the output at the model rate, aligned (delay compensated), plus the step trace.
 */
async function onlineStream(
  x: Float32Array,
  options: SingleChannelDenoiseOptions,
  fileRate: number,
  den: OnlineDenoiser,
  config: SingleChannelConfig,
): Promise<{ y: Float32Array; trace: TraceRecorder; resumedFrom: number; den: OnlineDenoiser }> {
  const hop = den.frameSize;
  const latency = den.latency;
  const totalFrames = Math.ceil((x.length + latency) / hop);
  const y = new Float32Array(totalFrames * hop);
  const trace = new TraceRecorder(totalFrames);
  const cp = options.checkpoint
    ? {
        path: options.checkpoint.path,
        every: options.checkpoint.every ?? Math.max(1, Math.round((5 * den.sampleRate) / hop)),
      }
    : null;
  if (cp && !(Number.isInteger(cp.every) && cp.every >= 1)) {
    throw new AdamaxStreamError('invalid_argument', `checkpoint.every must be an integer >= 1. Received: ${cp.every}`);
  }
  const meta: CheckpointMeta = {
    format: 'adamax-stream/denoise-checkpoint',
    version: 1,
    inputLength: x.length,
    sampleRate: fileRate,
    modelRate: den.sampleRate,
    hop,
    fingerprint: fingerprint(x),
    config: JSON.stringify(config),
  };
  let resume: { checkpoint: Checkpoint; step: number } | null = null;
  if (cp) {
    resume = loadResume(cp, meta, y);
    if (!resume) {
      rmSync(`${cp.path}.partial`, { force: true });
      writeJsonAtomic(`${cp.path}.meta.json`, meta);
    }
  }
  const from = resume?.step ?? 0;
  if (from < totalFrames) {
    await streamLearn({
      model: warmStartedModel(den, x),
      optimizer: new Adamax(den.optimizerOptions),
      frames: { [Symbol.iterator]: () => hopFrames(x, hop, latency, from) },
      y,
      hop,
      totalFrames,
      resume: resume?.checkpoint ?? null,
      checkpoint: cp,
      trace,
      options,
    });
  }
  if (cp) {
    for (const p of [cp.path, `${cp.path}.partial`, `${cp.path}.meta.json`]) rmSync(p, { force: true });
  }
  return { y: y.subarray(latency, latency + x.length), trace, resumedFrom: from, den };
}

/**
 * Single-channel denoising of a whole recording (online method through the RxJS learner).
 * @returns the output (input's length and rate) and every report field.
 */
export async function denoiseSingleChannel(options: SingleChannelDenoiseOptions): Promise<PipelineResult> {
  const method = options.method ?? 'online';
  const fileRate = options.sampleRate;
  const input = asMono(options.input);
  if (options.checkpoint && method !== 'online') {
    throw new AdamaxStreamError('usage', `Checkpoints need the online method (got '${method}').`);
  }
  if (options.config && method !== 'online') {
    throw new AdamaxStreamError('usage', `A learner configuration needs the online method (got '${method}').`);
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
    const r = await onlineStream(x, options, fileRate, den, config);
    trace = r.trace;
    output = fitLength(toRate(sanitize(r.y.slice()), modelRate, fileRate), input.length);
    settings = { method, ...config, hop: r.den.frameSize, latency: r.den.latency };
    if (r.resumedFrom > 0) extra.resumedFromFrame = r.resumedFrom;
  } else {
    const prior = method === 'prior' ? createPriorDenoiser() : null;
    const den = prior ?? (method === 'wiener' ? new WienerDenoiser() : new RnnoiseDenoiser());
    if (options.signal?.aborted) throw abortError(options.signal);
    output = fitLength(sanitize(Float32Array.from(await den.process(input, fileRate))), input.length);
    options.onProgress?.(1);
    settings = prior
      ? { method, kind: den.kind, gainFloorDb: prior.gainFloorDb, adaptation: prior.adaptation }
      : { method, kind: den.kind };
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
