import { describe, expect, it } from 'vitest';
import { sniffSampleRate } from '../../src/audio/sniff-sample-rate.js';

function flac(rate: number): Uint8Array {
  const b = new Uint8Array(42);
  b.set([0x66, 0x4c, 0x61, 0x43], 0); // fLaC
  b.set([0x80, 0, 0, 34], 4); // last-block flag + STREAMINFO, length 34
  b[18] = (rate >> 12) & 0xff;
  b[19] = (rate >> 4) & 0xff;
  b[20] = ((rate & 0x0f) << 4) | 0x02; // low rate bits + channel bits
  return b;
}

function oggVorbis(rate: number): Uint8Array {
  const b = new Uint8Array(28 + 30);
  b.set([0x4f, 0x67, 0x67, 0x53], 0); // OggS
  b[26] = 1; // one segment
  b[27] = 30;
  b.set([0x01, ...new TextEncoder().encode('vorbis')], 28);
  new DataView(b.buffer).setUint32(28 + 12, rate, true);
  return b;
}

function mp3(header: number[], id3Bytes = 0): Uint8Array {
  const tag =
    id3Bytes > 0
      ? [
          0x49,
          0x44,
          0x33,
          4,
          0,
          0,
          0,
          0,
          (id3Bytes >> 7) & 0x7f,
          id3Bytes & 0x7f,
          ...new Array<number>(id3Bytes).fill(0),
        ]
      : [];
  return new Uint8Array([...tag, ...header, 0, 0, 0, 0]);
}

describe('sniffSampleRate', () => {
  it.each([8000, 22050, 44100, 96000, 192000])('FLAC STREAMINFO %i Hz', (rate) => {
    expect(sniffSampleRate(flac(rate))).toBe(rate);
  });

  it.each([11025, 32000, 48000])('Ogg Vorbis identification header %i Hz', (rate) => {
    expect(sniffSampleRate(oggVorbis(rate))).toBe(rate);
  });

  it('MPEG audio frame headers for MPEG-1, -2, -2.5, also after an ID3v2 tag', () => {
    expect(sniffSampleRate(mp3([0xff, 0xfb, 0x90, 0x64]))).toBe(44100); // MPEG-1 layer III, 128 kbit/s
    expect(sniffSampleRate(mp3([0xff, 0xfb, 0x94, 0x64]))).toBe(48000);
    expect(sniffSampleRate(mp3([0xff, 0xf3, 0x88, 0x64]))).toBe(16000); // MPEG-2, index 2
    expect(sniffSampleRate(mp3([0xff, 0xe3, 0x88, 0x64]))).toBe(8000); // MPEG-2.5, index 2
    expect(sniffSampleRate(mp3([0xff, 0xfb, 0x90, 0x64], 300))).toBe(44100);
  });

  it('returns undefined for unknown or invalid input', () => {
    expect(sniffSampleRate(new Uint8Array(0))).toBeUndefined();
    expect(sniffSampleRate(new TextEncoder().encode('plain text, no audio here'))).toBeUndefined();
    expect(sniffSampleRate(mp3([0xff, 0xfb, 0x9c, 0x64]))).toBeUndefined(); // reserved rate index
    expect(sniffSampleRate(mp3([0xff, 0xeb, 0x90, 0x64]))).toBeUndefined(); // reserved version
    // A sync-like pair later in the data is not taken for an MPEG frame.
    expect(sniffSampleRate(new Uint8Array([1, 2, 3, 0xff, 0xfb, 0x90, 0x64]))).toBeUndefined();
    const notVorbis = oggVorbis(44100);
    notVorbis[29] = 0x78; // "xorbis"
    expect(sniffSampleRate(notVorbis)).toBeUndefined();
  });
});
