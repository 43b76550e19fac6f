import { arenaFloatBytes, INLINE_CHECK_FLOATS } from '../core/wasm/kernel-arena.js';
import { type AdamaxCore, StepOutcome } from './adamax-core.js';

/** What a guarded optimizer path does with a step whose result would not be finite. */
export type NonFiniteResultPolicy = 'error' | 'skip' | 'propagate';

/** Index of the first non-finite element of `a[offset, offset + length)`, or −1. */
export function firstNonFinite(a: Float32Array, offset: number, length: number): number {
  const end = offset + length;
  for (let i = offset; i < end; i++) {
    const x = a[i]!;
    // x − x is 0 for finite x and NaN for ±Infinity and NaN (cheaper than Number.isFinite in a loop).
    if (x - x !== 0) return i;
  }
  return -1;
}

/**
 * A transactional {@link AdamaxCore.step}: the step runs, and its result is kept only when every
 * buffer it wrote is finite. For the plain configuration ({@link AdamaxCore.checksAhead}, every group
 * present) the engine's look-ahead kernel decides before anything is written
 * ({@link AdamaxCore.stepIfFinite}: same float32 operations, so the same verdict) and no backup is
 * made; otherwise:
 * ```
 * saved ← (params, m, u, average, acc, raw, lastLr)
 * outcome ← core.step()
 * if any of params, m, u, average, acc is NaN/±Inf:  restore saved; outcome ← SkippedNonFinite
 * ```
 * This catches every source of a non-finite update — a NaN/Inf gradient, a schedule or callable
 * returning NaN/Inf, an overflow in clipping (a finite 1e38 gradient under `globalClipnorm`), in the
 * accumulator or in the weight update — without a check in the kernel. The backup buffers are
 * allocated once here; {@link step} allocates nothing.
 */
export class FiniteStep {
  readonly core: AdamaxCore;
  /** The non-finite learning rate the last rejected step read, or `null` (finite, or nothing rejected). */
  rejectedLearningRate: number | null = null;
  /** Steps rolled back so far. */
  rejected = 0;
  private readonly live: Float32Array[];
  private readonly saved: Float32Array[];
  /**
   * Small engines whose buffers lie back to back in the arena (params, grads, m, u[, average][, acc]):
   * one view over all of them and one backup, so the save is one copy instead of one per buffer
   * (per-call costs dominate a step of a few parameters). Null: save buffer by buffer.
   */
  private readonly span: Float32Array | null;
  private readonly savedSpan: Float32Array | null;
  /** Byte pointers and lengths of the ranges the post-step scan covers (params; m … last buffer when contiguous). */
  private readonly scanPtr: Int32Array;
  private readonly scanLen: Int32Array;
  /**
   * The arena's buffer as floats when the engine has at most `INLINE_CHECK_FLOATS` parameters: the
   * post-step scan then runs in TypeScript (no call into wasm); null otherwise.
   */
  private readonly inlineHeap: Float32Array | null;

  constructor(core: AdamaxCore) {
    this.core = core;
    const live = [core.params, core.m, core.u];
    if (core.average) live.push(core.average);
    if (core.acc) live.push(core.acc);
    this.live = live;
    const tail = live.slice(1);
    const tailContiguous = contiguous(tail);
    const spanBytes = live.at(-1)!.byteOffset + live.at(-1)!.byteLength - core.params.byteOffset;
    if (contiguous([core.params, core.grads, ...tail]) && spanBytes <= SMALL_SPAN_BYTES) {
      const base = core.params.byteOffset;
      this.span = new Float32Array(core.params.buffer, base, spanBytes >> 2);
      this.savedSpan = new Float32Array(this.span.length);
      this.saved = live.map((a) =>
        this.savedSpan!.subarray((a.byteOffset - base) >> 2, (a.byteOffset - base + a.byteLength) >> 2),
      );
    } else {
      this.span = null;
      this.savedSpan = null;
      this.saved = live.map((a) => new Float32Array(a.length));
    }
    const ranges = tailContiguous ? [core.params, spanOf(tail)] : live;
    this.scanPtr = Int32Array.from(ranges, (a) => a.byteOffset);
    this.scanLen = Int32Array.from(ranges, (a) => a.length);
    this.inlineHeap = core.params.length <= INLINE_CHECK_FLOATS ? new Float32Array(core.params.buffer) : null;
  }

  /** One step of the core, rolled back (and reported as `SkippedNonFinite`) if its result is not finite. */
  step(): StepOutcome {
    const core = this.core;
    if (core.checksAhead && core.allPresent()) {
      // the engine checks before it writes: no backup, no scan
      const lastLr = core.lastLearningRate;
      const outcome = core.stepIfFinite();
      if (outcome !== StepOutcome.SkippedNonFinite) return outcome;
      return this.rejectStep(StepOutcome.Applied, core.rawIterations, lastLr);
    }
    const { live, saved, scanPtr, scanLen } = this;
    if (this.span) this.savedSpan!.set(this.span);
    else for (let i = 0; i < live.length; i++) saved[i]!.set(live[i]!);
    const raw = core.rawIterations;
    const lastLr = core.lastLearningRate;
    const outcome = core.step();
    let ok = true;
    // the scan runs in the engine's kernels (wasm SIMD when available: the buffers live in its
    // arena), or in TypeScript for a few parameters
    const scan = core.arena.kernels.firstNonFinite;
    const heap = this.inlineHeap;
    for (let i = 0; i < scanPtr.length && ok; i++) {
      const at = heap ? firstNonFinite(heap, scanPtr[i]! >> 2, scanLen[i]!) : scan(scanPtr[i]!, scanLen[i]!);
      ok = at < 0;
    }
    if (ok) return outcome;
    for (let i = 0; i < live.length; i++) live[i]!.set(saved[i]!);
    return this.rejectStep(outcome, raw, lastLr);
  }

  /** The bookkeeping of a rejected step (`attempted`: what the step would have been); restores the counter and the last rate. */
  private rejectStep(attempted: StepOutcome, raw: number, lastLr: number): StepOutcome {
    const core = this.core;
    const lr = core.lastLearningRate;
    this.rejectedLearningRate = attempted === StepOutcome.Applied && lr - lr !== 0 ? lr : null;
    core.rawIterations = raw;
    core.lastLearningRate = lastLr;
    this.rejected++;
    return StepOutcome.SkippedNonFinite;
  }

  /** The message of a rejected step, naming the learning rate when it was the cause. */
  describeRejection(): string {
    const raw = this.core.rawIterations;
    return this.rejectedLearningRate === null
      ? `The step at raw iteration ${raw} would have made the weights or moments non-finite (NaN or Infinity: a non-finite gradient, or an overflow in clipping, accumulation or the update); it was rolled back.`
      : `The learning rate at raw iteration ${raw} is ${this.rejectedLearningRate}; the step would have made the weights non-finite and was rolled back.`;
  }
}

/** Up to this many bytes of engine buffers are saved with one copy (grads and padding included). */
const SMALL_SPAN_BYTES = 64 * 1024;

/**
 * Whether the views lie back to back in one buffer, each starting where the previous one's arena
 * slot ends (its length rounded up to 16 bytes). The padding between them is zero and no kernel
 * writes it (their scalar tails stop at the length), so scanning it finds nothing.
 */
function contiguous(views: readonly Float32Array[]): boolean {
  for (let i = 1; i < views.length; i++) {
    const prev = views[i - 1]!;
    if (views[i]!.buffer !== prev.buffer || views[i]!.byteOffset !== prev.byteOffset + arenaFloatBytes(prev.length)) {
      return false;
    }
  }
  return true;
}

/** One view from the first to the end of the last of contiguous views. */
function spanOf(views: readonly Float32Array[]): Float32Array {
  const first = views[0]!;
  const last = views.at(-1)!;
  return new Float32Array(first.buffer, first.byteOffset, (last.byteOffset + last.byteLength - first.byteOffset) >> 2);
}
