import { describe, expect, it } from 'vitest';
import { levinsonSolve } from '../../bench/lib/levinson.js';

/** Dense Gaussian elimination with partial pivoting (the reference). */
function dense(r: Float64Array, b: Float64Array, n: number): Float64Array {
  const a = Array.from({ length: n }, (_, i) => [...Array.from({ length: n }, (_, j) => r[Math.abs(i - j)]), b[i]]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let i = c + 1; i < n; i++) if (Math.abs(a[i][c]) > Math.abs(a[p][c])) p = i;
    [a[c], a[p]] = [a[p], a[c]];
    for (let i = c + 1; i < n; i++) {
      const f = a[i][c] / a[c][c];
      for (let j = c; j <= n; j++) a[i][j] -= f * a[c][j];
    }
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = a[i][n];
    for (let j = i + 1; j < n; j++) s -= a[i][j] * x[j];
    x[i] = s / a[i][i];
  }
  return x;
}

describe('levinsonSolve', () => {
  it('matches a dense solve on autocorrelations of random signals (n = 1 … 40)', () => {
    let seed = 7;
    const rnd = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648 - 0.5;
    };
    for (const n of [1, 2, 3, 8, 17, 40]) {
      const sig = Float64Array.from({ length: 200 }, (_, i) => rnd() + (i > 0 ? 0.6 * rnd() : 0));
      const r = new Float64Array(n);
      for (let k = 0; k < n; k++) for (let i = k; i < sig.length; i++) r[k] += sig[i] * sig[i - k];
      const b = Float64Array.from({ length: n }, rnd);
      const got = levinsonSolve(r, b, n, new Float64Array(n), new Float64Array(n), new Float64Array(n));
      const want = dense(r, b, n);
      for (let i = 0; i < n; i++) expect(got[i]).toBeCloseTo(want[i], 9);
    }
  });
});
