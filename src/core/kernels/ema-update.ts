const f32 = Math.fround;

/**
 * The Keras weight EMA (`use_ema`) of one contiguous run, in float32, in place:
 * ```
 * avg ← mom · avg + om · w        om = f32(1 − mom); each product and the sum rounded to float32
 * ```
 * `avg` and `w` are read at the same offset `off` (they may be two views of one heap with the
 * offsets folded in). No allocation, no checks.
 */
export function emaUpdate(
  avg: Float32Array,
  avgOff: number,
  w: Float32Array,
  wOff: number,
  n: number,
  mom: number,
  om: number,
): void {
  for (let i = 0; i < n; i++) avg[avgOff + i] = f32(f32(mom * avg[avgOff + i]!) + f32(om * w[wOff + i]!));
}
