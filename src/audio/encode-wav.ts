import { InvalidOptionError, type OptionIssue, ShapeError } from '../core/errors.js';

/** Sample encoding written by {@link encodeWav}. */
export type WavEncoding = 'pcm16' | 'float32';

/** Options of {@link encodeWav} and `writeWavFile`. */
export interface EncodeWavOptions {
  /**
   * `'pcm16'`: 16-bit integer PCM, 44-byte header; samples are `round(x * 32768)` clipped to
   * [-32768, 32767] (NaN becomes 0). `'float32'`: IEEE float, bit-exact, 58-byte header
   * (`fmt ` of 18 bytes with `cbSize = 0`, then a `fact` chunk), which soxi/libsndfile read cleanly.
   */
  readonly format: WavEncoding;
}

const MAX_RIFF_BYTES = 0xffffffff;
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Validates what `encodeWav` and `writeWavFile` receive; throws before anything is allocated or written.
 * @internal shared by encodeWav only; kept here so one file owns the WAV writing rules.
 */
function validate(channels: readonly Float32Array[], sampleRate: number, options: EncodeWavOptions): void {
  if (!Array.isArray(channels) || channels.length === 0) {
    throw new ShapeError(
      `\`channels\` must be a non-empty array of Float32Array (one per channel). Received: ${
        Array.isArray(channels) ? 'channels.length=0' : `channels=${String(channels)}`
      }`,
    );
  }
  const issues: OptionIssue[] = [];
  channels.forEach((ch, i) => {
    if (!(ch instanceof Float32Array)) {
      issues.push({
        option: `channels[${i}]`,
        message: `\`channels[${i}]\` must be a Float32Array. Received: ${Object.prototype.toString.call(ch)}`,
      });
    }
  });
  if (!Number.isInteger(sampleRate) || sampleRate <= 0 || sampleRate > MAX_RIFF_BYTES) {
    issues.push({
      option: 'sampleRate',
      message: `\`sampleRate\` must be a positive integer (Hz). Received: sampleRate=${String(sampleRate)}`,
    });
  }
  const format: unknown = options?.format;
  if (format !== 'pcm16' && format !== 'float32') {
    issues.push({
      option: 'format',
      message: `\`format\` must be 'pcm16' or 'float32'. Received: format=${JSON.stringify(format) ?? String(format)}`,
    });
  }
  if (channels.length > 0xffff) {
    issues.push({
      option: 'channels',
      message: `A WAV file holds at most 65535 channels. Received: channels.length=${channels.length}`,
    });
  }
  if (issues.length > 0) throw new InvalidOptionError(issues);

  const frames = channels[0].length;
  const bad = channels.findIndex((ch) => ch.length !== frames);
  if (bad !== -1) {
    throw new ShapeError(
      `All channels must have the same length. Received: channels[0].length=${frames}, channels[${bad}].length=${channels[bad].length}`,
    );
  }
}

function writeAscii(view: DataView, at: number, text: string): void {
  for (let i = 0; i < text.length; i++) view.setUint8(at + i, text.charCodeAt(i));
}

/**
 * Encodes planar channels as a complete RIFF/WAVE file in memory, with a hand-written header and
 * interleaved samples (frame-major: L0 R0 L1 R1 …).
 *
 * - `pcm16`: `s = clamp(round(x · 32768), −32768, 32767)`, so decoding `s / 32768` gives back `x`
 *   within 0.5/32768 inside [−1, 1 − 1/32768], and within 1/32768 at `x = 1`.
 * - `float32`: the samples' bits are copied unchanged (bit-exact round trip).
 *
 * @param channels one Float32Array per channel, all the same length (zero-length is allowed).
 * @param sampleRate frames per second, a positive integer.
 * @returns the file bytes.
 * @throws {ShapeError} no channels, or channels of different lengths, or more than 4 GiB of data.
 * @throws {InvalidOptionError} `sampleRate` not a positive integer, unknown `format`, a channel that is not a Float32Array.
 *
 * @example
 * const bytes = encodeWav([left, right], 48000, { format: 'float32' });
 */
export function encodeWav(
  channels: readonly Float32Array[],
  sampleRate: number,
  options: EncodeWavOptions,
): Uint8Array<ArrayBuffer> {
  validate(channels, sampleRate, options);
  const layout = wavLayout(channels.length, channels[0].length, sampleRate, options.format === 'float32');
  const out = new Uint8Array(layout.headerBytes + layout.dataBytes);
  const view = new DataView(out.buffer);
  const dataOffset = writeHeader(view, layout, sampleRate);
  if (layout.float) writeFloat32Samples(out, view, channels, dataOffset);
  else writePcm16Samples(out, view, channels, dataOffset);
  return out;
}

/** Sizes of a WAV file: pcm16 has a 44-byte header, float32 a 58-byte one (18-byte fmt + fact chunk). */
interface WavLayout {
  readonly float: boolean;
  readonly numChannels: number;
  readonly frames: number;
  readonly bytesPerSample: number;
  readonly blockAlign: number;
  readonly dataBytes: number;
  readonly headerBytes: number;
  readonly byteRate: number;
}

/** The file's sizes; throws when the RIFF 32-bit size fields cannot hold them. */
function wavLayout(numChannels: number, frames: number, sampleRate: number, float: boolean): WavLayout {
  const bytesPerSample = float ? 4 : 2;
  const blockAlign = numChannels * bytesPerSample;
  const dataBytes = frames * blockAlign;
  const headerBytes = float ? 58 : 44;
  if (headerBytes - 8 + dataBytes > MAX_RIFF_BYTES) {
    throw new ShapeError(
      `Too much audio for one WAV file (RIFF sizes are 32-bit): ${frames} frames x ${numChannels} channels x ${bytesPerSample} bytes = ${dataBytes} bytes.`,
    );
  }
  const byteRate = sampleRate * blockAlign;
  if (byteRate > MAX_RIFF_BYTES) {
    throw new InvalidOptionError([
      {
        option: 'sampleRate',
        message: `\`sampleRate\` x channels x bytes per sample must fit in 32 bits. Received: sampleRate=${sampleRate}, channels=${numChannels}`,
      },
    ]);
  }
  return { float, numChannels, frames, bytesPerSample, blockAlign, dataBytes, headerBytes, byteRate };
}

/** Writes the RIFF, fmt (and for float32 the fact) chunks and the data chunk header; returns the data offset. */
function writeHeader(view: DataView, l: WavLayout, sampleRate: number): number {
  writeAscii(view, 0, 'RIFF');
  view.setUint32(4, l.headerBytes - 8 + l.dataBytes, true);
  writeAscii(view, 8, 'WAVE');
  writeAscii(view, 12, 'fmt ');
  view.setUint32(16, l.float ? 18 : 16, true);
  view.setUint16(20, l.float ? 3 : 1, true);
  view.setUint16(22, l.numChannels, true);
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, l.byteRate, true);
  view.setUint16(32, l.blockAlign, true);
  view.setUint16(34, l.bytesPerSample * 8, true);
  let at = 36;
  if (l.float) {
    view.setUint16(36, 0, true); // cbSize
    writeAscii(view, 38, 'fact');
    view.setUint32(42, 4, true);
    view.setUint32(46, l.frames, true); // dwSampleLength: frames per channel
    at = 50;
  }
  writeAscii(view, at, 'data');
  view.setUint32(at + 4, l.dataBytes, true);
  return at + 8;
}

/** float32 samples: bits copied unchanged, interleaved frame-major. */
function writeFloat32Samples(
  out: Uint8Array,
  view: DataView,
  channels: readonly Float32Array[],
  dataOffset: number,
): void {
  const numChannels = channels.length;
  const frames = channels[0].length;
  // 58 is not 4-aligned, so interleave into an aligned scratch array and copy its bytes.
  let interleaved: Float32Array;
  if (numChannels === 1) {
    interleaved = channels[0];
  } else {
    interleaved = new Float32Array(frames * numChannels);
    for (let c = 0; c < numChannels; c++) {
      const ch = channels[c];
      for (let i = 0, j = c; i < frames; i++, j += numChannels) interleaved[j] = ch[i];
    }
  }
  if (LITTLE_ENDIAN) {
    out.set(new Uint8Array(interleaved.buffer, interleaved.byteOffset, interleaved.byteLength), dataOffset);
  } else {
    for (let i = 0; i < interleaved.length; i++) view.setFloat32(dataOffset + 4 * i, interleaved[i], true);
  }
}

/** pcm16 samples: s = clamp(round(x · 32768), −32768, 32767), NaN → 0, interleaved frame-major. */
function writePcm16Samples(
  out: Uint8Array<ArrayBuffer>,
  view: DataView,
  channels: readonly Float32Array[],
  dataOffset: number,
): void {
  const numChannels = channels.length;
  const frames = channels[0].length;
  // 44 is 2-aligned: write Int16 straight into the output when the platform is little-endian.
  const pcm = LITTLE_ENDIAN ? new Int16Array(out.buffer, dataOffset, frames * numChannels) : undefined;
  for (let c = 0; c < numChannels; c++) {
    const ch = channels[c];
    for (let i = 0, j = c; i < frames; i++, j += numChannels) {
      let s = Math.round(ch[i] * 32768);
      if (s > 32767) s = 32767;
      else if (s < -32768) s = -32768;
      else if (Number.isNaN(s)) s = 0;
      if (pcm !== undefined) pcm[j] = s;
      else view.setInt16(dataOffset + 2 * j, s, true);
    }
  }
}
