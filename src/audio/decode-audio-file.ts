import { readFile } from 'node:fs/promises';
import { AudioDecodeError } from '../core/errors.js';
import { type DecodeAudioOptions, type DecodedAudio, decodeAudioBuffer } from './decode-audio-buffer.js';

function readFailureReason(cause: unknown): string {
  const code = (cause as { code?: unknown } | null)?.code;
  switch (code) {
    case 'ENOENT':
      return 'file not found';
    case 'EISDIR':
      return 'it is a directory, not a file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    default:
      return `cannot read it (${cause instanceof Error ? cause.message : String(cause)})`;
  }
}

/**
 * Reads and decodes an audio file (WAV, FLAC, Ogg Vorbis, MP3, …) to planar Float32Array channels
 * through node-web-audio-api's `decodeAudioData`; see {@link decodeAudioBuffer} for the rate rules
 * and the WAV checks. By default the audio keeps the file's own sample rate.
 *
 * @param path the file to read.
 * @param options `{ sampleRate?, allowTruncated? }`.
 * @throws {AudioDecodeError} missing/unreadable, empty, non-audio, corrupt or truncated file; the message names `path` and the reason.
 * @throws {InvalidOptionError} bad options.
 * @throws {AudioUnavailableError} node-web-audio-api cannot be loaded.
 *
 * @example
 * const { channels: [mono], sampleRate } = await decodeAudioFile('speech.wav');
 */
export async function decodeAudioFile(path: string, options: DecodeAudioOptions = {}): Promise<DecodedAudio> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (cause) {
    throw new AudioDecodeError(path, readFailureReason(cause), { cause });
  }
  return decodeAudioBuffer(bytes, path, options);
}
