/**
 * Pipeline: single-channel denoising of a WAV **file to a WAV file in constant memory** — the same
 * denoisers and the same numbers as `denoiseSingleChannel` (bit-identical output), but the input is
 * read in chunks (`WavFileReader`), resampled to the model rate and back with `StreamResampler`
 * (bit-identical to `resample`; the speech prior runs at the file's rate, so it passes through),
 * pushed hop by hop through the model — the online denoiser through `replayFrames` → `learn`, the
 * speech prior (the default method) through its `PriorStream` — and the output appended chunk by
 * chunk to a temporary WAV that is fsynced and renamed into place at the end (`WavFileWriter`).
 * Memory does not grow with the file.
 *
 * Multichannel input is downmixed (mean of the channels, as `downmix`); non-finite samples are
 * replaced by 0 and counted. Not covered (the CLI falls back to the whole-file path): compressed
 * formats, rate pairs without a polyphase plan, `--clean` metrics, reports and checkpoints.
 */

import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { setImmediate as turn } from 'node:timers/promises';
import { tap } from 'rxjs';
import type { WavEncoding } from '../src/audio/encode-wav.js';
import { ModelRateSource } from '../src/audio/model-rate-source.js';
import { WavFileReader } from '../src/audio/wav-file-reader.js';
import { WavFileWriter } from '../src/audio/wav-file-writer.js';
import { abortError } from '../src/core/abort-error.js';
import { Adamax, AdamaxStreamError, learn, replayFrames } from '../src/index.js';
import { createPriorDenoiserFromConfig } from '../src/models/create-prior-denoiser-from-config.js';
import { createSingleChannelDenoiser } from '../src/models/create-single-channel-denoiser.js';
import { type PriorOverrides, priorConfig } from '../src/models/prior-config.js';
import { type SingleChannelConfig, singleChannelConfig } from '../src/models/single-channel-config.js';
import { DEFAULT_SINGLE_CHANNEL_METHOD } from '../src/models/single-channel-method.js';
import { warmStartedModel } from '../src/models/warm-started-model.js';
import { drain } from '../src/rx/drain.js';
import { StreamResampler } from '../src/signal/stream-resampler.js';

export interface StreamDenoiseFileOptions {
  readonly input: string;
  readonly output: string;
  /** `'prior'` (default, `DEFAULT_SINGLE_CHANNEL_METHOD`) or `'online'`. */
  readonly method?: StreamMethod;
  /** The online learner's configuration (method `'online'`). Default: `singleChannelConfig()`. */
  readonly config?: SingleChannelConfig;
  /** The prior's overrides (method `'prior'`), resolved by `priorConfig` at the file's rate. */
  readonly prior?: PriorOverrides;
  /** Output encoding. Default: `float32` for a float input, else `pcm16`. */
  readonly format?: WavEncoding;
  readonly onProgress?: (fraction: number) => void;
  readonly signal?: AbortSignal;
}

export interface StreamDenoiseFileResult {
  readonly sampleRate: number;
  readonly channels: number;
  readonly frames: number;
  readonly format: WavEncoding;
  /** Non-finite input samples replaced by 0. */
  readonly nonFiniteSamples: number;
  readonly elapsedSec: number;
  readonly realTimeFactor: number;
}

/** The methods the constant-memory path runs. */
export type StreamMethod = 'online' | 'prior';

/**
 * Whether {@link streamDenoiseFile} can take this file (a WAV it decodes, a rate pair it resamples;
 * the prior, at the file's rate, resamples nothing).
 */
export function canStreamDenoise(
  path: string,
  config: SingleChannelConfig = singleChannelConfig(),
  method: StreamMethod = 'online',
): boolean {
  let r: WavFileReader | null = null;
  try {
    r = WavFileReader.open(path);
    if (r === null) return false;
    const modelRate = method === 'prior' ? r.sampleRate : createSingleChannelDenoiser(config).sampleRate;
    return (
      r !== null &&
      r.frames > 0 &&
      StreamResampler.create(r.sampleRate, modelRate, 1) !== null &&
      StreamResampler.create(modelRate, r.sampleRate, 1) !== null
    );
  } catch {
    return false;
  } finally {
    r?.close();
  }
}

/** One model behind the constant-memory path: its rate and hop, and a run that emits every output hop. */
interface StreamEngine {
  readonly modelRate: number;
  readonly hop: number;
  readonly latency: number;
  /** Feeds `total` hops of `source`; `emit(output, step)` gets each output hop (a view, valid during the call). */
  run(source: ModelRateSource, total: number, emit: (y: Float32Array, step: number) => void): Promise<void>;
}

/** The online denoiser through `replayFrames` → `learn` (warm start from the first `fftSize` samples). */
function onlineEngine(config: SingleChannelConfig, signal: AbortSignal | undefined): StreamEngine {
  const den = createSingleChannelDenoiser(config);
  const hop = den.frameSize;
  return {
    modelRate: den.sampleRate,
    hop,
    latency: den.latency,
    async run(source, total, emit) {
      const model = warmStartedModel(den, source.peek(den.fftSize));
      const frames: Iterable<Float32Array[]> = {
        *[Symbol.iterator]() {
          for (let f = 0; f < total; f++) {
            const frame = new Float32Array(hop);
            source.take(frame);
            yield [frame];
          }
        },
      };
      const steps$ = replayFrames(frames, { batch: 256 }).pipe(
        learn(model, new Adamax(den.optimizerOptions), { emitOutput: true }),
        tap((event) => emit(event.output!, event.step)),
      );
      await drain(steps$, { signal });
    },
  };
}

/** The speech prior hop by hop at the file's rate (as `PriorDenoiser.process`), 256 hops per event-loop turn. */
function priorEngine(sampleRate: number, overrides: PriorOverrides | undefined, signal: AbortSignal | undefined) {
  const stream = createPriorDenoiserFromConfig(priorConfig(sampleRate, overrides)).createStream(sampleRate);
  const engine: StreamEngine = {
    modelRate: sampleRate,
    hop: stream.hop,
    latency: stream.latency,
    async run(source, total, emit) {
      const frame = new Float32Array(stream.hop);
      const out = new Float32Array(stream.hop);
      for (let f = 1; f <= total; f++) {
        source.take(frame);
        stream.process(frame, out);
        emit(out, f);
        if (f % 256 === 0) {
          await turn();
          if (signal?.aborted) throw abortError(signal);
        }
      }
    },
  };
  return engine;
}

/**
 * Denoises `input` into `output` in constant memory (see the module doc). Rejects with an
 * `AbortError` on `signal` (nothing is written) and with `AdamaxStreamError` for an input with no
 * finite sample.
 */
export async function streamDenoiseFile(options: StreamDenoiseFileOptions): Promise<StreamDenoiseFileResult> {
  const started = performance.now();
  const reader = WavFileReader.open(options.input);
  if (!reader)
    throw new AdamaxStreamError('invalid_argument', `${options.input} is not a WAV file this reader streams.`);
  const h = reader.header;
  const format: WavEncoding = options.format ?? (h.format === 'float' && h.bitsPerSample === 32 ? 'float32' : 'pcm16');
  let writer: WavFileWriter;
  let engine: StreamEngine;
  try {
    engine =
      (options.method ?? DEFAULT_SINGLE_CHANNEL_METHOD) === 'prior'
        ? priorEngine(reader.sampleRate, options.prior, options.signal)
        : onlineEngine(options.config ?? singleChannelConfig(), options.signal);
    mkdirSync(dirname(options.output), { recursive: true });
    writer = new WavFileWriter(options.output, reader.sampleRate, format);
  } catch (e) {
    reader.close();
    throw e;
  }
  try {
    const source = new ModelRateSource(reader, engine.modelRate);
    const fileFrames = reader.frames;
    await runEngine(engine, source, reader.sampleRate, writer, fileFrames, options.onProgress);
    if (source.nonFinite === fileFrames * reader.channels) {
      throw new AdamaxStreamError(
        'invalid_argument',
        `Every sample of the input ${options.input} is NaN or Infinity: there is no audio to denoise.`,
      );
    }
    writer.commit();
    options.onProgress?.(1);
    const elapsedSec = (performance.now() - started) / 1000;
    return {
      sampleRate: reader.sampleRate,
      channels: reader.channels,
      frames: fileFrames,
      format,
      nonFiniteSamples: source.nonFinite,
      elapsedSec,
      realTimeFactor: elapsedSec / (fileFrames / reader.sampleRate),
    };
  } catch (e) {
    writer.abort();
    throw e;
  } finally {
    reader.close();
  }
}

/**
 * Runs `engine` over the source and writes its output: delay compensation (the first `latency`
 * samples dropped, the input's length kept), non-finite samples → 0, back to the file's rate, the
 * file's exact length.
 */
async function runEngine(
  engine: StreamEngine,
  source: ModelRateSource,
  fileRate: number,
  writer: WavFileWriter,
  fileFrames: number,
  onProgress: ((fraction: number) => void) | undefined,
): Promise<void> {
  const total = Math.ceil((source.length + engine.latency) / engine.hop);
  const back = StreamResampler.create(engine.modelRate, fileRate, source.length)!;
  const write = (y: Float32Array) => {
    const n = Math.min(y.length, fileFrames - writer.frames);
    if (n > 0) writer.write(n === y.length ? y : y.subarray(0, n));
  };
  let skip = engine.latency;
  let kept = 0;
  await engine.run(source, total, (y, step) => {
    let out = y;
    const drop = Math.min(skip, out.length);
    skip -= drop;
    out = out.subarray(drop, Math.min(out.length, drop + source.length - kept));
    kept += out.length;
    for (let i = 0; i < out.length; i++) if (out[i]! - out[i]! !== 0) out[i] = 0;
    if (out.length > 0) back.push(out, write);
    if (step % 256 === 0) onProgress?.(step / total);
  });
  back.finish(write);
  if (writer.frames < fileFrames) writer.write(new Float32Array(fileFrames - writer.frames));
}
