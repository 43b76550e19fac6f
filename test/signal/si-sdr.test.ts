import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ShapeError } from '../../src/core/errors.js';
import { siSdr } from '../../src/signal/si-sdr.js';
import { addWhiteNoise, speechLike, tone } from './helpers.js';

describe('siSdr (Le Roux et al. 2019)', () => {
  const s = speechLike(16000, 1, 11);
  const est = addWhiteNoise(s, 5, 12);

  it('is invariant to any non-zero scaling of the estimate (property)', () => {
    const base = siSdr(s, est);
    fc.assert(
      fc.property(
        fc.oneof(fc.double({ min: 0.01, max: 100, noNaN: true }), fc.double({ min: -100, max: -0.01, noNaN: true })),
        (c) => {
          expect(
            siSdr(
              s,
              est.map((v) => c * v),
            ),
          ).toBeCloseTo(base, 3);
        },
      ),
      { numRuns: 50 },
    );
  });

  it('ignores DC offsets by default (zero-mean), but not with zeroMean: false', () => {
    const shifted = est.map((v) => v + 0.3);
    expect(siSdr(s, shifted)).toBeCloseTo(siSdr(s, est), 4);
    expect(siSdr(s, shifted, { zeroMean: false })).toBeLessThan(siSdr(s, est) - 3);
  });

  it('is huge (or +Infinity) for an identical estimate', () => {
    expect(siSdr(s, s)).toBeGreaterThan(100);
  });

  it('equals the SNR for estimate = clean + independent white noise (within 0.2 dB, 200k samples)', () => {
    const long = tone(200000, 440, 16000, 0.5);
    for (const target of [-5, 0, 10, 20]) {
      expect(Math.abs(siSdr(long, addWhiteNoise(long, target, 100 + target)) - target)).toBeLessThan(0.2);
    }
  });

  it('equals 10·log10(‖s‖² / ‖c·u‖²) exactly when u ⟂ s and both are zero-mean', () => {
    // s = [1, −1, 1, −1, …], u = [1, 1, −1, −1, …]: zero-mean and orthogonal over multiples of 4.
    const n = 400;
    const ref = new Float32Array(n).map((_, i) => (i % 2 === 0 ? 1 : -1));
    const u = new Float32Array(n).map((_, i) => (i % 4 < 2 ? 1 : -1));
    const c = 0.25;
    const e = ref.map((v, i) => v + c * u[i]);
    expect(siSdr(ref, e)).toBeCloseTo(10 * Math.log10(1 / (c * c)), 6);
  });

  it('is −Infinity-ish for an estimate orthogonal to the reference, NaN for a silent reference', () => {
    const a = new Float32Array(8).map((_, i) => (i % 2 === 0 ? 1 : -1));
    const b = new Float32Array(8).map((_, i) => (i % 4 < 2 ? 1 : -1));
    expect(siSdr(a, b)).toBe(Number.NEGATIVE_INFINITY);
    expect(siSdr(new Float32Array(8).fill(0.5), b)).toBeNaN();
  });

  it('throws ShapeError on length mismatch', () => {
    expect(() => siSdr(new Float32Array(4), new Float32Array(5))).toThrow(ShapeError);
  });
});
