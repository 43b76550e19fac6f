import { AdamaxStreamError, InvalidOptionError } from '../core/errors.js';
import { pyRepr } from '../core/validate.js';
import { LearningRateSchedule } from './schedules/learning-rate-schedule.js';

/** What `learningRate` accepts: a number, one of the six schedules, or a zero-argument function. */
export type LearningRateInput = number | LearningRateSchedule | (() => number);

const f32 = Math.fround;

/**
 * The optimizer's learning rate, Keras semantics (base_optimizer.py `_get_current_learning_rate`):
 * a number is stored as float32 (`0.001` reads back as `0.0010000000474974513`); a schedule is
 * evaluated at the **raw** micro-step counter; a function is called on every read and its result
 * rounded to float32.
 */
export class LearningRate {
  private kind: 'value' | 'schedule' | 'callable';
  private value = 0;
  private schedule: LearningRateSchedule | null = null;
  private fn: (() => number) | null = null;
  private readonly rounded = new Float32Array(1);

  constructor(input: LearningRateInput) {
    this.kind = 'value';
    this.set(input, true);
  }

  static validate(input: unknown): string | null {
    if (input instanceof LearningRateSchedule || typeof input === 'function') return null;
    if (typeof input === 'number' && Number.isFinite(f32(input))) return null;
    return `Argument \`learningRate\` should be a finite number (also in float32: |x| <= 3.4028234663852886e38), or an instance of LearningRateSchedule, or a callable (that takes no arguments and returns the current learning rate value). Received instead: learningRate=${pyRepr(input)}`;
  }

  /** Replaces the learning rate (Keras setter: a number cannot replace a schedule). */
  set(input: LearningRateInput, initial = false): void {
    const problem = LearningRate.validate(input);
    if (problem) throw new InvalidOptionError([{ option: 'learningRate', message: problem }]);
    if (typeof input === 'number') {
      if (!initial && this.kind === 'schedule') {
        throw new AdamaxStreamError(
          'not_settable',
          'This optimizer was created with a `LearningRateSchedule` object as its `learningRate` constructor argument, hence its learning rate is not settable. If you need the learning rate to be settable, you should instantiate the optimizer with a number `learningRate` argument.',
        );
      }
      this.kind = 'value';
      this.value = f32(input);
      this.schedule = null;
      this.fn = null;
    } else if (input instanceof LearningRateSchedule) {
      this.kind = 'schedule';
      this.schedule = input;
      this.fn = null;
    } else {
      this.kind = 'callable';
      this.fn = input;
      this.schedule = null;
    }
  }

  /**
   * Sets a number learning rate from `source[index]` (float32-rounded), for audio loops: the value
   * is read from a typed array, so no double is boxed to pass it. Only for a learning rate that is
   * already a number; throws (without changing it) for a schedule, a callable or a non-finite value.
   */
  setValueFrom(source: Float64Array, index: number): void {
    // rounded by a float32 store, not by Math.fround: a tier that calls the builtin would box
    this.rounded[0] = source[index]!;
    const v = this.rounded[0]!;
    if (this.kind !== 'value' || !Number.isFinite(v)) {
      throw new AdamaxStreamError(
        'not_settable',
        `setLearningRateFrom needs a number learning rate (not a schedule or a callable) and a finite float32 value. Received: ${this.kind} learning rate, value ${source[index]}`,
      );
    }
    this.value = v;
  }

  /** The value used at raw micro-step `raw` (float32). Calls a callable once per read. */
  read(raw: number): number {
    if (this.kind === 'value') return this.value;
    if (this.kind === 'schedule') return f32(this.schedule!.at(raw));
    return f32(this.fn!());
  }

  /**
   * {@link read} into `out[index]` (a float32 store rounds as `f32` does): the per-step path, where
   * returning the double from a call that is not inlined would box it.
   */
  readInto(raw: number, out: Float32Array, index: number): void {
    if (this.kind === 'value') out[index] = this.value;
    else if (this.kind === 'schedule') out[index] = this.schedule!.at(raw);
    else out[index] = this.fn!();
  }

  get isValue(): boolean {
    return this.kind === 'value';
  }
  get isSchedule(): boolean {
    return this.kind === 'schedule';
  }
  get isCallable(): boolean {
    return this.kind === 'callable';
  }
  /** The stored float32 value of a number learning rate. */
  get storedValue(): number {
    return this.value;
  }
  /** What a new optimizer needs to reproduce this learning rate (the float32 value, schedule or function). */
  get input(): LearningRateInput {
    if (this.kind === 'value') return this.value;
    return this.kind === 'schedule' ? this.schedule! : this.fn!;
  }
  /** The schedule, if any. */
  get scheduleObject(): LearningRateSchedule | null {
    return this.schedule;
  }
  /** Restores a stored float32 value (checkpoints). */
  restoreValue(value: number): void {
    this.kind = 'value';
    this.value = f32(value);
    this.schedule = null;
    this.fn = null;
  }
}
