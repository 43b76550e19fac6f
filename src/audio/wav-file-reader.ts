import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { AudioDecodeError } from '../core/errors.js';
import { parseWavHeader, type WavHeader } from './parse-wav-header.js';

/** Bytes read to find the `data` chunk (headers with large `LIST`/`bext` chunks get more, up to 16 MiB). */
const HEADER_PROBE = 1 << 16;
const MAX_HEADER = 1 << 24;

/** Sample formats {@link WavFileReader} decodes itself (what node-web-audio-api's WAV reader gives, bit for bit). */
function decoderFor(h: WavHeader): ((bytes: DataView, at: number) => number) | null {
  if (h.format === 'pcm') {
    if (h.bitsPerSample === 16) return (v, at) => v.getInt16(at, true) / 32768;
    if (h.bitsPerSample === 24) {
      return (v, at) => (v.getUint8(at) | (v.getUint8(at + 1) << 8) | (v.getInt8(at + 2) << 16)) / 8388608;
    }
    if (h.bitsPerSample === 32) return (v, at) => v.getInt32(at, true) / 2147483648;
  }
  if (h.format === 'float') {
    if (h.bitsPerSample === 32) return (v, at) => v.getFloat32(at, true);
    if (h.bitsPerSample === 64) return (v, at) => Math.fround(v.getFloat64(at, true));
  }
  return null;
}

/**
 * Incremental reader of a PCM (16, 24, 32-bit) or IEEE-float (32, 64-bit) WAV file: the header is
 * parsed from the file's beginning, then {@link read} decodes the next frames into caller-owned
 * planar buffers (`s / 2^(bits−1)` for PCM, float32 for float), so memory does not grow with the
 * file. A file whose `data` chunk declares more bytes than the file holds is an `AudioDecodeError`.
 *
 * @example
 * const r = WavFileReader.open('in.wav'); const ch = [new Float32Array(4096)];
 * for (let n = r.read(ch); n > 0; n = r.read(ch)) process(ch[0].subarray(0, n));
 * r.close();
 */
export class WavFileReader {
  readonly path: string;
  readonly header: WavHeader;
  readonly sampleRate: number;
  readonly channels: number;
  /** Frames in the file. */
  readonly frames: number;
  /** Frames read so far. */
  position = 0;
  private fd: number;
  private readonly decode: (bytes: DataView, at: number) => number;
  private buffer = new Uint8Array(0);

  private constructor(path: string, fd: number, header: WavHeader, frames: number) {
    this.path = path;
    this.fd = fd;
    this.header = header;
    this.sampleRate = header.sampleRate;
    this.channels = header.channels;
    this.frames = frames;
    this.decode = decoderFor(header)!;
  }

  /** Whether `header` is a format this reader decodes. */
  static supports(header: WavHeader): boolean {
    return decoderFor(header) !== null;
  }

  /**
   * Opens `path` and parses its header. Returns `null` when the file is not a WAV this reader
   * decodes (another format, A-law, 8-bit …): the caller falls back to the whole-file decoder.
   */
  static open(path: string): WavFileReader | null {
    const fd = openSync(path, 'r');
    try {
      const size = fstatSync(fd).size;
      let probe = Math.min(size, HEADER_PROBE);
      for (;;) {
        const head = new Uint8Array(probe);
        readSync(fd, head, 0, probe, 0);
        let header: WavHeader | null;
        try {
          header = parseWavHeader(head, { file: path });
        } catch (e) {
          // "ends before the data chunk": read more of the header, up to a limit
          if (probe < size && probe < MAX_HEADER) {
            probe = Math.min(size, probe * 4, MAX_HEADER);
            continue;
          }
          throw e;
        }
        if (header === null || !WavFileReader.supports(header)) {
          closeSync(fd);
          return null;
        }
        const available = Math.min(header.dataBytes, size - header.dataOffset);
        if (header.dataBytes !== 0xffffffff && available < header.dataBytes) {
          throw new AudioDecodeError(
            path,
            `truncated WAV: the header declares ${header.dataBytes} bytes of sample data but only ${available} are present`,
          );
        }
        return new WavFileReader(path, fd, header, Math.floor(available / header.blockAlign));
      }
    } catch (e) {
      try {
        closeSync(fd);
      } catch {
        // already closed
      }
      throw e;
    }
  }

  /**
   * Decodes up to `out[0].length` next frames into `out` (one buffer per channel, all the same
   * length). Returns the number of frames read (0 at the end).
   */
  read(out: readonly Float32Array[]): number {
    const h = this.header;
    const n = Math.min(out[0]!.length, this.frames - this.position);
    if (n <= 0) return 0;
    const bytes = n * h.blockAlign;
    if (this.buffer.length < bytes) this.buffer = new Uint8Array(bytes);
    const buf = this.buffer;
    let got = 0;
    const at = h.dataOffset + this.position * h.blockAlign;
    while (got < bytes) {
      const r = readSync(this.fd, buf, got, bytes - got, at + got);
      if (r <= 0) throw new AudioDecodeError(this.path, 'the file ended while it was being read (was it truncated?)');
      got += r;
    }
    const view = new DataView(buf.buffer, buf.byteOffset, bytes);
    const width = h.bitsPerSample / 8;
    const decode = this.decode;
    for (let c = 0; c < h.channels; c++) {
      const ch = out[c]!;
      for (let i = 0, p = c * width; i < n; i++, p += h.blockAlign) ch[i] = decode(view, p);
    }
    this.position += n;
    return n;
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}
