import { describe, expect, it } from 'vitest';
import { ShapeError } from '../../src/core/errors.js';
import { snr } from '../../src/signal/snr.js';
import { snrImprovement } from '../../src/signal/snr-improvement.js';
import { tone } from './helpers.js';

describe('snr', () => {
  it('matches 10·log10(Σs² / Σ(s−ŝ)²) on analytic cases', () => {
    const s = tone(1600, 100, 16000);
    // ŝ = 1.1·s  ⇒ error 0.1·s  ⇒ 20 dB
    expect(
      snr(
        s,
        s.map((v) => 1.1 * v),
      ),
    ).toBeCloseTo(20, 4);
    // ŝ = 0  ⇒ error = s  ⇒ 0 dB;  ŝ = −s  ⇒ error 2s  ⇒ −20·log10(2)
    expect(snr(s, new Float32Array(s.length))).toBeCloseTo(0, 10);
    expect(
      snr(
        s,
        s.map((v) => -v),
      ),
    ).toBeCloseTo(-20 * Math.log10(2), 10);
  });

  it('is +Infinity for an exact estimate and −Infinity for a silent reference', () => {
    const s = tone(100, 300, 16000);
    expect(snr(s, s)).toBe(Number.POSITIVE_INFINITY);
    expect(snr(new Float32Array(10), new Float32Array(10).fill(1))).toBe(Number.NEGATIVE_INFINITY);
  });

  it('throws ShapeError on length mismatch or empty input', () => {
    expect(() => snr(new Float32Array(5), new Float32Array(8))).toThrow(ShapeError);
    expect(() => snr(new Float32Array(5), new Float32Array(8))).toThrow(/clean.length=5, estimate.length=8/);
    expect(() => snr(new Float32Array(0), new Float32Array(0))).toThrow(ShapeError);
  });
});

describe('snrImprovement', () => {
  it('equals SNR(out) − SNR(in) = 10·log10(Σ(x−s)² / Σ(ŝ−s)²)', () => {
    const s = tone(3200, 200, 16000);
    const v = tone(3200, 1234, 16000, 0.3);
    const noisy = s.map((a, i) => a + v[i]);
    const enhanced = s.map((a, i) => a + 0.1 * v[i]);
    expect(snrImprovement(s, noisy, enhanced)).toBeCloseTo(20, 4);
    expect(snrImprovement(s, noisy, enhanced)).toBeCloseTo(snr(s, enhanced) - snr(s, noisy), 9);
    expect(snrImprovement(s, noisy, noisy)).toBe(0);
  });

  it('is defined for a silent reference (the clean energy cancels)', () => {
    const zero = new Float32Array(100);
    const v = tone(100, 700, 16000);
    expect(
      snrImprovement(
        zero,
        v,
        v.map((a) => 0.5 * a),
      ),
    ).toBeCloseTo(20 * Math.log10(2), 6);
  });

  it('throws ShapeError when any length differs', () => {
    const a = new Float32Array(8);
    expect(() => snrImprovement(a, new Float32Array(7), a)).toThrow(ShapeError);
    expect(() => snrImprovement(a, a, new Float32Array(9))).toThrow(/enhanced.length=9/);
  });
});
