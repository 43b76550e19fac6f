/** Internal numeric helpers shared by `src/signal` (not re-exported from the package). */

/** True when `n` is an integer power of two (1, 2, 4, …). */
export function isPowerOfTwo(n: number): boolean {
  return Number.isInteger(n) && n >= 1 && (n & (n - 1)) === 0 && n <= 2 ** 30;
}

/**
 * Scales `x` in place so that its RMS is exactly `target` (no-op for an all-zero signal).
 * Internal helper of the noise generators.
 */
export function normalizeRms(x: Float32Array, target: number): void {
  const n = x.length;
  let s = 0;
  for (let i = 0; i < n; i++) s += x[i] * x[i];
  if (s === 0) return;
  const g = target / Math.sqrt(s / n);
  for (let i = 0; i < n; i++) x[i] *= g;
}
