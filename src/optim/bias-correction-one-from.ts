/** β1^t at or below this (exactly, in float64) makes any float32 power of it ≤ 2^-25: see {@link biasCorrectionOneFrom}. */
const K_ONE_POWER = 2 ** -30;

/**
 * The first update t from which the bias correction k = f32(1 − powf(β1, t)) is exactly 1, for the
 * float32 β1 `b1` (Infinity when there is none to rely on: β1 ∉ [0, 1), or t₀ > 2^24). Proof: powf
 * takes t as a float32, which for t ≥ t₀ (t₀ ≤ 2^24, an exact float32) is still ≥ t₀; the exact
 * β1^t ≤ β1^t₀ ≤ 2^-30 (β1 ∈ [0, 1); t₀ is checked with `Math.pow`, whose error is far below the
 * margin), so a powf within 1 ulp of it (libm's and SVML's are; any powf less than 31× off would do)
 * returns p ≤ 2^-30·(1 + 2^-23) + 2^-149 < 2^-25; 1 − p in float64 is then ≥ 1 − 2^-25, which rounds to 1 in float32 (the halfway
 * case to even). So skipping the power from t₀ on changes no bit.
 */
export function biasCorrectionOneFrom(b1: number): number {
  if (!(b1 >= 0 && b1 < 1)) return Number.POSITIVE_INFINITY;
  let t = b1 === 0 ? 1 : Math.max(1, Math.ceil(Math.log(K_ONE_POWER) / Math.log(b1)));
  while (b1 ** t > K_ONE_POWER) t++;
  while (t > 1 && b1 ** (t - 1) <= K_ONE_POWER) t--;
  return t <= 2 ** 24 ? t : Number.POSITIVE_INFINITY;
}
