import { AdamaxStreamError } from '../core/errors.js';
import { AdamaxScalars } from '../core/kernels/adamax-scalars.js';
import { adamaxFinite, adamaxUpdate } from '../core/kernels/adamax-update.js';
import { emaUpdate } from '../core/kernels/ema-update.js';
import { sumFloat32, sumSquares } from '../core/kernels/sum-squares.js';
import type { ParamLayout } from '../core/param-layout.js';
import { powfLibmInto } from '../core/powf-libm.js';
import { powfSvmlInto } from '../core/powf-svml.js';
import type { AdamaxWasmKernel } from '../core/wasm/adamax-wasm.js';
import { arenaFloatBytes, INLINE_CHECK_FLOATS, KernelArena, type SimdKernels } from '../core/wasm/kernel-arena.js';
import { biasCorrectionOneFrom } from './bias-correction-one-from.js';
import type { LearningRate } from './learning-rate.js';

const f32 = Math.fround;

/**
 * Floats in the staging block of {@link AdamaxCore.stepFrom} (64 KiB: stays in L2 between the copy
 * and the kernel's read).
 */
const STAGE_FLOATS = 16384;

/** Hyper-parameters as the engine needs them (validated by `Adamax`). `null` = off. */
export interface AdamaxHyperParameters {
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly weightDecay: number | null;
  readonly clipnorm: number | null;
  readonly clipvalue: number | null;
  readonly globalClipnorm: number | null;
  readonly useEma: boolean;
  readonly emaMomentum: number;
  readonly emaOverwriteFrequency: number | null;
  readonly lossScaleFactor: number | null;
  readonly gradientAccumulationSteps: number | null;
  /** The float32 power of the bias correction β1^t (default `'libm'`); see {@link PowfFlavour}. */
  readonly powf?: PowfFlavour;
}

/**
 * Which float32 `pow` computes β1^t. Keras' numpy backend calls NumPy's float32 `power`, which is
 * glibc's `powf` (`'libm'`) on CPUs without AVX-512 and Intel SVML's `powf16` (`'svml'`) on CPUs with
 * it; neither is correctly rounded and they differ by 1 ulp at some t (β1 = 0.9: 183 of the first
 * 20,000 steps). Both are reproduced bit for bit, so results match Keras on either kind of host.
 */
export type PowfFlavour = 'libm' | 'svml';

/**
 * Which kernel runs the elementwise Adamax update: `'wasm'` (WebAssembly SIMD; buffers live in
 * wasm memory), `'js'` (the TypeScript reference), or `'auto'` (wasm when available). Both are
 * bit-identical: WebAssembly's f32 arithmetic rounds exactly like `Math.fround` after each op.
 */
export type AdamaxBackend = 'auto' | 'wasm' | 'js';

/**
 * A kernel that makes the scaled Adamax step of {@link AdamaxCore.stepScaled} from a gradient it
 * computes itself ({@link AdamaxCore.stepScaledFrom}). Its arguments are byte pointers into the
 * engine's arena: the weights, m, u (the engine's buffers), the scalar block (lr, c1, β2, ε, k),
 * the row factors and the bin factors (0: none).
 */
export interface ScaledStepKernel {
  scaledStep(w: number, m: number, u: number, s: number, row: number, bin: number): void;
}

/** What one {@link AdamaxCore.step} did to the weights. */
export const StepOutcome = { Applied: 0, Accumulated: 1, SkippedNonFinite: 2 } as const;
export type StepOutcome = (typeof StepOutcome)[keyof typeof StepOutcome];

/**
 * The allocation-free Adamax engine over one flat parameter buffer: the single implementation
 * of the math behind {@link Adamax.apply} and the signal code's hot path.
 *
 * All buffers (`params`, `grads`, `m`, `u`, the EMA `average`, the accumulator `acc`) are
 * allocated once here. One {@link step} is Keras' `apply` (base_optimizer.py), in order:
 * ```
 * g ← g / lossScaleFactor                                  (per micro-step)
 * accumulation N:  not an update micro-step → acc ← g + acc; skip to EMA
 *                  update micro-step      → g ← (g + acc) / N; after the update acc ← 0
 * clip: clipnorm g ← g·c / max(‖g‖, c) per group | global g ← g · c·min(1/G, 1/c) | clipvalue
 * weight decay:  w ← w − (w · wd) · lr      (groups not excluded; lr re-read per group)
 * Adamax:        m ← m + (g − m)(1 − β1);  u ← max(β2 u, |g|);  w ← w − lr·m / ((1 − β1^t)(u + ε))
 *                t = floor(raw / N) + 1
 * EMA:           μ = (k ≠ 0) · momentum, k = floor(raw / N);  avg ← μ·avg + (1 − μ)·w  (all groups)
 *                if (k + 1) % overwriteFrequency = 0: w ← avg                       (all groups)
 * raw ← raw + 1
 * ```
 * Groups whose `present` flag is 0 behave like Keras' `None` gradients: no unscale, clip,
 * decay, update or accumulation for them, but they take part in EMA and the counter advances.
 */
export class AdamaxCore {
  readonly layout: ParamLayout;
  readonly params: Float32Array;
  readonly grads: Float32Array;
  readonly m: Float32Array;
  /**
   * The infinity norm u (values ≥ +0, +∞ or NaN). After writing it from outside, call
   * {@link normalizeU}: the wasm kernels' maximum expects no −0 here.
   */
  readonly u: Float32Array;
  readonly average: Float32Array | null;
  readonly acc: Float32Array | null;
  /** 1 where the group has a gradient this step (default: all 1). */
  readonly present: Uint8Array;
  /** 1 where weight decay applies to the group. */
  readonly decayMask: Uint8Array;
  /** Raw micro-step counter (Keras `optimizer._iterations`). */
  rawIterations = 0;
  /** Learning rate used by the last real update (NaN before the first). */
  lastLearningRate = Number.NaN;

  /** The kernel in use after resolving `'auto'`. */
  readonly backend: 'wasm' | 'js';
  /**
   * Whether {@link stepFrom} can run: no pass over the whole gradient comes before the update (no
   * loss scale, accumulation or clipping), and the engine owns its arena (wasm: the staging block
   * lives there) or runs the TypeScript kernel.
   */
  readonly streamsGradients: boolean;
  /** The staging block of {@link stepFrom} (wasm backend in its own arena), else null. */
  private readonly stage: Float32Array | null;
  private readonly hp: AdamaxHyperParameters;
  private readonly lr: LearningRate;
  /** The arena holding every buffer (the caller's, or one created here). */
  readonly arena: KernelArena;
  private readonly wasm: AdamaxWasmKernel | null;
  /** The fused Adamax + EMA kernel (wasm backend with EMA), else null. */
  private readonly adamaxEma: SimdKernels['adamaxEma'] | null;
  private readonly pAverage: number;
  /** Whether the groups tile [0, n) (then an update of every group touches every parameter). */
  private readonly tiled: boolean;
  /**
   * Whether {@link stepIfFinite} applies: no loss scaling, accumulation, clipping or weight decay,
   * and the groups tile the buffer (the step is then one update kernel plus the EMA).
   */
  readonly checksAhead: boolean;
  private readonly pParams: number;
  private readonly pGrads: number;
  private readonly pM: number;
  private readonly pU: number;
  /**
   * The kernels' scalar block (slots of `AdamaxScalars`) in the arena: c1, β2, ε written once here,
   * lr, k, mom, om before each kernel call; the kernels read them from memory, so no double is
   * passed (and boxed) to call them.
   */
  private readonly scalars: Float32Array;
  private readonly pScalars: number;
  private readonly groupSums: Float32Array;
  private readonly offs: Int32Array;
  private readonly lens: Int32Array;
  // float32 scalars, rounded once
  /** f32(β1), in a typed array: the power reads it from there (no double argument to box). */
  private readonly b1: Float32Array;
  /** float32 power of the bias correction (NumPy's libm or SVML kernel), typed arrays in and out. */
  private readonly powf: typeof powfLibmInto;
  /** First update t from which k = f32(1 − β1^t) is exactly 1 ({@link biasCorrectionOneFrom}). */
  private readonly kOneFrom: number;
  private readonly wd: number;
  private readonly clipnorm: number;
  private readonly globalClip: number;
  private readonly invGlobalClip: number;
  private readonly clipvalue: number;
  private readonly emaMomentum: number;
  private readonly lsf: number;
  private readonly accSteps: number;
  private readonly accStepsF32: number;

  /** Bytes the buffers of an engine for `n` parameters take in a {@link KernelArena}. */
  static arenaBytes(n: number, hp: Pick<AdamaxHyperParameters, 'useEma' | 'gradientAccumulationSteps'>): number {
    const arrays = 4 + (hp.useEma ? 1 : 0) + (hp.gradientAccumulationSteps ? 1 : 0);
    return arrays * arenaFloatBytes(n) + arenaFloatBytes(AdamaxScalars.length);
  }

  /**
   * @internal Built by `Adamax.buildFlat` (which owns the learning-rate holder), not directly.
   * @param arena where the buffers live (default: a new arena of exactly their size). Passing the
   * arena of a model's state (e.g. `PartitionedFdFilter.createState(reserve)`) lets the model's
   * kernels read `params` and write `grads` in place.
   */
  constructor(
    layout: ParamLayout,
    hp: AdamaxHyperParameters,
    lr: LearningRate,
    backend: AdamaxBackend = 'auto',
    arena?: KernelArena,
  ) {
    this.layout = layout;
    this.hp = hp;
    this.lr = lr;
    const n = layout.size;
    const g = layout.groups.length;
    // One arena for everything: wasm memory when the SIMD kernel is used, else a plain ArrayBuffer.
    // An arena of its own also holds the staging block of stepFrom.
    const stageFloats = arena || backend === 'js' ? 0 : Math.min(Math.max(n, 1), STAGE_FLOATS);
    const own = AdamaxCore.arenaBytes(n, hp) + arenaFloatBytes(stageFloats);
    this.arena = arena ?? KernelArena.create(own, backend === 'js' ? 'js' : backend);
    if (backend === 'wasm' && this.arena.backend !== 'wasm') {
      throw new AdamaxStreamError(
        'invalid_option',
        "backend 'wasm' was requested but WebAssembly SIMD is not available in this runtime; use 'auto' or 'js'.",
      );
    }
    this.wasm = backend !== 'js' && this.arena.backend === 'wasm' ? this.arena.kernels.adamax : null;
    this.backend = this.wasm ? 'wasm' : 'js';
    this.params = this.arena.allocF32(n);
    this.grads = this.arena.allocF32(n);
    this.m = this.arena.allocF32(n);
    this.u = this.arena.allocF32(n);
    this.average = hp.useEma ? this.arena.allocF32(n) : null;
    this.acc = hp.gradientAccumulationSteps ? this.arena.allocF32(n) : null;
    this.stage = this.wasm && stageFloats ? this.arena.allocF32(stageFloats) : null;
    this.scalars = this.arena.allocF32(AdamaxScalars.length);
    this.pScalars = this.scalars.byteOffset;
    this.pParams = this.params.byteOffset;
    this.pGrads = this.grads.byteOffset;
    this.pM = this.m.byteOffset;
    this.pU = this.u.byteOffset;
    this.pAverage = this.average ? this.average.byteOffset : 0;
    this.adamaxEma = this.wasm && this.average ? this.arena.kernels.adamaxEma : null;
    let covered = 0;
    for (const grp of layout.groups) covered = grp.offset === covered ? covered + grp.length : Number.NaN;
    this.tiled = covered === n;
    this.present = new Uint8Array(g).fill(1);
    this.decayMask = new Uint8Array(g).fill(1);
    this.groupSums = new Float32Array(g);
    this.offs = Int32Array.from(layout.groups, (x) => x.offset);
    this.lens = Int32Array.from(layout.groups, (x) => x.length);
    this.scalars[AdamaxScalars.c1] = f32(1 - hp.beta1);
    // + 0: a β2 of −0 becomes +0, the wasm maximum's domain (equal in every step: β2·u is ±0 either way).
    this.scalars[AdamaxScalars.beta2] = f32(hp.beta2) + 0;
    this.scalars[AdamaxScalars.eps] = f32(hp.epsilon);
    this.b1 = Float32Array.of(hp.beta1);
    this.powf = hp.powf === 'svml' ? powfSvmlInto : powfLibmInto;
    this.kOneFrom = biasCorrectionOneFrom(this.b1[0]!);
    this.wd = hp.weightDecay === null ? 0 : f32(hp.weightDecay);
    // Keras: clipping is on when the value is truthy; a negative or zero value silently means off.
    this.clipnorm = hp.clipnorm !== null && hp.clipnorm > 0 ? f32(hp.clipnorm) : 0;
    this.globalClip = hp.globalClipnorm !== null && hp.globalClipnorm > 0 ? f32(hp.globalClipnorm) : 0;
    this.invGlobalClip = this.globalClip ? f32(1 / hp.globalClipnorm!) : 0;
    this.clipvalue = hp.clipvalue !== null && hp.clipvalue > 0 ? f32(hp.clipvalue) : 0;
    this.emaMomentum = f32(hp.emaMomentum);
    this.lsf = hp.lossScaleFactor === null ? 0 : f32(hp.lossScaleFactor);
    this.accSteps = hp.gradientAccumulationSteps ?? 0;
    this.accStepsF32 = f32(this.accSteps);
    // nothing makes a pass over the whole gradient before the update
    const elementwise = !this.lsf && !this.accSteps && !this.clipnorm && !this.globalClip && !this.clipvalue;
    this.checksAhead = this.tiled && elementwise && hp.weightDecay === null;
    this.streamsGradients = elementwise && (!this.wasm || this.stage !== null);
  }

  /**
   * Rewrites every −0 in `u` as +0 (call after writing `u` from outside, e.g. a restored state). Both
   * give the same later steps, max(β2·(−0), |g|) = max(+0, |g|) for every g, but the wasm kernels'
   * maximum of bit patterns takes u ≥ +0 or NaN.
   */
  normalizeU(): void {
    const u = this.u;
    for (let i = 0; i < u.length; i++) if (u[i] === 0) u[i] = 0;
  }

  /** Real updates so far (Keras `optimizer.iterations` = floor(raw / N)). */
  get iterations(): number {
    return this.accSteps ? Math.floor(this.rawIterations / this.accSteps) : this.rawIterations;
  }

  /** The learning rate a read now would return (calls a callable once). */
  currentLearningRate(): number {
    return this.lr.read(this.rawIterations);
  }

  /** Whether the next {@link step} is a real update (always true without accumulation). */
  get nextIsUpdate(): boolean {
    return !this.accSteps || (this.rawIterations + 1) % this.accSteps === 0;
  }

  /**
   * One Keras `apply` on the flat buffers: consumes `grads` (overwritten), updates `params`
   * and the state in place. Allocates nothing.
   */
  step(): StepOutcome {
    const { grads, present, offs, lens } = this;
    const nGroups = lens.length;
    const raw = this.rawIterations;
    if (this.lsf) {
      const s = this.lsf;
      for (let k = 0; k < nGroups; k++) {
        if (!present[k]) continue;
        const end = offs[k]! + lens[k]!;
        for (let i = offs[k]!; i < end; i++) grads[i] = f32(grads[i]! / s);
      }
    }
    let outcome: StepOutcome = StepOutcome.Applied;
    let emaDone = false;
    if (this.accSteps) {
      const acc = this.acc!;
      if ((raw + 1) % this.accSteps !== 0) {
        for (let k = 0; k < nGroups; k++) {
          if (!present[k]) continue;
          const end = offs[k]! + lens[k]!;
          for (let i = offs[k]!; i < end; i++) acc[i] = f32(grads[i]! + acc[i]!);
        }
        outcome = StepOutcome.Accumulated;
      } else {
        const nf = this.accStepsF32;
        for (let k = 0; k < nGroups; k++) {
          if (!present[k]) continue;
          const end = offs[k]! + lens[k]!;
          for (let i = offs[k]!; i < end; i++) grads[i] = f32(f32(grads[i]! + acc[i]!) / nf);
        }
        emaDone = this.update(Math.floor(raw / this.accSteps) + 1) === true;
        acc.fill(0);
      }
    } else {
      emaDone = this.update(raw + 1) === true;
    }
    if (this.average) this.ema(emaDone);
    this.rawIterations = raw + 1;
    return outcome;
  }

  /**
   * {@link step} on gradients that live outside the engine (`Adamax.apply`'s arrays), when
   * {@link streamsGradients}: `sources[k]` is group k's gradient, or null when the group has none
   * (sets `present`). Per element the same float32 operations as `grads.set(sources[k], offset)`
   * then `step()`, so the result is bit-identical; `grads` is not written. With the wasm kernel each
   * source goes through the arena's staging block a chunk at a time, and the update (fused with the
   * EMA as in `step()`) runs on each chunk while it is in cache: the gradient crosses memory once,
   * where the copy into `grads` and the kernel's read made it cross three times. A source must not
   * share memory with the engine's weights or state (weight decay writes them before it is read).
   */
  stepFrom(sources: readonly (Float32Array | null)[]): StepOutcome {
    if (!this.streamsGradients) {
      throw new AdamaxStreamError('invalid_argument', 'stepFrom needs an engine with streamsGradients.');
    }
    const present = this.present;
    for (let k = 0; k < present.length; k++) present[k] = sources[k] ? 1 : 0;
    const raw = this.rawIterations;
    const emaDone = this.update(raw + 1, false, sources) === true;
    if (this.average) this.ema(emaDone);
    this.rawIterations = raw + 1;
    return StepOutcome.Applied;
  }

  /** The update kernel of {@link stepFrom} on one group (offset `o`, length `n`), chunk by chunk. */
  private updateFrom(src: Float32Array, o: number, n: number, fused: boolean): void {
    const stage = this.stage;
    if (!stage) {
      adamaxUpdate(this.params, o, src, 0, this.m, this.u, o, n, this.scalars, 0);
      return;
    }
    const { pParams: pw, pM: pm, pU: pu, pAverage: pa, pScalars: ps } = this;
    const pst = stage.byteOffset;
    const size = stage.length;
    for (let c = 0; c < n; c += size) {
      const len = Math.min(size, n - c);
      stage.set(len === src.length ? src : src.subarray(c, c + len));
      const b = (o + c) * 4;
      if (fused) this.adamaxEma!(pw + b, pst, pm + b, pu + b, len, ps, pa + b);
      else this.wasm!(pw + b, pst, pm + b, pu + b, len, ps);
    }
  }

  /**
   * {@link step} that writes nothing when its result would not be finite. Only when
   * {@link checksAhead} and every group is present ({@link allPresent}); callers check both. The
   * update's look-ahead kernel (`adamaxFinite`) first runs the same float32 operations without
   * storing; when a new weight, moment or average would be NaN or ±Infinity, no buffer is written,
   * the counter does not advance and `SkippedNonFinite` is returned (`lastLearningRate` holds the
   * rate that was read). Otherwise it is exactly `step()`. A transactional step then needs no backup
   * of the buffers (see `FiniteStep`).
   */
  stepIfFinite(): StepOutcome {
    const raw = this.rawIterations;
    const emaDone = this.update(raw + 1, true);
    if (emaDone === null) return StepOutcome.SkippedNonFinite;
    if (this.average) this.ema(emaDone);
    this.rawIterations = raw + 1;
    return StepOutcome.Applied;
  }

  /**
   * Clip, weight decay and the Adamax update of the present groups. With the wasm backend, EMA on,
   * every group present and the groups tiling the buffer, the EMA of the updated weights runs in
   * the same kernel pass (per element the same float32 ops as {@link ema}); returns true then.
   * With `lookAhead` ({@link stepIfFinite}): returns null, having written nothing, when the update
   * (and EMA) would produce a non-finite value. With `sources` ({@link stepFrom}) each present group's
   * gradient is read from there instead of `grads`.
   */
  private update(
    t: number,
    lookAhead = false,
    sources: readonly (Float32Array | null)[] | null = null,
  ): boolean | null {
    const { grads, params, present, offs, lens, scalars, pScalars: ps } = this;
    const nGroups = lens.length;
    this.clipGradients();
    if (this.hp.weightDecay !== null) this.decayWeights();
    this.writeStepScalars(t);
    const wasm = this.wasm;
    const fused = this.adamaxEma !== null && this.tiled && this.allPresent();
    if (lookAhead && !this.finiteAhead()) return null;
    const { pParams: pw, pGrads: pg, pM: pm, pU: pu, pAverage: pa } = this;
    for (let k = 0; k < nGroups; k++) {
      if (!present[k]) continue;
      const o = offs[k]!;
      const b = o * 4;
      if (sources) this.updateFrom(sources[k]!, o, lens[k]!, fused);
      else if (fused) this.adamaxEma!(pw + b, pg + b, pm + b, pu + b, lens[k]!, ps, pa + b);
      else if (wasm) wasm(pw + b, pg + b, pm + b, pu + b, lens[k]!, ps);
      else adamaxUpdate(params, o, grads, o, this.m, this.u, o, lens[k]!, scalars, 0);
    }
    return fused;
  }

  /** The scalar block for update t: lr (read once), k = f32(1 − β1^t), and the EMA's mom, om. */
  private writeStepScalars(t: number): void {
    const scalars = this.scalars;
    this.lr.readInto(this.rawIterations, scalars, AdamaxScalars.lr);
    this.lastLearningRate = scalars[AdamaxScalars.lr]!;
    // k = f32(1 − β1^t): β1^t into the slot, then 1 − it (a float32 store rounds like f32());
    // exactly 1 from kOneFrom on (no power needed: see biasCorrectionOneFrom)
    if (t >= this.kOneFrom) {
      scalars[AdamaxScalars.k] = 1;
    } else {
      this.powf(this.b1, 0, t, scalars, AdamaxScalars.k);
      scalars[AdamaxScalars.k] = 1 - scalars[AdamaxScalars.k]!;
    }
    this.writeEmaScalars();
  }

  /**
   * {@link step} with each element's step scaled, for a buffer of `rowStep.length` rows of equal
   * length (e.g. the partitions of a partitioned filter): with w₀ the weights before the update and
   * w_a the Adamax result,
   * ```
   * w ← w₀ + f32(f_r · s_k) · (w_a − w₀)      every op float32; f_r = rowStep[r], s_k = binStep[k] (null: f_r alone)
   * ```
   * one kernel pass (`adamaxScaled`), bit-identical to `step()` followed by that pass over a copy of
   * the weights taken before it. Only for a plain update: {@link checksAhead}, every group present,
   * no EMA, `rowStep` (and `binStep`) in this engine's arena, a row length that divides the buffer
   * and a kernel backend equal to the arena's. Returns false, having done nothing, otherwise (the
   * caller then takes the unfused passes).
   */
  stepScaled(rowStep: Float32Array, binStep: Float32Array | null): boolean {
    if (!this.canStepScaled(rowStep, binStep)) return false;
    const rows = rowStep.length;
    const t = this.rawIterations + 1;
    this.writeStepScalars(t);
    const binPtr = binStep === null ? 0 : binStep.byteOffset;
    const { pParams: w, pGrads: g, pM: m, pU: u, pScalars: sc } = this;
    this.arena.kernels.adamaxScaled(w, g, m, u, rows, this.params.length / rows, sc, rowStep.byteOffset, binPtr);
    this.rawIterations = t;
    return true;
  }

  /**
   * {@link stepScaled} whose gradient a model kernel computes inside the pass (it never goes to
   * `grads`): writes this step's scalars, calls `kernel.scaledStep` with the byte pointers of the
   * weights, m, u, the scalar block and the factors (`bin` = 0: none), and counts the step. The
   * kernel runs the float32 operations of `adamaxScaled` on the gradient it computes, so the result
   * is that of writing the gradient into `grads` and calling {@link stepScaled}. Same conditions as
   * {@link stepScaled} ({@link canStepScaled}); the kernel must work in this engine's arena. Returns
   * false, having done nothing, otherwise.
   */
  stepScaledFrom(rowStep: Float32Array, binStep: Float32Array | null, kernel: ScaledStepKernel): boolean {
    if (!this.canStepScaled(rowStep, binStep)) return false;
    const t = this.rawIterations + 1;
    this.writeStepScalars(t);
    const binPtr = binStep === null ? 0 : binStep.byteOffset;
    kernel.scaledStep(this.pParams, this.pM, this.pU, this.pScalars, rowStep.byteOffset, binPtr);
    this.rawIterations = t;
    return true;
  }

  /** Whether {@link stepScaled} would run (else it returns false and does nothing). */
  canStepScaled(rowStep: Float32Array, binStep: Float32Array | null): boolean {
    const n = this.params.length;
    const rows = rowStep.length;
    const arena = this.arena;
    if (!this.checksAhead || this.average !== null || this.backend !== arena.backend || rows === 0) return false;
    if (n % rows !== 0 || !arena.owns(rowStep) || !this.allPresent()) return false;
    return binStep === null || (binStep.length === n / rows && arena.owns(binStep));
  }

  /** The EMA's scalars for this step: mom = (iterations ≠ 0) · momentum, om = f32(1 − mom). */
  private writeEmaScalars(): void {
    const mom = this.iterations !== 0 ? this.emaMomentum : 0;
    this.scalars[AdamaxScalars.mom] = mom;
    this.scalars[AdamaxScalars.om] = 1 - mom;
  }

  /** Weight decay `w ← w − (w · wd) · lr` of the present, not excluded groups (lr re-read per group, as Keras). */
  private decayWeights(): void {
    const { params, present, offs, lens } = this;
    const wd = this.wd;
    for (let k = 0; k < lens.length; k++) {
      if (!present[k] || !this.decayMask[k]) continue;
      const lr = this.lr.read(this.rawIterations);
      const end = offs[k]! + lens[k]!;
      for (let i = offs[k]!; i < end; i++) params[i] = f32(params[i]! - f32(f32(params[i]! * wd) * lr));
    }
  }

  /**
   * The look-ahead kernel over the whole buffer: whether the update (and EMA) with the scalars in
   * the block stays finite (the TypeScript reference on the views up to `INLINE_CHECK_FLOATS` parameters).
   */
  private finiteAhead(): boolean {
    const n = this.params.length;
    if (n <= INLINE_CHECK_FLOATS) {
      const { params: w, grads: g, m, u, average, scalars } = this;
      return adamaxFinite(w, 0, g, 0, m, 0, u, 0, n, scalars, 0, average, 0);
    }
    const { pParams: pw, pGrads: pg, pM: pm, pU: pu, pAverage: pa, pScalars: ps } = this;
    return this.arena.kernels.adamaxFinite(pw, pg, pm, pu, n, ps, pa) !== 0;
  }

  /** Whether every group has a gradient this step. */
  allPresent(): boolean {
    const present = this.present;
    for (let k = 0; k < present.length; k++) if (!present[k]) return false;
    return true;
  }

  /**
   * Keras `_clip_gradients` on `grads` (present groups), in place: clipnorm per group, else the
   * global norm, else elementwise clipvalue; no-op when no clip is set. `step()` calls it on the
   * averaged gradient of each real update.
   */
  clipGradients(): void {
    const { grads, present, offs, lens } = this;
    const nGroups = lens.length;
    if (this.clipnorm) {
      const c = this.clipnorm;
      for (let k = 0; k < nGroups; k++) {
        if (!present[k]) continue;
        const o = offs[k]!;
        const end = o + lens[k]!;
        const s = sumSquares(grads, o, lens[k]!);
        const norm = s > 0 ? f32(Math.sqrt(s)) : s;
        const denom = Math.max(norm, c);
        for (let i = o; i < end; i++) grads[i] = f32(f32(grads[i]! * c) / denom);
      }
    } else if (this.globalClip) {
      const sums = this.groupSums;
      let count = 0;
      for (let k = 0; k < nGroups; k++) {
        if (!present[k]) continue;
        sums[count++] = sumSquares(grads, offs[k]!, lens[k]!);
      }
      const norm = f32(Math.sqrt(sumFloat32(sums, 0, count)));
      const c = this.globalClip;
      let scale = f32(c * Math.min(f32(1 / norm), this.invGlobalClip));
      scale = f32(scale + f32(norm - norm));
      for (let k = 0; k < nGroups; k++) {
        if (!present[k]) continue;
        const end = offs[k]! + lens[k]!;
        for (let i = offs[k]!; i < end; i++) grads[i] = f32(grads[i]! * scale);
      }
    } else if (this.clipvalue) {
      const v = this.clipvalue;
      for (let k = 0; k < nGroups; k++) {
        if (!present[k]) continue;
        const end = offs[k]! + lens[k]!;
        for (let i = offs[k]!; i < end; i++) {
          const x = grads[i]!;
          // np.clip: NaN passes through (a comparison with NaN is false).
          // biome-ignore lint/complexity/useMathMinMax: explicit comparisons keep np.clip's NaN semantics visible
          grads[i] = x < -v ? -v : x > v ? v : x;
        }
      }
    }
  }

  /** EMA of all weights (unless `fused`: the update kernel did it), then the periodic overwrite. */
  private ema(fused: boolean): void {
    const avg = this.average!;
    const params = this.params;
    const k = this.iterations;
    if (!fused) {
      this.writeEmaScalars();
      emaUpdate(avg, 0, params, 0, params.length, this.scalars, 0);
    }
    const freq = this.hp.emaOverwriteFrequency;
    if (freq && (k + 1) % freq === 0) params.set(avg);
  }

  /** Copies the EMA averages into `params` (Keras `finalize_variable_values`); no-op without EMA. */
  finalize(): void {
    if (this.average) this.params.set(this.average);
  }
}
