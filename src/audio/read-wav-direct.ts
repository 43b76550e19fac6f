import type { ChannelBuffers } from './channel-buffers.js';
import type { WavEncoding } from './encode-wav.js';
import type { WavHeader } from './parse-wav-header.js';
import type { AudioFile } from './read-audio-file.js';
import { WavFileReader } from './wav-file-reader.js';

/** The encoding the pipelines write back for a WAV of this header (null: not one they write). */
export const wavEncodingOf = (header: WavHeader | null): WavEncoding | null =>
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
export function readWavDirect(path: string, into: ChannelBuffers | undefined): AudioFile | null {
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
