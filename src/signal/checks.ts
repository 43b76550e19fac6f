/**
 * Internal edge checks shared by `src/signal` (not re-exported from the package). Every check is
 * O(1) and runs once per public call, never per element (architecture §2.7 rule 4).
 */
import { InvalidOptionError, ShapeError } from '../core/errors.js';

/** Anything array-like with a length (typed arrays). */
interface Sized {
  readonly length: number;
}

/** Throws {@link ShapeError} unless `a.length === b.length` and the arrays are non-empty. */
export function checkSameLength(fn: string, nameA: string, a: Sized, nameB: string, b: Sized): void {
  if (a.length !== b.length) {
    throw new ShapeError(
      `${fn}: \`${nameB}\` must have the same length as \`${nameA}\`. Received: ${nameA}.length=${a.length}, ${nameB}.length=${b.length}`,
    );
  }
  if (a.length === 0) {
    throw new ShapeError(`${fn}: signals must be non-empty. Received: ${nameA}.length=0`);
  }
}

/** Throws {@link ShapeError} unless `a.length === expected`. */
export function checkLength(fn: string, name: string, a: Sized, expected: number): void {
  if (a.length !== expected) {
    throw new ShapeError(`${fn}: \`${name}\` has the wrong length. Received: length ${a.length}, expected ${expected}`);
  }
}

/** Throws {@link ShapeError} unless `a.length >= min`. */
export function checkMinLength(fn: string, name: string, a: Sized, min: number): void {
  if (a.length < min) {
    throw new ShapeError(`${fn}: \`${name}\` is too short. Received: length ${a.length}, expected at least ${min}`);
  }
}

/** Collects option problems and throws one {@link InvalidOptionError} listing all of them. */
export class OptionChecker {
  private readonly issues: { option: string; message: string }[] = [];

  constructor(private readonly fn: string) {}

  private add(option: string, message: string): void {
    this.issues.push({ option, message: `${this.fn}: ${message}` });
  }

  /** A finite number strictly greater than zero. */
  positive(option: string, value: number): void {
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
      this.add(option, `\`${option}\` must be a finite number > 0. Received: ${option}=${String(value)}`);
    }
  }

  /** A finite number (any sign). */
  finite(option: string, value: number): void {
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      this.add(option, `\`${option}\` must be a finite number. Received: ${option}=${String(value)}`);
    }
  }

  /** An integer in [lo, hi]. */
  integer(option: string, value: number, lo: number, hi = Number.MAX_SAFE_INTEGER): void {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < lo || value > hi) {
      const range = hi === Number.MAX_SAFE_INTEGER ? `>= ${lo}` : `in [${lo}, ${hi}]`;
      this.add(option, `\`${option}\` must be an integer ${range}. Received: ${option}=${String(value)}`);
    }
  }

  /** A number in the closed interval [lo, hi]. */
  inRange(option: string, value: number, lo: number, hi: number): void {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < lo || value > hi) {
      this.add(option, `\`${option}\` must be a number in [${lo}, ${hi}]. Received: ${option}=${String(value)}`);
    }
  }

  /** A custom condition. */
  require(option: string, ok: boolean, message: string): void {
    if (!ok) this.add(option, message);
  }

  /** Throws the collected issues, if any. */
  throwIfAny(): void {
    if (this.issues.length > 0) throw new InvalidOptionError(this.issues);
  }
}

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
