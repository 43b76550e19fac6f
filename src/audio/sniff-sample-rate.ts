/** MPEG audio sample rates by version bits (index 3 = MPEG-1, 2 = MPEG-2, 0 = MPEG-2.5) and rate index. */
const MPEG_RATES: Record<number, readonly number[]> = {
  3: [44100, 48000, 32000],
  2: [22050, 24000, 16000],
  0: [11025, 12000, 8000],
};

function ascii(bytes: Uint8Array, at: number, length: number): string {
  if (at + length > bytes.length) return '';
  let s = '';
  for (let i = 0; i < length; i++) s += String.fromCharCode(bytes[at + i]);
  return s;
}

/** Size of a leading ID3v2 tag (header + syncsafe size + optional footer), or 0. */
function id3v2Length(bytes: Uint8Array): number {
  if (ascii(bytes, 0, 3) !== 'ID3' || bytes.length < 10) return 0;
  const size = ((bytes[6] & 0x7f) << 21) | ((bytes[7] & 0x7f) << 14) | ((bytes[8] & 0x7f) << 7) | (bytes[9] & 0x7f);
  return 10 + size + (bytes[5] & 0x10 ? 10 : 0);
}

function flacRate(bytes: Uint8Array, at: number): number | undefined {
  // "fLaC", then the first metadata block, which must be STREAMINFO (type 0): 4-byte block header,
  // min/max block size (2+2), min/max frame size (3+3), then the sample rate in 20 bits.
  if (ascii(bytes, at, 4) !== 'fLaC' || at + 21 > bytes.length || (bytes[at + 4] & 0x7f) !== 0) return undefined;
  const p = at + 18;
  const rate = (bytes[p] << 12) | (bytes[p + 1] << 4) | (bytes[p + 2] >> 4);
  return rate > 0 ? rate : undefined;
}

function oggVorbisRate(bytes: Uint8Array): number | undefined {
  // First Ogg page: 27-byte header, segment table of bytes[26] entries, then the first packet:
  // Vorbis identification header = 0x01 "vorbis" version(4) channels(1) rate(4, little-endian).
  if (ascii(bytes, 0, 4) !== 'OggS' || bytes.length < 27) return undefined;
  const packet = 27 + bytes[26];
  if (bytes[packet] !== 0x01 || ascii(bytes, packet + 1, 6) !== 'vorbis' || packet + 16 > bytes.length) {
    return undefined;
  }
  const rate = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(packet + 12, true);
  return rate > 0 ? rate : undefined;
}

function mpegRate(bytes: Uint8Array, start: number): number | undefined {
  // Only a frame header right at the start (after the ID3v2 tag and any zero padding) counts:
  // scanning further would mistake stray 0xFFEx bytes of other formats for MPEG frames.
  let i = start;
  const limit = Math.min(bytes.length, start + 4096);
  while (i < limit && bytes[i] === 0) i++;
  if (i + 3 > bytes.length || bytes[i] !== 0xff || (bytes[i + 1] & 0xe0) !== 0xe0) return undefined;
  const version = (bytes[i + 1] >> 3) & 3;
  const layer = (bytes[i + 1] >> 1) & 3;
  const bitrate = bytes[i + 2] >> 4;
  const rateIndex = (bytes[i + 2] >> 2) & 3;
  if (version === 1 || layer === 0 || bitrate === 15 || rateIndex === 3) return undefined;
  return MPEG_RATES[version][rateIndex];
}

/**
 * Reads the native sample rate from the first bytes of a compressed audio file, without decoding,
 * for the formats node-web-audio-api decodes besides WAV: FLAC (STREAMINFO), Ogg Vorbis
 * (identification header) and MPEG audio / MP3 (first frame header, after any ID3v2 tag).
 * `decodeAudioData` always resamples to its context's rate, so this is how a decode can keep the
 * file's own rate. WAV is handled by `parseWavHeader`.
 *
 * @param bytes the file, or at least its first few KiB past any ID3v2 tag.
 * @returns the rate in Hz, or `undefined` when the format is not recognised.
 *
 * @example
 * sniffSampleRate(await readFile('a.flac')); // 44100
 */
export function sniffSampleRate(bytes: Uint8Array): number | undefined {
  const skip = id3v2Length(bytes);
  return flacRate(bytes, skip) ?? oggVorbisRate(bytes) ?? mpegRate(bytes, skip);
}
