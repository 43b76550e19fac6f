/**
 * What audio people look at and listen to first, in the HTML report: spectrograms of the input, the
 * output and what was removed on the report's time axis with the change marks (one colour scale,
 * embedded palette PNGs through the library's STFT), and before/after players embedded as base64 WAV,
 * cut to at most 10 s at ≤ 16 kHz so that the report stays small.
 */
import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { base64ToBytes } from '../../src/models/prior/prior-weights-codec.js';
import { PLAYER_RATE, PLAYER_SECONDS, playerExcerpt } from '../../src/report/audio-players.js';
import { indexedPng } from '../../src/report/indexed-png.js';
import { renderHtmlReport } from '../../src/report/render-html-report.js';
import type { RunReport } from '../../src/report/run-report.js';
import { spectrogram } from '../../src/report/spectrogram.js';

/** CRC-32 computed bit by bit (independent of the table in indexed-png.ts). */
function crc(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

/** A minimal PNG reader for palette images with filter 0 rows: checks signature, CRCs, zlib (inflate). */
function readPng(png: Uint8Array): { width: number; height: number; pixels: Uint8Array; palette: Uint8Array } {
  expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const v = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const chunks = new Map<string, Uint8Array>();
  for (let o = 8; o < png.length; ) {
    const len = v.getUint32(o);
    const type = String.fromCharCode(...png.subarray(o + 4, o + 8));
    expect(v.getUint32(o + 8 + len), `CRC of ${type}`).toBe(crc(png.subarray(o + 4, o + 8 + len)));
    chunks.set(type, png.subarray(o + 8, o + 8 + len));
    o += 12 + len;
  }
  const ihdr = new DataView(chunks.get('IHDR')!.buffer, chunks.get('IHDR')!.byteOffset);
  const width = ihdr.getUint32(0);
  const height = ihdr.getUint32(4);
  expect([ihdr.getUint8(8), ihdr.getUint8(9)]).toEqual([8, 3]);
  const raw = inflateSync(chunks.get('IDAT')!);
  expect(raw.length).toBe((width + 1) * height);
  const pixels = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    expect(raw[y * (width + 1)]).toBe(0);
    pixels.set(raw.subarray(y * (width + 1) + 1, (y + 1) * (width + 1)), y * width);
  }
  expect(chunks.has('IEND')).toBe(true);
  return { width, height, pixels, palette: chunks.get('PLTE')! };
}

const tone = (n: number, rate: number, hz: number, amp: number, from = 0, to = n) => {
  const x = new Float32Array(n);
  for (let i = from; i < to; i++) x[i] = amp * Math.sin((2 * Math.PI * hz * i) / rate);
  return x;
};

/** Row (0 = top = highest frequency) with the largest mean palette index. */
function loudestRow(p: { width: number; height: number; pixels: Uint8Array }): number {
  let best = -1;
  let at = 0;
  for (let y = 0; y < p.height; y++) {
    let s = 0;
    for (let x = 0; x < p.width; x++) s += p.pixels[y * p.width + x]!;
    if (s > best) [best, at] = [s, y];
  }
  return at;
}

describe('spectrogram', () => {
  it('puts a tone in its frequency row and a burst in its time columns, on a bounded grid', () => {
    const rate = 48000;
    const x = tone(rate * 4, rate, 3000, 0.5, rate, 2 * rate); // 3 kHz between 1 s and 2 s
    const s = spectrogram(x, rate);
    expect(s.columns).toBeLessThanOrEqual(600);
    expect(s.rows).toBeLessThanOrEqual(128);
    expect(s.maxHz).toBe(24000);
    let best = 0;
    let row = -1;
    for (let r = 0; r < s.rows; r++) {
      const c = Math.floor(s.columns * 0.375);
      if (s.power[r * s.columns + c]! > best) [best, row] = [s.power[r * s.columns + c]!, r];
    }
    expect(Math.abs(((row + 0.5) / s.rows) * s.maxHz - 3000)).toBeLessThan(s.maxHz / s.rows);
    const silentCol = Math.floor(s.columns * 0.75);
    expect(s.power[row * s.columns + silentCol]).toBeLessThan(best * 1e-6);
  });

  it('handles a clip shorter than one frame, and says what is wrong with bad options', () => {
    expect(spectrogram(new Float32Array(10), 16000).columns).toBe(1);
    expect(() => spectrogram(new Float32Array(10), 0)).toThrow(/sampleRate/);
    expect(() => spectrogram(new Float32Array(10), 16000, { rows: 0 })).toThrow(/rows/);
  });
});

describe('indexedPng', () => {
  it('writes a valid palette PNG (CRCs, zlib stream, rows) that reads back to the same pixels', () => {
    const w = 300;
    const h = 250; // > 64 KiB of image data: several stored deflate blocks
    const px = new Uint8Array(w * h).map((_, i) => (i * 7) % 256);
    const palette = new Uint8Array(256 * 3).map((_, i) => i % 256);
    const back = readPng(indexedPng(px, w, h, palette));
    expect([back.width, back.height]).toEqual([w, h]);
    expect(back.pixels).toEqual(px);
    expect(() => indexedPng(px, w, h + 1, palette)).toThrow(/pixels/);
    expect(() => indexedPng(new Uint8Array([3]), 1, 1, new Uint8Array(6))).toThrow(/past the palette/);
  });
});

describe('players excerpt', () => {
  it('is at most 10 s and contains the first change when there is one', () => {
    expect(playerExcerpt(60, [])).toEqual({ from: 0, to: PLAYER_SECONDS });
    const e = playerExcerpt(60, [40]);
    expect(e.to - e.from).toBe(PLAYER_SECONDS);
    expect(e.from).toBeLessThan(40);
    expect(e.to).toBeGreaterThan(40);
    expect(playerExcerpt(4, [2])).toEqual({ from: 0, to: 4 });
    expect(playerExcerpt(60, [59.5]).to).toBe(60);
    expect(playerExcerpt(60, [], 30).to).toBe(PLAYER_SECONDS);
  });
});

describe('HTML report with audio', () => {
  const rate = 48000;
  const seconds = 30;
  const n = rate * seconds;
  // input: 1 kHz "speech" plus a 6 kHz "noise" from the change at 12 s; the output kept only the 1 kHz tone
  const speech = tone(n, rate, 1000, 0.3);
  const noise = tone(n, rate, 6000, 0.3, 12 * rate, n);
  const input = speech.map((v, i) => v + noise[i]!);
  const report: RunReport = {
    title: 'media',
    createdAt: 'now',
    command: 'adamax-stream denoise x.wav',
    input: { file: 'x.wav', sampleRate: rate, durationSec: seconds, channels: 1 },
    mode: 'single-channel',
    settings: {},
    summary: {},
    changeTimes: [12],
    levels: { x: [1, 2, 3], lines: { input: [-20, -20, -20] } },
  };
  const html = renderHtmlReport(report, { sampleRate: rate, input, output: speech });

  it('embeds before/after players: 16-bit WAV, ≤ 10 s at 16 kHz, the excerpt around the change', () => {
    const urls = [
      ...html.matchAll(
        /<audio id="audio-(before|after)" controls preload="none" src="data:audio\/wav;base64,([^"]+)"/g,
      ),
    ];
    expect(urls.map((m) => m[1])).toEqual(['before', 'after']);
    for (const [, , b64] of urls) {
      const wav = base64ToBytes(b64!);
      const v = new DataView(wav.buffer, wav.byteOffset);
      expect(String.fromCharCode(...wav.subarray(0, 4))).toBe('RIFF');
      expect(v.getUint32(24, true)).toBe(PLAYER_RATE);
      expect(v.getUint16(34, true)).toBe(16);
      expect((wav.length - 44) / 2 / PLAYER_RATE).toBeCloseTo(PLAYER_SECONDS, 2);
    }
    expect(html).toContain('Excerpt: 9–19 s of 30 s, 16000 Hz');
    // the report stays small: 30 s at 48 kHz in, about 1 MB of HTML out
    expect(html.length).toBeLessThan(1_400_000);
  });

  it('draws input, output and removed spectrograms on the report time axis with the change marks', () => {
    const figures = ['input', 'output', 'removed'].map((id) => {
      const m = new RegExp(`<figure id="spectrogram-${id}">([\\s\\S]*?)</figure>`).exec(html);
      expect(m, id).not.toBeNull();
      return m![1]!;
    });
    const pngs = figures.map((f) => {
      expect(f).toMatch(/<title>change at 12<\/title>/);
      expect(f).toMatch(/viewBox="0 0 720 /); // the line charts' width and margins: time axes line up
      return readPng(base64ToBytes(/href="data:image\/png;base64,([^"]+)"/.exec(f)![1]!));
    });
    const rowHz = (p: { height: number }, row: number) => ((p.height - 1 - row + 0.5) / p.height) * (rate / 2);
    const [inP, outP, remP] = pngs as [
      ReturnType<typeof readPng>,
      ReturnType<typeof readPng>,
      ReturnType<typeof readPng>,
    ];
    expect(Math.abs(rowHz(outP, loudestRow(outP)) - 1000)).toBeLessThan(200); // the output keeps the speech
    expect(Math.abs(rowHz(remP, loudestRow(remP)) - 6000)).toBeLessThan(200); // what was removed is the noise
    // the noise starts at the change: in the input, the 6 kHz row is dark before 12 s and bright after
    const row6k = loudestRow(remP);
    const at = (p: ReturnType<typeof readPng>, t: number) =>
      p.pixels[row6k * p.width + Math.floor((t / seconds) * p.width)]!;
    expect(at(inP, 6)).toBeLessThan(40);
    expect(at(inP, 20)).toBeGreaterThan(200);
  });

  it('leaves players and spectrograms out without audio', () => {
    const plain = renderHtmlReport(report);
    expect(plain).not.toContain('<audio');
    expect(plain).not.toContain('spectrogram-input');
    expect(plain.length).toBeLessThan(50_000);
  });
});
