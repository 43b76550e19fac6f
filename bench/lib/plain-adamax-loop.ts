/**
 * The benchmarks' baseline Adamax step: one fused float64 loop over Float32Array storage, no rounding to
 * float32 between operations (m = β1·m + (1 − β1)·g; u = max(β2·u, |g|); w −= lr_t·m / (u + ε)).
 */
export function plainAdamaxLoop(
  w: Float32Array,
  g: Float32Array,
  m: Float32Array,
  u: Float32Array,
  n: number,
  b1: number,
  b2: number,
  lrT: number,
  eps: number,
): void {
  const c = 1 - b1;
  for (let i = 0; i < n; i++) {
    const gi = g[i]!;
    const mi = b1 * m[i]! + c * gi;
    const ui = Math.max(b2 * u[i]!, Math.abs(gi));
    m[i] = mi;
    u[i] = ui;
    w[i] -= (lrT * mi) / (ui + eps);
  }
}
