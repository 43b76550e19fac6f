/**
 * Level helpers. Powers are mean squares; decibels are `10·log10` of a power ratio and
 * `20·log10` of an amplitude ratio (IEC 60027-3 / ISO 80000-3 conventions).
 */

/**
 * Mean power `P = (1/n) Σ x[i]²`; 0 for an empty array.
 * @param x samples (not modified)
 */
export function power(x: Float32Array): number {
  const n = x.length;
  if (n === 0) return 0;
  let s = 0;
  for (let i = 0; i < n; i++) s += x[i] * x[i];
  return s / n;
}

/**
 * Energy `E = Σ x[i]²`.
 * @param x samples (not modified)
 */
export function energy(x: Float32Array): number {
  const n = x.length;
  let s = 0;
  for (let i = 0; i < n; i++) s += x[i] * x[i];
  return s;
}

/**
 * Root-mean-square level `sqrt((1/n) Σ x[i]²)`; 0 for an empty array.
 * @param x samples (not modified)
 */
export function rms(x: Float32Array): number {
  return Math.sqrt(power(x));
}

/**
 * Power ratio to decibels: `10·log10(ratio)` (−Infinity for 0, NaN for negative ratios).
 * @param ratio a power (energy) ratio
 */
export function toDb(ratio: number): number {
  return 10 * Math.log10(ratio);
}

/**
 * Amplitude ratio to decibels: `20·log10(ratio)`.
 * @param ratio an amplitude (RMS) ratio
 */
export function amplitudeToDb(ratio: number): number {
  return 20 * Math.log10(ratio);
}

/**
 * Decibels to a power ratio: `10^(db/10)`.
 * @param db level difference in dB
 */
export function dbToPower(db: number): number {
  return 10 ** (db / 10);
}

/**
 * Decibels to an amplitude ratio: `10^(db/20)`.
 * @param db level difference in dB
 */
export function dbToAmplitude(db: number): number {
  return 10 ** (db / 20);
}
