import { AudioDecodeError, InvalidOptionError } from '../core/errors.js';
import { loadWebAudio } from './load-web-audio.js';
import { parseWavHeader } from './parse-wav-header.js';
import { sniffSampleRate } from './sniff-sample-rate.js';

/** Options of {@link decodeAudioBuffer} and `decodeAudioFile`. */
export interface DecodeAudioOptions {
  /**
   * Output rate in Hz, an integer in [3000, 768000] (node-web-audio-api's range); the decoder
   * resamples to it. Default: the file's own rate, from the WAV header, or from the FLAC / Ogg Vorbis /
   * MP3 header; 48000 when the rate cannot be read from the file.
   */
  readonly sampleRate?: number;
  /**
   * A WAV whose `data` chunk declares more bytes than the file holds is an error by default
   * (node-web-audio-api would silently return the shorter audio). `true` returns what is there.
   */
  readonly allowTruncated?: boolean;
}

/** Decoded audio: planar channels at `sampleRate`, owned by the caller. */
export interface DecodedAudio {
  /** Rate of `channels`, in Hz. */
  readonly sampleRate: number;
  /** One Float32Array per channel, each `frames` long, fresh copies. */
  readonly channels: Float32Array[];
  /** Samples per channel. */
  readonly frames: number;
  /** The file's native rate, when it could be read from its header (WAV, FLAC, Ogg Vorbis, MP3). */
  readonly sourceSampleRate?: number;
  /** Present (true) only when a truncated WAV was accepted with `allowTruncated`. */
  readonly truncated?: true;
}

const MIN_RATE = 3000;
const MAX_RATE = 768000;
/** Rate used when neither the caller nor the file says which one to decode at. */
const FALLBACK_RATE = 48000;

function validateOptions(options: DecodeAudioOptions): void {
  const rate = options.sampleRate;
  if (rate !== undefined && (!Number.isInteger(rate) || rate < MIN_RATE || rate > MAX_RATE)) {
    throw new InvalidOptionError([
      {
        option: 'sampleRate',
        message: `\`sampleRate\` must be an integer in [${MIN_RATE}, ${MAX_RATE}] (Hz). Received: sampleRate=${String(rate)}`,
      },
    ]);
  }
  const allow: unknown = options.allowTruncated;
  if (allow !== undefined && typeof allow !== 'boolean') {
    throw new InvalidOptionError([
      {
        option: 'allowTruncated',
        message: `\`allowTruncated\` must be a boolean. Received: allowTruncated=${String(allow)}`,
      },
    ]);
  }
}

/** Turns a decoder rejection (a DOMException "EncodingError" from node-web-audio-api) into a plain reason. */
function decoderReason(cause: unknown): string {
  const raw = cause instanceof Error ? cause.message : String(cause);
  const message = raw.replace(/^Failed to execute 'decodeAudioData':\s*/, '');
  if (/no suitable format reader found/.test(message)) {
    return `not a recognised audio format (the decoder found no format reader for it: ${message})`;
  }
  if (/unexpected end of file/.test(message))
    return `the data ends unexpectedly; the file is truncated or corrupt (${message})`;
  if (/unsupported wave format/.test(message)) return `unsupported WAV sample format (${message})`;
  if (/unsupported (feature|codec)/.test(message)) return `unsupported audio format or codec (${message})`;
  if (/malformed/.test(message)) return `the file is corrupt or malformed (${message})`;
  const name = cause instanceof Error && cause.name !== 'Error' ? `${cause.name}: ` : '';
  return `the decoder failed (${name}${message})`;
}

/**
 * Decodes an in-memory audio file (WAV, FLAC, Ogg Vorbis, MP3, … whatever node-web-audio-api's
 * `decodeAudioData` reads) to planar Float32Array channels.
 *
 * The decode runs in an `OfflineAudioContext({ numberOfChannels: 1, length: 1, sampleRate })` at the
 * target rate, because `decodeAudioData` always resamples to its context's rate. The default target
 * is the file's native rate: from the WAV header, or sniffed from the FLAC STREAMINFO / Ogg Vorbis
 * identification header / first MP3 frame (`sniffSampleRate`); for anything else it is 48000
 * and `sourceSampleRate` is absent.
 *
 * WAV input is checked before decoding, since the decoder accepts broken WAVs silently: a RIFF/WAVE
 * file without `fmt `/`data`, or whose `data` chunk declares more bytes than are present
 * (truncation), is rejected unless `allowTruncated` is set.
 *
 * @param bytes the complete file contents (copied; not modified or detached).
 * @param name the file name or label used in error messages.
 * @throws {InvalidOptionError} bad `sampleRate` / `allowTruncated` (synchronously checked, reported as a rejection).
 * @throws {AudioDecodeError} empty input, not audio, corrupt, unsupported, or truncated WAV; names `name` and the reason.
 * @throws {AudioUnavailableError} node-web-audio-api cannot be loaded.
 *
 * @example
 * const { channels, sampleRate } = await decodeAudioBuffer(bytes, 'upload.wav', { sampleRate: 16000 });
 */
export async function decodeAudioBuffer(
  bytes: Uint8Array,
  name: string,
  options: DecodeAudioOptions = {},
): Promise<DecodedAudio> {
  validateOptions(options);
  if (bytes.byteLength === 0) throw new AudioDecodeError(name, 'the file is empty (0 bytes)');

  const wav = parseWavHeader(bytes, { file: name });
  if (wav?.truncated && options.allowTruncated !== true) {
    throw new AudioDecodeError(
      name,
      `truncated WAV: the header declares ${wav.dataBytes} bytes of sample data but only ${wav.availableDataBytes} are present ` +
        `(file is ${bytes.byteLength} bytes, expected ${wav.dataOffset + wav.dataBytes}); pass { allowTruncated: true } to decode what is there`,
    );
  }
  const sourceSampleRate = wav !== null ? wav.sampleRate : sniffSampleRate(bytes);
  const sampleRate = options.sampleRate ?? sourceSampleRate ?? FALLBACK_RATE;
  if (sampleRate < MIN_RATE || sampleRate > MAX_RATE) {
    throw new AudioDecodeError(
      name,
      `its sample rate ${sampleRate} Hz is outside the decoder's range [${MIN_RATE}, ${MAX_RATE}]; pass { sampleRate } to resample`,
    );
  }

  const webAudio = await loadWebAudio();
  const context = new webAudio.OfflineAudioContext({ numberOfChannels: 1, length: 1, sampleRate });
  // decodeAudioData needs a real ArrayBuffer (a Node Buffer or a view is rejected): copy into one.
  const input = new ArrayBuffer(bytes.byteLength);
  new Uint8Array(input).set(bytes);
  const decoded = await context.decodeAudioData(input).catch((cause: unknown) => {
    throw new AudioDecodeError(name, decoderReason(cause), { cause });
  });

  const frames = decoded.length;
  const channels: Float32Array[] = [];
  for (let c = 0; c < decoded.numberOfChannels; c++) {
    const channel = new Float32Array(frames);
    decoded.copyFromChannel(channel, c);
    channels.push(channel);
  }
  return {
    sampleRate: decoded.sampleRate,
    channels,
    frames,
    ...(sourceSampleRate !== undefined ? { sourceSampleRate } : {}),
    ...(wav?.truncated ? { truncated: true as const } : {}),
  };
}
