import { describe, expect, it } from 'vitest';
import { powfLibm } from '../../src/core/powf-libm.js';
import { powfSvml } from '../../src/core/powf-svml.js';
import { loadJson } from '../helpers/golden.js';

interface Fixture {
  powers: { beta: number; n: number; svml: string; libm: string }[];
  pairs: { x: string; y: string; svml: string; libm: string };
}
const fx = loadJson<Fixture>('numpy-powf.json');
const f32s = (b64: string): Float32Array => {
  const buf = Buffer.from(b64, 'base64');
  return new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
};
const same = (a: number, b: number): boolean => Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));

const kernels = { libm: powfLibm, svml: powfSvml } as const;
/** SVML sends |y·log2 x| > 125.5 (results below ~2^-125 or above 2^125) to a scalar routine not reproduced. */
const skipped = (flavour: 'libm' | 'svml', x: number, y: number): boolean =>
  flavour === 'svml' && Math.abs(y * Math.log2(x)) > 125;

describe.each(['libm', 'svml'] as const)('powf %s reproduces NumPy float32 power bit for bit', (flavour) => {
  const powf = kernels[flavour];
  it.each(fx.powers.map((p) => [`β = ${p.beta}, t = 1..${p.n}`, p] as const))(
    '%s (SVML: while β^t ≥ 2^-125)',
    (_label, p) => {
      const expected = f32s(p[flavour]);
      expect(expected.length).toBe(p.n);
      const wrong: string[] = [];
      for (let t = 1; t <= p.n; t++) {
        if (skipped(flavour, p.beta, t)) continue;
        const got = powf(p.beta, t);
        if (!same(got, expected[t - 1]!)) wrong.push(`t=${t}: ${got} != ${expected[t - 1]}`);
      }
      expect(wrong.slice(0, 5)).toEqual([]);
    },
  );
  it('random (x, y) pairs (SVML: where 2^-125 ≤ x^y ≤ 2^125)', () => {
    const x = f32s(fx.pairs.x);
    const y = f32s(fx.pairs.y);
    const expected = f32s(fx.pairs[flavour]);
    const wrong: string[] = [];
    for (let i = 0; i < x.length; i++) {
      if (skipped(flavour, x[i]!, y[i]!)) continue;
      const got = powf(x[i]!, y[i]!);
      if (!same(got, expected[i]!)) wrong.push(`${x[i]} ** ${y[i]}: ${got} != ${expected[i]}`);
    }
    expect(wrong.slice(0, 5)).toEqual([]);
  });
});

describe('the two kernels differ, and neither is Math.pow rounded to float32', () => {
  it('β = 0.9 and 0.999, t ≤ 20,000: counts of 1-ulp disagreements', () => {
    for (const beta of [0.9, 0.999]) {
      let svmlVsLibm = 0;
      let libmVsRounded = 0;
      for (let t = 1; t <= 20000; t++) {
        const l = powfLibm(beta, t);
        if (l !== powfSvml(beta, t)) svmlVsLibm++;
        if (l !== Math.fround(Math.fround(beta) ** t)) libmVsRounded++;
      }
      expect(svmlVsLibm, `β ${beta}`).toBeGreaterThan(100);
      expect(libmVsRounded, `β ${beta}`).toBeGreaterThan(0);
    }
  });
  it('C special cases (libm)', () => {
    expect(powfLibm(1, Number.NaN)).toBe(1);
    expect(powfLibm(Number.NaN, 0)).toBe(1);
    expect(powfLibm(-1, Number.POSITIVE_INFINITY)).toBe(1);
    expect(powfLibm(0, -1)).toBe(Number.POSITIVE_INFINITY);
    expect(Object.is(powfLibm(-0, 3), -0)).toBe(true);
    expect(powfLibm(-2, 3)).toBe(-8);
    expect(powfLibm(-2, 0.5)).toBeNaN();
    expect(powfLibm(2, 128)).toBe(Number.POSITIVE_INFINITY);
    expect(powfLibm(2, -150)).toBe(0);
    expect(powfLibm(2 ** -140, 0.5)).toBe(Math.fround(2 ** -70));
    expect(powfSvml(0, 3)).toBe(0);
    expect(powfSvml(1, Number.NaN)).toBe(1);
  });
});
