import { describe, expect, it } from 'vitest';
import { InvalidOptionError, ShapeError } from '../../src/core/errors.js';
import { Random } from '../../src/core/random.js';
import { Stft } from '../../src/signal/stft.js';
import { hannWindow } from '../../src/signal/window.js';

/** Streams x through analyzeNext → synthesize (unmodified spectra); returns the output. */
function roundTrip(stft: Stft, x: Float32Array): Float32Array {
  const h = stft.hop;
  const re = new Float32Array(stft.bins);
  const im = new Float32Array(stft.bins);
  const inBlock = new Float32Array(h);
  const outBlock = new Float32Array(h);
  const y = new Float32Array(x.length);
  for (let s = 0; s + h <= x.length; s += h) {
    for (let i = 0; i < h; i++) inBlock[i] = x[s + i];
    stft.analyzeNext(inBlock, re, im);
    stft.synthesize(re, im, outBlock);
    for (let i = 0; i < h; i++) y[s + i] = outBlock[i];
  }
  return y;
}

function maxReconstructionError(
  x: Float32Array,
  y: Float32Array,
  latency: number,
  blocks: number,
  hop: number,
): number {
  let err = 0;
  for (let n = 0; n < blocks * hop; n++) {
    const want = n >= latency ? x[n - latency] : 0;
    err = Math.max(err, Math.abs(y[n] - want));
  }
  return err;
}

function noise(length: number, seed: number): Float32Array {
  const rng = new Random(seed);
  const x = new Float32Array(length);
  for (let i = 0; i < length; i++) x[i] = rng.uniform(-1, 1);
  return x;
}

describe('Stft', () => {
  it('reconstructs perfectly with √Hann analysis/synthesis at 50 % overlap (error < 1e-6, delay N − H)', () => {
    const stft = new Stft({ frameSize: 512, hop: 256 });
    expect(stft.latency).toBe(256);
    expect(stft.bins).toBe(257);
    const x = noise(256 * 40, 1);
    const y = roundTrip(stft, x);
    expect(maxReconstructionError(x, y, stft.latency, 40, 256)).toBeLessThan(1e-6);
  });

  it('reconstructs perfectly for other WOLA-compatible configurations (√Hann at 75 %, Hann/rect at 50 %)', () => {
    const a = new Stft({ frameSize: 256, hop: 64 });
    const x = noise(64 * 50, 2);
    expect(maxReconstructionError(x, roundTrip(a, x), a.latency, 50, 64)).toBeLessThan(1e-6);
    const b = new Stft({
      frameSize: 128,
      hop: 64,
      analysisWindow: hannWindow(128),
      synthesisWindow: new Float32Array(128).fill(1),
    });
    const x2 = noise(64 * 50, 3);
    expect(maxReconstructionError(x2, roundTrip(b, x2), b.latency, 50, 64)).toBeLessThan(1e-6);
  });

  it('reset() clears the history so a second pass reproduces the first', () => {
    const stft = new Stft({ frameSize: 64 });
    const x = noise(32 * 10, 4);
    const first = roundTrip(stft, x);
    stft.reset();
    const second = roundTrip(stft, x);
    expect(second).toEqual(first);
  });

  it('analyze() of a bin-centred cosine puts Σw/2 in that bin (window-weighted DFT)', () => {
    const n = 256;
    const stft = new Stft({ frameSize: n, analysisWindow: new Float32Array(n).fill(1) });
    const k0 = 10;
    const frame = new Float32Array(n).map((_, t) => Math.cos((2 * Math.PI * k0 * t) / n));
    const re = new Float32Array(stft.bins);
    const im = new Float32Array(stft.bins);
    stft.analyze(frame, re, im);
    for (let k = 0; k < stft.bins; k++) {
      expect(re[k]).toBeCloseTo(k === k0 ? n / 2 : 0, 3);
      expect(im[k]).toBeCloseTo(0, 3);
    }
  });

  it('rejects bad options and windows that cannot overlap-add', () => {
    expect(() => new Stft({ frameSize: 100 })).toThrow(InvalidOptionError);
    expect(() => new Stft({ frameSize: 64, hop: 65 })).toThrow(InvalidOptionError);
    expect(() => new Stft({ frameSize: 64, hop: 0 })).toThrow(InvalidOptionError);
    expect(() => new Stft({ frameSize: 64, analysisWindow: new Float32Array(32) })).toThrow(/analysisWindow/);
    // √Hann at hop = N: w[0] = 0, so sample 0 of every frame is lost.
    expect(() => new Stft({ frameSize: 64, hop: 64 })).toThrow(/perfect reconstruction is impossible/);
  });

  it('throws ShapeError for buffers of the wrong length', () => {
    const stft = new Stft({ frameSize: 64 });
    const re = new Float32Array(33);
    const im = new Float32Array(33);
    expect(() => stft.analyze(new Float32Array(63), re, im)).toThrow(ShapeError);
    expect(() => stft.analyzeNext(new Float32Array(64), re, im)).toThrow(ShapeError);
    expect(() => stft.synthesize(re, new Float32Array(32), new Float32Array(32))).toThrow(ShapeError);
    expect(() => stft.synthesize(re, im, new Float32Array(31))).toThrow(/length 31, expected 32/);
  });
});
