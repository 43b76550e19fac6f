import { describe, expect, it } from 'vitest';
import { encodeWav } from '../../src/audio/encode-wav.js';
import { parseWavHeader } from '../../src/audio/parse-wav-header.js';
import { InvalidOptionError, ShapeError } from '../../src/core/errors.js';

const ascii = (b: Uint8Array, at: number) => String.fromCharCode(...b.subarray(at, at + 4));

describe('encodeWav', () => {
  it('pcm16: 44-byte canonical header, interleaved, rounded and clipped', () => {
    const left = new Float32Array([0, 0.5, -0.5, 1, -1, 2, -2, 1 / 65536, Number.NaN]);
    const right = new Float32Array([
      0.25,
      -0.25,
      3 / 32768,
      0.99999,
      -0.99999,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      -1 / 65536,
      0,
    ]);
    const bytes = encodeWav([left, right], 22050, { format: 'pcm16' });
    const v = new DataView(bytes.buffer);
    expect(bytes.length).toBe(44 + left.length * 4);
    expect(ascii(bytes, 0)).toBe('RIFF');
    expect(v.getUint32(4, true)).toBe(bytes.length - 8);
    expect(ascii(bytes, 8)).toBe('WAVE');
    expect(ascii(bytes, 12)).toBe('fmt ');
    expect(v.getUint32(16, true)).toBe(16);
    expect(v.getUint16(20, true)).toBe(1);
    expect(v.getUint16(22, true)).toBe(2);
    expect(v.getUint32(24, true)).toBe(22050);
    expect(v.getUint32(28, true)).toBe(22050 * 4);
    expect(v.getUint16(32, true)).toBe(4);
    expect(v.getUint16(34, true)).toBe(16);
    expect(ascii(bytes, 36)).toBe('data');
    expect(v.getUint32(40, true)).toBe(left.length * 4);
    const samples = Array.from({ length: left.length * 2 }, (_, i) => v.getInt16(44 + 2 * i, true));
    // round(x * 32768), clipped to [-32768, 32767]; NaN -> 0; 0.5 LSB rounds up (Math.round).
    expect(samples).toEqual([
      0, 8192, 16384, -8192, -16384, 3, 32767, 32767, -32768, -32768, 32767, 32767, -32768, -32768, 1, 0, 0, 0,
    ]);
  });

  it('float32: 58-byte header (fmt 18 + cbSize 0 + fact) and bit-exact samples', () => {
    const a = new Float32Array([0.1, -0.7, 1.5, Number.MIN_VALUE, -0]);
    const b = new Float32Array([3e-8, 0.333, -1, 0, 1e30]);
    const bytes = encodeWav([a, b], 48000, { format: 'float32' });
    const v = new DataView(bytes.buffer);
    expect(bytes.length).toBe(58 + a.length * 8);
    expect(v.getUint32(4, true)).toBe(bytes.length - 8);
    expect(v.getUint32(16, true)).toBe(18);
    expect(v.getUint16(20, true)).toBe(3);
    expect(v.getUint16(22, true)).toBe(2);
    expect(v.getUint32(28, true)).toBe(48000 * 8);
    expect(v.getUint16(32, true)).toBe(8);
    expect(v.getUint16(34, true)).toBe(32);
    expect(v.getUint16(36, true)).toBe(0);
    expect(ascii(bytes, 38)).toBe('fact');
    expect(v.getUint32(42, true)).toBe(4);
    expect(v.getUint32(46, true)).toBe(a.length);
    expect(ascii(bytes, 50)).toBe('data');
    expect(v.getUint32(54, true)).toBe(a.length * 8);
    for (let i = 0; i < a.length; i++) {
      expect(Object.is(v.getFloat32(58 + 8 * i, true), a[i])).toBe(true);
      expect(Object.is(v.getFloat32(62 + 8 * i, true), b[i])).toBe(true);
    }
  });

  it('mono float32 from a subarray view copies only the view', () => {
    const backing = new Float32Array([9, 1, 2, 3, 9]);
    const bytes = encodeWav([backing.subarray(1, 4)], 8000, { format: 'float32' });
    const h = parseWavHeader(bytes)!;
    expect(h.frames).toBe(3);
    const v = new DataView(bytes.buffer);
    expect([0, 1, 2].map((i) => v.getFloat32(h.dataOffset + 4 * i, true))).toEqual([1, 2, 3]);
  });

  it('writes zero-length audio as a valid empty WAV', () => {
    const h = parseWavHeader(encodeWav([new Float32Array(0)], 16000, { format: 'pcm16' }), { requireWav: true })!;
    expect(h).toMatchObject({ dataBytes: 0, frames: 0, truncated: false, sampleRate: 16000 });
  });

  it('rejects no channels and unequal lengths with ShapeError', () => {
    expect(() => encodeWav([], 16000, { format: 'pcm16' })).toThrow(ShapeError);
    expect(() => encodeWav([new Float32Array(3), new Float32Array(4)], 16000, { format: 'pcm16' })).toThrow(
      /same length.*channels\[0\]\.length=3, channels\[1\]\.length=4/,
    );
  });

  it('rejects bad sampleRate / format / channel types with one InvalidOptionError listing every issue', () => {
    const bad = () =>
      encodeWav([new Float32Array(2), [0, 1] as unknown as Float32Array], 44100.5, {
        format: 'pcm24' as 'pcm16',
      });
    expect(bad).toThrow(InvalidOptionError);
    try {
      bad();
    } catch (e) {
      const err = e as InvalidOptionError;
      expect(err.code).toBe('invalid_option');
      expect(err.issues.map((i) => i.option).sort()).toEqual(['channels[1]', 'format', 'sampleRate']);
      expect(err.message).toMatch(/`sampleRate` must be a positive integer.*Received: sampleRate=44100.5/);
    }
    for (const rate of [0, -8000, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => encodeWav([new Float32Array(1)], rate, { format: 'float32' })).toThrow(InvalidOptionError);
    }
  });
});
