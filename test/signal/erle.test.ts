import { describe, expect, it } from 'vitest';
import { InvalidOptionError, ShapeError } from '../../src/core/errors.js';
import { erle, framedErle } from '../../src/signal/erle.js';
import { tone } from './helpers.js';

describe('erle', () => {
  it('equals −20·log10(g) for a residual that is the echo attenuated by g', () => {
    const d = tone(16000, 440, 16000, 0.5);
    for (const db of [0, 6, 20, 30]) {
      const g = 10 ** (-db / 20);
      expect(
        erle(
          d,
          d.map((v) => g * v),
        ),
      ).toBeCloseTo(db, 4);
    }
    expect(erle(d, new Float32Array(d.length))).toBe(Number.POSITIVE_INFINITY);
  });

  it('throws ShapeError on mismatched lengths', () => {
    expect(() => erle(new Float32Array(3), new Float32Array(4))).toThrow(ShapeError);
  });
});

describe('framedErle', () => {
  it('returns the per-frame attenuation of a piecewise-attenuated residual', () => {
    const frame = 160;
    const gainsDb = [0, 10, 20, 30, 40];
    const d = tone(frame * gainsDb.length, 500, 16000);
    const e = d.map((v, i) => v * 10 ** (-gainsDb[Math.floor(i / frame)] / 20));
    const curve = framedErle(d, e, { frameLength: frame });
    expect(curve.length).toBe(gainsDb.length);
    gainsDb.forEach((db, m) => {
      expect(curve[m]).toBeCloseTo(db, 3);
    });
  });

  it('supports overlapping frames: floor((n − L)/H) + 1 full frames', () => {
    const d = tone(1000, 500, 16000);
    const curve = framedErle(
      d,
      d.map((v) => 0.1 * v),
      { frameLength: 200, hop: 100 },
    );
    expect(curve.length).toBe(9);
    for (const v of curve) expect(v).toBeCloseTo(20, 4);
  });

  it('validates options and lengths', () => {
    const a = new Float32Array(10);
    expect(() => framedErle(a, a, { frameLength: 0 })).toThrow(InvalidOptionError);
    expect(() => framedErle(a, a, { frameLength: 4, hop: 1.5 })).toThrow(/hop/);
    expect(() => framedErle(a, new Float32Array(9), { frameLength: 4 })).toThrow(ShapeError);
  });
});
