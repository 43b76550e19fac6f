/**
 * The constant-memory `denoise` path gives the whole-file path's output byte for byte (PCM 16/24/32,
 * float 32, mono and stereo, 16/44.1/48 kHz), and the streaming pieces match their whole-array forms.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { streamDenoiseFile } from '../../pipelines/stream-denoise-file.js';
import { WavFileReader } from '../../src/audio/wav-file-reader.js';
import { encodeWav, resample } from '../../src/index.js';
import { denoiseSingleChannel, readAudioFile, writeAudioFile } from '../../src/node/index.js';
import { StreamResampler } from '../../src/signal/stream-resampler.js';
import { runCli } from '../cli/helpers.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'adamax-stream-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const signal = (n: number, seed: number): Float32Array =>
  Float32Array.from(
    { length: n },
    (_, i) => 0.4 * Math.sin(i * 0.05 * seed) * Math.sin(i * 0.0007) + 0.05 * Math.sin(i * 2.3 + seed),
  );

/** A WAV of PCM `bits` (16/24/32) or float32 written by hand (encodeWav has no 24/32-bit PCM). */
function pcmWav(channels: Float32Array[], rate: number, bits: 16 | 24 | 32): Uint8Array {
  const n = channels[0]!.length;
  const c = channels.length;
  const width = bits / 8;
  const data = n * c * width;
  const out = new Uint8Array(44 + data);
  const v = new DataView(out.buffer);
  const ascii = (at: number, s: string) => {
    for (let i = 0; i < 4; i++) out[at + i] = s.charCodeAt(i);
  };
  ascii(0, 'RIFF');
  v.setUint32(4, 36 + data, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  v.setUint32(16, 16, true);
  v.setUint16(20, 1, true);
  v.setUint16(22, c, true);
  v.setUint32(24, rate, true);
  v.setUint32(28, rate * c * width, true);
  v.setUint16(32, c * width, true);
  v.setUint16(34, bits, true);
  ascii(36, 'data');
  v.setUint32(40, data, true);
  const scale = 2 ** (bits - 1);
  for (let i = 0; i < n; i++) {
    for (let ch = 0; ch < c; ch++) {
      const s = Math.max(-scale, Math.min(scale - 1, Math.round(channels[ch]![i]! * scale)));
      const at = 44 + (i * c + ch) * width;
      if (bits === 16) v.setInt16(at, s, true);
      else if (bits === 32) v.setInt32(at, s, true);
      else {
        v.setUint8(at, s & 0xff);
        v.setUint8(at + 1, (s >> 8) & 0xff);
        v.setInt8(at + 2, s >> 16);
      }
    }
  }
  return out;
}

describe('streaming pieces', () => {
  it.each([
    [48000, 16000],
    [44100, 16000],
    [16000, 44100],
    [16000, 48000],
    [22050, 16000],
  ])('StreamResampler %i → %i equals resample bit for bit, whatever the chunking', (from, to) => {
    const x = signal(30011, 3);
    const ref = resample(x, from, to);
    for (const chunk of [1, 97, 4096]) {
      const sr = StreamResampler.create(from, to, x.length)!;
      const got = new Float32Array(sr.outputLength);
      let at = 0;
      const emit = (y: Float32Array) => {
        got.set(y, at);
        at += y.length;
      };
      for (let p = 0; p < x.length; p += chunk) sr.push(x.subarray(p, p + chunk), emit);
      sr.finish(emit);
      expect(at).toBe(ref.length);
      expect(Buffer.from(got.buffer).equals(Buffer.from(ref.buffer))).toBe(true);
    }
  });
  it.each([16, 24, 32] as const)('WavFileReader decodes %i-bit PCM as the whole-file decoder does', async (bits) => {
    const p = join(dir, `pcm${bits}.wav`);
    writeFileSync(p, pcmWav([signal(5000, 1), signal(5000, 2)], 16000, bits));
    const whole = await readAudioFile(p);
    const r = WavFileReader.open(p)!;
    const ch = [new Float32Array(777), new Float32Array(777)];
    const got = [new Float32Array(5000), new Float32Array(5000)];
    for (let at = 0; ; ) {
      const n = r.read(ch);
      if (n === 0) break;
      got[0]!.set(ch[0]!.subarray(0, n), at);
      got[1]!.set(ch[1]!.subarray(0, n), at);
      at += n;
    }
    r.close();
    for (const c of [0, 1])
      expect(Buffer.from(got[c]!.buffer).equals(Buffer.from(whole.channels[c]!.buffer))).toBe(true);
  });
});

describe('constant-memory denoise', () => {
  it.each([
    ['prior (default)', 'mono 16 kHz float32', 16000, 1, 'float32'],
    ['prior (default)', 'stereo 48 kHz pcm16', 48000, 2, 'pcm16'],
    ['prior (default)', 'mono 44.1 kHz pcm24', 44100, 1, 24],
    ['online', 'mono 16 kHz float32', 16000, 1, 'float32'],
    ['online', 'stereo 48 kHz pcm16', 48000, 2, 'pcm16'],
    ['online', 'mono 44.1 kHz pcm24', 44100, 1, 24],
  ] as const)('%s, %s: byte-identical to the whole-file pipeline', async (label, _name, rate, channels, enc) => {
    const method = label === 'online' ? 'online' : undefined;
    const chans = Array.from({ length: channels }, (_, c) => signal(Math.round(rate * 1.5), 3 + c));
    const input = join(dir, `in-${rate}-${channels}.wav`);
    writeFileSync(input, typeof enc === 'number' ? pcmWav(chans, rate, enc) : encodeWav(chans, rate, { format: enc }));
    const whole = await readAudioFile(input);
    const ref = await denoiseSingleChannel({
      input: whole.channels,
      sampleRate: rate,
      skipStoi: true,
      ...(method ? { method } : {}),
    });
    const format = enc === 'float32' ? 'float32' : 'pcm16';
    const refPath = join(dir, `ref-${rate}.wav`);
    await writeAudioFile(refPath, [ref.output], rate, format);
    const out = join(dir, `stream-${rate}.wav`);
    const r = await streamDenoiseFile({ input, output: out, ...(method ? { method } : {}) });
    expect(r.format).toBe(format);
    expect(readFileSync(out).equals(readFileSync(refPath))).toBe(true);
  });
  it('the CLI streams when no flag needs the whole file, and says so', async () => {
    const input = join(dir, 'cli.wav');
    writeFileSync(input, encodeWav([signal(16000, 5)], 16000, { format: 'pcm16' }));
    const r = await runCli(['denoise', input, '-o', join(dir, 'cli-out.wav'), '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).streamed).toBe(true);
    const r2 = await runCli(['denoise', input, '-o', join(dir, 'cli-out2.wav'), '--clean', input, '--json']);
    expect(JSON.parse(r2.stdout).streamed).toBeUndefined();
    expect(readFileSync(join(dir, 'cli-out.wav')).equals(readFileSync(join(dir, 'cli-out2.wav')))).toBe(true);
  });
  it('a long file through the prior: the streamed output is the whole-file output, byte for byte, in bounded memory', async () => {
    // 3 minutes at 48 kHz: the whole-file path holds ~35 MB of float32 for input and output; the
    // streamed run's heap must not grow with the file
    const rate = 48000;
    const input = join(dir, 'long-prior.wav');
    const long = new Float32Array(rate * 180);
    const base = signal(rate * 7, 11);
    for (let i = 0; i < long.length; i++) long[i] = base[i % base.length]! * (1 + 0.5 * Math.sin(i * 1e-5));
    writeFileSync(input, encodeWav([long], rate, { format: 'pcm16' }));
    const out = join(dir, 'long-prior-stream.wav');
    const before = process.memoryUsage();
    let peak = 0;
    const r = await streamDenoiseFile({
      input,
      output: out,
      onProgress: () => {
        const m = process.memoryUsage();
        peak = Math.max(peak, m.heapUsed + m.arrayBuffers - before.heapUsed - before.arrayBuffers);
      },
    });
    expect(r.frames).toBe(long.length);
    expect(peak).toBeLessThan(20 * 2 ** 20);
    const whole = await readAudioFile(input);
    const ref = await denoiseSingleChannel({ input: whole.channels, sampleRate: rate, skipStoi: true });
    const refPath = join(dir, 'long-prior-whole.wav');
    await writeAudioFile(refPath, [ref.output], rate, 'pcm16');
    expect(readFileSync(out).equals(readFileSync(refPath))).toBe(true);
  }, 120_000);
});
