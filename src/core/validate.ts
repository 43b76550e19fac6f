import { InvalidOptionError, type OptionIssue, ShapeError } from './errors.js';

/**
 * Python-style `repr` of a value, so messages read like Keras' ("Received: x=1.5",
 * "{'foo': 1}"). Numbers print as JS does, strings in single quotes, arrays as lists.
 */
export function pyRepr(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : String(value);
  if (typeof value === 'function') return `<function ${value.name || 'anonymous'}>`;
  if (Array.isArray(value)) return `[${value.map(pyRepr).join(', ')}]`;
  if (ArrayBuffer.isView(value)) return `<${value.constructor.name} of length ${(value as Float32Array).length}>`;
  if (typeof value === 'object') {
    const ctor = (value as { constructor?: { name?: string } }).constructor;
    if (ctor && ctor !== Object && ctor.name) return `<${ctor.name}>`;
    return `{${Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => `'${k}': ${pyRepr(v)}`)
      .join(', ')}}`;
  }
  return String(value);
}

/** Anything array-like with a length (typed arrays). */
interface Sized {
  readonly length: number;
}

/**
 * The one option validator of the package: collects every problem of a call's options and throws
 * one {@link InvalidOptionError} listing all of them. Messages have Keras' shape everywhere:
 * "`name` must be … Received: name=<value>" (values in Python `repr` style), prefixed with the
 * function's name when one is given ("Fft: `size` must be …").
 */
export class IssueCollector {
  readonly issues: OptionIssue[] = [];

  /** @param fn optional name of the validated function, prefixed to every message */
  constructor(private readonly fn?: string) {}

  add(option: string, message: string): void {
    this.issues.push({ option, message: this.fn === undefined ? message : `${this.fn}: ${message}` });
  }

  /** Adds `message` unless `ok`. */
  require(option: string, ok: boolean, message: string): void {
    if (!ok) this.add(option, message);
  }

  /** Rejects keys not in `allowed` with Keras' "Argument(s) not recognized: {'foo': 1}". */
  unknownKeys(
    options: object,
    allowed: ReadonlySet<string> | readonly string[],
    prefix = 'Argument(s) not recognized',
  ): void {
    const known = allowed instanceof Set ? allowed : new Set(allowed as readonly string[]);
    const unknown: Record<string, unknown> = {};
    let any = false;
    for (const [k, v] of Object.entries(options)) {
      if (!known.has(k)) {
        unknown[k] = v;
        any = true;
      }
    }
    if (any) {
      this.add(Object.keys(unknown).join(','), `${prefix}: ${pyRepr(unknown)}. Allowed: ${[...known].join(', ')}.`);
    }
  }

  /** A plain options object (not null, not an array). Returns whether it was one. */
  object(option: string, value: unknown): value is object {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      this.add(option, `\`${option}\` must be an options object. Received: ${option}=${pyRepr(value)}`);
      return false;
    }
    return true;
  }

  /** A finite number (or `undefined`/`null` when optional). Returns whether it was valid. */
  finite(option: string, value: unknown, optional = false): value is number {
    if (value === undefined || value === null) {
      if (!optional) this.add(option, `\`${option}\` is required. Received: ${option}=${pyRepr(value)}`);
      return false;
    }
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      this.add(option, `\`${option}\` must be a finite number. Received: ${option}=${pyRepr(value)}`);
      return false;
    }
    return true;
  }

  /** A finite number > 0 (or absent when optional). */
  positive(option: string, value: unknown, optional = false): void {
    if (optional && value === undefined) return;
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
      this.add(option, `\`${option}\` must be a finite number > 0. Received: ${option}=${pyRepr(value)}`);
    }
  }

  /** An integer in [lo, hi] (or absent when optional). */
  integer(option: string, value: unknown, lo: number, hi = Number.MAX_SAFE_INTEGER, optional = false): void {
    if (optional && value === undefined) return;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < lo || value > hi) {
      const range = hi === Number.MAX_SAFE_INTEGER ? `>= ${lo}` : `in the range [${lo}, ${hi}]`;
      this.add(option, `\`${option}\` must be an integer ${range}. Received: ${option}=${pyRepr(value)}`);
    }
  }

  /** A finite number in [lo, hi] (or absent/null when optional, the default). */
  inRange(option: string, value: unknown, lo: number, hi: number, optional = true): void {
    if (!this.finite(option, value, optional)) return;
    if ((value as number) < lo || (value as number) > hi) {
      this.add(option, `\`${option}\` must be in the range [${lo}, ${hi}]. Received: ${option}=${pyRepr(value)}`);
    }
  }

  boolean(option: string, value: unknown): void {
    if (value !== undefined && typeof value !== 'boolean') {
      this.add(option, `\`${option}\` must be a boolean. Received: ${option}=${pyRepr(value)}`);
    }
  }

  string(option: string, value: unknown): void {
    if (value !== undefined && value !== null && typeof value !== 'string') {
      this.add(option, `\`${option}\` must be a string. Received: ${option}=${pyRepr(value)}`);
    }
  }

  /** One of the `allowed` strings (or absent). */
  oneOf(option: string, value: unknown, allowed: readonly string[]): void {
    if (value !== undefined && !allowed.includes(value as string)) {
      const list = allowed.map((a) => `'${a}'`).join(', ');
      this.add(option, `\`${option}\` must be one of ${list}. Received: ${option}=${pyRepr(value)}`);
    }
  }

  throwIfAny(): void {
    if (this.issues.length > 0) throw new InvalidOptionError(this.issues);
  }
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
