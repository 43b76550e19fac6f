import { InvalidOptionError, ShapeError } from '../core/errors.js';
import { CoherenceSlots, coherenceStatsFloats } from '../core/kernels/coherent-power.js';
import { FdLearnSlots, FdStepSlots } from '../core/kernels/fd-kernels-reference.js';
import { createLayout, type ParamLayout } from '../core/param-layout.js';
import { IssueCollector } from '../core/validate.js';
import { arenaFloatBytes, KernelArena, type SimdKernels } from '../core/wasm/kernel-arena.js';
import type { ScaledStepKernel } from '../optim/adamax-core.js';
import type { AdaptiveModel } from './adaptive-model.js';

export interface PartitionedFdFilterOptions {
  /** Block size B = samples per frame (a power of two ≥ 1); the FFT size is 2B. */
  readonly blockSize: number;
  /** Number of partitions P (≥ 1); the filter has P·B taps. */
  readonly partitions: number;
  /**
   * Gradient constraint (default true): the gradient is projected onto filters whose partitions are
   * B-tap impulse responses (the second half of each partition's time-domain response is zeroed),
   * i.e. it is the exact gradient of the loss of a P·B-tap FIR. Keep the weights themselves on that
   * subspace with {@link PartitionedFdFilter.constrain} after each optimizer update (the
   * {@link OptimizedFilter} adapter does it). `false`: unconstrained FDAF (circular-convolution
   * terms allowed, no constraint FFTs; cheaper, slightly biased).
   */
  readonly constrained?: boolean;
  /**
   * With `constrained`: also project each partition's gradient (2 FFTs per partition per frame).
   * `false` keeps only the weight constraint ({@link PartitionedFdFilter.constrain}, applied by the
   * adapter after each update, or one partition per frame with the alternating constraint): the
   * gradient then carries circular-convolution terms that the weight projection removes. Default true.
   */
  readonly projectGradient?: boolean;
  /** Output: the error e = d − y (default; the cleaned signal) or the filter output y. */
  readonly output?: 'error' | 'prediction';
}

/**
 * PBFDAF state: the previous input block and the ring of the last P input spectra, as float32
 * views into a per-state {@link KernelArena} (the kernels' memory). A state that is not from
 * {@link PartitionedFdFilter.createState} (e.g. a `structuredClone`) also works: it is copied
 * through the model's own arena on each call.
 */
export type PartitionedFdState = {
  /** Previous B reference samples (first half of the overlap-save window). */
  xPrev: Float32Array;
  /** Real parts of the last P input spectra, P × (B + 1), slot-major. */
  xRe: Float32Array;
  /** Imaginary parts, same layout. */
  xIm: Float32Array;
  /** Ring slot of the newest spectrum. */
  head: number;
  frames: number;
};

/** A bound coherent-power kernel of one state ({@link PartitionedFdFilter.coherenceKernel}). */
export interface CoherenceKernel {
  /** [num, den] of the last run (float32, in the arena). */
  readonly out: Float32Array;
  /** The smoothed statistics (C re, C im, S, Q, the per-bin sum; in the arena): the kernel's state. */
  readonly stats: Float32Array;
  /**
   * One update with a block `d` of B samples (the reference canceller passes its background's
   * error). A `d` in the state's arena is read in place; any other is copied into the arena first.
   */
  run(d: Float32Array): void;
  /** Zeroes the statistics. */
  reset(): void;
}

/** Scratch, tables and staging of one arena: everything a kernel call needs, as byte pointers. */
interface FdWorkspace {
  readonly arena: KernelArena;
  readonly k: SimdKernels;
  readonly tab: number;
  /** 2B samples (overlap-save window / IFFT output). */
  readonly buf: Float32Array;
  readonly e: Float32Array;
  readonly gRe: Float32Array;
  readonly gIm: Float32Array;
  /** Per-bin factor of {@link PartitionedFdFilter.gradient} (float32 copy of `binScale`). */
  readonly f: Float32Array;
  /** Spectrum of the learning pass's weights (Y). */
  readonly yRe: Float32Array;
  readonly yIm: Float32Array;
  readonly phiRe: number;
  readonly phiIm: number;
  /** Spectrum of the second weight set ({@link PartitionedFdFilter.learnWithOutput}, {@link PartitionedFdFilter.forwardSameInput}). */
  readonly y2Re: Float32Array;
  readonly y2Im: Float32Array;
  /** The primary block (copied in) and the combination's error, for the `convexOutput` kernel. */
  readonly d: Float32Array;
  readonly ec: Float32Array;
  /** Staging for params/grads that live outside the arena (copied in / out). */
  readonly params: Float32Array;
  readonly grad: Float32Array;
  /** The ring (the state's arrays for an own state; staging for a foreign one). */
  readonly xPrev: Float32Array;
  readonly xRe: Float32Array;
  readonly xIm: Float32Array;
  /** Descriptor of the fused learning pass ({@link PartitionedFdFilter.learnPass}) and its energies. */
  readonly desc: Int32Array;
  /** Float64: the learning pass's energies (0..4), the combination's (5), the loss of the last fused step (6). */
  readonly stats: Float64Array;
  /** Descriptor of the fused step ({@link PartitionedFdFilter.proportionateStepKernel}). */
  readonly stepDesc: Int32Array;
}

/**
 * A step kernel of {@link PartitionedFdFilter.proportionateStepKernel}: an `AdamaxCore` scaled
 * step with the proportionate factors made in the same call and the weight constraint of one
 * partition after it.
 */
export interface FdStepKernel extends ScaledStepKernel {
  /** Partition whose weights the next step projects after updating them (−1: none); set it before each step. */
  partition: number;
}

/**
 * Float64 slots of a workspace's `stats` block in the kernels' arena: the learning pass's five energies
 * (0..4), the combination's Σe_c² (slot `convex`), the loss of the last fused step (`loss`); `floats` is the
 * block's size in float32 slots (7 float64).
 */
const FD_STATS = { convex: 5, loss: 6, floats: 14 } as const;

/**
 * A fused learning pass on one state and two weight sets, made by {@link PartitionedFdFilter.learnPass}:
 * {@link PartitionedFdFilter.learnWithOutput} (gradient deferred) and the block energies in one kernel call.
 */
export interface FdLearnPass {
  /**
   * Float64 energies of the last {@link run}: Σd², Σx², Σe², Σout², Σ(d − e)² (e the learning
   * pass's error, out the second weight set's; summed in sample order, each term a float32 squared),
   * then Σe_c² of the last {@link convex}.
   */
  readonly stats: Float64Array;
  /** Whether {@link convex} is bound (λ and ∂λ were given to `learnPass`). */
  readonly hasConvex: boolean;
  /**
   * After a {@link run}, on the same block: `convexOutput(state, λ, d, output, ∂λ)` with the bound λ
   * and ∂λ, in one kernel call (`fdConvex`; d is already in the arena), and Σe_c² into `stats[5]`.
   * Throws when not bound.
   */
  convex(output: Float32Array): void;
  /**
   * One block (primary `d`, reference `x`, B samples each). False, having changed nothing (not the
   * state, not the outputs), when the block's energy Σd²/B + Σx²/B is not finite.
   */
  run(d: Float32Array, x: Float32Array): boolean;
}

const WORKSPACE = Symbol('PartitionedFdFilter.workspace');

/**
 * Partitioned-block frequency-domain adaptive filter (PBFDAF / multidelay filter, overlap-save),
 * block B, P partitions, FFT size N = 2B, taps L = P·B. Frame = [primary d, reference x].
 * ```
 * X_p  = FFT([x_{b−p−1}, x_{b−p}])                     spectra of the last P two-block windows
 * y    = last B samples of IFFT( Σ_p W_p ⊙ X_p )       e = d − y
 * loss = (1/2B) Σ_n e[n]²
 * G    = FFT([0_B, −e/B])                              (∂loss/∂y, zero-padded in front)
 * Φ_p  = conj(X_p) ⊙ G                                  per-bin cross-spectrum
 * constrained:  Φ_p ← FFT(first B samples of IFFT(Φ_p), rest 0)      (gradient constraint)
 * ∂loss/∂Re W_p[k] = c_k/N · Re Φ_p[k],   ∂loss/∂Im W_p[k] = c_k/N · Im Φ_p[k]
 * c_k = 1 at DC and Nyquist, 2 otherwise (the Hermitian half-spectrum parameterisation)
 * ```
 * The parameters are the complex weights W_p[k], k = 0..B (real-input half spectrum), stored as two
 * groups `pfd/re` and `pfd/im` of shape [P, B+1]. Because each coordinate is one bin of one
 * partition, an optimizer's per-coordinate normalisation (Adamax's `u`) is a per-bin step size,
 * the structure of the Speex MDF / AEC3 normalised updates. The imaginary parts at DC and Nyquist
 * have no effect (gradient 0).
 *
 * With the weights on the constrained subspace (see {@link constrain}), the output is exactly that
 * of the P·B-tap time-domain FIR `h[pB + j] = IFFT(W_p)[j]`, j < B.
 *
 * References: Soo & Pang, "Multidelay block frequency domain adaptive filter", IEEE TASSP 38(2), 1990;
 * Shynk, "Frequency-domain and multirate adaptive filtering", IEEE SP Magazine 9(1), 1992;
 * Valin, "On adjusting the learning rate in frequency domain echo cancellation with double-talk",
 * IEEE TASLP 15(3), 2007 (SpeexDSP `mdf.c`, AUMDF alternating constraint).
 *
 * @example
 * const pfd = new PartitionedFdFilter({ blockSize: 64, partitions: 8 }); // 512 taps
 * const loss = pfd.step(params, pfd.createState(), [primary, reference], cleaned, grad);
 * pfd.constrain(params); // after the optimizer update
 */
export class PartitionedFdFilter implements AdaptiveModel<PartitionedFdState> {
  readonly kind = 'pbfdaf';
  readonly layout: ParamLayout;
  readonly frameSize: number;
  readonly channels = 2;
  readonly blockSize: number;
  readonly partitions: number;
  readonly taps: number;
  readonly fftSize: number;
  /** Bins per partition, B + 1. */
  readonly bins: number;
  readonly constrained: boolean;
  readonly projectGradient: boolean;
  readonly output: 'error' | 'prediction';
  /** Offset of the imaginary group in the flat buffer (= P·(B+1)). */
  readonly imOffset: number;
  /** 2/N, the gradient's factor c_k/N inside the band (float32). */
  private readonly gradScale: number;
  /** Bytes of the per-state arena (ring, scratch, FFT tables, staging), without the reserve. */
  readonly workspaceBytes: number;
  /** The model's own arena, for stateless calls and for states not from {@link createState}. */
  private ownWs: FdWorkspace | null = null;
  /** Workspace of the last forward/step (for {@link lastError}). */
  private lastWs: FdWorkspace | null = null;
  /** Loss of the last {@link gradient} (also returned); read it after {@link learn}, which returns nothing. */
  readonly lastLoss = new Float64Array(1);

  constructor(options: PartitionedFdFilterOptions) {
    const c = new IssueCollector();
    c.unknownKeys(options, new Set(['blockSize', 'partitions', 'constrained', 'projectGradient', 'output']));
    c.integer('blockSize', options.blockSize, 1);
    c.integer('partitions', options.partitions, 1);
    const b = options.blockSize;
    if (Number.isInteger(b) && b >= 1 && (b & (b - 1)) !== 0) {
      c.add('blockSize', `\`blockSize\` must be a power of two. Received: blockSize=${b}`);
    }
    c.boolean('constrained', options.constrained);
    c.boolean('projectGradient', options.projectGradient);
    if (options.output !== undefined && options.output !== 'error' && options.output !== 'prediction') {
      c.add('output', `\`output\` must be 'error' or 'prediction'. Received: output=${String(options.output)}`);
    }
    c.throwIfAny();
    this.blockSize = b;
    this.frameSize = b;
    this.partitions = options.partitions;
    this.taps = b * this.partitions;
    this.fftSize = 2 * b;
    this.bins = b + 1;
    this.constrained = options.constrained ?? true;
    this.projectGradient = this.constrained && (options.projectGradient ?? true);
    this.output = options.output ?? 'error';
    const size = this.partitions * this.bins;
    this.imOffset = size;
    this.gradScale = Math.fround(1 / (this.bins - 1));
    this.layout = createLayout([
      { name: 'pfd/re', shape: [this.partitions, this.bins] },
      { name: 'pfd/im', shape: [this.partitions, this.bins] },
    ]);
    const fb = arenaFloatBytes;
    this.workspaceBytes =
      KernelArena.bytesForFft(b) +
      fb(2 * b) +
      fb(b) * 4 +
      fb(this.bins) * 9 +
      fb(this.layout.size) * 2 +
      fb(size) * 2 +
      fb(FdLearnSlots.length) +
      fb(FD_STATS.floats) +
      fb(FdStepSlots.length);
  }

  initParams(params: Float32Array): void {
    params.fill(0, 0, this.layout.size);
  }

  /**
   * A new stream state in its own {@link KernelArena} (wasm SIMD when available), with
   * `reserveBytes` more bytes free in that arena for the caller: an optimizer whose buffers live
   * there (`Adamax.buildFlat(layout, { arena })`) makes the kernels read the weights and write the
   * gradient in place, with no copy. See {@link arenaOf}.
   */
  createState(reserveBytes = 0): PartitionedFdState {
    const ws = this.workspace(KernelArena.create(this.workspaceBytes + reserveBytes));
    const state: PartitionedFdState = { xPrev: ws.xPrev, xRe: ws.xRe, xIm: ws.xIm, head: 0, frames: 0 };
    (state as StateWithWorkspace)[WORKSPACE] = ws;
    return state;
  }

  /** The arena of a state from {@link createState} (its free bytes are the reserve), else null. */
  arenaOf(state: PartitionedFdState): KernelArena | null {
    const ws = (state as StateWithWorkspace)[WORKSPACE];
    return ws !== undefined && ws.xRe === state.xRe ? ws.arena : null;
  }

  private workspace(arena: KernelArena): FdWorkspace {
    const ws = this.allocWorkspace(arena);
    const S = FdStepSlots;
    const d = ws.stepDesc;
    d.set([ws.xRe.byteOffset, ws.xIm.byteOffset, ws.gRe.byteOffset, ws.gIm.byteOffset, ws.buf.byteOffset], S.xRe);
    d.set([ws.tab, ws.e.byteOffset, this.blockSize, this.partitions, this.bins], S.tab);
    d[S.loss] = ws.stats.byteOffset + 8 * FD_STATS.loss;
    return ws;
  }

  private allocWorkspace(arena: KernelArena): FdWorkspace {
    const B = this.blockSize;
    const bins = this.bins;
    const size = this.partitions * bins;
    const tab = arena.allocFftTables(B);
    const ptr = (n: number) => arena.allocF32(n).byteOffset;
    return {
      arena,
      k: arena.kernels,
      tab,
      buf: arena.allocF32(2 * B),
      e: arena.allocF32(B),
      gRe: arena.allocF32(bins),
      gIm: arena.allocF32(bins),
      f: arena.allocF32(bins),
      yRe: arena.allocF32(bins),
      yIm: arena.allocF32(bins),
      phiRe: ptr(bins),
      phiIm: ptr(bins),
      y2Re: arena.allocF32(bins),
      y2Im: arena.allocF32(bins),
      d: arena.allocF32(B),
      ec: arena.allocF32(B),
      params: arena.allocF32(this.layout.size),
      grad: arena.allocF32(this.layout.size),
      xPrev: arena.allocF32(B),
      xRe: arena.allocF32(size),
      xIm: arena.allocF32(size),
      desc: int32View(arena.allocF32(FdLearnSlots.length)),
      stats: float64View(arena.allocF32(FD_STATS.floats)),
      stepDesc: int32View(arena.allocF32(FdStepSlots.length)),
    };
  }

  private own(): FdWorkspace {
    this.ownWs ??= this.workspace(KernelArena.create(this.workspaceBytes));
    return this.ownWs;
  }

  /** The workspace of `state`; a foreign state's arrays are copied into the model's own one. */
  private bind(state: PartitionedFdState): FdWorkspace {
    const ws = (state as StateWithWorkspace)[WORKSPACE];
    if (ws !== undefined && ws.xRe === state.xRe && ws.xIm === state.xIm && ws.xPrev === state.xPrev) return ws;
    const own = this.own();
    if (
      state.xPrev.length !== this.blockSize ||
      state.xRe.length !== own.xRe.length ||
      state.xIm.length !== own.xIm.length
    ) {
      throw new ShapeError(
        `PartitionedFdFilter state: expected xPrev of ${this.blockSize} and spectra of ${own.xRe.length} values; received ${state.xPrev.length}, ${state.xRe.length}, ${state.xIm.length}.`,
      );
    }
    own.xPrev.set(state.xPrev);
    own.xRe.set(state.xRe);
    own.xIm.set(state.xIm);
    return own;
  }

  /** Writes a foreign state's arrays back from the model's own workspace. */
  private unbind(state: PartitionedFdState, ws: FdWorkspace): void {
    if (ws.xPrev === state.xPrev) return;
    state.xPrev.set(ws.xPrev);
    state.xRe.set(ws.xRe);
    state.xIm.set(ws.xIm);
  }

  /** Byte pointer of `params` for the kernels: in place when in the arena, else staged. */
  private weightsPtr(ws: FdWorkspace, params: Float32Array): number {
    if (ws.arena.owns(params)) return params.byteOffset;
    const staged = ws.params;
    if (params.length === staged.length) staged.set(params);
    else for (let i = 0; i < staged.length; i++) staged[i] = params[i];
    return staged.byteOffset;
  }

  /** Ring offset of the spectrum of partition p (p blocks old) in the state arrays. */
  slotOffset(state: PartitionedFdState, p: number): number {
    const P = this.partitions;
    return ((state.head - p + P) % P) * this.bins;
  }

  /** The error e = d − y of the last {@link forward}/{@link step} (scratch of its state, length B). */
  get lastError(): Float32Array {
    return (this.lastWs ?? this.own()).e;
  }

  forward(params: Float32Array, state: PartitionedFdState, frame: readonly Float32Array[], output: Float32Array): void {
    this.checkFrame(params, frame, output);
    const ws = this.bind(state);
    this.pushInput(ws, state, frame[1]);
    this.predict(ws, params, state, frame[0], output, true);
    this.unbind(state, ws);
    state.frames++;
  }

  /** Throws a ShapeError unless the frame is [primary, reference] of B samples, with an output of B and enough params. */
  private checkFrame(params: Float32Array, frame: readonly Float32Array[], output: Float32Array): void {
    if (frame.length < 2) {
      throw new ShapeError(
        `PartitionedFdFilter expects 2 channels per frame (primary, reference). Received ${frame.length}.`,
      );
    }
    const d = frame[0];
    const x = frame[1];
    const B = this.blockSize;
    if (d.length !== B || x.length !== B || output.length !== B) {
      throw new ShapeError(
        `PartitionedFdFilter frame length mismatch: expected ${B} samples per channel and output; received primary ${d.length}, reference ${x.length}, output ${output.length}.`,
      );
    }
    if (params.length < this.layout.size) {
      throw new ShapeError(
        `PartitionedFdFilter params: expected length ${this.layout.size}, received ${params.length}.`,
      );
    }
  }

  /** The newest input spectrum into the ring: FFT([x_prev, x]) straight into the next ring slot. */
  private pushInput(ws: FdWorkspace, state: PartitionedFdState, x: Float32Array): void {
    const B = this.blockSize;
    const buf = ws.buf;
    buf.set(ws.xPrev);
    buf.set(x, B);
    ws.xPrev.set(x);
    state.head = (state.head + 1) % this.partitions;
    const o = state.head * this.bins * 4;
    ws.k.rfftForward(buf.byteOffset, ws.xRe.byteOffset + o, ws.xIm.byteOffset + o, ws.tab, B);
  }

  /**
   * Output of the current frame for other weights, reusing the input spectra the last
   * {@link forward}/{@link step} pushed into `state` (no input FFT): e.g. the EMA weights' output
   * next to the raw weights' learning pass. Leaves {@link lastError} (the learning pass's error)
   * untouched.
   */
  forwardSameInput(
    params: Float32Array,
    state: PartitionedFdState,
    frame: readonly Float32Array[],
    output: Float32Array,
  ): void {
    const B = this.blockSize;
    if (frame.length < 2 || frame[0].length !== B || output.length !== B || params.length < this.layout.size) {
      throw new ShapeError(
        `PartitionedFdFilter.forwardSameInput expects [primary, reference] of ${B} samples, an output of ${B} and ${this.layout.size} params.`,
      );
    }
    this.predict(this.bind(state), params, state, frame[0], output, false);
  }

  /**
   * Y = Σ_p W_p ⊙ X_p → y (last B samples of the IFFT) → output (error or prediction). A learning
   * pass (`keepError`) keeps Y in `ws.yRe/yIm`, another weight set's output in `ws.y2Re/y2Im`.
   */
  private predict(
    ws: FdWorkspace,
    params: Float32Array,
    state: PartitionedFdState,
    d: Float32Array,
    output: Float32Array,
    keepError: boolean,
  ): void {
    const w = this.weightsPtr(ws, params);
    const yRe = (keepError ? ws.yRe : ws.y2Re).byteOffset;
    const yIm = (keepError ? ws.yIm : ws.y2Im).byteOffset;
    ws.k.spectralMac(
      yRe,
      yIm,
      w,
      w + 4 * this.imOffset,
      ws.xRe.byteOffset,
      ws.xIm.byteOffset,
      state.head,
      this.partitions,
      this.bins,
    );
    this.emit(ws, yRe, yIm, d, output, keepError);
  }

  /** y = last B samples of IFFT(Y at yRe, yIm) → output (error or prediction); the error into `ws.e` when `keepError`. */
  private emit(
    ws: FdWorkspace,
    yRe: number,
    yIm: number,
    d: Float32Array,
    output: Float32Array,
    keepError: boolean,
  ): void {
    const B = this.blockSize;
    const buf = ws.buf;
    ws.k.rfftInverse(yRe, yIm, buf.byteOffset, ws.tab, B);
    const e = ws.e;
    if (keepError) this.lastWs = ws;
    if (this.output === 'error') {
      for (let i = 0; i < B; i++) {
        const err = d[i] - buf[B + i];
        output[i] = err;
        if (keepError) e[i] = err;
      }
    } else {
      for (let i = 0; i < B; i++) {
        const y = buf[B + i];
        output[i] = y;
        if (keepError) e[i] = d[i] - y;
      }
    }
  }

  step(
    params: Float32Array,
    state: PartitionedFdState,
    frame: readonly Float32Array[],
    output: Float32Array,
    grad: Float32Array,
  ): number {
    this.forward(params, state, frame, output);
    return this.gradient(state, grad, null);
  }

  /**
   * {@link step} without a return value: the loss goes to {@link lastLoss}. A hot loop calling this
   * never boxes a double return value (no per-frame heap allocation). `grad` = null defers the
   * gradient as in {@link learnWithOutput} (only the loss is computed).
   */
  learn(
    params: Float32Array,
    state: PartitionedFdState,
    frame: readonly Float32Array[],
    output: Float32Array,
    grad: Float32Array | null,
  ): void {
    this.forward(params, state, frame, output);
    if (grad !== null) this.gradientInto(state, grad, null);
    else this.lastLoss[0] = this.loss(this.lastError);
  }

  /**
   * {@link learn} on `params` and {@link forwardSameInput} on `outParams` in one call: the two
   * spectral multiply-accumulates share one pass over the input ring (`spectralMac2`), bit-identical
   * to the two calls (`learnOutput` gets the learning pass's output, `output` the other weights').
   * `grad` = null defers the gradient: only the loss is computed ({@link lastLoss}), and a later
   * {@link gradientInto}, or the step of {@link adamaxStepKernel}, computes the same gradient from
   * the same error and input spectra (until the next pass on `state`).
   * Only for a state from {@link createState} whose arena holds both weight sets and `grad` (the
   * zero-copy optimizer layout); returns false, having done nothing, otherwise.
   */
  learnWithOutput(
    params: Float32Array,
    outParams: Float32Array,
    state: PartitionedFdState,
    frame: readonly Float32Array[],
    learnOutput: Float32Array,
    output: Float32Array,
    grad: Float32Array | null,
  ): boolean {
    const ws = (state as StateWithWorkspace)[WORKSPACE];
    if (ws === undefined || ws.xRe !== state.xRe || ws.xIm !== state.xIm || ws.xPrev !== state.xPrev) return false;
    const arena = ws.arena;
    if (!arena.owns(params) || !arena.owns(outParams) || (grad !== null && !arena.owns(grad))) return false;
    this.checkFrame(params, frame, learnOutput);
    if (output.length !== this.blockSize || outParams.length < this.layout.size) {
      throw new ShapeError(
        `PartitionedFdFilter.learnWithOutput: expected an output of ${this.blockSize} and ${this.layout.size} output params; received ${output.length}, ${outParams.length}.`,
      );
    }
    this.pushInput(ws, state, frame[1]);
    const w = params.byteOffset;
    const w2 = outParams.byteOffset;
    const im = 4 * this.imOffset;
    ws.k.spectralMac2(
      ws.yRe.byteOffset,
      ws.yIm.byteOffset,
      w,
      w + im,
      ws.y2Re.byteOffset,
      ws.y2Im.byteOffset,
      w2,
      w2 + im,
      ws.xRe.byteOffset,
      ws.xIm.byteOffset,
      state.head,
      this.partitions,
      this.bins,
    );
    this.emit(ws, ws.yRe.byteOffset, ws.yIm.byteOffset, frame[0], learnOutput, true);
    state.frames++;
    if (grad !== null) this.gradientInto(state, grad, null);
    else this.lastLoss[0] = this.loss(ws.e);
    this.emit(ws, ws.y2Re.byteOffset, ws.y2Im.byteOffset, frame[0], output, false);
    return true;
  }

  /**
   * {@link learnWithOutput} (gradient deferred) as one kernel call on `state`, bound once to the
   * weights `params` (learning pass) and `outParams` (second output) and to the outputs it writes:
   * `learnOutput` (the learning pass's error), `output` (the second weight set's error) and
   * `prediction` (d − e, rounded to float32), plus the block energies ({@link FdLearnPass.stats}).
   * A run copies the two input blocks into the arena and makes one call (`fdLearn2`): the input
   * FFT, `spectralMac2`, both inverse FFTs and the per-sample loops, bit-identical to
   * {@link learnWithOutput} and the same loops in JavaScript. The arrays are checked here, once.
   * Only for a model whose output is the error and a state from {@link createState} whose arena
   * holds every array (lengths: the layout's size, B); null otherwise. With `convex` (λ and ∂λ in
   * the same arena, B + 1 floats each) its {@link FdLearnPass.convex} is bound too. One per state: a
   * later call on the same state rebinds it.
   */
  learnPass(
    state: PartitionedFdState,
    params: Float32Array,
    outParams: Float32Array,
    learnOutput: Float32Array,
    output: Float32Array,
    prediction: Float32Array,
    convex: { readonly lambda: Float32Array; readonly dLambda: Float32Array } | null = null,
  ): FdLearnPass | null {
    const ws = (state as StateWithWorkspace)[WORKSPACE];
    if (ws === undefined || ws.xRe !== state.xRe || ws.xIm !== state.xIm || ws.xPrev !== state.xPrev) return null;
    const a = ws.arena;
    const B = this.blockSize;
    const n = this.layout.size;
    if (this.output !== 'error' || !a.owns(params) || !a.owns(outParams) || params.length < n) return null;
    if (outParams.length < n || !a.owns(learnOutput) || !a.owns(output) || !a.owns(prediction)) return null;
    if (learnOutput.length !== B || output.length !== B || prediction.length !== B) return null;
    const S = FdLearnSlots;
    const d = ws.desc;
    const im = 4 * this.imOffset;
    d[S.d] = ws.d.byteOffset;
    d[S.xPrev] = ws.xPrev.byteOffset;
    d[S.buf] = ws.buf.byteOffset;
    d[S.tab] = ws.tab;
    d[S.m] = B;
    d[S.xRe] = ws.xRe.byteOffset;
    d[S.xIm] = ws.xIm.byteOffset;
    d[S.parts] = this.partitions;
    d[S.bins] = this.bins;
    d.set([params.byteOffset, params.byteOffset + im, outParams.byteOffset, outParams.byteOffset + im], S.wRe);
    d.set([ws.yRe.byteOffset, ws.yIm.byteOffset, ws.y2Re.byteOffset, ws.y2Im.byteOffset], S.yRe);
    d.set([ws.e.byteOffset, learnOutput.byteOffset, output.byteOffset, prediction.byteOffset], S.e);
    d[S.stats] = ws.stats.byteOffset;
    const hasConvex = convex !== null && this.bindConvex(ws, convex.lambda, convex.dLambda);
    return {
      stats: ws.stats.subarray(0, FD_STATS.convex + 1),
      hasConvex,
      run: (dIn, xIn) => this.runLearnPass(ws, state, dIn, xIn),
      convex: (out) => this.runConvex(ws, hasConvex, out),
    };
  }

  /** The convex combination's pointers into a learning pass's descriptor; false when λ, ∂λ are not in the arena with B + 1 floats. */
  private bindConvex(ws: FdWorkspace, lambda: Float32Array, dLambda: Float32Array): boolean {
    const a = ws.arena;
    if (!a.owns(lambda) || !a.owns(dLambda) || lambda.length !== this.bins || dLambda.length !== this.bins)
      return false;
    const S = FdLearnSlots;
    ws.desc.set([ws.gRe.byteOffset, ws.gIm.byteOffset, lambda.byteOffset, dLambda.byteOffset, ws.ec.byteOffset], S.gRe);
    return true;
  }

  /** One {@link FdLearnPass.convex}. */
  private runConvex(ws: FdWorkspace, bound: boolean, output: Float32Array): void {
    if (!bound || output.length !== this.blockSize) {
      throw new ShapeError(
        `PartitionedFdFilter.learnPass: convex needs λ and ∂λ bound and an output of ${this.blockSize} samples; received ${output.length}.`,
      );
    }
    ws.k.fdConvex(ws.desc.byteOffset);
    output.set(ws.ec);
  }

  /** One run of a {@link learnPass}. */
  private runLearnPass(ws: FdWorkspace, state: PartitionedFdState, d: Float32Array, x: Float32Array): boolean {
    const B = this.blockSize;
    if (d.length !== B || x.length !== B) {
      throw new ShapeError(
        `PartitionedFdFilter.learnPass expects ${B} samples per block; received ${d.length}, ${x.length}.`,
      );
    }
    ws.buf.set(x, B);
    ws.d.set(d);
    const head = (state.head + 1) % this.partitions;
    if (ws.k.fdLearn2(ws.desc.byteOffset, head) !== 0) return false;
    state.head = head;
    state.frames++;
    this.lastWs = ws;
    this.lastLoss[0] = (0.5 * ws.stats[2]!) / B;
    return true;
  }

  /**
   * A kernel for `AdamaxCore.stepScaledFrom` that makes the scaled Adamax step of weights in this
   * layout from the gradient of the last error on `state`, computed inside the pass: the loss and
   * G = FFT([0_B, −e/B]) as in {@link gradientInto}, then `fdAdamaxScaled` (per bin the values
   * {@link gradientInto} writes without a factor, never stored). So a step through it equals
   * {@link gradientInto} into the engine's `grads` followed by `stepScaled`, bit for bit. Only for a
   * state from {@link createState} whose arena is `arena` (the engine's), without gradient
   * projection; null otherwise. Make it once per state (it is an object).
   */
  adamaxStepKernel(state: PartitionedFdState, arena: KernelArena): ScaledStepKernel | null {
    const ws = (state as StateWithWorkspace)[WORKSPACE];
    if (ws === undefined || ws.arena !== arena || ws.xRe !== state.xRe || this.projectGradient) return null;
    const parts = this.partitions;
    const bins = this.bins;
    const xRe = ws.xRe.byteOffset;
    const xIm = ws.xIm.byteOffset;
    const gRe = ws.gRe.byteOffset;
    const gIm = ws.gIm.byteOffset;
    return {
      scaledStep: (w, m, u, s, row, bin) => {
        this.errorSpectrum(ws);
        ws.k.fdAdamaxScaled(w, m, u, s, row, bin, xRe, xIm, gRe, gIm, 0, state.head, parts, bins);
      },
    };
  }

  /**
   * {@link adamaxStepKernel} with the proportionate row factors made in the same kernel call and
   * the weight constraint of one partition after the step: one `fdStep` call per step, equal bit
   * for bit to partition norms of the weights → factors f_p = min((1 − α) + α‖W_p‖ / mean_q ‖W_q‖,
   * max) for the real and the imaginary row of p (all 1 when α ≤ 0 or every norm is 0) → the step
   * of {@link adamaxStepKernel} → {@link constrain}(w, `partition`). The factors go to the engine's
   * row buffer (its `rowStep`, 2P floats in this arena). Takes 16 bytes of the arena's free space
   * (α and max as float64). Same conditions as {@link adamaxStepKernel}; null otherwise.
   */
  proportionateStepKernel(
    state: PartitionedFdState,
    arena: KernelArena,
    alpha: number,
    max: number,
  ): FdStepKernel | null {
    const ws = (state as StateWithWorkspace)[WORKSPACE];
    if (ws === undefined || ws.arena !== arena || ws.xRe !== state.xRe || this.projectGradient) return null;
    const block = arena.allocF32(4);
    const prop = float64View(block);
    prop[0] = alpha;
    prop[1] = max;
    const p = block.byteOffset;
    const desc = ws.stepDesc.byteOffset;
    const constrained = this.constrained;
    const loss = this.lastLoss;
    const kernel: FdStepKernel = {
      partition: -1,
      scaledStep: (w, m, u, s, row, bin) => {
        ws.k.fdStep(desc, w, m, u, s, row, bin, p, state.head, constrained ? kernel.partition : -1);
        loss[0] = ws.stats[FD_STATS.loss]!;
      },
    };
    return kernel;
  }

  /** (1/2B) Σ e² in float64, the loss of an error block. */
  private loss(e: Float32Array): number {
    let sum = 0;
    for (let i = 0; i < e.length; i++) sum += e[i] * e[i];
    return (0.5 * sum) / e.length;
  }

  /** The loss of the error in `ws.e` into {@link lastLoss} and G = FFT([0_B, −e/B]) into `ws.gRe`, `ws.gIm`. */
  private errorSpectrum(ws: FdWorkspace): void {
    const B = this.blockSize;
    const { buf, e } = ws;
    let loss = 0;
    const inv = 1 / B;
    for (let i = 0; i < B; i++) {
      buf[i] = 0;
      buf[B + i] = -e[i] * inv;
      loss += e[i] * e[i];
    }
    ws.k.rfftForward(buf.byteOffset, ws.gRe.byteOffset, ws.gIm.byteOffset, ws.tab, B);
    this.lastLoss[0] = (0.5 * loss) / B;
  }

  /**
   * Output of the per-bin convex combination of the last two weight sets and the combination's
   * gradient, from their output spectra: after a learning pass on W₁ ({@link learn}) and an output of
   * W₂ on the same input ({@link forwardSameInput}), or both at once ({@link learnWithOutput}),
   * ```
   * W_c[p][k] = W₂[p][k] + λ_k (W₁[p][k] − W₂[p][k])    ⇒    Y_c = Y₂ + λ ⊙ (Y₁ − Y₂)
   * e_c = d − last B samples of IFFT(Y_c),    G = FFT([0_B, −e_c/B])
   * ∂loss(e_c)/∂λ_k = Σ_p ⟨∂loss/∂W_c[p][k], W₁ − W₂⟩ = c_k/N · Re(conj(G_k)·(Y₁ − Y₂)_k)
   * ```
   * (c_k as in the gradient; the sum over partitions is already inside Y₁ and Y₂, so no pass over
   * the P·(B+1) weights). Equal to forming W_c and calling {@link forwardSameInput} and
   * {@link gradient} up to float32 rounding (the sums run in another order). `output` gets e_c (or
   * y_c), `dLambda` the derivative per bin; {@link lastError} stays the learning pass's error.
   */
  convexOutput(
    state: PartitionedFdState,
    lambda: Float32Array,
    d: Float32Array,
    output: Float32Array,
    dLambda: Float32Array,
  ): void {
    const B = this.blockSize;
    const bins = this.bins;
    if (d.length !== B || output.length !== B || lambda.length !== bins || dLambda.length !== bins) {
      throw new ShapeError(
        `PartitionedFdFilter.convexOutput expects a primary and an output of ${B} samples and λ, ∂λ of ${bins} bins; received ${d.length}, ${output.length}, ${lambda.length}, ${dLambda.length}.`,
      );
    }
    const ws = this.bind(state);
    const { yRe, yIm, y2Re, y2Im, buf, gRe, gIm } = ws;
    if (this.output === 'error' && ws.arena.owns(lambda) && ws.arena.owns(dLambda)) {
      // one kernel call: the same operations (the kernel reference's), λ and ∂λ read and written in place
      // (no array literals here: a destructured array is a heap object until escape analysis removes it)
      ws.d.set(d);
      const lp = lambda.byteOffset;
      const dl = dLambda.byteOffset;
      const r1 = yRe.byteOffset;
      const i1 = yIm.byteOffset;
      const r2 = y2Re.byteOffset;
      const i2 = y2Im.byteOffset;
      const g0 = gRe.byteOffset;
      const g1 = gIm.byteOffset;
      ws.k.convexOutput(r1, i1, r2, i2, lp, ws.d.byteOffset, ws.ec.byteOffset, buf.byteOffset, g0, g1, dl, ws.tab, B);
      output.set(ws.ec);
      return;
    }
    for (let k = 0; k < bins; k++) {
      const dr = yRe[k] - y2Re[k];
      const di = yIm[k] - y2Im[k];
      yRe[k] = dr; // Y₁ − Y₂ stays for the gradient
      yIm[k] = di;
      y2Re[k] += lambda[k] * dr;
      y2Im[k] += lambda[k] * di;
    }
    ws.k.rfftInverse(y2Re.byteOffset, y2Im.byteOffset, buf.byteOffset, ws.tab, B);
    const e = ws.f; // scratch (bins ≥ B floats): e_c rounded to float32, as the gradient reads an error
    for (let i = 0; i < B; i++) e[i] = d[i] - buf[B + i];
    if (this.output === 'error') for (let i = 0; i < B; i++) output[i] = e[i];
    else for (let i = 0; i < B; i++) output[i] = buf[B + i];
    const inv = 1 / B;
    for (let i = 0; i < B; i++) {
      buf[i] = 0;
      buf[B + i] = -e[i] * inv;
    }
    ws.k.rfftForward(buf.byteOffset, gRe.byteOffset, gIm.byteOffset, ws.tab, B);
    const m = bins - 1;
    const c = this.gradScale;
    for (let k = 1; k < m; k++) dLambda[k] = c * (gRe[k] * yRe[k] + gIm[k] * yIm[k]);
    dLambda[0] = 0.5 * c * gRe[0] * yRe[0];
    dLambda[m] = 0.5 * c * gRe[m] * yRe[m];
  }

  /** Arena bytes that {@link coherenceKernel} takes for `lags` lags. */
  coherenceBytes(lags: number): number {
    return (
      arenaFloatBytes(coherenceStatsFloats(lags, this.bins)) +
      arenaFloatBytes(CoherenceSlots.length) +
      arenaFloatBytes(2) * 2
    );
  }

  /**
   * A bound `coherentPower` kernel on `state` (its descriptor, statistics, a and 1 − a, and result
   * in the state's arena, taken once here: {@link coherenceBytes}): each `run(d)` makes
   * D = FFT([0_B, d]) in the gradient's scratch spectra and updates, per bin and lag, the smoothed
   * cross-spectra of D with the newest `lags` input spectra, the smoothed |X_0|² and |D|², then
   * `out` = [Σ_k Σ_l |C_lk|² / S_k, Σ_k Q_k] (see the kernel's reference for the exact order). Run it
   * after the block's pass (the ring's newest row is this block's input) and between passes, like
   * {@link powerSpectrum}.
   */
  coherenceKernel(state: PartitionedFdState, lags: number, a: number): CoherenceKernel {
    const ws = (state as StateWithWorkspace)[WORKSPACE];
    if (ws === undefined || ws.xRe !== state.xRe || !(lags >= 1 && lags <= this.partitions) || !(a >= 0 && a < 1)) {
      throw new ShapeError(
        `PartitionedFdFilter.coherenceKernel expects a state from createState, 1–${this.partitions} lags and 0 ≤ a < 1; received ${ws === undefined ? 'a foreign state' : 'a state'}, ${lags}, ${a}.`,
      );
    }
    const B = this.blockSize;
    const arena = ws.arena;
    const st = arena.allocF32(coherenceStatsFloats(lags, this.bins));
    const ab = arena.allocF32(2);
    ab[0] = a;
    ab[1] = 1 - a;
    const out = arena.allocF32(2);
    const desc = int32View(arena.allocF32(CoherenceSlots.length));
    const S = CoherenceSlots;
    desc.set([ws.d.byteOffset, ws.buf.byteOffset, ws.tab, B, ws.gRe.byteOffset, ws.gIm.byteOffset], S.d);
    desc.set([ws.xRe.byteOffset, ws.xIm.byteOffset, this.partitions, this.bins, lags], S.xRe);
    desc.set([st.byteOffset, ab.byteOffset, out.byteOffset], S.st);
    const at = desc.byteOffset;
    return {
      out,
      stats: st,
      run: (d) => {
        if (d.length !== B) {
          throw new ShapeError(`PartitionedFdFilter.coherenceKernel expects ${B} samples; received ${d.length}.`);
        }
        // a block already in the arena (the canceller's error) is read where it is: no copy
        if (arena.owns(d)) desc[S.d] = d.byteOffset;
        else {
          ws.d.set(d);
          desc[S.d] = ws.d.byteOffset;
        }
        ws.k.coherentPower(at, state.head);
      },
      reset: () => st.fill(0),
    };
  }

  /**
   * Power spectrum of a block placed in the second half of a zeroed 2B window (the window of the
   * error in the gradient): `out[k] = |FFT([0_B, x])_k|²`, k = 0..B. Uses the gradient's scratch
   * buffers, so call it between passes, not between a learning pass and its {@link convexOutput}.
   */
  powerSpectrum(state: PartitionedFdState, x: Float32Array, out: Float32Array): void {
    const B = this.blockSize;
    if (x.length !== B || out.length !== this.bins) {
      throw new ShapeError(
        `PartitionedFdFilter.powerSpectrum expects ${B} samples and an output of ${this.bins} bins; received ${x.length}, ${out.length}.`,
      );
    }
    const ws = this.bind(state);
    const { buf, gRe, gIm } = ws;
    for (let i = 0; i < B; i++) {
      buf[i] = 0;
      buf[B + i] = x[i];
    }
    ws.k.rfftForward(buf.byteOffset, gRe.byteOffset, gIm.byteOffset, ws.tab, B);
    for (let k = 0; k < this.bins; k++) out[k] = gRe[k] * gRe[k] + gIm[k] * gIm[k];
  }

  /**
   * Gradient of the last frame's loss (after {@link forward}) into `grad`, optionally with a
   * per-bin real factor s_k applied to Φ_p before the constraint (FD-NLMS uses s_k = 1/power_k).
   * Returns the loss (1/2B) Σ e².
   */
  gradient(state: PartitionedFdState, grad: Float32Array, binScale: Float32Array | Float64Array | null): number {
    this.gradientInto(state, grad, binScale);
    return this.lastLoss[0];
  }

  /** {@link gradient} without a return value (the loss goes to {@link lastLoss}; no boxed double). */
  gradientInto(state: PartitionedFdState, grad: Float32Array, binScale: Float32Array | Float64Array | null): void {
    if (grad.length < this.layout.size) {
      throw new ShapeError(`PartitionedFdFilter grad: expected length ${this.layout.size}, received ${grad.length}.`);
    }
    const ws = this.bind(state);
    const { buf, k } = ws;
    this.errorSpectrum(ws);
    let fp = 0;
    if (binScale !== null) {
      const f = ws.f;
      for (let i = 0; i < f.length; i++) f[i] = binScale[i];
      fp = ws.f.byteOffset;
    }
    const inPlace = ws.arena.owns(grad);
    const g = inPlace ? grad.byteOffset : ws.grad.byteOffset;
    k.fdGradient(
      g,
      g + 4 * this.imOffset,
      ws.xRe.byteOffset,
      ws.xIm.byteOffset,
      ws.gRe.byteOffset,
      ws.gIm.byteOffset,
      fp,
      state.head,
      this.partitions,
      this.bins,
      this.projectGradient ? 1 : 0,
      ws.tab,
      buf.byteOffset,
      ws.phiRe,
      ws.phiIm,
    );
    if (!inPlace) grad.set(ws.grad);
  }

  /**
   * Projects the weights onto the constrained subspace in place: each partition's time-domain
   * response keeps its first B samples (the "weight constraint" of constrained FDAF / MDF).
   * `partition` = −1 (default) projects all partitions; k ≥ 0 projects partition k only (the
   * alternately-updated MDF uses k = block index mod P). No-op for an unconstrained filter.
   * In place when `params` lives in the arena of the last state used (or of `state`), else through
   * the model's own arena.
   */
  constrain(params: Float32Array, partition = -1, state: PartitionedFdState | null = null): void {
    if (!this.constrained) return;
    const from = Math.max(partition, 0);
    const to = partition < 0 ? this.partitions : partition + 1;
    const sws = state === null ? undefined : (state as StateWithWorkspace)[WORKSPACE];
    const last = this.lastWs;
    const ws = sws?.arena.owns(params) ? sws : last?.arena.owns(params) ? last : this.own();
    const w = this.weightsPtr(ws, params);
    ws.k.projectPartitions(w, w + 4 * this.imOffset, this.bins, from, to, ws.tab, ws.buf.byteOffset);
    if (w === ws.params.byteOffset) params.set(ws.params);
  }

  /** Writes the weights of a P·B-tap FIR `taps` into `params` (exactly constrained). */
  setImpulseResponse(params: Float32Array, taps: ArrayLike<number>): void {
    if (taps.length > this.taps) {
      throw new InvalidOptionError([
        { option: 'taps', message: `Impulse response longer than the filter: ${taps.length} > ${this.taps} taps.` },
      ]);
    }
    const ws = this.own();
    const buf = ws.buf;
    const bins = this.bins;
    const B = this.blockSize;
    const re = ws.gRe;
    const im = ws.gIm;
    for (let p = 0; p < this.partitions; p++) {
      buf.fill(0);
      for (let j = 0; j < B; j++) {
        const n = p * B + j;
        buf[j] = n < taps.length ? taps[n] : 0;
      }
      ws.k.rfftForward(buf.byteOffset, re.byteOffset, im.byteOffset, ws.tab, B);
      for (let k = 0; k < bins; k++) {
        params[p * bins + k] = re[k];
        params[this.imOffset + p * bins + k] = k === 0 || k === B ? 0 : im[k];
      }
    }
  }

  /** Reads the P·B-tap time-domain impulse response of the (constrained part of the) weights. */
  impulseResponse(params: Float32Array, out: Float32Array = new Float32Array(this.taps)): Float32Array {
    const ws = this.own();
    const bins = this.bins;
    const B = this.blockSize;
    const re = ws.gRe;
    const im = ws.gIm;
    for (let p = 0; p < this.partitions; p++) {
      for (let k = 0; k < bins; k++) {
        re[k] = params[p * bins + k];
        im[k] = params[this.imOffset + p * bins + k];
      }
      ws.k.rfftInverse(re.byteOffset, im.byteOffset, ws.buf.byteOffset, ws.tab, B);
      for (let j = 0; j < B; j++) out[p * B + j] = ws.buf[j];
    }
    return out;
  }
}

type StateWithWorkspace = PartitionedFdState & { [WORKSPACE]?: FdWorkspace };

function int32View(v: Float32Array): Int32Array {
  return new Int32Array(v.buffer, v.byteOffset, v.length);
}

/** The float64 view of an arena block (16-byte aligned) of an even number of floats. */
function float64View(v: Float32Array): Float64Array {
  return new Float64Array(v.buffer, v.byteOffset, v.length / 2);
}
