/**
 * Reading the audio files of the pipelines: any format the decoder reads (WAV, FLAC, Ogg Vorbis,
 * MP3 …) at the file's own rate. A plain PCM / float WAV is read straight into its channels
 * (`readWavDirect`, bit-identical to the decoder) instead of through a whole-file buffer, its copy
 * and the decoder's own copy.
 */
import { readFile, stat } from 'node:fs/promises';
import { AudioDecodeError } from '../core/errors.js';
import type { ChannelBuffers } from './channel-buffers.js';
import { decodeAudioBuffer } from './decode-audio-buffer.js';
import type { WavEncoding } from './encode-wav.js';
import { parseWavHeader } from './parse-wav-header.js';
import { readWavDirect, wavEncodingOf } from './read-wav-direct.js';

/** A decoded file. */
export interface AudioFile {
  readonly path: string;
  /** Planar channels at `sampleRate`. */
  readonly channels: Float32Array[];
  readonly sampleRate: number;
  /** `'pcm16'` / `'float32'` for a 16-bit PCM or 32-bit float WAV, else null (another format). */
  readonly wavEncoding: WavEncoding | null;
}

function readFailure(path: string, cause: unknown): AudioDecodeError {
  const code = (cause as { code?: unknown } | null)?.code;
  const reason =
    code === 'ENOENT'
      ? 'file not found'
      : code === 'EISDIR'
        ? 'it is a directory, not a file'
        : code === 'EACCES' || code === 'EPERM'
          ? 'permission denied'
          : `cannot read it (${cause instanceof Error ? cause.message : String(cause)})`;
  return new AudioDecodeError(path, reason, { cause });
}

/**
 * Reads and decodes an audio file at its own sample rate.
 * @param into buffers to read a plain WAV into (its channels are then views of them, valid until
 *   their next use); default: fresh arrays. Other formats always get fresh arrays.
 * @throws AudioDecodeError naming the file (missing, unreadable, not audio, truncated).
 */
export async function readAudioFile(path: string, into?: ChannelBuffers): Promise<AudioFile> {
  const direct = readWavDirect(path, into);
  if (direct !== null) return direct;
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (cause) {
    throw readFailure(path, cause);
  }
  const wavEncoding = wavEncodingOf(parseWavHeader(bytes, { file: path }));
  const decoded = await decodeAudioBuffer(bytes, path);
  return { path, channels: decoded.channels, sampleRate: decoded.sampleRate, wavEncoding };
}

/** Checks that `path` exists and is a file (a one-line `AudioDecodeError` otherwise), without decoding. */
export async function assertReadableFile(path: string): Promise<void> {
  try {
    const s = await stat(path);
    if (s.isDirectory()) throw Object.assign(new Error('directory'), { code: 'EISDIR' });
  } catch (cause) {
    throw readFailure(path, cause);
  }
}
