/**
 * Solves the symmetric Toeplitz system T a = b, T_ij = r(|i − j|), by Levinson's recursion in O(n²)
 * (Golub & Van Loan, "Matrix Computations", algorithm "Levinson"). With T normalised to a unit
 * diagonal (ρ_i = r(i)/r(0), c = b/r(0)):
 * ```
 * y₁ = −ρ₁, x₁ = c₁, β = 1, α = −ρ₁
 * for k = 1 … n−1:   β ← (1 − α²) β
 *   μ = (c_{k+1} − Σ_{i=1..k} ρ_i x_{k+1−i}) / β;      x ← [x + μ·reverse(y); μ]
 *   α = (−ρ_{k+1} − Σ_{i=1..k} ρ_i y_{k+1−i}) / β;     y ← [y + α·reverse(y); α]
 * ```
 * Float64 throughout; `r` must be positive definite (add diagonal loading to r(0) when unsure).
 * Hand-written: a dense solver would cost O(n³) for the 1024–3072-tap systems of the recovery bound.
 * `x`, `y`, `t` are caller-owned scratch of length ≥ n (the result is written to `x`).
 */
export function levinsonSolve(
  r: Float64Array,
  b: Float64Array,
  n: number,
  x: Float64Array,
  y: Float64Array,
  t: Float64Array,
): Float64Array {
  const r0 = r[0];
  x[0] = b[0] / r0;
  if (n === 1) return x;
  y[0] = -r[1] / r0;
  let beta = 1;
  let alpha = -r[1] / r0;
  for (let k = 1; k < n; k++) {
    beta *= 1 - alpha * alpha;
    let s = b[k] / r0;
    for (let i = 1; i <= k; i++) s -= (r[i] / r0) * x[k - i];
    const mu = s / beta;
    for (let i = 0; i < k; i++) x[i] += mu * y[k - 1 - i];
    x[k] = mu;
    if (k < n - 1) {
      let q = -r[k + 1] / r0;
      for (let i = 1; i <= k; i++) q -= (r[i] / r0) * y[k - i];
      alpha = q / beta;
      for (let i = 0; i < k; i++) t[i] = y[i] + alpha * y[k - 1 - i];
      for (let i = 0; i < k; i++) y[i] = t[i];
      y[k] = alpha;
    }
  }
  return x;
}
