/**
 * Reading and writing the audio files of the pipelines (public API only): any format the decoder
 * reads (WAV, FLAC, Ogg Vorbis, MP3 …) at the file's own rate; WAV written atomically.
 */
import { mkdir, readFile, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { AudioDecodeError, parseWavHeader, type WavEncoding } from '../src/index.js';
import { decodeAudioBuffer, writeWavFile } from '../src/node/io.js';

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
 * @throws AudioDecodeError naming the file (missing, unreadable, not audio, truncated).
 */
export async function readAudioFile(path: string): Promise<AudioFile> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (cause) {
    throw readFailure(path, cause);
  }
  const header = parseWavHeader(bytes, { file: path });
  let wavEncoding: WavEncoding | null = null;
  if (header?.format === 'pcm' && header.bitsPerSample === 16) wavEncoding = 'pcm16';
  else if (header?.format === 'float' && header.bitsPerSample === 32) wavEncoding = 'float32';
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

/** Writes a mono or multichannel WAV atomically, creating the folder first. */
export async function writeAudioFile(
  path: string,
  channels: readonly Float32Array[],
  sampleRate: number,
  format: WavEncoding = 'pcm16',
): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeWavFile(path, channels, sampleRate, { format });
}
