/**
 * The sample encoding of live serving: float32 little-endian bytes, whatever the host's byte order.
 * {@link pcmBytes} encodes and {@link pcmSamples} decodes (a plain memory copy on little-endian hosts).
 */
import { endianness } from 'node:os';

const LITTLE_ENDIAN = endianness() === 'LE';

/** Float32 samples as little-endian bytes (a copy; a plain memory copy on little-endian hosts). */
export function pcmBytes(samples: Float32Array): Buffer {
  if (LITTLE_ENDIAN) return Buffer.from(new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength));
  const out = Buffer.allocUnsafe(samples.length * 4);
  for (let i = 0; i < samples.length; i++) out.writeFloatLE(samples[i]!, i * 4);
  return out;
}

/** Little-endian float32 bytes as samples (a copy). */
export function pcmSamples(bytes: Buffer): Float32Array {
  const out = new Float32Array(bytes.length >> 2);
  if (LITTLE_ENDIAN) new Uint8Array(out.buffer).set(bytes.subarray(0, out.length * 4));
  else for (let i = 0; i < out.length; i++) out[i] = bytes.readFloatLE(i * 4);
  return out;
}
