import { describe, expect, it } from 'vitest';
import { InvalidOptionError, ShapeError } from '../../src/core/errors.js';
import { stoi } from '../../src/signal/stoi.js';
import { addWhiteNoise, speechLike } from './helpers.js';

describe('stoi (Taal et al. 2011)', () => {
  const fs = 16000;
  const clean = speechLike(fs, 3, 5);

  it('is 1 for identical signals', () => {
    expect(stoi(clean, clean, fs)).toBeCloseTo(1, 9);
  });

  it('decreases monotonically as the white-noise SNR drops (20 → 5 → −5 dB) and stays in (0, 1)', () => {
    const d20 = stoi(clean, addWhiteNoise(clean, 20, 1), fs);
    const d5 = stoi(clean, addWhiteNoise(clean, 5, 1), fs);
    const dm5 = stoi(clean, addWhiteNoise(clean, -5, 1), fs);
    expect(d20).toBeLessThan(1);
    expect(d5).toBeLessThan(d20);
    expect(dm5).toBeLessThan(d5);
    expect(dm5).toBeGreaterThan(0);
    // Light noise hardly affects intelligibility; heavy noise clearly does (Taal et al. 2011, Fig. 4 range).
    expect(d20).toBeGreaterThan(0.9);
    expect(dm5).toBeLessThan(0.85);
  });

  it('is invariant to a positive gain on the processed signal (per-band normalisation α)', () => {
    const noisy = addWhiteNoise(clean, 0, 2);
    expect(
      stoi(
        clean,
        noisy.map((v) => 3 * v),
        fs,
      ),
    ).toBeCloseTo(stoi(clean, noisy, fs), 6);
  });

  it('ignores digital silence: padding both signals with whole silent frames leaves the score unchanged', () => {
    // At STOI's own 10 kHz (no resampling), padding by a multiple of the 128-sample hop keeps the
    // frame grid; the added all-zero frames are more than 40 dB below the loudest and are dropped.
    const c10 = speechLike(10000, 3, 5);
    const n10 = addWhiteNoise(c10, 5, 3);
    const padLen = 128 * 40;
    const pad = (x: Float32Array) => {
      const out = new Float32Array(x.length + 2 * padLen);
      out.set(x, padLen);
      return out;
    };
    expect(stoi(pad(c10), pad(n10), 10000)).toBeCloseTo(stoi(c10, n10, 10000), 9);
  });

  it('throws when less than 30 non-silent frames remain, or on bad input', () => {
    const short = speechLike(fs, 0.3, 1);
    expect(() => stoi(short, short, fs)).toThrow(ShapeError);
    expect(() => stoi(short, short, fs)).toThrow(/at least 30/);
    expect(() => stoi(clean, clean.subarray(1), fs)).toThrow(ShapeError);
    expect(() => stoi(clean, clean, -1)).toThrow(InvalidOptionError);
  });
});
