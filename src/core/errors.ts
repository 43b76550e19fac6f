/**
 * The error family of adamax-stream. Every error the library throws (or sends through
 * `subscriber.error`) is an {@link AdamaxStreamError} with a literal `code`, so callers can
 * switch on `err.code` without `instanceof` chains. Messages say what was wrong, what was
 * received and what is allowed (Keras' template: "`x` must be … Received: x=…").
 */

/** Literal discriminant of every error raised by the library. */
export type ErrorCode =
  | 'invalid_option'
  | 'invalid_argument'
  | 'shape_mismatch'
  | 'unknown_variable'
  | 'no_gradients'
  | 'non_finite_gradient'
  | 'not_built'
  | 'not_settable'
  | 'checkpoint_invalid'
  | 'audio_unavailable'
  | 'audio_decode'
  | 'io'
  | 'usage';

/** Base class: one `code` per failure kind; a wrapped failure keeps the original in `cause`. */
export class AdamaxStreamError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** One problem found while validating an options object. */
export interface OptionIssue {
  readonly option: string;
  readonly message: string;
}

/** Bad constructor/option input. Collects every issue found (zod-style) and throws once. */
export class InvalidOptionError extends AdamaxStreamError {
  readonly issues: readonly OptionIssue[];
  constructor(issues: readonly OptionIssue[]) {
    super('invalid_option', issues.map((i) => i.message).join('\n'));
    this.issues = issues;
  }
}

/** A buffer or gradient whose length does not match what it must pair with. */
export class ShapeError extends AdamaxStreamError {
  constructor(message: string) {
    super('shape_mismatch', message);
  }
}

/** A non-finite value in a gradient, under a policy that refuses them. */
export class NonFiniteGradientError extends AdamaxStreamError {
  readonly iteration: number;
  constructor(iteration: number, message?: string) {
    super(
      'non_finite_gradient',
      message ?? `Non-finite gradient (NaN or Infinity) at raw iteration ${iteration}; the step was not applied.`,
    );
    this.iteration = iteration;
  }
}

/** A checkpoint/state object that does not fit the optimizer or model it is loaded into. */
export class CheckpointError extends AdamaxStreamError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('checkpoint_invalid', message, options);
  }
}

/**
 * A denoise checkpoint written by another model (kind or version) than the one of this run: its
 * state cannot be loaded into this model; or a replay state whose single-channel files were made by
 * another model than the one of this run (resuming would mix the two). `found` and `expected` are
 * `<kind>/<version>` (a replay state written before versions were recorded: `<kind>` alone).
 */
export class CheckpointModelMismatchError extends CheckpointError {
  readonly found: string;
  readonly expected: string;
  constructor(found: string, expected: string, message: string) {
    super(message);
    this.found = found;
    this.expected = expected;
  }
}

/** The native Web Audio module could not be loaded (or no device is available). */
export class AudioUnavailableError extends AdamaxStreamError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('audio_unavailable', message, options);
  }
}

/** A file that is not audio, is empty, corrupt or truncated. */
export class AudioDecodeError extends AdamaxStreamError {
  readonly file: string;
  constructor(file: string, reason: string, options?: { cause?: unknown }) {
    super('audio_decode', `Cannot decode audio file ${file}: ${reason}`, options);
    this.file = file;
  }
}
