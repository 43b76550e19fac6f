import type { IssueCollector } from '../core/validate.js';

/**
 * Checks that `options[key]` is an integer ≥ `min` (or absent when `optional`), adding an issue in
 * Keras' message style ("`taps` must be an integer >= 1. Received: taps=0") otherwise.
 */
export function checkInteger(c: IssueCollector, options: object, key: string, min: number, optional = false): void {
  const v = (options as Record<string, unknown>)[key];
  if (optional && v === undefined) return;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
    c.add(key, `\`${key}\` must be an integer >= ${min}. Received: ${key}=${String(v)}`);
  }
}

/** Checks that `options[key]` is a finite number in [lo, hi] (or absent when `optional`). */
export function checkNumber(
  c: IssueCollector,
  options: object,
  key: string,
  lo: number,
  hi: number,
  optional = true,
): void {
  const v = (options as Record<string, unknown>)[key];
  if (optional && v === undefined) return;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < lo || v > hi) {
    c.add(key, `\`${key}\` must be a finite number in [${lo}, ${hi}]. Received: ${key}=${String(v)}`);
  }
}
