import { AdamaxScalars } from './adamax-scalars.js';

const f32 = Math.fround;

/**
 * The Keras weight EMA (`use_ema`) of one contiguous run, in float32, in place:
 * ```
 * avg ← mom · avg + om · w        om = f32(1 − mom); each product and the sum rounded to float32
 * ```
 * `mom` and `om` are read from the scalar block `sc` at `scOff` (slots of {@link AdamaxScalars}).
 * `avg` and `w` are read at their offsets (they may be two views of one heap with the offsets
 * folded in). No allocation, no checks.
 */
export function emaUpdate(
  avg: Float32Array,
  avgOff: number,
  w: Float32Array,
  wOff: number,
  n: number,
  sc: Float32Array,
  scOff: number,
): void {
  const mom = sc[scOff + AdamaxScalars.mom]!;
  const om = sc[scOff + AdamaxScalars.om]!;
  for (let i = 0; i < n; i++) avg[avgOff + i] = f32(f32(mom * avg[avgOff + i]!) + f32(om * w[wOff + i]!));
}
