import { AdamaxStreamError } from '../errors.js';
import { adamaxScaledUpdate } from '../kernels/adamax-scaled-update.js';
import { adamaxFinite, adamaxUpdate } from '../kernels/adamax-update.js';
import { coherentPower } from '../kernels/coherent-power.js';
import { emaUpdate } from '../kernels/ema-update.js';
import {
  convexOutput,
  type FdHeap,
  fdAdamaxScaled,
  fdConvex,
  fdGradient,
  fdLearnPass,
  fdStep,
  fftTableBytes,
  projectPartitions,
  rfftForward,
  rfftInverse,
  spectralMac,
  writeFftTables,
} from '../kernels/fd-kernels-reference.js';
import { partitionNorms } from '../kernels/partition-norms.js';
import { sigmoidClip } from '../kernels/sigmoid-clip.js';
import { type AdamaxWasmKernel, createWasmMemory, instantiateSimdModule, type WasmMemory } from './adamax-wasm.js';

/**
 * The kernels of the SIMD module, called with **byte** pointers into the arena's buffer. The wasm
 * exports and the TypeScript reference (`core/kernels/fd-kernels-reference.ts`, `adamax-update.ts`)
 * are bit-identical; see those files for the equations. Every argument is an integer: the Adamax
 * kernels read their float32 scalars from a block in the arena (`s`, laid out as `AdamaxScalars`).
 */
export interface SimdKernels {
  readonly adamax: AdamaxWasmKernel;
  /**
   * `adamax` then, per element of the same pass, the weight EMA `avg ← mom·avg + om·w` (`emaUpdate`;
   * mom, om from the same scalar block `s`).
   */
  readonly adamaxEma: (w: number, g: number, m: number, u: number, n: number, s: number, avg: number) => void;
  /**
   * Look-ahead of `adamax` (with `avg` ≠ 0: of `adamaxEma`): 1 when every new m, u, w (and avg) would
   * be finite, else 0; stores nothing (`adamaxFinite`).
   */
  readonly adamaxFinite: (w: number, g: number, m: number, u: number, n: number, s: number, avg: number) => number;
  /**
   * `adamax` over `rows` rows of `bins` floats, each element's step scaled by its row's factor
   * `row[r]` times its bin's `bin[k]` (`bin` = 0: `row[r]` alone): `w ← w₀ + f32(f_r·s_k)·(w_a − w₀)`,
   * every op float32, w₀ the weight before the step, w_a after it (`adamaxScaledUpdate`). One pass,
   * no copy of the weights.
   */
  readonly adamaxScaled: (
    w: number,
    g: number,
    m: number,
    u: number,
    rows: number,
    bins: number,
    s: number,
    row: number,
    bin: number,
  ) => void;
  /**
   * `adamaxScaled` of a partitioned filter's weights (2P rows of `bins`: the P real rows, then the P
   * imaginary rows) whose gradient is computed in the same pass from the input ring and the error
   * spectrum G (the values `fdGradient` writes without projection, factor `f` = 0: none), so the
   * gradient never goes to memory (`fdAdamaxScaled`).
   */
  readonly fdAdamaxScaled: (
    w: number,
    m: number,
    u: number,
    s: number,
    row: number,
    bin: number,
    xRe: number,
    xIm: number,
    gRe: number,
    gIm: number,
    f: number,
    head: number,
    parts: number,
    bins: number,
  ) => void;
  /**
   * Clips the `n` float32 logits at `a` to ±L (L: the float64 at byte address `lim`, 8-byte aligned)
   * and writes λ = f32(1 / (1 + Math.exp(−a))) at `lam` (`sigmoidClip`). Returns 0 when done; 1 when
   * some λ might differ from that expression in its last bit (the wasm kernel's own exponential,
   * checked against a margin): the caller then recomputes every λ with `Math.exp`.
   */
  readonly sigmoidClip: (a: number, lam: number, n: number, lim: number) => number;
  /** `out[p] = f32(√Σ_k (re² + im²))` over partition p's `bins` floats, summed in float64 in k order (`partitionNorms`). */
  readonly partitionNorms: (re: number, im: number, bins: number, parts: number, out: number) => void;
  /**
   * The power of a block coherent with the newest rows of a partitioned filter's input ring, from
   * the descriptor at `desc` (`CoherenceSlots`): FFT of the zero-padded block, the smoothed
   * cross-spectra per lag, and num, den into the descriptor's `out` (`coherentPower`).
   */
  readonly coherentPower: (desc: number, head: number) => void;
  /**
   * Benchmark probe, not an optimizer: the Adamax update's memory traffic (4 loads, 3 stores per
   * element, in place) with trivial arithmetic (`w ← g − w`, `m ← g − m`, `u ← max(u, g)`), the floor
   * a same-size update is measured against. The TypeScript backend has none (`null`).
   */
  readonly stream7Floor: ((w: number, g: number, m: number, u: number, n: number) => void) | null;
  /**
   * Benchmark probe: {@link stream7Floor} with one f32x4 division per 4 elements (`w ← g / u' − w`,
   * `u' = max(u, g)` as stored), the floor of an update that must divide. `null` in the TypeScript backend.
   */
  readonly stream7DivFloor: ((w: number, g: number, m: number, u: number, n: number) => void) | null;
  /** Index of the first NaN or ±Infinity among `n` floats at `p`, or −1. */
  readonly firstNonFinite: (p: number, n: number) => number;
  /** Forward real FFT of 2m samples at `x` into bins 0..m (`re`, `im`); tables at `tab`. */
  readonly rfftForward: (x: number, re: number, im: number, tab: number, m: number) => void;
  /** Inverse real FFT (scaled by 1/2m) of bins 0..m into 2m samples at `x`. */
  readonly rfftInverse: (re: number, im: number, x: number, tab: number, m: number) => void;
  /** Y = Σ_p W_p ⊙ X_{(head − p) mod P}, partitions of `bins` floats. */
  readonly spectralMac: (
    yRe: number,
    yIm: number,
    wRe: number,
    wIm: number,
    xRe: number,
    xIm: number,
    head: number,
    parts: number,
    bins: number,
  ) => void;
  /** `spectralMac` for two weight sets (W → Y, W2 → Y2) in one pass over the ring; each bit-identical to it. */
  readonly spectralMac2: (
    yRe: number,
    yIm: number,
    wRe: number,
    wIm: number,
    y2Re: number,
    y2Im: number,
    w2Re: number,
    w2Im: number,
    xRe: number,
    xIm: number,
    head: number,
    parts: number,
    bins: number,
  ) => void;
  /** grad_p = c_k · [project](conj(X_{(head − p) mod P}) ⊙ G [⊙ f]); `f` = 0: no factor. */
  readonly fdGradient: (
    gradRe: number,
    gradIm: number,
    xRe: number,
    xIm: number,
    gRe: number,
    gIm: number,
    f: number,
    head: number,
    parts: number,
    bins: number,
    project: number,
    tab: number,
    buf: number,
    phiRe: number,
    phiIm: number,
  ) => void;
  /**
   * The per-bin convex combination Y₂ ← Y₂ + λ(Y₁ − Y₂) (Y₁ ← Y₁ − Y₂), its output e = d − IFFT(Y₂)
   * (last m samples, into `e`), the spectrum G of [0, −e/m] into (gRe, gIm) and ∂loss/∂λ into `dl`
   * (`convexOutput` of the reference: the float64 parts as there).
   */
  readonly convexOutput: (
    yRe: number,
    yIm: number,
    y2Re: number,
    y2Im: number,
    lambda: number,
    d: number,
    e: number,
    buf: number,
    gRe: number,
    gIm: number,
    dl: number,
    tab: number,
    m: number,
  ) => void;
  /**
   * A partitioned filter's learning pass (output: the error) and a second weight set's output on
   * the same input, with the block energies, from the descriptor at `desc` (`FdLearnSlots`; the new
   * reference block already in the window's second half) into ring slot `head` (`fdLearnPass`):
   * the input FFT, `spectralMac2`, both inverse FFTs and every per-sample loop in one call. Returns
   * 1, having written nothing, when the input's energy is not finite; else 0.
   */
  readonly fdLearn2: (desc: number, head: number) => number;
  /**
   * `convexOutput` of the last `fdLearn2`'s two output spectra with the pointers of its descriptor
   * (λ, ∂λ, the combination's error `ec`, G), and Σ ec² (float64) into the descriptor's stats[5] (`fdConvex`).
   */
  readonly fdConvex: (desc: number) => void;
  /**
   * One proportionate `fdAdamaxScaled` step of a partitioned filter from the error of its last pass,
   * from the descriptor at `desc` (`FdStepSlots`): with `prop` ≠ 0 (float64 α, max there) the
   * partition norms and row factors first, then the loss and the error spectrum, the step, and the
   * weight constraint of partition `part` (< 0: none), in one call (`fdStep`).
   */
  readonly fdStep: (
    desc: number,
    w: number,
    m: number,
    u: number,
    s: number,
    row: number,
    bin: number,
    prop: number,
    head: number,
    part: number,
  ) => void;
  /** Projects partitions [from, to) of (wRe, wIm) onto m-tap responses (m = bins − 1), in place. */
  readonly projectPartitions: (
    wRe: number,
    wIm: number,
    bins: number,
    from: number,
    to: number,
    tab: number,
    buf: number,
  ) => void;
}

/** Which executor runs the kernels: the wasm SIMD module or the TypeScript reference. */
export type KernelBackend = 'auto' | 'wasm' | 'js';

/** Bytes `n` float32 values take in an arena (rounded up to 16 for SIMD-friendly alignment). */
export function arenaFloatBytes(n: number): number {
  return (n * 4 + 15) & ~15;
}

/**
 * Up to this many floats, a check over an engine's buffers (the non-finite scan of its gradients,
 * the look-ahead of its step) runs the TypeScript reference on the arena's views instead of a wasm
 * export: its work then takes a few nanoseconds, less than the call into wasm (≈20–40 ns), and in
 * Node 20 and 22 every export of a fresh instance runs its first ~1000 calls through V8's generic
 * JS-to-wasm wrapper (≈300 ns a call), which a short stream on a tiny model would pay per learner.
 * The same float32 operations, so the same verdict.
 */
export const INLINE_CHECK_FLOATS = 16;

/** The first 16 bytes are never handed out, so that pointer 0 can mean "none". */
const RESERVED = 16;

/**
 * A fixed-size block of memory with the SIMD kernels bound to it: a `WebAssembly.Memory` with its
 * own instance of the module (or, with the `'js'` backend or without wasm SIMD, a plain
 * `ArrayBuffer` with the TypeScript reference kernels), and a bump allocator handing out
 * `Float32Array` views.
 *
 * **Views stay valid for the arena's lifetime**: the memory is sized once at creation and never
 * grows (growing a `WebAssembly.Memory` detaches its `buffer` and every view of it). Allocation
 * beyond the capacity throws. One arena per stream (or thread); not shareable across threads.
 *
 * @example
 * const arena = KernelArena.create(KernelArena.bytesForFft(128) + arenaFloatBytes(256 + 2 * 129));
 * const x = arena.allocF32(256), re = arena.allocF32(129), im = arena.allocF32(129);
 * const tab = arena.allocFftTables(128);
 * arena.kernels.rfftForward(x.byteOffset, re.byteOffset, im.byteOffset, tab, 128);
 */
export class KernelArena {
  readonly backend: 'wasm' | 'js';
  /** The wasm memory (null for the JS backend). */
  readonly memory: WasmMemory | null;
  /** The arena's buffer; every view handed out is over it. */
  readonly buffer: ArrayBuffer;
  readonly kernels: SimdKernels;
  /** Usable bytes. */
  readonly capacity: number;
  private next = RESERVED;

  private constructor(memory: WasmMemory | null, buffer: ArrayBuffer, kernels: SimdKernels, capacity: number) {
    this.backend = memory ? 'wasm' : 'js';
    this.memory = memory;
    this.buffer = buffer;
    this.kernels = kernels;
    this.capacity = capacity;
  }

  /** Bytes of an FFT table block for complex size m (real size 2m), as {@link allocFftTables} takes. */
  static bytesForFft(m: number): number {
    return arenaFloatBytes(fftTableBytes(m) / 4);
  }

  /**
   * An arena of at least `byteLength` usable bytes. `'auto'`: wasm SIMD when available, else the
   * TypeScript reference; `'wasm'` throws when wasm SIMD is unavailable.
   */
  static create(byteLength: number, backend: KernelBackend = 'auto'): KernelArena {
    const total = byteLength + RESERVED;
    if (backend !== 'js') {
      const memory = createWasmMemory(total);
      const exports = memory === null ? null : instantiateSimdModule(memory);
      if (memory !== null && exports !== null) {
        const kernels: SimdKernels = {
          adamax: exports.adamax as SimdKernels['adamax'],
          adamaxEma: exports.adamax_ema as SimdKernels['adamaxEma'],
          adamaxFinite: exports.adamax_finite as SimdKernels['adamaxFinite'],
          adamaxScaled: exports.adamax_scaled as SimdKernels['adamaxScaled'],
          fdAdamaxScaled: exports.fd_adamax_scaled as SimdKernels['fdAdamaxScaled'],
          sigmoidClip: exports.sigmoid_clip as SimdKernels['sigmoidClip'],
          partitionNorms: exports.partition_norms as SimdKernels['partitionNorms'],
          coherentPower: exports.coherent_power as SimdKernels['coherentPower'],
          firstNonFinite: exports.first_non_finite as SimdKernels['firstNonFinite'],
          stream7Floor: exports.stream7_floor as SimdKernels['stream7Floor'],
          stream7DivFloor: exports.stream7_div_floor as SimdKernels['stream7DivFloor'],
          rfftForward: exports.rfft_forward as SimdKernels['rfftForward'],
          rfftInverse: exports.rfft_inverse as SimdKernels['rfftInverse'],
          spectralMac: exports.spectral_mac as SimdKernels['spectralMac'],
          spectralMac2: exports.spectral_mac2 as SimdKernels['spectralMac2'],
          fdGradient: exports.fd_gradient as SimdKernels['fdGradient'],
          projectPartitions: exports.project_partitions as SimdKernels['projectPartitions'],
          convexOutput: exports.convex_output as SimdKernels['convexOutput'],
          fdLearn2: exports.fd_learn2 as SimdKernels['fdLearn2'],
          fdStep: exports.fd_step as SimdKernels['fdStep'],
          fdConvex: exports.fd_convex as SimdKernels['fdConvex'],
        };
        return new KernelArena(memory, memory.buffer, kernels, memory.buffer.byteLength - RESERVED);
      }
      if (backend === 'wasm') {
        throw new AdamaxStreamError(
          'invalid_option',
          "backend 'wasm' was requested but WebAssembly SIMD is not available in this runtime; use 'auto' or 'js'.",
        );
      }
    }
    const buffer = new ArrayBuffer(arenaFloatBytes(total / 4 + 1));
    return new KernelArena(null, buffer, referenceKernels(buffer), buffer.byteLength - RESERVED);
  }

  /** Bytes still free. */
  get available(): number {
    return this.capacity + RESERVED - this.next;
  }

  /** A zeroed view of `n` float32 values, 16-byte aligned. Throws when the arena is full. */
  allocF32(n: number): Float32Array {
    const bytes = arenaFloatBytes(n);
    if (bytes > this.available) {
      throw new AdamaxStreamError(
        'invalid_argument',
        `KernelArena is full: ${bytes} bytes requested, ${this.available} of ${this.capacity} left. Size the arena for every buffer at creation.`,
      );
    }
    const view = new Float32Array(this.buffer, this.next, n);
    this.next += bytes;
    return view;
  }

  /** Allocates and fills the FFT tables (and scratch) for complex size m; returns their byte pointer. */
  allocFftTables(m: number): number {
    const view = this.allocF32(fftTableBytes(m) / 4);
    writeFftTables({ f: view, i: new Int32Array(view.buffer, view.byteOffset, view.length) }, 0, m);
    return view.byteOffset;
  }

  /** Whether `view` lies in this arena's buffer (then `view.byteOffset` is its kernel pointer). */
  owns(view: Float32Array): boolean {
    return view.buffer === this.buffer;
  }
}

/** The TypeScript reference kernels bound to `buffer` (byte pointers, the wasm exports' signatures). */
function referenceKernels(buffer: ArrayBuffer): SimdKernels {
  const heap: FdHeap = { f: new Float32Array(buffer), i: new Int32Array(buffer) };
  const f = heap.f;
  const f64 = new Float64Array(buffer, 0, buffer.byteLength >> 3);
  const cache = { m: -1, u: -1, n: -1, mView: f, uView: f };
  const adamax: SimdKernels['adamax'] = (w, g, m, u, n, s) => {
    // adamaxUpdate takes m and u at one offset of two arrays: views, re-made only when m, u or n change
    if (m !== cache.m || u !== cache.u || n !== cache.n) {
      cache.m = m;
      cache.u = u;
      cache.n = n;
      cache.mView = f.subarray(m >> 2, (m >> 2) + n);
      cache.uView = f.subarray(u >> 2, (u >> 2) + n);
    }
    adamaxUpdate(f, w >> 2, f, g >> 2, cache.mView, cache.uView, 0, n, f, s >> 2);
  };
  return {
    adamax,
    adamaxEma: (w, g, m, u, n, s, avg) => {
      adamax(w, g, m, u, n, s);
      emaUpdate(f, avg >> 2, f, w >> 2, n, f, s >> 2);
    },
    adamaxFinite: (w, g, m, u, n, s, avg) =>
      adamaxFinite(f, w >> 2, f, g >> 2, f, m >> 2, f, u >> 2, n, f, s >> 2, avg ? f : null, avg >> 2) ? 1 : 0,
    adamaxScaled: (w, g, m, u, rows, bins, s, row, bin) =>
      adamaxScaledUpdate(f, w >> 2, g >> 2, m >> 2, u >> 2, rows, bins, s >> 2, row >> 2, bin ? bin >> 2 : -1),
    fdAdamaxScaled: (w, m, u, s, row, bin, xRe, xIm, gRe, gIm, fp, head, parts, bins) =>
      fdAdamaxScaled(heap, w, m, u, s, row, bin, xRe, xIm, gRe, gIm, fp, head, parts, bins),
    sigmoidClip: (a, lam, n, lim) => sigmoidClip(f, f64, a >> 2, lam >> 2, n, lim >> 3),
    partitionNorms: (re, im, bins, parts, out) => partitionNorms(f, re >> 2, im >> 2, bins, parts, out >> 2),
    coherentPower: (desc, head) => coherentPower(heap, desc, head),
    stream7Floor: null,
    stream7DivFloor: null,
    firstNonFinite: (p, n) => {
      const o = p >> 2;
      for (let i = 0; i < n; i++) {
        const v = f[o + i]!;
        if (v - v !== 0) return i;
      }
      return -1;
    },
    rfftForward: (x, re, im, tab, m) => rfftForward(heap, x, re, im, tab, m),
    rfftInverse: (re, im, x, tab, m) => rfftInverse(heap, re, im, x, tab, m),
    spectralMac: (yRe, yIm, wRe, wIm, xRe, xIm, head, parts, bins) =>
      spectralMac(heap, yRe, yIm, wRe, wIm, xRe, xIm, head, parts, bins),
    spectralMac2: (yRe, yIm, wRe, wIm, y2Re, y2Im, w2Re, w2Im, xRe, xIm, head, parts, bins) => {
      spectralMac(heap, yRe, yIm, wRe, wIm, xRe, xIm, head, parts, bins);
      spectralMac(heap, y2Re, y2Im, w2Re, w2Im, xRe, xIm, head, parts, bins);
    },
    fdGradient: (gradRe, gradIm, xRe, xIm, gRe, gIm, fp, head, parts, bins, project, tab, buf, phiRe, phiIm) =>
      fdGradient(heap, gradRe, gradIm, xRe, xIm, gRe, gIm, fp, head, parts, bins, project, tab, buf, phiRe, phiIm),
    projectPartitions: (wRe, wIm, bins, from, to, tab, buf) =>
      projectPartitions(heap, wRe, wIm, bins, from, to, tab, buf),
    convexOutput: (yRe, yIm, y2Re, y2Im, lambda, d, e, buf, gRe, gIm, dl, tab, m) =>
      convexOutput(heap, yRe, yIm, y2Re, y2Im, lambda, d, e, buf, gRe, gIm, dl, tab, m),
    fdLearn2: (desc, head) => fdLearnPass(heap, f64, desc, head),
    fdConvex: (desc) => fdConvex(heap, f64, desc),
    fdStep: (desc, w, m, u, s, row, bin, prop, head, part) =>
      fdStep(heap, f64, desc, w, m, u, s, row, bin, prop, head, part),
  };
}
