import { describe, expect, it } from 'vitest';
import { InvalidOptionError, ShapeError } from '../../src/core/errors.js';
import { Random } from '../../src/core/random.js';
import { reconvergenceTime } from '../../src/signal/reconvergence-time.js';
import { tone } from './helpers.js';

const RATE = 100; // curve samples per second

/** A curve from a function of time (seconds). */
function curve(seconds: number, f: (t: number) => number): Float32Array {
  return new Float32Array(Math.round(seconds * RATE)).map((_, i) => f(i / RATE));
}

/** 25 dB before the change at 4 s, drops to 0 and ramps linearly to 20 dB over 1 s (10 dB at 4.5 s). */
const ramp = curve(8, (t) => (t < 4 ? 25 : t < 5 ? 20 * (t - 4) : 20));

describe('reconvergenceTime', () => {
  it('finds the threshold crossing of a ramp exactly without smoothing', () => {
    const t10 = reconvergenceTime(
      { improvementDb: ramp, rate: RATE },
      { changeTime: 4, smoothing: 0, holdFraction: 1 },
    );
    expect(t10).toBeCloseTo(0.5, 9);
  });

  it('a trailing 50 ms moving average delays a linear ramp by (k − 1)/2 samples', () => {
    // k = 5 samples at 100 Hz: mean of v[i−4..i] = v[i−2], so the crossing moves 20 ms later.
    const t10 = reconvergenceTime({ improvementDb: ramp, rate: RATE }, { changeTime: 4 });
    expect(t10).toBeCloseTo(0.52, 9);
  });

  it('honours a configurable threshold', () => {
    const t = reconvergenceTime({ improvementDb: ramp, rate: RATE }, { changeTime: 4, smoothing: 0, thresholdDb: 15 });
    expect(t).toBeCloseTo(0.75, 9);
  });

  it('returns Infinity when the fixed threshold is never reached, even if the curve has settled', () => {
    const settled = curve(8, (t) => (t < 4 ? 25 : 8)); // converged quickly, but only to 8 dB
    expect(reconvergenceTime({ improvementDb: settled, rate: RATE }, { changeTime: 4 })).toBe(Number.POSITIVE_INFINITY);
  });

  it('tolerates short dips with holdFraction < 1 but not with holdFraction = 1', () => {
    // Recovers at 4.3 s, dips below threshold for 30 ms at 4.6 s (6 % of the 0.5 s hold window).
    const dip = curve(8, (t) => (t < 4 ? 25 : t < 4.3 ? 0 : t >= 4.6 && t < 4.63 ? 5 : 20));
    const opts = { changeTime: 4, smoothing: 0 };
    expect(reconvergenceTime({ improvementDb: dip, rate: RATE }, { ...opts, holdFraction: 0.9 })).toBeCloseTo(0.3, 9);
    expect(reconvergenceTime({ improvementDb: dip, rate: RATE }, { ...opts, holdFraction: 1 })).toBeCloseTo(0.63, 9);
  });

  it('ignores what happens before the change and is 0 when already above the threshold', () => {
    const flat = curve(4, () => 15);
    expect(reconvergenceTime({ improvementDb: flat, rate: RATE }, { changeTime: 1 })).toBe(0);
    expect(reconvergenceTime({ improvementDb: flat, rate: RATE }, { changeTime: 10 })).toBe(Number.POSITIVE_INFINITY);
  });

  it('computes the framed SNRi from clean / noisy / enhanced signals', () => {
    // Enhanced error = 1 % of the input noise (40 dB SNRi) except between 1.0 s and 1.3 s, where it
    // is the full noise (0 dB). Frames are 5 ms (frame m starts at 5m ms) and the trailing smoothing
    // window holds 10 frames. The last bad frame is m = 259 (1.295–1.3 s). The window ending at
    // frame 268 still holds it (≈ 10·log10(10) dB, borderline); from frame 269 (1.345 s) it holds
    // only 40 dB frames. So T10 is 0.34 s or 0.345 s.
    const fs = 16000;
    const n = 2 * fs;
    const clean = tone(n, 220, fs, 0.5);
    const rng = new Random(3);
    const noisy = new Float32Array(n);
    const enhanced = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const v = 0.3 * rng.gaussian();
      const t = i / fs;
      noisy[i] = clean[i] + v;
      enhanced[i] = clean[i] + (t >= 1 && t < 1.3 ? v : 0.01 * v);
    }
    const t10 = reconvergenceTime({ clean, noisy, enhanced, sampleRate: fs }, { changeTime: 1 });
    expect(t10).toBeGreaterThanOrEqual(0.34 - 1e-9);
    expect(t10).toBeLessThanOrEqual(0.345 + 1e-9);
  });

  it('validates options and inputs', () => {
    const c = curve(1, () => 0);
    expect(() => reconvergenceTime({ improvementDb: c, rate: 0 }, { changeTime: 0 })).toThrow(InvalidOptionError);
    expect(() => reconvergenceTime({ improvementDb: c, rate: RATE }, { changeTime: -1 })).toThrow(/changeTime/);
    expect(() => reconvergenceTime({ improvementDb: c, rate: RATE }, { changeTime: 0, holdFraction: 0 })).toThrow(
      /holdFraction/,
    );
    expect(() => reconvergenceTime({ improvementDb: new Float32Array(0), rate: RATE }, { changeTime: 0 })).toThrow(
      ShapeError,
    );
    const a = new Float32Array(100);
    expect(() =>
      reconvergenceTime({ clean: a, noisy: a, enhanced: new Float32Array(99), sampleRate: 16000 }, { changeTime: 0 }),
    ).toThrow(ShapeError);
  });
});
