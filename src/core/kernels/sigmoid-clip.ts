/**
 * Clipped logits and their sigmoids (the mixing weights of a per-bin convex combination), in one
 * heap (element offsets; `f64` views the same buffer as `f`), for k < n:
 * ```
 * a_k > L:  a_k ← f32(L);   else a_k < −L:  a_k ← f32(−L)        (compared in float64)
 * λ_k ← f32(1 / (1 + Math.exp(−a_k)))                              (float64)
 * ```
 * L is the float64 at `f64[lim]`. The reference of the wasm kernel `sigmoid_clip`, which evaluates
 * the exponential itself and returns 1 (the caller then runs this loop) whenever its float32 result
 * could differ from this one; this function always returns 0.
 */
export function sigmoidClip(
  f: Float32Array,
  f64: Float64Array,
  a: number,
  lam: number,
  n: number,
  lim: number,
): number {
  const L = f64[lim]!;
  for (let k = 0; k < n; k++) {
    if (f[a + k]! > L) f[a + k] = L;
    else if (f[a + k]! < -L) f[a + k] = -L;
    f[lam + k] = 1 / (1 + Math.exp(-f[a + k]!));
  }
  return 0;
}
