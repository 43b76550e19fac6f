import { CheckpointError } from '../core/errors.js';
import { pyRepr } from '../core/validate.js';
import type { Checkpoint } from './events.js';
import {
  type ArrayEntry,
  CHECKPOINT_MAGIC,
  CONTAINER_VERSION,
  fnv1a,
  HOST_LITTLE_ENDIAN,
  PREFIX_BYTES,
} from './internal/checkpoint-layout.js';

const align8 = (n: number): number => (n + 7) & ~7;

const SPECIAL_NUMBERS = new Map<string, number>([
  ['NaN', Number.NaN],
  ['Infinity', Number.POSITIVE_INFINITY],
  ['-Infinity', Number.NEGATIVE_INFINITY],
  ['-0', -0],
]);

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

function readArray(bytes: Uint8Array, at: number, e: ArrayEntry): Float32Array | Float64Array | Int32Array {
  const width = e.dtype === 'float64' ? 8 : 4;
  const byteLength = e.length * width;
  // A copy into a fresh, aligned buffer (not `slice`: on a Node Buffer it is a view into a shared pool).
  const copy = new Uint8Array(bytes.subarray(at, at + byteLength));
  if (HOST_LITTLE_ENDIAN) {
    if (e.dtype === 'float32') return new Float32Array(copy.buffer, 0, e.length);
    if (e.dtype === 'float64') return new Float64Array(copy.buffer, 0, e.length);
    return new Int32Array(copy.buffer, 0, e.length);
  }
  const view = new DataView(copy.buffer);
  if (e.dtype === 'float32') return Float32Array.from({ length: e.length }, (_, k) => view.getFloat32(k * 4, true));
  if (e.dtype === 'float64') return Float64Array.from({ length: e.length }, (_, k) => view.getFloat64(k * 8, true));
  return Int32Array.from({ length: e.length }, (_, k) => view.getInt32(k * 4, true));
}

/**
 * Parses bytes written by `encodeCheckpoint` back into a {@link Checkpoint} (fresh arrays).
 * Throws `CheckpointError` on a wrong magic, an unknown version, a truncated or corrupted file
 * (checksum) or a malformed document.
 *
 * @example
 * const checkpoint = decodeCheckpoint(readFileSync('model.ckpt'));
 */
export function decodeCheckpoint(bytes: Uint8Array): Checkpoint {
  if (!(bytes instanceof Uint8Array) || bytes.length < PREFIX_BYTES) {
    throw new CheckpointError(`Not an adamax-stream checkpoint: too short (${bytes?.length ?? 0} bytes).`);
  }
  for (let i = 0; i < CHECKPOINT_MAGIC.length; i++) {
    if (bytes[i] !== CHECKPOINT_MAGIC[i]) {
      throw new CheckpointError('Not an adamax-stream checkpoint: the file does not start with "AMXSCKPT".');
    }
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(8, true);
  if (version !== CONTAINER_VERSION) {
    throw new CheckpointError(
      `Unsupported checkpoint container version ${version}; this library reads version ${CONTAINER_VERSION}.`,
    );
  }
  const headerLength = view.getUint32(12, true);
  const payloadLength = view.getUint32(16, true);
  const payloadStart = align8(PREFIX_BYTES + headerLength);
  if (bytes.length !== payloadStart + payloadLength) {
    throw new CheckpointError(
      `Checkpoint is truncated or has trailing bytes: ${bytes.length} bytes, expected ${payloadStart + payloadLength}.`,
    );
  }
  const sum = fnv1a(bytes, PREFIX_BYTES, bytes.length);
  if (sum !== view.getUint32(20, true))
    throw new CheckpointError('Checkpoint checksum mismatch: the file is corrupted.');
  let header: { arrays: ArrayEntry[]; checkpoint: unknown };
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(PREFIX_BYTES, PREFIX_BYTES + headerLength)));
  } catch (cause) {
    throw new CheckpointError('Checkpoint header is not valid JSON.', { cause });
  }
  if (!header || !Array.isArray(header.arrays)) throw new CheckpointError('Checkpoint header has no array table.');
  const arrays = header.arrays.map((e, i) => {
    const width = e?.dtype === 'float64' ? 8 : 4;
    const ok =
      (e?.dtype === 'float32' || e?.dtype === 'float64' || e?.dtype === 'int32') &&
      Number.isInteger(e.length) &&
      Number.isInteger(e.offset) &&
      e.length >= 0 &&
      e.offset >= 0 &&
      e.offset + e.length * width <= payloadLength;
    if (!ok) throw new CheckpointError(`Checkpoint array #${i} is malformed: ${JSON.stringify(e)}.`);
    return readArray(bytes, payloadStart + e.offset, e);
  });
  const revive = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(revive);
    if (value !== null && typeof value === 'object') {
      const o = value as Record<string, unknown>;
      const keys = Object.keys(o);
      if (keys.length === 1 && keys[0] === '$array') {
        const a = typeof o.$array === 'number' ? arrays[o.$array] : undefined;
        if (!a) throw new CheckpointError(`Checkpoint refers to a missing array ${pyRepr(o.$array)}.`);
        return a;
      }
      if (keys.length === 1 && keys[0] === '$num') {
        const x = SPECIAL_NUMBERS.get(o.$num as string);
        if (x === undefined) throw new CheckpointError(`Checkpoint holds a malformed number ${pyRepr(o.$num)}.`);
        return x;
      }
      const fields = keys.length === 1 && keys[0] === '$obj' && isObject(o.$obj) ? o.$obj : o;
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(fields)) out[k] = revive(v);
      return out;
    }
    return value;
  };
  const cp = revive(header.checkpoint) as Checkpoint;
  checkCheckpoint(cp);
  return cp;
}

/** Structural checks on a decoded (or hand-made) checkpoint; throws `CheckpointError`. */
export function checkCheckpoint(cp: Checkpoint): void {
  if (!cp || typeof cp !== 'object' || cp.format !== 'adamax-stream/checkpoint') {
    throw new CheckpointError(
      `Not an adamax-stream checkpoint document (format ${pyRepr((cp as { format?: unknown } | null)?.format)}).`,
    );
  }
  if (cp.version !== 1) {
    throw new CheckpointError(`Unsupported checkpoint version ${pyRepr(cp.version)}; this library reads version 1.`);
  }
  if (!Number.isInteger(cp.step) || cp.step < 0) {
    throw new CheckpointError(`Checkpoint 'step' must be a non-negative integer. Received: ${pyRepr(cp.step)}`);
  }
  if (!Array.isArray(cp.groups) || !Array.isArray(cp.weights) || cp.groups.length !== cp.weights.length) {
    throw new CheckpointError('Checkpoint needs as many weight arrays as groups.');
  }
  cp.groups.forEach((g, i) => {
    if (!isObject(g) || typeof g.name !== 'string' || !Number.isSafeInteger(g.length)) {
      throw new CheckpointError(
        `Checkpoint group #${i} must be { name: string, length: integer }. Received: ${pyRepr(g)}`,
      );
    }
    const w = cp.weights[i];
    if (!(w instanceof Float32Array) || w.length !== g.length) {
      throw new CheckpointError(
        `Checkpoint weights for group '${g.name}' must be a Float32Array of length ${g.length}. Received: ${pyRepr(w)}`,
      );
    }
  });
  if (!cp.optimizer || typeof cp.optimizer !== 'object')
    throw new CheckpointError('Checkpoint has no optimizer state.');
  const notes = cp.annotations;
  if (notes !== undefined) {
    const ok =
      isObject(notes) &&
      Object.values(notes).every((v) => typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v)));
    if (!ok) {
      throw new CheckpointError(
        `Checkpoint 'annotations' must map names to strings or finite numbers. Received: ${pyRepr(notes)}`,
      );
    }
  }
  const c = cp.counters;
  if (c !== undefined) {
    const count = (x: unknown): boolean => Number.isSafeInteger(x) && (x as number) >= 0;
    if (
      !isObject(c) ||
      typeof c.lastLearningRate !== 'number' ||
      (Number.isFinite(c.lastLearningRate) === false && !Number.isNaN(c.lastLearningRate)) ||
      !count(c.skipped) ||
      !count(c.dropped)
    ) {
      throw new CheckpointError(
        `Checkpoint 'counters' must be { lastLearningRate: finite number or NaN, skipped: integer >= 0, dropped: integer >= 0 }. Received: ${pyRepr(c)}`,
      );
    }
  }
}
