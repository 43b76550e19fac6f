import { describe, expect, it } from 'vitest';
import { InvalidOptionError, ShapeError } from '../../src/core/errors.js';
import { resample } from '../../src/signal/resample.js';
import { fitTone, tone } from './helpers.js';

/** Resamples a tone and fits a sinusoid at the same frequency away from the edges. */
function toneThrough(freq: number, from: number, to: number, seconds = 0.5) {
  const x = tone(Math.round(from * seconds), freq, from, 0.5, 0.3);
  const y = resample(x, from, to);
  const edge = Math.round(0.05 * to);
  return { x, y, fit: fitTone(y, freq, to, edge, y.length - edge) };
}

describe('resample', () => {
  it.each([
    [1000, 16000, 10000],
    [440, 10000, 16000],
    [3000, 48000, 16000],
    [1000, 44100, 16000],
    [2500, 16000, 48000],
    [1000, 16000, 10007], // 10007 phases > 4096: direct kernel evaluation
    [700, 22050.5, 8000], // non-integer rate
  ])('preserves a %i Hz tone (%i → %i Hz): amplitude within 0.1 %, residual < −60 dB', (freq, from, to) => {
    const { fit } = toneThrough(freq, from, to);
    expect(Math.abs(fit.amplitude - 0.5)).toBeLessThan(0.5e-3);
    expect(fit.residualRms / (0.5 / Math.SQRT2)).toBeLessThan(1e-3);
  });

  it('removes content above the new Nyquist (7 kHz at 16 kHz → 10 kHz: < −60 dB)', () => {
    const x = tone(16000, 7000, 16000, 1);
    const y = resample(x, 16000, 10000);
    let e = 0;
    for (let i = 500; i < y.length - 500; i++) e += y[i] * y[i];
    const rms = Math.sqrt(e / (y.length - 1000));
    expect(rms / Math.SQRT1_2).toBeLessThan(1e-3);
  });

  it('output length is ceil(n · to / from) and DC passes with unit gain', () => {
    const x = new Float32Array(1001).fill(0.25);
    const y = resample(x, 16000, 10000);
    expect(y.length).toBe(Math.ceil((1001 * 10000) / 16000));
    for (let i = 200; i < y.length - 200; i++) expect(y[i]).toBeCloseTo(0.25, 5);
    expect(resample(new Float32Array(3), 48000, 16000).length).toBe(1);
  });

  it('returns a copy when the rates are equal', () => {
    const x = new Float32Array([1, 2, 3]);
    const y = resample(x, 8000, 8000);
    expect(y).toEqual(x);
    expect(y).not.toBe(x);
  });

  it('up- then down-sampling a band-limited tone returns the original', () => {
    const x = tone(8000, 1234, 16000, 0.5);
    const back = resample(resample(x, 16000, 48000), 48000, 16000);
    expect(back.length).toBe(x.length);
    let err = 0;
    for (let i = 800; i < x.length - 800; i++) err = Math.max(err, Math.abs(back[i] - x[i]));
    expect(err).toBeLessThan(1e-3);
  });

  it('rejects bad rates and empty input', () => {
    expect(() => resample(new Float32Array(4), 0, 16000)).toThrow(InvalidOptionError);
    expect(() => resample(new Float32Array(4), 16000, Number.NaN)).toThrow(/toRate/);
    expect(() => resample(new Float32Array(0), 16000, 8000)).toThrow(ShapeError);
  });
});
