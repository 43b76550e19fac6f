import { readFileSync } from 'node:fs';

/** A golden number: a float32 value as a double, or 'NaN' / 'Infinity' / '-Infinity'. */
export type GoldenNumber = number | string;
export type GoldenTensor = GoldenNumber | GoldenTensor[];

export function num(x: GoldenNumber): number {
  if (typeof x === 'number') return x;
  if (x === 'NaN') return Number.NaN;
  if (x === 'Infinity') return Number.POSITIVE_INFINITY;
  if (x === '-Infinity') return Number.NEGATIVE_INFINITY;
  throw new Error(`not a golden number: ${x}`);
}

/** Flattens a nested golden tensor (row-major) into a Float32Array. */
export function flat(t: GoldenTensor): Float32Array {
  const out: number[] = [];
  const walk = (x: GoldenTensor): void => {
    if (Array.isArray(x)) for (const e of x) walk(e);
    else out.push(num(x));
  };
  walk(t);
  return Float32Array.from(out);
}

export function loadJson<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8')) as T;
}

/** |a − e| ≤ atol + rtol·|e| elementwise (NaN matches NaN, ±Infinity must match exactly). */
export function closeTo(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  rtol: number,
  atol: number,
): string | null {
  if (actual.length !== expected.length) return `length ${actual.length} != ${expected.length}`;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    if (Number.isNaN(e) || Number.isNaN(a)) {
      if (Number.isNaN(e) && Number.isNaN(a)) continue;
      return `[${i}] ${a} != ${e}`;
    }
    if (!Number.isFinite(e) || !Number.isFinite(a)) {
      if (a === e) continue;
      return `[${i}] ${a} != ${e}`;
    }
    if (Math.abs(a - e) > atol + rtol * Math.abs(e)) return `[${i}] ${a} != ${e} (diff ${Math.abs(a - e)})`;
  }
  return null;
}

/** Bitwise equality of float32 values (any NaN equals any NaN). */
export function bitEqual(actual: ArrayLike<number>, expected: ArrayLike<number>): boolean {
  if (actual.length !== expected.length) return false;
  for (let i = 0; i < actual.length; i++) {
    const a = Math.fround(actual[i]!);
    const e = Math.fround(expected[i]!);
    if (Number.isNaN(a) && Number.isNaN(e)) continue;
    if (!Object.is(a, e)) return false;
  }
  return true;
}
