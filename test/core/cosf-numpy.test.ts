import { describe, expect, it } from 'vitest';
import { cosfNumpy } from '../../src/core/cosf-numpy.js';
import { loadJson } from '../helpers/golden.js';

/** NumPy's float32 cos written by scripts/gen-cosf-fixture.py (real NumPy on an FMA3 host). */
interface Fixture {
  count: number;
  x: string;
  cos: string;
}
const fx = loadJson<Fixture>('numpy-cosf.json');
const f32s = (b64: string): Float32Array => {
  const buf = Buffer.from(b64, 'base64');
  return new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
};
const same = (a: number, b: number): boolean => Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));

describe('cosfNumpy reproduces NumPy float32 cos bit for bit', () => {
  const x = f32s(fx.x);
  const expected = f32s(fx.cos);
  // Fixture layout (scripts/gen-cosf-fixture.py): 7015 schedule arguments π·s/d in [0, π], 4000 random
  // in [−80000, 80000], 4000 random in [−4, 4], 13 special values.
  const mismatches = (from: number, to: number): string[] => {
    const wrong: string[] = [];
    for (let i = from; i < to; i++) {
      if (Math.abs(x[i]!) > 71476.0625) continue; // NumPy calls the C library there
      const got = cosfNumpy(x[i]!);
      if (!same(got, expected[i]!)) wrong.push(`cos(${x[i]}) = ${got}, NumPy ${expected[i]}`);
    }
    return wrong;
  };
  it('on every argument a cosine schedule produces, on 4000 random arguments in [−4, 4] and on the special values', () => {
    expect(x.length).toBe(fx.count);
    expect(fx.count).toBe(7015 + 4000 + 4000 + 13);
    expect(mismatches(0, 7015)).toEqual([]);
    expect(mismatches(11015, 15015)).toEqual([]);
    expect(mismatches(15015, 15028)).toEqual([]); // the special values (NaN and ±Infinity give NaN)
  });
  it('on 3999 of 4000 random arguments in [−80000, 80000] (the one left: a 1-ulp difference at −53591.64)', () => {
    // Measured, not understood: the emulation follows NumPy's published kernel step by step, yet one
    // large argument comes out 1 ulp away. Schedules never reach such arguments.
    expect(mismatches(7015, 11015)).toEqual(['cos(-53591.64453125) = -0.7077088952064514, NumPy -0.7077088356018066']);
  });
  it('differs from Math.cos rounded to float32 on part of the fixture (why it exists)', () => {
    let differ = 0;
    for (let i = 0; i < x.length; i++) {
      if (Math.abs(x[i]!) <= 71476.0625 && !same(Math.fround(Math.cos(x[i]!)), expected[i]!)) differ++;
    }
    expect(differ).toBeGreaterThan(100);
  });
  it('beyond the range, and for NaN and ±Infinity, follows the C library (NaN for non-finite)', () => {
    expect(cosfNumpy(Number.NaN)).toBeNaN();
    expect(cosfNumpy(Number.POSITIVE_INFINITY)).toBeNaN();
    expect(cosfNumpy(1e30)).toBe(Math.fround(Math.cos(Math.fround(1e30))));
  });
});
