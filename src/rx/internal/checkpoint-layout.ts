/** Shared constants of the checkpoint container (see `encodeCheckpoint`). */
export const CHECKPOINT_MAGIC = new Uint8Array([0x41, 0x4d, 0x58, 0x53, 0x43, 0x4b, 0x50, 0x54]); // "AMXSCKPT"
export const CONTAINER_VERSION = 1;
export const PREFIX_BYTES = 24;
export const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export interface ArrayEntry {
  readonly dtype: 'float32' | 'float64' | 'int32';
  readonly length: number;
  readonly offset: number;
}

/** FNV-1a 32-bit hash of `bytes[from, to)`. */
export function fnv1a(bytes: Uint8Array, from: number, to: number): number {
  let h = 0x811c9dc5;
  for (let i = from; i < to; i++) {
    h ^= bytes[i]!;
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
