/**
 * Reading and writing the audio files of the pipelines: any format the decoder reads (WAV, FLAC,
 * Ogg Vorbis, MP3 …) at the file's own rate; WAV written atomically. A plain PCM / float WAV is read
 * straight into its channels (`WavFileReader`, bit-identical to the decoder) instead of through a
 * whole-file buffer, its copy and the decoder's own copy.
 */
import { mkdir, readFile, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { WavFileReader } from '../src/audio/wav-file-reader.js';
import { AudioDecodeError, parseWavHeader, type WavEncoding, type WavHeader } from '../src/index.js';
import { decodeAudioBuffer, writeWavFile } from '../src/node/io.js';
import type { ChannelBuffers } from './channel-buffers.js';

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

const wavEncodingOf = (header: WavHeader | null): WavEncoding | null =>
  header?.format === 'pcm' && header.bitsPerSample === 16
    ? 'pcm16'
    : header?.format === 'float' && header.bitsPerSample === 32
      ? 'float32'
      : null;

/** The decoder's rate range: a WAV outside it goes to the decoder, which reports it. */
const MIN_RATE = 3000;
const MAX_RATE = 768000;
/** A `data` size of 0xFFFFFFFF (a WAV written to a pipe): left to the decoder. */
const UNKNOWN_SIZE = 0xffffffff;
/** Frames per read of the direct path (the reader's scratch buffer is this many frames). */
const CHUNK_FRAMES = 1 << 16;

/**
 * A complete WAV that `WavFileReader` decodes (PCM 16/24/32-bit, float 32/64-bit) at a rate the
 * decoder accepts, read into its channels chunk by chunk; null for anything else (another format,
 * a truncated, empty or size-less file, an unreadable path), which the decoder then reads or reports.
 */
function readWavDirect(path: string, into: ChannelBuffers | undefined): AudioFile | null {
  let reader: WavFileReader | null;
  try {
    reader = WavFileReader.open(path);
  } catch {
    return null;
  }
  if (reader === null) return null;
  try {
    const { header, frames } = reader;
    if (
      header.sampleRate < MIN_RATE ||
      header.sampleRate > MAX_RATE ||
      header.dataBytes === UNKNOWN_SIZE ||
      frames === 0
    ) {
      return null;
    }
    const channels =
      into?.take(reader.channels, frames) ?? Array.from({ length: reader.channels }, () => new Float32Array(frames));
    while (reader.position < frames) {
      const at = reader.position;
      const end = Math.min(frames, at + CHUNK_FRAMES);
      reader.read(channels.map((c) => c.subarray(at, end)));
    }
    return { path, channels, sampleRate: header.sampleRate, wavEncoding: wavEncodingOf(header) };
  } catch {
    return null;
  } finally {
    reader.close();
  }
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
