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
 * Checkpoints (`checkpoint: { path }`, online method only): every `every` frames the output
 * produced so far is appended (and fsynced) to `<path>.partial` (raw float32 at the model rate), then
 * the learner state is written atomically to `path` (temp file, fsync, rename, directory fsync). The
 * checkpoint itself carries, in its `annotations`, the SHA-256 of the partial output it covers and of
 * the input, so a flipped byte in the partial output or a checkpoint of another input is refused.
 * `<path>.lock` (O_EXCL, pid + host) keeps a second run off the same checkpoint; a lock of a dead
 * process is taken over, and temp files dead processes left next to `path` are removed. A later run
 * with the same path resumes from the checkpoint (the learner continues bit-identically; frames
 * already done are not redone). The files are removed when the run completes, or — with
 * `removeWhenDone: false` — by the caller (`removeCheckpointFiles`) once its output is durable.
 *
 * Rates and channels: the model runs at its configured rate (`SINGLE_CHANNEL_DEFAULTS.online.sampleRate`); other rates
 * are resampled in and the output back. Multichannel input is downmixed (mean of the channels). The
 * output is mono with exactly the input's length and rate.
 */
import { createHash, type Hash } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fsyncSync,
  openSync,
  readSync,
  rmSync,
  statSync,
  truncateSync,
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
import { cleanStaleTemps } from '../src/io/clean-stale-temps.js';
import { acquireFileLock } from '../src/io/file-lock.js';
import { fsyncDirectory } from '../src/io/fsync-directory.js';
import { readCheckpoint, TraceRecorder, writeCheckpoint } from '../src/node/io.js';
import {
  abortError,
  asMono,
  finishReport,
  fitLength,
  norm,
  type PipelineCommonOptions,
  type PipelineResult,
  sanitize,
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
  /** Checkpoint file (also `<path>.partial` and `<path>.lock`). */
  readonly path: string;
  /** Frames between two checkpoints. Default: ≈ 5 s of audio. */
  readonly every?: number;
  /**
   * Remove the checkpoint files when the run completes. Default `true`. A caller that writes the
   * output to a file passes `false` and calls {@link removeCheckpointFiles} once that file is durable,
   * so that a crash in between loses nothing.
   */
  readonly removeWhenDone?: boolean;
  /** Take `<path>.lock` for the run (default `true`); `false` when the caller holds it. */
  readonly lock?: boolean;
}

/** Removes a denoise checkpoint and its companion files (and a legacy `.meta.json`). */
export function removeCheckpointFiles(path: string): void {
  for (const p of [path, `${path}.partial`, `${path}.meta.json`]) rmSync(p, { force: true });
  fsyncDirectory(path);
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
    postStep: (params, state, grad) => den.postStep(params, state, grad),
    forward: (params, state, frame, output) => den.forward(params, state, frame, output),
  };
}

/** What a denoise checkpoint's `annotations` tie it to. */
interface CheckpointFacts {
  readonly format: 'adamax-stream/denoise-checkpoint';
  readonly inputLength: number;
  readonly sampleRate: number;
  readonly modelRate: number;
  readonly hop: number;
  /** The learner's exact configuration (JSON): a checkpoint does not resume under another one. */
  readonly config: string;
  /** SHA-256 of the input samples at the model rate. */
  readonly inputSha256: string;
}

const FACT_KEYS = ['format', 'inputLength', 'sampleRate', 'modelRate', 'hop', 'config', 'inputSha256'] as const;

const sha256 = (x: Float32Array): string =>
  createHash('sha256')
    .update(new Uint8Array(x.buffer, x.byteOffset, x.byteLength))
    .digest('hex');

/** Appends float32 samples to a file, fsyncs it (and its directory when the file is new). */
function appendSamples(path: string, samples: Float32Array): void {
  const isNew = !existsSync(path);
  const fd = openSync(path, 'a');
  try {
    const bytes = new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength);
    let written = 0;
    while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  if (isNew) fsyncDirectory(path);
}

/**
 * Loads a resumable checkpoint for this input, or null when there is none. The checkpoint must
 * describe this input and model (its annotations), and the partial output must hash to the value
 * the checkpoint recorded. Output appended after the checkpoint (a crash between the two writes)
 * is dropped and redone.
 */
function loadResume(
  cp: CheckpointOptions,
  facts: CheckpointFacts,
  y: Float32Array,
): { checkpoint: Checkpoint; step: number; partial: Hash } | null {
  if (!existsSync(cp.path)) return null;
  const partialPath = `${cp.path}.partial`;
  const checkpoint = readCheckpoint(cp.path);
  const notes = checkpoint.annotations ?? {};
  const startOver = 'delete it (or pass another --checkpoint) to start over';
  if (FACT_KEYS.some((k) => notes[k] !== facts[k])) {
    throw new CheckpointError(`Checkpoint ${cp.path} belongs to another input or model; ${startOver}.`);
  }
  const needed = checkpoint.step * facts.hop;
  const have = existsSync(partialPath) ? statSync(partialPath).size / 4 : 0;
  if (notes.partialFrames !== checkpoint.step || have < needed || needed > y.length) {
    throw new CheckpointError(
      `Checkpoint ${cp.path} is at frame ${checkpoint.step} but ${partialPath} holds ${Math.floor(have / facts.hop)} frames of output; ${startOver}.`,
    );
  }
  const fd = openSync(partialPath, 'r');
  try {
    const bytes = new Uint8Array(y.buffer, y.byteOffset, needed * 4);
    let got = 0;
    while (got < bytes.length) {
      const n = readSync(fd, bytes, got, bytes.length - got, got);
      if (n <= 0) break;
      got += n;
    }
  } finally {
    closeSync(fd);
  }
  const partial = createHash('sha256').update(new Uint8Array(y.buffer, y.byteOffset, needed * 4));
  if (partial.copy().digest('hex') !== notes.partialSha256) {
    y.fill(0, 0, needed);
    throw new CheckpointError(
      `The partial output ${partialPath} does not match the checksum in checkpoint ${cp.path} (it was modified or corrupted); ${startOver}.`,
    );
  }
  truncateSync(partialPath, needed * 4);
  return { checkpoint, step: checkpoint.step, partial };
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
  checkpoint: (CheckpointOptions & { every: number; facts: CheckpointFacts; partial: Hash }) | null;
  trace: TraceRecorder;
  options: PipelineCommonOptions;
}): Promise<void> {
  const { y, hop, trace, options, checkpoint } = args;
  const batch = options.batch ?? 256;
  const signal = options.signal;
  let appendedFrames = args.resume ? args.resume.step : 0;
  /** Appends the output up to `step` (hashing it), then writes the checkpoint that covers it. */
  const save = (cp: Checkpoint, step: number) => {
    if (!checkpoint) return;
    if (step > appendedFrames) {
      const chunk = y.subarray(appendedFrames * hop, step * hop);
      appendSamples(`${checkpoint.path}.partial`, chunk);
      checkpoint.partial.update(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      appendedFrames = step;
    }
    writeCheckpoint(checkpoint.path, {
      ...cp,
      annotations: {
        ...checkpoint.facts,
        partialFrames: appendedFrames,
        partialSha256: checkpoint.partial.copy().digest('hex'),
      },
    });
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
      }),
    );
    if (checkpoint) {
      // The output is made durable (and hashed) before the checkpoint that covers it is written.
      steps$ = steps$.pipe(saveCheckpoints({ every: checkpoint.every, final: false, save }));
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
  const every = options.checkpoint?.every ?? Math.max(1, Math.round((5 * den.sampleRate) / hop));
  if (options.checkpoint && !(Number.isInteger(every) && every >= 1)) {
    throw new AdamaxStreamError('invalid_argument', `checkpoint.every must be an integer >= 1. Received: ${every}`);
  }
  const facts: CheckpointFacts = {
    format: 'adamax-stream/denoise-checkpoint',
    inputLength: x.length,
    sampleRate: fileRate,
    modelRate: den.sampleRate,
    hop,
    config: JSON.stringify(config),
    inputSha256: options.checkpoint ? sha256(x) : '',
  };
  const path = options.checkpoint?.path;
  const lock = path !== undefined && options.checkpoint?.lock !== false ? acquireFileLock(path) : null;
  try {
    let resume: { checkpoint: Checkpoint; step: number; partial: Hash } | null = null;
    if (path !== undefined) {
      for (const p of [path, `${path}.partial`]) cleanStaleTemps(p);
      resume = loadResume(options.checkpoint!, facts, y);
      if (!resume) rmSync(`${path}.partial`, { force: true });
    }
    const cp =
      path !== undefined
        ? { ...options.checkpoint!, every, facts, partial: resume?.partial ?? createHash('sha256') }
        : null;
    const from = resume?.step ?? 0;
    if (from < totalFrames) {
      await streamLearn({
        model: warmStartedModel(den, x),
        optimizer: new Adamax(den.optimizerOptions),
        frames: { [Symbol.iterator]: () => paddedFrames([x], hop, latency, from) },
        y,
        hop,
        totalFrames,
        resume: resume?.checkpoint ?? null,
        checkpoint: cp,
        trace,
        options,
      });
    }
    if (path !== undefined && options.checkpoint?.removeWhenDone !== false) removeCheckpointFiles(path);
    return { y: y.subarray(latency, latency + x.length), trace, resumedFrom: from, den };
  } finally {
    lock?.release();
  }
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
