import { IssueCollector } from '../core/validate.js';

function checkWindowLength(fn: string, n: number): void {
  const check = new IssueCollector(fn);
  check.integer('n', n, 1);
  check.throwIfAny();
}

/**
 * Hann window `w[k] = 0.5 − 0.5·cos(2πk / D)`, k = 0..n−1, with `D = n` (periodic, the default:
 * one period of a length-n DFT-even window, which overlap-adds to a constant at hop n/2) or
 * `D = n − 1` (symmetric: both ends are 0, as in filter design). For n = 1 the window is [1].
 *
 * Reference: Harris, "On the use of windows for harmonic analysis with the discrete Fourier
 * transform", Proc. IEEE 66(1), 1978; the periodic/symmetric distinction follows
 * scipy.signal.get_window (`fftbins=True` ⇔ periodic).
 *
 * @param n window length (integer ≥ 1)
 * @param periodic true for the DFT-even (periodic) form, false for the symmetric one
 * @throws InvalidOptionError when `n` is not an integer ≥ 1.
 */
export function hannWindow(n: number, periodic = true): Float32Array {
  checkWindowLength('hannWindow', n);
  const w = new Float32Array(n);
  if (n === 1) {
    w[0] = 1;
    return w;
  }
  const d = periodic ? n : n - 1;
  for (let k = 0; k < n; k++) w[k] = 0.5 - 0.5 * Math.cos((2 * Math.PI * k) / d);
  return w;
}

/**
 * Square-root periodic Hann window `w[k] = sqrt(0.5 − 0.5·cos(2πk / n)) = |sin(πk / n)|`, for
 * weighted overlap-add (WOLA) with the same window at analysis and synthesis. At hop n/2 it
 * satisfies the Princen–Bradley condition `w²[k] + w²[k + n/2] = 1`, so analysis → synthesis is
 * perfect reconstruction with unit gain.
 *
 * Reference: Crochiere, "A weighted overlap-add method of short-time Fourier analysis/synthesis",
 * IEEE Trans. ASSP 28(1), 1980; Princen & Bradley, IEEE Trans. ASSP 34(5), 1986.
 *
 * @param n window length (integer ≥ 1; even for the 50 %-overlap perfect-reconstruction property)
 * @throws InvalidOptionError when `n` is not an integer ≥ 1.
 */
export function sqrtHannWindow(n: number): Float32Array {
  checkWindowLength('sqrtHannWindow', n);
  const w = new Float32Array(n);
  if (n === 1) {
    w[0] = 1;
    return w;
  }
  for (let k = 0; k < n; k++) w[k] = Math.abs(Math.sin((Math.PI * k) / n));
  return w;
}
