import type { OptionIssue } from '../../core/errors.js';
import { pyRepr } from '../../core/validate.js';

/** Small option checkers that push Keras-style messages into `issues`. */
export function checkUnknown(options: object, allowed: readonly string[], issues: OptionIssue[]): void {
  const unknown = Object.keys(options).filter((k) => !allowed.includes(k));
  if (unknown.length > 0) {
    issues.push({
      option: unknown.join(','),
      message: `Argument(s) not recognized: ${unknown.map((k) => `'${k}'`).join(', ')}. Allowed: ${allowed.join(', ')}.`,
    });
  }
}

export function checkInt(name: string, value: unknown, min: number, issues: OptionIssue[]): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    issues.push({
      option: name,
      message: `\`${name}\` must be an integer >= ${min}. Received: ${name}=${pyRepr(value)}`,
    });
  }
}

export function checkPositive(name: string, value: unknown, issues: OptionIssue[]): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    issues.push({
      option: name,
      message: `\`${name}\` must be a finite number > 0. Received: ${name}=${pyRepr(value)}`,
    });
  }
}

export function checkBoolean(name: string, value: unknown, issues: OptionIssue[]): void {
  if (value !== undefined && typeof value !== 'boolean') {
    issues.push({ option: name, message: `\`${name}\` must be a boolean. Received: ${name}=${pyRepr(value)}` });
  }
}

export function checkOneOf(name: string, value: unknown, allowed: readonly string[], issues: OptionIssue[]): void {
  if (value !== undefined && !allowed.includes(value as string)) {
    issues.push({
      option: name,
      message: `\`${name}\` must be one of ${allowed.map((a) => `'${a}'`).join(', ')}. Received: ${name}=${pyRepr(value)}`,
    });
  }
}

export function checkScheduler(value: unknown, issues: OptionIssue[]): void {
  if (value === undefined) return;
  const s = value as { schedule?: unknown; now?: unknown } | null;
  if (typeof s !== 'object' || s === null || typeof s.schedule !== 'function' || typeof s.now !== 'function') {
    issues.push({
      option: 'scheduler',
      message: `\`scheduler\` must be an RxJS SchedulerLike. Received: scheduler=${pyRepr(value)}`,
    });
  }
}

export function checkObject(name: string, value: unknown, issues: OptionIssue[]): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    issues.push({ option: name, message: `\`${name}\` must be an options object. Received: ${name}=${pyRepr(value)}` });
    return false;
  }
  return true;
}
