import { describe, expect, it } from 'vitest';
import { encodeWav } from '../../src/audio/encode-wav.js';
import { parseWavHeader } from '../../src/audio/parse-wav-header.js';
import { AudioDecodeError } from '../../src/core/errors.js';
import { buildRiff } from './build-riff.js';

const KSDATAFORMAT_SUBTYPE_PCM = [
  0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71,
];
const KSDATAFORMAT_SUBTYPE_IEEE_FLOAT = [0x03, ...KSDATAFORMAT_SUBTYPE_PCM.slice(1)];

/** fmt body of WAVE_FORMAT_EXTENSIBLE (40 bytes), as sox writes for 24-bit and float. */
function extensibleFmt(channels: number, rate: number, bits: number, subFormat: number[]): Uint8Array {
  const b = new Uint8Array(40);
  const v = new DataView(b.buffer);
  const blockAlign = channels * (bits / 8);
  v.setUint16(0, 0xfffe, true);
  v.setUint16(2, channels, true);
  v.setUint32(4, rate, true);
  v.setUint32(8, rate * blockAlign, true);
  v.setUint16(12, blockAlign, true);
  v.setUint16(14, bits, true);
  v.setUint16(16, 22, true); // cbSize
  v.setUint16(18, bits, true); // wValidBitsPerSample
  v.setUint32(20, channels === 2 ? 3 : 4, true); // channel mask
  b.set(subFormat, 24);
  return b;
}

describe('parseWavHeader', () => {
  it('reads what encodeWav writes (pcm16 and float32)', () => {
    const ch = [new Float32Array(100), new Float32Array(100)];
    expect(parseWavHeader(encodeWav(ch, 44100, { format: 'pcm16' }))).toEqual({
      format: 'pcm',
      formatCode: 1,
      extensible: false,
      channels: 2,
      sampleRate: 44100,
      bitsPerSample: 16,
      blockAlign: 4,
      dataOffset: 44,
      dataBytes: 400,
      availableDataBytes: 400,
      truncated: false,
      frames: 100,
    });
    expect(parseWavHeader(encodeWav(ch, 8000, { format: 'float32' }))).toMatchObject({
      format: 'float',
      formatCode: 3,
      bitsPerSample: 32,
      dataOffset: 58,
      dataBytes: 800,
      frames: 100,
    });
  });

  it('reads WAVE_FORMAT_EXTENSIBLE (24-bit PCM and float sub-formats) and skips odd-sized chunks with padding', () => {
    const data = new Uint8Array(6 * 5); // 5 stereo 24-bit frames
    const bytes = buildRiff([
      { id: 'fmt ', body: extensibleFmt(2, 96000, 24, KSDATAFORMAT_SUBTYPE_PCM) },
      { id: 'LIST', body: new Uint8Array([1, 2, 3]) }, // odd size: one pad byte follows
      { id: 'junk', body: new Uint8Array(5) },
      { id: 'data', body: data },
    ]);
    expect(parseWavHeader(bytes, { requireWav: true })).toEqual({
      format: 'pcm',
      formatCode: 1,
      extensible: true,
      channels: 2,
      sampleRate: 96000,
      bitsPerSample: 24,
      blockAlign: 6,
      dataOffset: 12 + 48 + 12 + 14 + 8,
      dataBytes: 30,
      availableDataBytes: 30,
      truncated: false,
      frames: 5,
    });
    const float = buildRiff([
      { id: 'fmt ', body: extensibleFmt(1, 16000, 32, KSDATAFORMAT_SUBTYPE_IEEE_FLOAT) },
      { id: 'data', body: new Uint8Array(8) },
    ]);
    expect(parseWavHeader(float)).toMatchObject({ format: 'float', formatCode: 3, extensible: true, frames: 2 });
  });

  it('reports other format codes as other (e.g. mu-law = 7)', () => {
    const fmt = new Uint8Array(16);
    const v = new DataView(fmt.buffer);
    v.setUint16(0, 7, true);
    v.setUint16(2, 1, true);
    v.setUint32(4, 8000, true);
    v.setUint32(8, 8000, true);
    v.setUint16(12, 1, true);
    v.setUint16(14, 8, true);
    expect(
      parseWavHeader(
        buildRiff([
          { id: 'fmt ', body: fmt },
          { id: 'data', body: new Uint8Array(3) },
        ]),
      ),
    ).toMatchObject({
      format: 'other',
      formatCode: 7,
      frames: 3,
    });
  });

  it('flags truncation with declared and available sizes', () => {
    const full = encodeWav([new Float32Array(1000)], 16000, { format: 'pcm16' });
    const cut = full.subarray(0, 44 + 300);
    expect(parseWavHeader(cut)).toMatchObject({
      dataBytes: 2000,
      availableDataBytes: 300,
      truncated: true,
      frames: 150,
    });
    // Header-only file whose data chunk claims 2000 bytes.
    expect(parseWavHeader(full.subarray(0, 44))).toMatchObject({ availableDataBytes: 0, truncated: true, frames: 0 });
  });

  it('treats a data size of 0xFFFFFFFF (streamed WAV) as "to the end of the file"', () => {
    const bytes = encodeWav([new Float32Array(10)], 16000, { format: 'pcm16' });
    new DataView(bytes.buffer).setUint32(40, 0xffffffff, true);
    expect(parseWavHeader(bytes)).toMatchObject({
      dataBytes: 20,
      availableDataBytes: 20,
      truncated: false,
      frames: 10,
    });
  });

  it('returns null for non-RIFF input unless WAV is required', () => {
    const text = new TextEncoder().encode('this is a text file, not audio');
    expect(parseWavHeader(text)).toBeNull();
    expect(parseWavHeader(new Uint8Array(0))).toBeNull();
    expect(() => parseWavHeader(text, { file: 'notes.txt', requireWav: true })).toThrow(AudioDecodeError);
    expect(() => parseWavHeader(text, { file: 'notes.txt', requireWav: true })).toThrow(
      /Cannot decode audio file notes\.txt: not a RIFF\/WAVE file/,
    );
    expect(() => parseWavHeader(new Uint8Array(0), { file: 'e.wav', requireWav: true })).toThrow(
      /e\.wav: the file is empty/,
    );
  });

  it('throws AudioDecodeError for RIFF/WAVE files missing fmt or data, or with a short fmt', () => {
    const noData = buildRiff([
      { id: 'fmt ', body: encodeWav([new Float32Array(1)], 8000, { format: 'pcm16' }).subarray(20, 36) },
    ]);
    expect(() => parseWavHeader(noData, { file: 'x.wav' })).toThrow(
      /x\.wav: malformed or truncated WAV: no "data" chunk/,
    );
    const noFmt = buildRiff([{ id: 'data', body: new Uint8Array(4) }]);
    expect(() => parseWavHeader(noFmt, { file: 'y.wav' })).toThrow(/no "fmt " chunk/);
    const shortFmt = buildRiff([
      { id: 'fmt ', body: new Uint8Array(10) },
      { id: 'data', body: new Uint8Array(4) },
    ]);
    expect(() => parseWavHeader(shortFmt)).toThrow(AudioDecodeError);
    const zeroChannels = buildRiff([
      { id: 'fmt ', body: new Uint8Array(16) },
      { id: 'data', body: new Uint8Array(4) },
    ]);
    expect(() => parseWavHeader(zeroChannels)).toThrow(/channels=0/);
  });

  it('works on a view into a larger buffer (byteOffset != 0)', () => {
    const wav = encodeWav([new Float32Array(4)], 12000, { format: 'float32' });
    const big = new Uint8Array(wav.length + 7);
    big.set(wav, 7);
    expect(parseWavHeader(big.subarray(7))).toMatchObject({ sampleRate: 12000, frames: 4, format: 'float' });
  });
});
