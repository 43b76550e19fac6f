import { CheckpointError } from '../core/errors.js';
import type { Checkpoint } from './events.js';
import {
  type ArrayEntry,
  CHECKPOINT_MAGIC,
  CONTAINER_VERSION,
  fnv1a,
  HOST_LITTLE_ENDIAN,
  PREFIX_BYTES,
} from './internal/checkpoint-layout.js';

type TypedArray = Float32Array | Float64Array | Int32Array;

function dtypeOf(a: unknown): 'float32' | 'float64' | 'int32' | null {
  if (a instanceof Float32Array) return 'float32';
  if (a instanceof Float64Array) return 'float64';
  if (a instanceof Int32Array) return 'int32';
  return null;
}

const align8 = (n: number): number => (n + 7) & ~7;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || ArrayBuffer.isView(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Serialises a {@link Checkpoint} to bytes: a small versioned binary container holding a JSON
 * header and a little-endian payload of the typed arrays.
 *
 * ```
 * offset 0   "AMXSCKPT"                 8-byte magic
 *        8   u32 container version      (1)
 *        12  u32 header length H        (bytes of UTF-8 JSON)
 *        16  u32 payload length P
 *        20  u32 FNV-1a 32 of header bytes + payload bytes
 *        24  header JSON: { arrays: [{ dtype, length, offset }], checkpoint: {…} }
 *            (in `checkpoint`, every typed array is `{ "$array": i }`, NaN/±Infinity/−0 is `{ "$num": "NaN" }`,
 *            and an object with a key starting with `$` is stored as `{ "$obj": {…} }`, so no user key is
 *            ever read as a marker)
 *        24 + H, padded to 8: payload, each array 8-byte aligned at its `offset`
 * ```
 * The document keeps the checkpoint's own `format` / `version`, so the container and the state can
 * evolve separately. Bit-exact: float32 values are stored as their bytes.
 *
 * @example
 * const bytes = encodeCheckpoint(event.source.checkpoint());
 * decodeCheckpoint(bytes); // deep-equal copy
 */
export function encodeCheckpoint(checkpoint: Checkpoint): Uint8Array {
  const arrays: TypedArray[] = [];
  const entries: ArrayEntry[] = [];
  let payload = 0;
  const escaped = new WeakSet<object>();
  const doc = JSON.stringify(checkpoint, (_key, value: unknown) => {
    if (typeof value === 'number' && (!Number.isFinite(value) || Object.is(value, -0))) {
      return { $num: Object.is(value, -0) ? '-0' : String(value) };
    }
    if (isPlainObject(value) && !escaped.has(value) && Object.keys(value).some((k) => k.startsWith('$'))) {
      // A user object whose keys look like our markers: stored verbatim under `$obj`, never interpreted.
      const copy = { ...value };
      escaped.add(copy);
      return { $obj: copy };
    }
    if (ArrayBuffer.isView(value)) {
      const dtype = dtypeOf(value);
      if (dtype === null) {
        throw new CheckpointError(
          `Cannot store a ${value.constructor.name} in a checkpoint (Float32Array, Float64Array, Int32Array only).`,
        );
      }
      const a = value as TypedArray;
      entries.push({ dtype, length: a.length, offset: payload });
      arrays.push(a);
      payload = align8(payload + a.byteLength);
      return { $array: arrays.length - 1 };
    }
    return value;
  });
  const header = new TextEncoder().encode(`{"arrays":${JSON.stringify(entries)},"checkpoint":${doc}}`);
  const payloadStart = align8(PREFIX_BYTES + header.length);
  const out = new Uint8Array(payloadStart + payload);
  out.set(CHECKPOINT_MAGIC, 0);
  const view = new DataView(out.buffer);
  view.setUint32(8, CONTAINER_VERSION, true);
  view.setUint32(12, header.length, true);
  view.setUint32(16, payload, true);
  out.set(header, PREFIX_BYTES);
  for (let i = 0; i < arrays.length; i++) {
    const a = arrays[i]!;
    const at = payloadStart + entries[i]!.offset;
    if (HOST_LITTLE_ENDIAN) {
      out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), at);
    } else {
      const width = a.BYTES_PER_ELEMENT;
      for (let k = 0; k < a.length; k++) {
        const p = at + k * width;
        if (a instanceof Float32Array) view.setFloat32(p, a[k]!, true);
        else if (a instanceof Float64Array) view.setFloat64(p, a[k]!, true);
        else view.setInt32(p, a[k]!, true);
      }
    }
  }
  view.setUint32(20, fnv1a(out, PREFIX_BYTES, out.length), true);
  return out;
}
