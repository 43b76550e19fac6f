import { describe, expect, it } from 'vitest';
import { InvalidOptionError } from '../../src/core/errors.js';
import { hannWindow, sqrtHannWindow } from '../../src/signal/window.js';

describe('hannWindow', () => {
  it('periodic form: w[0] = 0, peak 1 at n/2, sums to n/2 and overlap-adds to 1 at hop n/2', () => {
    const n = 64;
    const w = hannWindow(n);
    expect(w[0]).toBe(0);
    expect(w[n / 2]).toBeCloseTo(1, 7);
    expect(w.reduce((a, b) => a + b, 0)).toBeCloseTo(n / 2, 5);
    for (let k = 0; k < n / 2; k++) expect(w[k] + w[k + n / 2]).toBeCloseTo(1, 6);
  });

  it('symmetric form: zero at both ends, w[k] = w[n−1−k]', () => {
    const n = 33;
    const w = hannWindow(n, false);
    expect(w[0]).toBe(0);
    expect(w[n - 1]).toBeCloseTo(0, 7);
    expect(w[(n - 1) / 2]).toBeCloseTo(1, 7);
    for (let k = 0; k < n; k++) expect(w[k]).toBeCloseTo(w[n - 1 - k], 6);
  });

  it('length 1 is [1]; invalid lengths throw InvalidOptionError', () => {
    expect(Array.from(hannWindow(1))).toEqual([1]);
    for (const bad of [0, -1, 2.5, Number.NaN]) expect(() => hannWindow(bad)).toThrow(InvalidOptionError);
  });
});

describe('sqrtHannWindow', () => {
  it('satisfies the Princen–Bradley condition w²[k] + w²[k + n/2] = 1', () => {
    for (const n of [8, 256, 512]) {
      const w = sqrtHannWindow(n);
      for (let k = 0; k < n / 2; k++) expect(w[k] ** 2 + w[k + n / 2] ** 2).toBeCloseTo(1, 6);
    }
  });

  it('squares to the periodic Hann window', () => {
    const n = 128;
    const w = sqrtHannWindow(n);
    const h = hannWindow(n);
    for (let k = 0; k < n; k++) expect(w[k] ** 2).toBeCloseTo(h[k], 6);
  });

  it('rejects invalid lengths', () => {
    expect(() => sqrtHannWindow(0)).toThrow(InvalidOptionError);
  });
});
