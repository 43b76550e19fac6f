/** Rounds for JSON summaries (4 significant decimals in dB is plenty); keeps null and ±Infinity as null/strings. */
export function round(v: number | null | undefined, digits = 3): number | null {
  if (v === null || v === undefined || Number.isNaN(v)) return null;
  if (!Number.isFinite(v)) return v;
  const p = 10 ** digits;
  return Math.round(v * p) / p;
}
