import { AudioDecodeError } from '../core/errors.js';

/** Sample encoding of a WAV file: integer PCM, IEEE float, or anything else (see `formatCode`). */
export type WavSampleFormat = 'pcm' | 'float' | 'other';

/** What {@link parseWavHeader} learned from a RIFF/WAVE file's chunks. All sizes are in bytes. */
export interface WavHeader {
  /** `'pcm'` for format code 1, `'float'` for 3, `'other'` for anything else (A-law, ADPCM, …). */
  readonly format: WavSampleFormat;
  /** The effective format code: the fmt chunk's `wFormatTag`, or the sub-format GUID's code for WAVE_FORMAT_EXTENSIBLE. */
  readonly formatCode: number;
  /** True when the fmt chunk is WAVE_FORMAT_EXTENSIBLE (0xFFFE). */
  readonly extensible: boolean;
  readonly channels: number;
  readonly sampleRate: number;
  /** Container bits per sample (`wBitsPerSample`). */
  readonly bitsPerSample: number;
  /** Bytes per frame (all channels), `nBlockAlign`. */
  readonly blockAlign: number;
  /** Offset of the first sample byte (just past the `data` chunk header). */
  readonly dataOffset: number;
  /** Size of the sample data the `data` chunk header declares. */
  readonly dataBytes: number;
  /** Sample bytes actually present in the input: `min(dataBytes, bytes.length - dataOffset)`. */
  readonly availableDataBytes: number;
  /** True when the file ends before the declared sample data does. */
  readonly truncated: boolean;
  /** Whole frames in the available data (`floor(availableDataBytes / blockAlign)`). */
  readonly frames: number;
}

/** Options of {@link parseWavHeader}. */
export interface ParseWavHeaderOptions {
  /** Name used in error messages (a path or a label). Default `'<buffer>'`. */
  readonly file?: string;
  /**
   * When true, input that is not RIFF/WAVE at all is an error (`AudioDecodeError`). When false
   * (default), such input returns `null` so the caller can hand it to another decoder.
   */
  readonly requireWav?: boolean;
}

const WAVE_FORMAT_PCM = 0x0001;
const WAVE_FORMAT_IEEE_FLOAT = 0x0003;
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;
/** A `data` size of 0xFFFFFFFF marks a WAV written to a pipe (size unknown): take what is there. */
const UNKNOWN_SIZE = 0xffffffff;

function fourCC(bytes: Uint8Array, at: number): string {
  return String.fromCharCode(bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]);
}

/**
 * Parses the header of a RIFF/WAVE file by walking its chunks: `fmt ` (plain, `cbSize`-extended
 * and WAVE_FORMAT_EXTENSIBLE), `data`, and skipping every other chunk (`LIST`, `fact`, `bext`, …)
 * including the pad byte after odd-sized chunks. Nothing is decoded; this is for the checks that
 * node-web-audio-api's decoder does not do (it silently accepts a truncated file) and for learning
 * a file's native sample rate before decoding.
 *
 * Truncation is reported, not thrown: `truncated` is true when the file ends inside the declared
 * sample data, and `availableDataBytes` says how much is there.
 *
 * @param bytes the whole file, or at least its beginning up to the `data` chunk header.
 * @returns the header, or `null` when the input is not RIFF/WAVE and `requireWav` is false.
 * @throws {AudioDecodeError} when the input is not RIFF/WAVE and `requireWav` is true, or when it is
 *   RIFF/WAVE but malformed (no `fmt `/`data` chunk, a short `fmt `, zero channels or rate, or the
 *   file ends before the `data` chunk).
 *
 * @example
 * const h = parseWavHeader(await readFile('a.wav'), { file: 'a.wav', requireWav: true });
 * if (h.truncated) throw new Error(`only ${h.availableDataBytes} of ${h.dataBytes} bytes present`);
 */
export function parseWavHeader(bytes: Uint8Array, options: ParseWavHeaderOptions = {}): WavHeader | null {
  const file = options.file ?? '<buffer>';
  if (bytes.length < 12 || fourCC(bytes, 0) !== 'RIFF' || fourCC(bytes, 8) !== 'WAVE') {
    if (options.requireWav !== true) return null;
    const reason =
      bytes.length === 0
        ? 'the file is empty (0 bytes)'
        : `not a RIFF/WAVE file (expected "RIFF....WAVE" in the first 12 bytes; the file has ${bytes.length} bytes)`;
    throw new AudioDecodeError(file, reason);
  }
  const { fmt, data } = walkChunks(bytes, file);
  if (fmt === undefined) {
    const where = data === undefined ? 'before the end of the file' : 'before the "data" chunk';
    throw new AudioDecodeError(file, `malformed WAV: no "fmt " chunk found ${where} (file has ${bytes.length} bytes)`);
  }
  if (data === undefined) {
    throw new AudioDecodeError(
      file,
      `malformed or truncated WAV: no "data" chunk found (file has ${bytes.length} bytes)`,
    );
  }
  if (fmt.channels === 0 || fmt.sampleRate === 0) {
    throw new AudioDecodeError(
      file,
      `malformed WAV: "fmt " declares channels=${fmt.channels}, sampleRate=${fmt.sampleRate}`,
    );
  }
  return toHeader(fmt, data, bytes.length);
}

/** The fields of a `fmt ` chunk, with the sub-format's code for WAVE_FORMAT_EXTENSIBLE. */
interface FmtChunk {
  readonly formatCode: number;
  readonly extensible: boolean;
  readonly channels: number;
  readonly sampleRate: number;
  readonly blockAlign: number;
  readonly bitsPerSample: number;
}

/** Where the `data` chunk's samples start and the size its header declares. */
interface DataChunk {
  readonly offset: number;
  readonly declared: number;
}

/**
 * Walks the chunks after the 12-byte RIFF/WAVE header, skipping unknown ones (and the pad byte after
 * odd-sized chunks), until the end of the input or a `data` chunk that runs to (or past) the end.
 */
function walkChunks(bytes: Uint8Array, file: string): { fmt?: FmtChunk; data?: DataChunk } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let fmt: FmtChunk | undefined;
  let data: DataChunk | undefined;
  let pos = 12;
  while (pos + 8 <= bytes.length) {
    const id = fourCC(bytes, pos);
    const size = view.getUint32(pos + 4, true);
    const body = pos + 8;
    if (id === 'fmt ') {
      fmt = readFmtChunk(view, body, size, file);
    } else if (id === 'data') {
      data = { offset: body, declared: size };
      if (size === UNKNOWN_SIZE || body + size > bytes.length) break; // runs to (or past) the end of the file
    }
    pos = body + size + (size & 1);
  }
  return { ...(fmt !== undefined ? { fmt } : {}), ...(data !== undefined ? { data } : {}) };
}

/** Reads a `fmt ` chunk of `size` bytes whose body starts at `body`; throws when it is too short. */
function readFmtChunk(view: DataView, body: number, size: number, file: string): FmtChunk {
  const length = view.byteLength;
  if (size < 16 || body + 16 > length) {
    throw new AudioDecodeError(
      file,
      `malformed WAV: the "fmt " chunk has ${Math.min(size, length - body)} bytes, at least 16 are needed`,
    );
  }
  let formatCode = view.getUint16(body, true);
  const extensible = formatCode === WAVE_FORMAT_EXTENSIBLE;
  if (extensible) {
    // WAVEFORMATEXTENSIBLE: cbSize(2) validBits(2) channelMask(4) SubFormat GUID(16) whose first 2 bytes are the code.
    if (size < 40 || body + 26 > length) {
      throw new AudioDecodeError(
        file,
        `malformed WAV: WAVE_FORMAT_EXTENSIBLE "fmt " chunk has ${size} bytes, 40 are needed`,
      );
    }
    formatCode = view.getUint16(body + 24, true);
  }
  return {
    formatCode,
    extensible,
    channels: view.getUint16(body + 2, true),
    sampleRate: view.getUint32(body + 4, true),
    blockAlign: view.getUint16(body + 12, true),
    bitsPerSample: view.getUint16(body + 14, true),
  };
}

/** The header from the two chunks, with the sample bytes actually present in an input of `length` bytes. */
function toHeader(fmt: FmtChunk, data: DataChunk, length: number): WavHeader {
  const present = Math.max(0, length - data.offset);
  const declared = data.declared === UNKNOWN_SIZE ? present : data.declared;
  const available = Math.min(declared, present);
  const blockAlign = fmt.blockAlign > 0 ? fmt.blockAlign : Math.ceil(fmt.bitsPerSample / 8) * fmt.channels;
  const format: WavSampleFormat =
    fmt.formatCode === WAVE_FORMAT_PCM ? 'pcm' : fmt.formatCode === WAVE_FORMAT_IEEE_FLOAT ? 'float' : 'other';
  return {
    format,
    formatCode: fmt.formatCode,
    extensible: fmt.extensible,
    channels: fmt.channels,
    sampleRate: fmt.sampleRate,
    bitsPerSample: fmt.bitsPerSample,
    blockAlign,
    dataOffset: data.offset,
    dataBytes: declared,
    availableDataBytes: available,
    truncated: available < declared,
    frames: blockAlign > 0 ? Math.floor(available / blockAlign) : 0,
  };
}
