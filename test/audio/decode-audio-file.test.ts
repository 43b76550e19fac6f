import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeAudioBuffer } from '../../src/audio/decode-audio-buffer.js';
import { decodeAudioFile } from '../../src/audio/decode-audio-file.js';
import { encodeWav } from '../../src/audio/encode-wav.js';
import { writeWavFile } from '../../src/audio/write-wav-file.js';
import { AudioDecodeError, InvalidOptionError } from '../../src/core/errors.js';
import { Random } from '../../src/core/random.js';
import { skipUnavailable } from '../helpers/skip-unavailable.js';
import { buildRiff } from './build-riff.js';
import { webAudioUnavailableReason } from './web-audio-unavailable-reason.js';

const skip = skipUnavailable('decodeAudioFile', webAudioUnavailableReason);
const suffix = skip ? ` (skipped: ${webAudioUnavailableReason})` : '';

function soxUnavailableReason(): string | undefined {
  try {
    execFileSync('sox', ['--version'], { stdio: 'ignore' });
    return undefined;
  } catch {
    return 'sox is not installed (apt-get install -y sox)';
  }
}

/** Seeded noise in [-1, 1), with the exact extremes included. */
function noise(n: number, seed: number): Float32Array {
  const r = new Random(seed);
  const x = Float32Array.from({ length: n }, () => r.uniform(-1, 1));
  x[0] = -1;
  x[1] = 1;
  x[2] = 1 - 1 / 32768;
  return x;
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'adamax-decode-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Expects `promise` to reject with AudioDecodeError whose message names `file` and matches `reason`. */
async function expectDecodeError(promise: Promise<unknown>, file: string, reason: RegExp): Promise<AudioDecodeError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AudioDecodeError);
  const e = error as AudioDecodeError;
  expect(e.code).toBe('audio_decode');
  expect(e.file).toBe(file);
  expect(e.message).toContain(file);
  expect(e.message).toMatch(reason);
  return e;
}

describe.skipIf(skip)(`decodeAudioFile round trips${suffix}`, () => {
  it('pcm16 mono: same rate, same length, max error <= 1/32768', async () => {
    const x = noise(16000, 1);
    const path = join(dir, 'pcm16.wav');
    await writeWavFile(path, [x], 16000, { format: 'pcm16' });
    const out = await decodeAudioFile(path);
    expect(out.sampleRate).toBe(16000);
    expect(out.sourceSampleRate).toBe(16000);
    expect(out.frames).toBe(x.length);
    expect(out.channels).toHaveLength(1);
    expect(out.truncated).toBeUndefined();
    expect(maxAbsDiff(out.channels[0], x)).toBeLessThanOrEqual(1 / 32768 + 1e-9);
  });

  it('float32 stereo: bit-exact', async () => {
    const l = noise(4800, 2);
    const r = noise(4800, 3).map((v) => v * 3); // out of [-1, 1] survives float WAV
    const path = join(dir, 'float.wav');
    await writeWavFile(path, [l, r], 48000, { format: 'float32' });
    const out = await decodeAudioFile(path);
    expect(out).toMatchObject({ sampleRate: 48000, frames: 4800, sourceSampleRate: 48000 });
    expect(out.channels).toHaveLength(2);
    expect(out.channels[0]).toEqual(l);
    expect(out.channels[1]).toEqual(r);
  });

  it('pcm16 stereo keeps the channels apart', async () => {
    const l = new Float32Array(1000).fill(0.25);
    const r = new Float32Array(1000).fill(-0.5);
    const out = await decodeAudioBuffer(encodeWav([l, r], 22050, { format: 'pcm16' }), 'mem.wav');
    expect(out.channels[0]).toEqual(l);
    expect(out.channels[1]).toEqual(r);
  });

  it('resamples 16 kHz -> 48 kHz on request (3x the frames, tone preserved)', async () => {
    const n = 16000;
    const x = Float32Array.from({ length: n }, (_, i) => 0.5 * Math.sin((2 * Math.PI * 440 * i) / 16000));
    const out = await decodeAudioBuffer(encodeWav([x], 16000, { format: 'float32' }), 'tone.wav', {
      sampleRate: 48000,
    });
    expect(out.sampleRate).toBe(48000);
    expect(out.sourceSampleRate).toBe(16000);
    expect(Math.abs(out.frames / n - 3)).toBeLessThan(0.01);
    // RMS of a 0.5-amplitude sine is 0.3536; compare away from the edges.
    const mid = out.channels[0].subarray(4800, out.frames - 4800);
    const rms = Math.sqrt(mid.reduce((s, v) => s + v * v, 0) / mid.length);
    expect(rms).toBeGreaterThan(0.34);
    expect(rms).toBeLessThan(0.37);
  });

  it('accepts a view into a larger buffer (byteOffset != 0)', async () => {
    const wav = encodeWav([noise(100, 4)], 8000, { format: 'float32' });
    const big = new Uint8Array(wav.length + 13);
    big.set(wav, 13);
    const out = await decodeAudioBuffer(big.subarray(13), 'view.wav');
    expect(out.frames).toBe(100);
  });

  it('decodes a hand-built WAVE_FORMAT_EXTENSIBLE 24-bit file with LIST and odd-sized chunks', async () => {
    const fmt = new Uint8Array(40);
    const v = new DataView(fmt.buffer);
    v.setUint16(0, 0xfffe, true);
    v.setUint16(2, 1, true);
    v.setUint32(4, 16000, true);
    v.setUint32(8, 48000, true);
    v.setUint16(12, 3, true);
    v.setUint16(14, 24, true);
    v.setUint16(16, 22, true);
    v.setUint16(18, 24, true);
    v.setUint32(20, 4, true);
    fmt.set([0x01, 0, 0, 0, 0, 0, 0x10, 0, 0x80, 0, 0, 0xaa, 0, 0x38, 0x9b, 0x71], 24);
    // Samples 0x400000 (= 0.5) and 0xC00000 (= -0.5), little-endian 24-bit.
    const data = new Uint8Array([0, 0, 0x40, 0, 0, 0xc0]);
    const bytes = buildRiff([
      { id: 'fmt ', body: fmt },
      { id: 'LIST', body: new TextEncoder().encode('INFO') },
      { id: 'junk', body: new Uint8Array(3) }, // odd size: one pad byte follows
      { id: 'data', body: data },
    ]);
    const out = await decodeAudioBuffer(bytes, 'ext24.wav');
    expect(out.sampleRate).toBe(16000);
    expect(Array.from(out.channels[0])).toEqual([0.5, -0.5]);
  });
});

describe.skipIf(skip)(`decodeAudioFile errors${suffix}`, () => {
  it('missing file', async () => {
    const path = join(dir, 'nope.wav');
    const e = await expectDecodeError(decodeAudioFile(path), path, /file not found/);
    expect(e.cause).toMatchObject({ code: 'ENOENT' });
  });

  it('a directory', async () => {
    await expectDecodeError(decodeAudioFile(dir), dir, /directory/);
  });

  it('empty file', async () => {
    const path = join(dir, 'empty.wav');
    await writeFile(path, '');
    await expectDecodeError(decodeAudioFile(path), path, /empty \(0 bytes\)/);
  });

  it('text file', async () => {
    const path = join(dir, 'notes.txt');
    await writeFile(path, 'Shopping list: milk, eggs, bread.\n'.repeat(20));
    const e = await expectDecodeError(decodeAudioFile(path), path, /not a recognised audio format/);
    expect((e.cause as Error).name).toBe('EncodingError');
  });

  it('random bytes', async () => {
    const path = join(dir, 'garbage.bin');
    const r = new Random(9);
    await writeFile(
      path,
      Uint8Array.from({ length: 4096 }, () => r.int(0, 255)),
    );
    await expectDecodeError(decodeAudioFile(path), path, /not a recognised audio format/);
  });

  it('RIFF/WAVE with a bad format code', async () => {
    const bytes = encodeWav([new Float32Array(100)], 16000, { format: 'pcm16' });
    new DataView(bytes.buffer).setUint16(20, 0x1234, true);
    await expectDecodeError(decodeAudioBuffer(bytes, 'weird.wav'), 'weird.wav', /unsupported/);
  });

  it('a WAV with a malformed LIST chunk (decoder-side corruption)', async () => {
    const bytes = encodeWav([new Float32Array(10)], 16000, { format: 'pcm16' });
    const broken = buildRiff([
      { id: 'fmt ', body: bytes.subarray(20, 36) },
      { id: 'LIST', body: new Uint8Array(3) },
      { id: 'data', body: bytes.subarray(44) },
    ]);
    await expectDecodeError(decodeAudioBuffer(broken, 'list.wav'), 'list.wav', /corrupt or malformed/);
  });

  it('a WAV cut off inside its header', async () => {
    const bytes = encodeWav([new Float32Array(100)], 16000, { format: 'pcm16' }).subarray(0, 30);
    await expectDecodeError(decodeAudioBuffer(bytes, 'cut.wav'), 'cut.wav', /fmt |truncated|ends unexpectedly/);
  });

  it('truncated WAV: rejected with both sizes, or decoded partially with allowTruncated', async () => {
    const x = noise(16000, 5);
    const full = encodeWav([x], 16000, { format: 'pcm16' });
    const path = join(dir, 'truncated.wav');
    await writeFile(path, full.subarray(0, 44 + 20000));
    await expectDecodeError(decodeAudioFile(path), path, /truncated.*32000 bytes.*only 20000/);
    const part = await decodeAudioFile(path, { allowTruncated: true });
    expect(part.truncated).toBe(true);
    expect(part.frames).toBe(10000);
    expect(maxAbsDiff(part.channels[0], x.subarray(0, 10000))).toBeLessThanOrEqual(1 / 32768 + 1e-9);
  });

  it('header-only WAV that declares data is truncated; one that declares none decodes to 0 frames', async () => {
    const full = encodeWav([new Float32Array(10)], 16000, { format: 'pcm16' });
    await expectDecodeError(decodeAudioBuffer(full.subarray(0, 44), 'h.wav'), 'h.wav', /truncated/);
    const empty = await decodeAudioBuffer(encodeWav([new Float32Array(0)], 16000, { format: 'pcm16' }), 'e.wav');
    expect(empty.frames).toBe(0);
  });

  it('bad options are InvalidOptionError', async () => {
    const wav = encodeWav([new Float32Array(10)], 16000, { format: 'pcm16' });
    await expect(decodeAudioBuffer(wav, 'a.wav', { sampleRate: 1000 })).rejects.toThrow(InvalidOptionError);
    await expect(decodeAudioBuffer(wav, 'a.wav', { sampleRate: 44100.5 })).rejects.toThrow(
      /integer in \[3000, 768000\]/,
    );
  });

  it('a WAV whose own rate is outside the decoder range needs an explicit sampleRate', async () => {
    const wav = encodeWav([new Float32Array(200)], 2000, { format: 'pcm16' });
    await expectDecodeError(decodeAudioBuffer(wav, 'slow.wav'), 'slow.wav', /2000 Hz is outside/);
    const out = await decodeAudioBuffer(wav, 'slow.wav', { sampleRate: 8000 });
    expect(out.sourceSampleRate).toBe(2000);
    expect(Math.abs(out.frames - 800)).toBeLessThanOrEqual(4);
  });
});

describe.skipIf(skip || skipUnavailable('decodeAudioFile on sox-made files', soxUnavailableReason()))(
  `decodeAudioFile on sox-made files${skip ? suffix : ' (skipped if sox is missing)'}`,
  () => {
    it.each([
      ['flac', 22050],
      ['ogg', 32000],
    ])('keeps the native rate of %s (%i Hz) by reading its header', async (ext, rate) => {
      const path = join(dir, `tone.${ext}`);
      execFileSync('sox', ['-n', '-r', String(rate), '-c', '1', path, 'synth', '0.5', 'sine', '440']);
      const out = await decodeAudioFile(path);
      expect(out.sampleRate).toBe(rate);
      expect(out.sourceSampleRate).toBe(rate);
      expect(Math.abs(out.frames - rate / 2)).toBeLessThan(rate * 0.01);
    });

    it('reads sox 24-bit (WAVE_FORMAT_EXTENSIBLE) stereo WAV', async () => {
      const path = join(dir, 's24.wav');
      execFileSync('sox', ['-n', '-r', '44100', '-c', '2', '-b', '24', path, 'synth', '0.25', 'sine', '1000']);
      const out = await decodeAudioFile(path);
      expect(out).toMatchObject({ sampleRate: 44100, frames: 11025 });
      expect(out.channels).toHaveLength(2);
    });
  },
);
