import { AdamaxStreamError } from '../../core/errors.js';
import { DEFAULT_PRIOR_FEATURES, type PriorFeatureConfig, priorInputSize } from './prior-features.js';

/** Everything that defines a trained speech prior: architecture, feature set-up and float32 weights. */
export interface PriorWeights {
  /** Layer widths [inputs, hidden…, bands]; hidden layers ReLU, output sigmoid. */
  readonly layers: readonly number[];
  /** Model bands: count and minimum width in Hz (edges from `priorBandEdges`). */
  readonly bands: { readonly count: number; readonly minWidthHz: number };
  readonly features: PriorFeatureConfig;
  /** Input normalisation x̂ = (x − mean) / std (length = inputs). */
  readonly mean: Float32Array;
  readonly std: Float32Array;
  /** Per layer l: weights W_l (inputs × outputs, row i = input i) and biases b_l. */
  readonly weights: readonly Float32Array[];
  readonly biases: readonly Float32Array[];
  /** Free-form provenance (training command, data, seed). */
  readonly info: string;
}

const MAGIC = 0x31525041; // 'APR1' little endian
const MAX_LAYER = 4096;

function bad(message: string): AdamaxStreamError {
  return new AdamaxStreamError('invalid_argument', `Speech-prior weights: ${message}`);
}

/** Serialises weights: 'APR1', u32 header length, ASCII JSON header (padded to 4 bytes), float32 data (little endian). */
export function encodePriorWeights(w: PriorWeights): Uint8Array {
  const header = JSON.stringify({ version: 1, layers: w.layers, bands: w.bands, features: w.features, info: w.info });
  const hl = (header.length + 3) & ~3;
  const arrays = [w.mean, w.std];
  for (let l = 0; l < w.weights.length; l++) arrays.push(w.weights[l]!, w.biases[l]!);
  const floats = arrays.reduce((s, a) => s + a.length, 0);
  const out = new Uint8Array(8 + hl + floats * 4);
  const view = new DataView(out.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, hl, true);
  for (let i = 0; i < hl; i++) out[8 + i] = i < header.length ? header.charCodeAt(i) & 0x7f : 32;
  let o = 8 + hl;
  for (const a of arrays) for (let i = 0; i < a.length; i++, o += 4) view.setFloat32(o, a[i]!, true);
  return out;
}

function readHeader(bytes: Uint8Array): { json: Record<string, unknown>; dataOffset: number } {
  if (bytes.length < 8) throw bad(`blob too short (${bytes.length} bytes).`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0, true) !== MAGIC) throw bad('bad magic (expected "APR1").');
  const hl = view.getUint32(4, true);
  if (hl % 4 !== 0 || 8 + hl > bytes.length) throw bad(`bad header length ${hl}.`);
  let text = '';
  for (let i = 0; i < hl; i++) text += String.fromCharCode(bytes[8 + i]!);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw bad('header is not JSON.');
  }
  if (typeof json !== 'object' || json === null) throw bad('header is not an object.');
  return { json: json as Record<string, unknown>, dataOffset: 8 + hl };
}

function checkArchitecture(json: Record<string, unknown>): {
  layers: number[];
  bands: PriorWeights['bands'];
  features: PriorFeatureConfig;
} {
  if (json.version !== 1) throw bad(`unsupported version ${String(json.version)} (allowed: 1).`);
  const layers = json.layers;
  if (
    !Array.isArray(layers) ||
    layers.length < 2 ||
    !layers.every((n) => Number.isInteger(n) && n >= 1 && n <= MAX_LAYER)
  ) {
    throw bad(`\`layers\` must be ≥ 2 integers in [1, ${MAX_LAYER}]. Received: ${JSON.stringify(layers)}.`);
  }
  const bands = json.bands as PriorWeights['bands'] | undefined;
  if (!bands || !Number.isInteger(bands.count) || !(bands.minWidthHz > 0))
    throw bad('`bands` must be { count, minWidthHz }.');
  const f = { ...DEFAULT_PRIOR_FEATURES, ...(json.features as Partial<PriorFeatureConfig>) };
  if (!(Number.isInteger(f.context) && f.context >= 1 && Array.isArray(f.averages))) throw bad('bad `features`.');
  if (layers[0] !== priorInputSize(bands.count, f) || layers[layers.length - 1] !== bands.count) {
    throw bad(`layer sizes ${JSON.stringify(layers)} do not match ${bands.count} bands and the feature set-up.`);
  }
  return { layers: layers as number[], bands, features: f };
}

/**
 * Parses and validates a weight blob (see {@link encodePriorWeights}): magic, version, header,
 * layer sizes against the band/feature set-up, exact byte length, finite values, std > 0.
 * @throws AdamaxStreamError (`invalid_argument`) naming what is wrong.
 */
export function decodePriorWeights(bytes: Uint8Array): PriorWeights {
  const { json, dataOffset } = readHeader(bytes);
  const { layers, bands, features } = checkArchitecture(json);
  const sizes = [layers[0]!, layers[0]!];
  for (let l = 1; l < layers.length; l++) sizes.push(layers[l - 1]! * layers[l]!, layers[l]!);
  const floats = sizes.reduce((s, n) => s + n, 0);
  if (bytes.length !== dataOffset + 4 * floats) {
    throw bad(
      `expected ${dataOffset + 4 * floats} bytes for layers ${JSON.stringify(layers)}; received ${bytes.length}.`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let o = dataOffset;
  const arrays = sizes.map((n) => {
    const a = new Float32Array(n);
    for (let i = 0; i < n; i++, o += 4) {
      const v = view.getFloat32(o, true);
      if (!Number.isFinite(v)) throw bad(`non-finite value at byte ${o}.`);
      a[i] = v;
    }
    return a;
  });
  const std = arrays[1]!;
  for (let i = 0; i < std.length; i++) if (!(std[i]! > 0)) throw bad(`std[${i}] = ${std[i]} must be > 0.`);
  const weights: Float32Array[] = [];
  const biases: Float32Array[] = [];
  for (let l = 1; l < layers.length; l++) {
    weights.push(arrays[2 * l]!);
    biases.push(arrays[2 * l + 1]!);
  }
  return { layers, bands, features, mean: arrays[0]!, std, weights, biases, info: String(json.info ?? '') };
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Base64 → bytes (no `atob`/`Buffer`: runs in AudioWorklet scopes too). */
export function base64ToBytes(text: string): Uint8Array {
  const lut = new Int16Array(128).fill(-1);
  for (let i = 0; i < 64; i++) lut[B64.charCodeAt(i)] = i;
  const clean = text.replace(/[\s=]/g, '');
  const out = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (let i = 0; i < clean.length; i++) {
    const c = clean.charCodeAt(i);
    const v = c < 128 ? lut[c]! : -1;
    if (v < 0) throw bad(`invalid base64 character at ${i}.`);
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  return out.subarray(0, o);
}

/** Bytes → base64 (used by the training script to write the generated module). */
export function bytesToBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    s += B64[(n >> 18) & 63]! + B64[(n >> 12) & 63]!;
    s += i + 1 < bytes.length ? B64[(n >> 6) & 63]! : '=';
    s += i + 2 < bytes.length ? B64[n & 63]! : '=';
  }
  return s;
}
