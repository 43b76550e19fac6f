import { describe, expect, it } from 'vitest';
import { InvalidOptionError, ShapeError } from '../../src/core/errors.js';
import { segmentalSnr } from '../../src/signal/segmental-snr.js';
import { tone } from './helpers.js';

const FS = 16000;

describe('segmentalSnr', () => {
  const s = tone(FS, 200, FS, 0.5);

  it('is the per-frame SNR when every frame has the same SNR', () => {
    // ŝ = 1.1·s: every frame has error 0.1·s, i.e. 20 dB.
    expect(
      segmentalSnr(
        s,
        s.map((v) => 1.1 * v),
        FS,
      ),
    ).toBeCloseTo(20, 4);
    expect(
      segmentalSnr(
        s,
        s.map((v) => 0.5 * v),
        FS,
      ),
    ).toBeCloseTo(20 * Math.log10(2), 4);
  });

  it('clamps frame SNRs to [−10, 35] dB by default, and to custom bounds', () => {
    expect(segmentalSnr(s, s, FS)).toBe(35);
    expect(
      segmentalSnr(
        s,
        s.map((v) => 1.001 * v),
        FS,
      ),
    ).toBeCloseTo(35, 10); // 60 dB → 35
    expect(
      segmentalSnr(
        s,
        s.map((v) => -100 * v),
        FS,
      ),
    ).toBeCloseTo(-10, 10); // ≈ −40 dB → −10
    expect(
      segmentalSnr(
        s,
        s.map((v) => -100 * v),
        FS,
        { minDb: -50 },
      ),
    ).toBeCloseTo(-20 * Math.log10(101), 4);
    expect(segmentalSnr(s, s, FS, { maxDb: 60 })).toBe(60);
  });

  it('excludes silent frames by default and includes them (at the floor) on request', () => {
    // First second: tone with 20 dB frames; second second: silent reference but non-zero estimate.
    // 20 ms frames without overlap: 50 active frames and 50 silent frames.
    const clean = new Float32Array(2 * FS);
    const est = new Float32Array(2 * FS);
    for (let i = 0; i < FS; i++) {
      clean[i] = s[i];
      est[i] = 1.1 * s[i];
      est[FS + i] = 0.01 * s[i];
    }
    const opts = { frameMs: 20, hopMs: 20 } as const;
    expect(segmentalSnr(clean, est, FS, opts)).toBeCloseTo(20, 4);
    expect(segmentalSnr(clean, est, FS, { ...opts, silentFrames: 'include' })).toBeCloseTo(
      (50 * 20 + 50 * -10) / 100,
      4,
    );
  });

  it('treats frames more than silenceDb below the loudest frame as silent', () => {
    const clean = new Float32Array(2 * FS);
    const est = new Float32Array(2 * FS);
    for (let i = 0; i < FS; i++) {
      clean[i] = s[i];
      est[i] = 1.1 * s[i];
      clean[FS + i] = 1e-3 * s[i]; // −60 dB: silent under the default 40 dB range
      est[FS + i] = 0;
    }
    const opts = { frameMs: 20, hopMs: 20 } as const;
    expect(segmentalSnr(clean, est, FS, opts)).toBeCloseTo(20, 4);
    // With a 80 dB range the quiet half counts: its frames have ŝ = 0, i.e. 0 dB.
    expect(segmentalSnr(clean, est, FS, { ...opts, silenceDb: 80 })).toBeCloseTo(10, 4);
  });

  it('returns NaN when every frame is silent and handles signals shorter than one frame', () => {
    expect(segmentalSnr(new Float32Array(FS), new Float32Array(FS).fill(0.1), FS)).toBeNaN();
    const short = s.subarray(0, 100);
    expect(
      segmentalSnr(
        short,
        short.map((v) => 1.1 * v),
        FS,
      ),
    ).toBeCloseTo(20, 4);
  });

  it('validates inputs', () => {
    expect(() => segmentalSnr(s, s.subarray(1), FS)).toThrow(ShapeError);
    expect(() => segmentalSnr(s, s, 0)).toThrow(InvalidOptionError);
    expect(() => segmentalSnr(s, s, FS, { minDb: 10, maxDb: 5 })).toThrow(/minDb/);
  });
});
