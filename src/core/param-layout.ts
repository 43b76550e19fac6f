import { InvalidOptionError } from './errors.js';
import { pyRepr } from './validate.js';

/** One named group of parameters inside a flat buffer: `buffer[offset .. offset+length)`. */
export interface ParamGroup {
  readonly name: string;
  readonly offset: number;
  readonly length: number;
  readonly shape: readonly number[];
}

/** The layout of a flat parameter buffer: named groups, contiguous, in order. */
export interface ParamLayout {
  readonly size: number;
  readonly groups: readonly ParamGroup[];
}

/** A group to lay out: a name and either a shape or a length (shape `[length]`). */
export interface ParamGroupSpec {
  readonly name: string;
  readonly shape?: readonly number[];
  readonly length?: number;
}

/**
 * Lays named groups out contiguously in one flat buffer (offsets in declaration order).
 *
 * @example createLayout([{ name: 'fir/taps', length: 64 }, { name: 'fir/bias', shape: [] }]).size // 65
 */
export function createLayout(specs: readonly ParamGroupSpec[]): ParamLayout {
  const issues: { option: string; message: string }[] = [];
  const groups: ParamGroup[] = [];
  const seen = new Set<string>();
  let offset = 0;
  for (const spec of specs) {
    const shape = spec.shape ?? (spec.length === undefined ? undefined : [spec.length]);
    if (typeof spec.name !== 'string' || spec.name.length === 0) {
      issues.push({ option: 'name', message: `A parameter group needs a non-empty name. Received: ${pyRepr(spec)}` });
      continue;
    }
    if (seen.has(spec.name)) {
      issues.push({ option: 'name', message: `Duplicate parameter group name '${spec.name}'.` });
      continue;
    }
    if (!shape?.every((d) => Number.isInteger(d) && d >= 0)) {
      issues.push({
        option: 'shape',
        message: `Parameter group '${spec.name}' needs a shape of non-negative integers or a length. Received: shape=${pyRepr(spec.shape)}, length=${pyRepr(spec.length)}`,
      });
      continue;
    }
    const length = shape.reduce((a, b) => a * b, 1);
    if (spec.length !== undefined && spec.shape !== undefined && spec.length !== length) {
      issues.push({
        option: 'length',
        message: `Parameter group '${spec.name}': length ${spec.length} does not match shape ${pyRepr(spec.shape)} (${length} elements).`,
      });
      continue;
    }
    seen.add(spec.name);
    groups.push({ name: spec.name, offset, length, shape: [...shape] });
    offset += length;
  }
  if (issues.length > 0) throw new InvalidOptionError(issues);
  return { size: offset, groups };
}
