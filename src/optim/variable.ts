import { InvalidOptionError, ShapeError } from '../core/errors.js';
import { pyRepr } from '../core/validate.js';

export interface VariableOptions {
  /** Name (Keras `variable.name`); `excludeFromWeightDecay({ names })` searches it. */
  readonly name?: string;
  /** Shape; defaults to `[length]`. Its element count must equal the value's length. */
  readonly shape?: readonly number[];
  /** Applied in place after every apply call in which this variable had a gradient (Keras order). */
  readonly constraint?: (value: Float32Array) => void;
}

let autoId = 0;

/**
 * A trainable float32 tensor, the unit the class API optimizes (Keras `Variable`).
 * The optimizer updates `value` in place.
 *
 * @example const w = new Variable(new Float32Array([1, 2, 3, 4, 5, 6]), { name: 'dense/kernel', shape: [2, 3] });
 */
export class Variable {
  private storage: Float32Array;
  readonly name: string;
  readonly shape: readonly number[];
  readonly constraint: ((value: Float32Array) => void) | undefined;

  constructor(value: Float32Array | readonly number[] | number, options: VariableOptions = {}) {
    const v = typeof value === 'number' ? Float32Array.of(value) : Float32Array.from(value);
    const shape = options.shape ?? (typeof value === 'number' ? [] : [v.length]);
    if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
      throw new InvalidOptionError([
        {
          option: 'shape',
          message: `\`shape\` must be a list of non-negative integers. Received: shape=${pyRepr(shape)}`,
        },
      ]);
    }
    const count = shape.reduce((a: number, b: number) => a * b, 1);
    if (count !== v.length) {
      throw new ShapeError(
        `Variable value has ${v.length} elements but shape ${pyRepr(shape)} holds ${count}. The shape's product must equal the value's length.`,
      );
    }
    if (options.constraint !== undefined && typeof options.constraint !== 'function') {
      throw new InvalidOptionError([
        { option: 'constraint', message: `\`constraint\` must be a function. Received: ${pyRepr(options.constraint)}` },
      ]);
    }
    this.storage = v;
    this.shape = [...shape];
    this.name = options.name ?? `variable_${autoId++}`;
    this.constraint = options.constraint;
  }

  /**
   * The values. Once an optimizer is built on the variable (`Adamax.build`), this is a view into
   * that optimizer's engine memory, so `apply` updates it in place with no copy: **read `value`
   * after `build`** (an array taken from it before `build` is no longer updated). The view stays
   * valid for the optimizer's lifetime (its memory never grows). Building a second optimizer on the
   * same variable moves the value into the newer one; the older one then copies in and out.
   */
  get value(): Float32Array {
    return this.storage;
  }

  /**
   * Moves the value into `view` (same length; the current values are copied there). Used by the
   * optimizer at build time; returns `view`.
   */
  bindStorage(view: Float32Array): Float32Array {
    if (view.length !== this.storage.length) {
      throw new ShapeError(
        `Cannot bind variable '${this.name}' of length ${this.storage.length} to ${view.length} values.`,
      );
    }
    view.set(this.storage);
    this.storage = view;
    return view;
  }

  /** Copies `values` into the variable (lengths must match). */
  assign(values: ArrayLike<number>): void {
    if (values.length !== this.value.length) {
      throw new ShapeError(
        `Cannot assign ${values.length} values to variable '${this.name}' of length ${this.value.length}.`,
      );
    }
    this.value.set(values);
  }

  toString(): string {
    const shape = this.shape.length === 1 ? `(${this.shape[0]},)` : `(${this.shape.join(', ')})`;
    return `<Variable path=${this.name}, shape=${shape}, dtype=float32>`;
  }
}
