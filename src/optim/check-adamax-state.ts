import { CheckpointError } from '../core/errors.js';
import { pyRepr } from '../core/validate.js';
import type { AdamaxHyperParameters } from './adamax-core.js';

/** The fields of a saved Adamax state that {@link checkAdamaxState} checks (see `AdamaxState`). */
interface StateLike {
  readonly format: unknown;
  readonly version: unknown;
  readonly name?: unknown;
  readonly groups: unknown;
  readonly rawIterations: unknown;
  readonly learningRate: unknown;
  readonly m: unknown;
  readonly u: unknown;
  readonly average: unknown;
  readonly acc: unknown;
}

const F32_MAX = 3.4028234663852886e38;

function finiteArray(key: string, value: unknown, n: number, nonNegative: boolean): void {
  if (!(value instanceof Float32Array)) {
    throw new CheckpointError(`State field '${key}' must be a Float32Array. Received: ${pyRepr(value)}`);
  }
  if (value.length !== n) throw new CheckpointError(`State field '${key}' has length ${value.length}; expected ${n}.`);
  for (let i = 0; i < n; i++) {
    const x = value[i]!;
    if (x - x !== 0 || (nonNegative && x < 0)) {
      throw new CheckpointError(
        `State field '${key}' must hold ${nonNegative ? 'finite values >= 0' : 'finite values'}. Received: ${key}[${i}]=${x}`,
      );
    }
  }
}

/**
 * Checks a saved Adamax state completely — format, version, group list, every value — against the
 * optimizer's hyper-parameters, before anything is changed. Values: `rawIterations` an integer in
 * [0, 2^53), `learningRate` `null` or a number finite in float32, `m`/`average`/`acc` finite, `u` finite
 * and ≥ 0 (an infinity norm), all of length Σ group lengths; EMA averages present exactly when `useEma`,
 * accumulators exactly when `gradientAccumulationSteps` is set. Throws `CheckpointError`.
 * Returns the group lengths (what a layout must match).
 */
export function checkAdamaxState(state: unknown, hp: AdamaxHyperParameters): readonly number[] {
  const s = state as StateLike;
  if (!s || typeof s !== 'object' || s.format !== 'adamax-stream/adamax-state') {
    throw new CheckpointError(
      `Not an Adamax state: expected format 'adamax-stream/adamax-state'. Received: ${pyRepr((s as { format?: unknown } | null)?.format)}`,
    );
  }
  if (s.version !== 1) {
    throw new CheckpointError(`Unsupported Adamax state version ${pyRepr(s.version)}; this library reads version 1.`);
  }
  const raw = s.rawIterations;
  if (typeof raw !== 'number' || !Number.isSafeInteger(raw) || raw < 0) {
    throw new CheckpointError(
      `State 'rawIterations' must be an integer in [0, 2^53). Received: rawIterations=${pyRepr(raw)}`,
    );
  }
  const lr = s.learningRate;
  if (lr !== null && (typeof lr !== 'number' || !(Math.abs(lr) <= F32_MAX))) {
    throw new CheckpointError(
      `State 'learningRate' must be null or a number finite in float32. Received: learningRate=${pyRepr(lr)}`,
    );
  }
  if (!Array.isArray(s.groups) || s.groups.length === 0) {
    throw new CheckpointError(`State 'groups' must be a non-empty list. Received: groups=${pyRepr(s.groups)}`);
  }
  const lengths: number[] = [];
  for (const g of s.groups as unknown[]) {
    const len = (g as { length?: unknown } | null)?.length;
    const name = (g as { name?: unknown } | null)?.name;
    if (typeof name !== 'string' || typeof len !== 'number' || !Number.isSafeInteger(len) || len < 1) {
      throw new CheckpointError(
        `State 'groups' entries must be { name: string, length: integer >= 1 }. Received: ${pyRepr(g)}`,
      );
    }
    lengths.push(len);
  }
  const n = lengths.reduce((a, b) => a + b, 0);
  finiteArray('m', s.m, n, false);
  finiteArray('u', s.u, n, true);
  const hasAverage = (s.average ?? null) !== null;
  if (hasAverage !== hp.useEma) {
    throw new CheckpointError(
      `State ${hasAverage ? 'has' : 'lacks'} EMA averages but this optimizer has useEma=${hp.useEma}.`,
    );
  }
  if (hasAverage) finiteArray('average', s.average, n, false);
  const hasAcc = (s.acc ?? null) !== null;
  if (hasAcc !== (hp.gradientAccumulationSteps !== null)) {
    throw new CheckpointError(
      `State ${hasAcc ? 'has' : 'lacks'} gradient accumulators but this optimizer has gradientAccumulationSteps=${hp.gradientAccumulationSteps}.`,
    );
  }
  if (hasAcc) finiteArray('acc', s.acc, n, false);
  return lengths;
}
