import { InvalidOptionError, type OptionIssue } from './errors.js';

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

/** Collects option issues and throws one {@link InvalidOptionError} with all of them. */
export class IssueCollector {
  readonly issues: OptionIssue[] = [];

  add(option: string, message: string): void {
    this.issues.push({ option, message });
  }

  /** Rejects keys not in `allowed` with Keras' "Argument(s) not recognized: {'foo': 1}". */
  unknownKeys(options: object, allowed: ReadonlySet<string>, prefix = 'Argument(s) not recognized'): void {
    const unknown: Record<string, unknown> = {};
    let any = false;
    for (const [k, v] of Object.entries(options)) {
      if (!allowed.has(k)) {
        unknown[k] = v;
        any = true;
      }
    }
    if (any) {
      this.add(Object.keys(unknown).join(','), `${prefix}: ${pyRepr(unknown)}. Allowed: ${[...allowed].join(', ')}.`);
    }
  }

  /** A finite number (or `undefined`/`null` when optional). Returns whether it was valid. */
  finite(option: string, value: unknown, optional: boolean): value is number {
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

  /** A number in [lo, hi]. */
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

  throwIfAny(): void {
    if (this.issues.length > 0) throw new InvalidOptionError(this.issues);
  }
}
