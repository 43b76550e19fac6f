/**
 * Pipeline: single-channel denoising of a WAV **file to a WAV file in constant memory** — the same
 * online Adamax denoiser and the same numbers as `denoiseSingleChannel` (bit-identical output), but
 * the input is read in chunks (`WavFileReader`), resampled to the model rate and back with
 * `StreamResampler` (bit-identical to `resample`), pushed frame by frame through
 * `replayFrames` → `learn`, and the output appended chunk by chunk to a temporary WAV that is
 * fsynced and renamed into place at the end (`WavFileWriter`). Memory does not grow with the file.
 *
 * Multichannel input is downmixed (mean of the channels, as `downmix`); non-finite samples are
 * replaced by 0 and counted. Not covered (the CLI falls back to the whole-file path): compressed
 * formats, rate pairs without a polyphase plan, `--clean` metrics, reports and checkpoints.
 */

import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { tap } from 'rxjs';
import type { WavEncoding } from '../src/audio/encode-wav.js';
import { ModelRateSource } from '../src/audio/model-rate-source.js';
import { WavFileReader } from '../src/audio/wav-file-reader.js';
import { WavFileWriter } from '../src/audio/wav-file-writer.js';
import { Adamax, AdamaxStreamError, learn, replayFrames } from '../src/index.js';
import { createSingleChannelDenoiser } from '../src/models/create-single-channel-denoiser.js';
import { type SingleChannelConfig, singleChannelConfig } from '../src/models/single-channel-config.js';
import { warmStartedModel } from '../src/models/warm-started-model.js';
import { drain } from '../src/rx/drain.js';
import { StreamResampler } from '../src/signal/stream-resampler.js';

export interface StreamDenoiseFileOptions {
  readonly input: string;
  readonly output: string;
  /** The learner's configuration. Default: `singleChannelConfig()` (the defaults). */
  readonly config?: SingleChannelConfig;
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

/** Whether {@link streamDenoiseFile} can take this file (a WAV it decodes, a rate pair it resamples). */
export function canStreamDenoise(path: string, config: SingleChannelConfig = singleChannelConfig()): boolean {
  let r: WavFileReader | null = null;
  try {
    r = WavFileReader.open(path);
    const modelRate = createSingleChannelDenoiser(config).sampleRate;
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
  const config = options.config ?? singleChannelConfig();
  const den = createSingleChannelDenoiser(config);
  const modelRate = den.sampleRate;
  const h = reader.header;
  const format: WavEncoding = options.format ?? (h.format === 'float' && h.bitsPerSample === 32 ? 'float32' : 'pcm16');
  let writer: WavFileWriter;
  try {
    mkdirSync(dirname(options.output), { recursive: true });
    writer = new WavFileWriter(options.output, reader.sampleRate, format);
  } catch (e) {
    reader.close();
    throw e;
  }
  try {
    const source = new ModelRateSource(reader, modelRate);
    const hop = den.frameSize;
    const latency = den.latency;
    const total = Math.ceil((source.length + latency) / hop);
    const back = StreamResampler.create(modelRate, reader.sampleRate, source.length)!;
    const fileFrames = reader.frames;
    const write = (y: Float32Array) => {
      const n = Math.min(y.length, fileFrames - writer.frames);
      if (n > 0) writer.write(n === y.length ? y : y.subarray(0, n));
    };
    const model = warmStartedModel(den, source.peek(den.fftSize));
    let skip = latency;
    let kept = 0;
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
      tap((event) => {
        // delay compensation: drop the first `latency` samples, keep the input's length
        let out = event.output!;
        const drop = Math.min(skip, out.length);
        skip -= drop;
        out = out.subarray(drop, Math.min(out.length, drop + source.length - kept));
        kept += out.length;
        for (let i = 0; i < out.length; i++) if (out[i]! - out[i]! !== 0) out[i] = 0;
        if (out.length > 0) back.push(out, write);
        if (event.step % 256 === 0) options.onProgress?.(event.step / total);
      }),
    );
    await drain(steps$, { signal: options.signal });
    back.finish(write);
    if (writer.frames < fileFrames) writer.write(new Float32Array(fileFrames - writer.frames));
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
