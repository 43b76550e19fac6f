import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidOptionError, ShapeError } from '../../src/core/errors.js';
import { Random } from '../../src/core/random.js';
import { Fft } from '../../src/signal/fft.js';

/** Naive O(N²) DFT, the definition X[k] = Σ x[n] e^{-2πi kn/N}. */
function naiveDft(re: ArrayLike<number>, im: ArrayLike<number>): { re: Float64Array; im: Float64Array } {
  const n = re.length;
  const outRe = new Float64Array(n);
  const outIm = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    let sr = 0;
    let si = 0;
    for (let t = 0; t < n; t++) {
      const a = (-2 * Math.PI * ((k * t) % n)) / n;
      sr += re[t] * Math.cos(a) - im[t] * Math.sin(a);
      si += re[t] * Math.sin(a) + im[t] * Math.cos(a);
    }
    outRe[k] = sr;
    outIm[k] = si;
  }
  return { re: outRe, im: outIm };
}

function randomArray(n: number, rng: Random): Float64Array {
  const a = new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.uniform(-1, 1);
  return a;
}

describe('Fft', () => {
  it.each([2, 4, 8, 16, 64, 256])('forward matches the DFT definition (N=%i)', (n) => {
    const rng = new Random(n);
    const re = randomArray(n, rng);
    const im = randomArray(n, rng);
    const want = naiveDft(re, im);
    new Fft(n).forward(re, im);
    for (let k = 0; k < n; k++) {
      expect(re[k]).toBeCloseTo(want.re[k], 9);
      expect(im[k]).toBeCloseTo(want.im[k], 9);
    }
  });

  it('transforms a unit impulse to all ones and a complex exponential to one bin of height N', () => {
    const n = 32;
    const fft = new Fft(n);
    const re = new Float64Array(n);
    const im = new Float64Array(n);
    re[0] = 1;
    fft.forward(re, im);
    for (let k = 0; k < n; k++) {
      expect(re[k]).toBeCloseTo(1, 12);
      expect(im[k]).toBeCloseTo(0, 12);
    }
    const k0 = 5;
    for (let t = 0; t < n; t++) {
      re[t] = Math.cos((2 * Math.PI * k0 * t) / n);
      im[t] = Math.sin((2 * Math.PI * k0 * t) / n);
    }
    fft.forward(re, im);
    for (let k = 0; k < n; k++) {
      expect(re[k]).toBeCloseTo(k === k0 ? n : 0, 10);
      expect(im[k]).toBeCloseTo(0, 10);
    }
  });

  it('inverse(forward(x)) = x and Parseval holds (property, sizes 2..1024)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10 }), fc.integer({ min: 0, max: 2 ** 31 - 1 }), (log2n, seed) => {
        const n = 2 ** log2n;
        const rng = new Random(seed);
        const re = randomArray(n, rng);
        const im = randomArray(n, rng);
        const re0 = Float64Array.from(re);
        const im0 = Float64Array.from(im);
        const fft = new Fft(n);
        fft.forward(re, im);
        let eTime = 0;
        let eFreq = 0;
        for (let i = 0; i < n; i++) {
          eTime += re0[i] ** 2 + im0[i] ** 2;
          eFreq += re[i] ** 2 + im[i] ** 2;
        }
        expect(eFreq / n).toBeCloseTo(eTime, 9);
        fft.inverse(re, im);
        for (let i = 0; i < n; i++) {
          expect(Math.abs(re[i] - re0[i])).toBeLessThan(1e-12);
          expect(Math.abs(im[i] - im0[i])).toBeLessThan(1e-12);
        }
      }),
      { numRuns: 40 },
    );
  });

  it('works in place on Float32Array buffers', () => {
    const n = 64;
    const rng = new Random(7);
    const re = new Float32Array(n);
    const im = new Float32Array(n);
    for (let i = 0; i < n; i++) re[i] = rng.uniform(-1, 1);
    const want = naiveDft(re, im);
    new Fft(n).forward(re, im);
    for (let k = 0; k < n; k++) {
      expect(re[k]).toBeCloseTo(want.re[k], 4);
      expect(im[k]).toBeCloseTo(want.im[k], 4);
    }
  });

  it.each([2, 4, 8, 32, 512, 1024])('realForward equals bins 0..N/2 of the complex transform (N=%i)', (n) => {
    const rng = new Random(100 + n);
    const x = new Float32Array(n);
    for (let i = 0; i < n; i++) x[i] = rng.uniform(-1, 1);
    const cre = Float64Array.from(x);
    const cim = new Float64Array(n);
    const fft = new Fft(n);
    fft.forward(cre, cim);
    const re = new Float64Array(n / 2 + 1);
    const im = new Float64Array(n / 2 + 1);
    fft.realForward(x, re, im);
    for (let k = 0; k <= n / 2; k++) {
      expect(re[k]).toBeCloseTo(cre[k], 10);
      expect(im[k]).toBeCloseTo(cim[k], 10);
    }
    expect(im[0]).toBe(0);
    expect(im[n / 2]).toBe(0);
  });

  it('realInverse(realForward(x)) = x (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 11 }), fc.integer({ min: 0, max: 2 ** 31 - 1 }), (log2n, seed) => {
        const n = 2 ** log2n;
        const rng = new Random(seed);
        const x = new Float64Array(n);
        for (let i = 0; i < n; i++) x[i] = rng.uniform(-1, 1);
        const fft = new Fft(n);
        const re = new Float64Array(n / 2 + 1);
        const im = new Float64Array(n / 2 + 1);
        const y = new Float64Array(n);
        fft.realForward(x, re, im);
        fft.realInverse(re, im, y);
        for (let i = 0; i < n; i++) expect(Math.abs(y[i] - x[i])).toBeLessThan(1e-12);
      }),
      { numRuns: 40 },
    );
  });

  it('realInverse of a single real bin is a cosine of amplitude 2|X|/N', () => {
    const n = 64;
    const fft = new Fft(n);
    const re = new Float64Array(n / 2 + 1);
    const im = new Float64Array(n / 2 + 1);
    re[3] = n / 2; // X[3] = X[N−3] = N/2  ⇒  x[t] = cos(2π·3t/N)
    const y = new Float64Array(n);
    fft.realInverse(re, im, y);
    for (let t = 0; t < n; t++) expect(y[t]).toBeCloseTo(Math.cos((2 * Math.PI * 3 * t) / n), 12);
  });

  it('gives identical results on repeated calls (no hidden state between calls)', () => {
    const n = 128;
    const fft = new Fft(n);
    const x = new Float32Array(n).map((_, i) => Math.sin(i * 0.3) + 0.1 * i);
    const a = { re: new Float64Array(n / 2 + 1), im: new Float64Array(n / 2 + 1) };
    const b = { re: new Float64Array(n / 2 + 1), im: new Float64Array(n / 2 + 1) };
    fft.realForward(x, a.re, a.im);
    fft.forward(new Float64Array(n).fill(1), new Float64Array(n));
    fft.realForward(x, b.re, b.im);
    expect(b.re).toEqual(a.re);
    expect(b.im).toEqual(a.im);
  });

  it('rejects sizes that are not powers of two >= 2', () => {
    for (const bad of [0, 1, 3, 6, 1.5, -4, Number.NaN, 2 ** 31]) {
      expect(() => new Fft(bad)).toThrow(InvalidOptionError);
    }
    expect(() => new Fft(12)).toThrow(/power of two >= 2.*Received: size=12/);
  });

  it('throws ShapeError for buffers of the wrong length', () => {
    const fft = new Fft(8);
    expect(() => fft.forward(new Float64Array(8), new Float64Array(4))).toThrow(ShapeError);
    expect(() => fft.inverse(new Float64Array(5), new Float64Array(8))).toThrow(
      /received length 5|length 5, expected 8/,
    );
    expect(() => fft.realForward(new Float32Array(7), new Float64Array(5), new Float64Array(5))).toThrow(ShapeError);
    expect(() => fft.realForward(new Float32Array(8), new Float64Array(4), new Float64Array(5))).toThrow(ShapeError);
    expect(() => fft.realInverse(new Float64Array(5), new Float64Array(5), new Float32Array(4))).toThrow(ShapeError);
  });
});
