import { ADAMAX_SIMD_WASM_BASE64 } from './adamax-simd.generated.js';

/**
 * The structural part of a `WebAssembly.Memory` this module needs. (The project's `lib` has no DOM
 * typings, so `WebAssembly.*` is not typed globally; any real `WebAssembly.Memory` fits.)
 */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(delta: number): number;
}

/**
 * The Keras Adamax update of `n` float32 parameters living in wasm memory, in place, bit-identical
 * to `adamaxUpdate` (src/core/kernels/adamax-update.ts):
 * ```
 * m ← m + (g − m) · c1 ;  u ← max(β2 · u, |g|) ;  w ← w − (lr · m) / (k · (u + ε))
 * ```
 * `wPtr`, `gPtr`, `mPtr`, `uPtr` are **byte** offsets into the memory (multiples of 4; no 16-byte
 * alignment needed); every run of `4·n` bytes must lie inside the memory, else a `RuntimeError` traps.
 * The scalars are not arguments: the kernel reads lr, c1, β2, ε, k as float32 from the block at byte
 * offset `sPtr` (slots of `AdamaxScalars`; `k = 1 − f32(β1)^t`, `c1 = f32(1 − β1)`), so a call passes
 * only integers and boxes no double. The runs must not partially overlap (w, g, m, u distinct).
 */
export type AdamaxWasmKernel = (
  wPtr: number,
  gPtr: number,
  mPtr: number,
  uPtr: number,
  n: number,
  sPtr: number,
) => void;

/** A SIMD Adamax kernel instance bound to one memory. */
export interface AdamaxWasm {
  /** The memory the kernel reads and writes (the one passed to `createAdamaxWasm`). */
  readonly memory: WasmMemory;
  readonly adamax: AdamaxWasmKernel;
}

// Minimal typings for the parts of the global WebAssembly API used here.
interface WasmModuleHandle {
  readonly __wasmModule?: never;
}
interface WasmApi {
  Memory: new (descriptor: { initial: number; maximum?: number }) => WasmMemory;
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => WasmModuleHandle;
  Instance: new (
    module: WasmModuleHandle,
    imports: { env: { memory: WasmMemory } },
  ) => { readonly exports: Record<string, unknown> };
}

function wasmApi(): WasmApi | undefined {
  return (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/**
 * Decodes standard base64 without `atob` or `Buffer`: neither exists in an AudioWorkletGlobalScope,
 * where the core must run too. Runs once per process (the kernel module is cached).
 */
function decodeBase64(base64: string): Uint8Array {
  const clean = base64.replace(/[^A-Za-z0-9+/]/g, '');
  const bytes = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (let i = 0; i < clean.length; i++) {
    acc = (acc << 6) | BASE64.indexOf(clean[i]!);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes[o++] = (acc >> bits) & 0xff;
    }
  }
  return bytes.subarray(0, o);
}

/** `undefined` = not tried yet, `null` = unavailable. */
let cachedModule: WasmModuleHandle | null | undefined;

function compiledModule(): WasmModuleHandle | null {
  if (cachedModule !== undefined) return cachedModule;
  cachedModule = null;
  const api = wasmApi();
  if (api === undefined) return null;
  const bytes = decodeBase64(ADAMAX_SIMD_WASM_BASE64);
  try {
    // validate() is false when the engine lacks SIMD (v128); the module uses nothing else new.
    if (api.validate(bytes)) cachedModule = new api.Module(bytes);
  } catch {
    cachedModule = null;
  }
  return cachedModule;
}

/** Whether this engine has WebAssembly with fixed-width SIMD (the kernel module compiles). */
export function wasmSimdAvailable(): boolean {
  return compiledModule() !== null;
}

/** Bytes per wasm memory page. */
export const WASM_PAGE_BYTES = 65536;

/**
 * A new (non-shared) `WebAssembly.Memory` of at least `byteLength` bytes (at least one page), or `null`
 * when WebAssembly is unavailable. `memory.grow` detaches the old `buffer`: re-create views after growing.
 */
export function createWasmMemory(byteLength: number): WasmMemory | null {
  const api = wasmApi();
  if (api === undefined) return null;
  return new api.Memory({ initial: Math.max(1, Math.ceil(byteLength / WASM_PAGE_BYTES)) });
}

/**
 * Instantiates the whole SIMD kernel module on `memory` and returns its exports (`adamax`,
 * `rfft_forward`, `rfft_inverse`, `spectral_mac`, `fd_gradient`, `project_partitions`), or `null`
 * when WebAssembly or wasm SIMD is unavailable.
 */
export function instantiateSimdModule(memory: WasmMemory): Record<string, unknown> | null {
  const module = compiledModule();
  const api = wasmApi();
  if (module === null || api === undefined) return null;
  return new api.Instance(module, { env: { memory } }).exports;
}

/**
 * Instantiates the SIMD Adamax kernel on `memory` (synchronously; the module is compiled once, lazily,
 * and cached). Returns `null` when WebAssembly or wasm SIMD is unavailable. Throws the engine's
 * `LinkError` if `memory` is not a usable non-shared `WebAssembly.Memory`.
 */
export function createAdamaxWasm(memory: WasmMemory): AdamaxWasm | null {
  const exports = instantiateSimdModule(memory);
  if (exports === null) return null;
  return { memory, adamax: exports.adamax as AdamaxWasmKernel };
}
