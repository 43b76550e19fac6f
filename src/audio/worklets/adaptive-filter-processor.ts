/**
 * AudioWorklet processor of the live path: filters every render quantum with the latest model
 * weights published by the main thread, and hands the input (and the processed output) back to
 * the main thread through SharedArrayBuffer rings. Nothing allocates inside `process()`: every
 * buffer, view and table is created in the constructor.
 *
 * It runs as plain JavaScript inside node-web-audio-api's worklet thread, compiled by the main build
 * (→ `dist/src/audio/worklets/…`, beside the modules it imports) or transpiled at run time with its
 * relative imports when running from the TS sources (see `worklet-module-url.ts`). Its only runtime
 * import is the project's one FFT (`signal/real-fft.ts`, with `core/bit-reversal.ts` and `core/errors.ts`), so
 * `tsconfig.worklet.json` type-checks those files for the worklet scope too. The main thread
 * imports this module as well, for the shared-memory layout constants and the DSP kernels;
 * registration only happens where `registerProcessor` exists.
 *
 * Shared memory (all created by {@link createLiveBuffers}):
 * - `control` Int32Array: sequence numbers, ring indices and counters ({@link Ctl});
 * - `times` Float64Array: wall-clock stamps ({@link Times}), epoch ms (`timeOrigin + now()`);
 * - `weights` Float32Array(2·W): the double buffer, slot `seq & 1` is the live model;
 * - `inputRing` Float32Array(C·R): C planar channels of R samples (R a power of two);
 * - `outputRing` Float32Array(R): the processed output (the "second tap").
 *
 * Weight hand-over (double buffer + sequence number, lock-free, never torn): the main thread writes
 * the slot `(pub + 1) & 1` only when the worklet has acknowledged `pub` (`AckSeq === PubSeq`), i.e.
 * when the worklet reads nothing but slot `pub & 1`; it then stores `PubSeq = pub + 1`. At the
 * start of each block the worklet compares `PubSeq` with the sequence it uses; on a change it
 * switches slots, stamps `times[AckTime]`, and stores `AckSeq`. The slot being written is never the
 * slot being read.
 */

import { RealFft } from '../../signal/real-fft.js';
import type {
  AudioWorkletProcessorConstructor,
  AudioWorkletScope,
  WorkletProcessorConstructionOptions,
} from './audio-worklet-scope.js';

/** Name under which the processor is registered. */
export const ADAPTIVE_FILTER_PROCESSOR = 'adamax-stream-adaptive-filter';

/** Slots of the Int32 `control` array. */
export const Ctl = {
  /** Weight sequence number published by the main thread (slot = seq & 1). */
  PubSeq: 0,
  /** Sequence number the worklet has switched to. */
  AckSeq: 1,
  /** Samples written into the input ring (wrapping int32), by the worklet. */
  InWrite: 2,
  /** Samples consumed from the input ring, by the main thread. */
  InRead: 3,
  /** Samples written into the output ring, by the worklet. */
  OutWrite: 4,
  /** Samples consumed from the output ring, by the main thread. */
  OutRead: 5,
  /** Render quanta processed. */
  Blocks: 6,
  /** Blocks dropped because the input ring was full (the main thread fell behind). */
  InputOverruns: 7,
  /** Discontinuities of `currentFrame` between consecutive calls (quanta the worklet never saw). */
  FrameGaps: 8,
  /** Blocks whose output could not be recorded (output ring full). */
  OutputOverruns: 9,
  /** Output samples the STFT had not produced yet (gain model, only if the block size varies). */
  StftUnderflows: 10,
  /** Blocks whose filtered output was not finite and was replaced by the primary input. */
  NonFiniteBlocks: 11,
} as const;
export const CONTROL_SLOTS = 16;

/** Slots of the Float64 `times` array. */
export const Times = {
  /** Epoch ms at which the worklet switched to `AckSeq` (start of the first block using it). */
  AckTime: 0,
  /** `currentFrame` of the first block (ring sample 0 is this context frame). */
  FirstFrame: 1,
} as const;
export const TIME_SLOTS = 4;

/** Model kinds the processor applies. */
export type WorkletModelKind = 'fir' | 'gain';

/** `processorOptions` of the processor (structured-cloned; the SharedArrayBuffers stay shared). */
export interface AdaptiveFilterProcessorOptions {
  readonly kind: WorkletModelKind;
  /** FIR: taps L. Gain: bins K = fftSize/2 + 1. */
  readonly weightCount: number;
  /** FIR: delay Δ applied to the filter input. Default 0. */
  readonly delay?: number;
  /** FIR: `'reference'` filters input channel 1 (default), `'primary'` channel 0 delayed by Δ ≥ 1. */
  readonly input?: 'reference' | 'primary';
  /** Gain: STFT length N (a power of two, 256 or 512 recommended); hop N/2. */
  readonly fftSize?: number;
  /** Channels copied into the input ring (1 or 2). */
  readonly ringChannels: number;
  /** Ring length R in samples per channel (a power of two). */
  readonly ringCapacity: number;
  readonly control: SharedArrayBuffer;
  readonly times: SharedArrayBuffer;
  readonly weights: SharedArrayBuffer;
  readonly inputRing: SharedArrayBuffer;
  /** `null`: the processed output is not recorded. */
  readonly outputRing: SharedArrayBuffer | null;
}

/** The shared buffers of one live session, plus typed views over them. */
export interface LiveBuffers {
  readonly options: AdaptiveFilterProcessorOptions;
  readonly control: Int32Array;
  readonly times: Float64Array;
  /** The two weight slots. */
  readonly slots: readonly [Float32Array, Float32Array];
  /** One view per ring channel. */
  readonly inputRing: readonly Float32Array[];
  readonly outputRing: Float32Array | null;
}

/** Allocates the shared memory for one session (main thread). Slot 0 holds the initial weights (seq 0). */
export function createLiveBuffers(
  spec: Omit<AdaptiveFilterProcessorOptions, 'control' | 'times' | 'weights' | 'inputRing' | 'outputRing'>,
  record: boolean,
): LiveBuffers {
  const w = spec.weightCount;
  const r = spec.ringCapacity;
  if (!Number.isInteger(r) || r < 256 || (r & (r - 1)) !== 0) {
    throw new RangeError(`ringCapacity must be a power of two >= 256. Received: ${r}`);
  }
  const control = new SharedArrayBuffer(CONTROL_SLOTS * 4);
  const times = new SharedArrayBuffer(TIME_SLOTS * 8);
  const weights = new SharedArrayBuffer(2 * w * 4);
  const inputRing = new SharedArrayBuffer(spec.ringChannels * r * 4);
  const outputRing = record ? new SharedArrayBuffer(r * 4) : null;
  const options: AdaptiveFilterProcessorOptions = { ...spec, control, times, weights, inputRing, outputRing };
  const timesView = new Float64Array(times);
  timesView.fill(Number.NaN);
  return {
    options,
    control: new Int32Array(control),
    times: timesView,
    slots: [new Float32Array(weights, 0, w), new Float32Array(weights, w * 4, w)],
    inputRing: Array.from({ length: spec.ringChannels }, (_, c) => new Float32Array(inputRing, c * r * 4, r)),
    outputRing: outputRing ? new Float32Array(outputRing) : null,
  };
}

/** Algorithmic delay in samples of the 'gain' model's STFT: N − B (B = render quantum, B ≤ N/2). */
export function stftLatency(fftSize: number, quantum: number): number {
  return fftSize - Math.min(quantum, fftSize / 2);
}

const MAX_CHUNK = 4096;

/**
 * Time-domain FIR applied with given weights (FirFilter's forward, error output):
 * `y[n] = Σ_k w[k]·x[n − Δ − k]`, `out[n] = d[n] − y[n]`. Keeps `L − 1 + Δ` samples of history.
 */
export class FirKernel {
  readonly taps: number;
  readonly delay: number;
  private readonly history: Float32Array;
  private readonly x: Float32Array;

  constructor(taps: number, delay = 0) {
    this.taps = taps;
    this.delay = delay;
    this.history = new Float32Array(taps - 1 + delay);
    this.x = new Float32Array(taps - 1 + delay + MAX_CHUNK);
  }

  /** Forgets the input history (after a non-finite block, so that it does not linger). */
  reset(): void {
    this.history.fill(0);
  }

  /** Filters `n` samples: primary `d`, filter input `x`, weights `w`, into `out` (may alias nothing). */
  process(w: Float32Array, d: Float32Array, xin: Float32Array, out: Float32Array, n: number): void {
    const { taps, history, x } = this;
    const h = history.length;
    const base = taps - 1;
    for (let off = 0; off < n; off += MAX_CHUNK) {
      const len = Math.min(MAX_CHUNK, n - off);
      x.set(history, 0);
      for (let i = 0; i < len; i++) x[h + i] = xin[off + i];
      for (let i = 0; i < len; i++) {
        let y = 0;
        const p = base + i;
        for (let k = 0; k < taps; k++) y += w[k] * x[p - k];
        out[off + i] = d[off + i] - y;
      }
      if (h > 0) x.copyWithin(0, len, len + h);
      for (let i = 0; i < h; i++) history[i] = x[i];
    }
  }
}

/**
 * Per-bin spectral gains applied with a √Hann WOLA STFT (N-sample frames, hop H = N/2, periodic
 * window so analysis·synthesis sums to 1). Input is consumed block by block; when a hop completes
 * the frame is transformed, multiplied by the gains (K = N/2 + 1), inverse-transformed, windowed and
 * overlap-added, and H finished samples are queued. The queue is primed with H − B zeros, so a
 * stream of B-sample blocks (B ≤ H, B | H) comes out continuously delayed by exactly
 * {@link stftLatency} = N − B samples (128 at N = 256, 384 at N = 512, for B = 128).
 */
export class StftGainKernel {
  readonly fftSize: number;
  readonly hop: number;
  readonly bins: number;
  readonly latency: number;
  private readonly fft: RealFft;
  private readonly window: Float64Array;
  private readonly frame: Float64Array;
  private readonly buf: Float64Array;
  private readonly re: Float64Array;
  private readonly im: Float64Array;
  private readonly ola: Float64Array;
  private readonly fifo: Float32Array;
  private readonly mask: number;
  private fifoRead = 0;
  private fifoCount = 0;
  private hopFill = 0;
  underflows = 0;

  constructor(fftSize: number, quantum: number) {
    this.fft = new RealFft(fftSize);
    this.fftSize = fftSize;
    this.hop = fftSize / 2;
    this.bins = this.hop + 1;
    this.latency = stftLatency(fftSize, quantum);
    this.window = new Float64Array(fftSize);
    for (let i = 0; i < fftSize; i++) this.window[i] = Math.sqrt(0.5 - 0.5 * Math.cos((2 * Math.PI * i) / fftSize));
    this.frame = new Float64Array(fftSize);
    this.buf = new Float64Array(fftSize);
    this.re = new Float64Array(this.bins);
    this.im = new Float64Array(this.bins);
    this.ola = new Float64Array(fftSize);
    let cap = 1;
    while (cap < 2 * fftSize + MAX_CHUNK) cap <<= 1;
    this.fifo = new Float32Array(cap);
    this.mask = cap - 1;
    this.fifoCount = this.hop - Math.min(quantum, this.hop); // primed with zeros
  }

  private runHop(gains: Float32Array): void {
    const { fftSize: n, hop, bins, window, frame, buf, re, im, ola, fifo, mask } = this;
    for (let i = 0; i < n; i++) buf[i] = frame[i] * window[i];
    this.fft.forward(buf, re, im);
    for (let k = 0; k < bins; k++) {
      const g = gains[k];
      re[k] *= g;
      im[k] *= g;
    }
    this.fft.inverse(re, im, buf);
    for (let i = 0; i < n; i++) ola[i] += buf[i] * window[i];
    let w = this.fifoRead + this.fifoCount;
    for (let i = 0; i < hop; i++) fifo[w++ & mask] = ola[i];
    this.fifoCount += hop;
    ola.copyWithin(0, hop);
    ola.fill(0, n - hop);
    frame.copyWithin(0, hop);
  }

  /** Feeds `n` input samples and writes `n` output samples (delayed by {@link latency}). */
  process(gains: Float32Array, d: Float32Array, out: Float32Array, n: number): void {
    const { hop, frame, fifo, mask } = this;
    const base = this.fftSize - hop;
    for (let i = 0; i < n; i++) {
      frame[base + this.hopFill] = d[i];
      if (++this.hopFill === hop) {
        this.hopFill = 0;
        this.runHop(gains);
      }
    }
    for (let i = 0; i < n; i++) {
      if (this.fifoCount > 0) {
        out[i] = fifo[this.fifoRead & mask];
        this.fifoRead = (this.fifoRead + 1) & mask;
        this.fifoCount--;
      } else {
        out[i] = 0;
        this.underflows++;
      }
    }
  }
}

const scope = globalThis as unknown as AudioWorkletScope;

/** Stand-in base class when this module is imported outside a worklet (main thread, tests). */
class DetachedProcessorBase {
  readonly port = { postMessage(_message: unknown): void {}, onmessage: null };
}
const Base: AudioWorkletProcessorConstructor =
  scope.AudioWorkletProcessor ?? (DetachedProcessorBase as unknown as AudioWorkletProcessorConstructor);

function wallClockMs(): number {
  const p = scope.performance;
  return p ? p.timeOrigin + p.now() : Number.NaN;
}

/**
 * The processor. One input (2 discrete channels: primary, reference), one output (mono, the
 * cleaned signal). See the file header for the shared-memory protocol.
 */
export class AdaptiveFilterProcessor extends Base {
  private readonly control: Int32Array;
  private readonly times: Float64Array;
  private readonly slots: readonly [Float32Array, Float32Array];
  private readonly ring: readonly Float32Array[];
  private readonly outRing: Float32Array | null;
  private readonly ringMask: number;
  private readonly ringCapacity: number;
  private readonly fir: FirKernel | null;
  private readonly firOnPrimary: boolean;
  private readonly stft: StftGainKernel | null;
  private readonly zeros: Float32Array;
  private readonly scratch: Float32Array;
  private seq = 0;
  private live: Float32Array;
  private lastFrame = -1;
  private lastLength = 0;

  constructor(options?: WorkletProcessorConstructionOptions) {
    super(options);
    const o = options?.processorOptions as AdaptiveFilterProcessorOptions;
    this.control = new Int32Array(o.control);
    this.times = new Float64Array(o.times);
    const w = o.weightCount;
    this.slots = [new Float32Array(o.weights, 0, w), new Float32Array(o.weights, w * 4, w)];
    this.live = this.slots[0];
    this.ringCapacity = o.ringCapacity;
    this.ringMask = o.ringCapacity - 1;
    const ring: Float32Array[] = [];
    for (let c = 0; c < o.ringChannels; c++)
      ring.push(new Float32Array(o.inputRing, c * o.ringCapacity * 4, o.ringCapacity));
    this.ring = ring;
    this.outRing = o.outputRing ? new Float32Array(o.outputRing) : null;
    const quantum = scope.renderQuantumSize ?? 128;
    this.fir = o.kind === 'fir' ? new FirKernel(w, o.delay ?? 0) : null;
    this.firOnPrimary = o.input === 'primary';
    this.stft = o.kind === 'gain' ? new StftGainKernel(o.fftSize ?? 2 * (w - 1), quantum) : null;
    const maxBlock = Math.max(MAX_CHUNK, quantum);
    this.zeros = new Float32Array(maxBlock);
    this.scratch = new Float32Array(maxBlock);
  }

  /** Copies `n` samples of each channel into the input ring, or counts an overrun. */
  private pushInput(d: Float32Array, x: Float32Array, n: number): void {
    const ctl = this.control;
    const w = Atomics.load(ctl, Ctl.InWrite);
    const r = Atomics.load(ctl, Ctl.InRead);
    if (((w - r) | 0) + n > this.ringCapacity) {
      Atomics.add(ctl, Ctl.InputOverruns, 1);
      return;
    }
    const mask = this.ringMask;
    const ring0 = this.ring[0];
    for (let i = 0; i < n; i++) ring0[(w + i) & mask] = d[i];
    if (this.ring.length > 1) {
      const ring1 = this.ring[1];
      for (let i = 0; i < n; i++) ring1[(w + i) & mask] = x[i];
    }
    Atomics.store(ctl, Ctl.InWrite, (w + n) | 0);
  }

  private pushOutput(out: Float32Array, n: number): void {
    const ring = this.outRing;
    if (!ring) return;
    const ctl = this.control;
    const w = Atomics.load(ctl, Ctl.OutWrite);
    const r = Atomics.load(ctl, Ctl.OutRead);
    if (((w - r) | 0) + n > this.ringCapacity) {
      Atomics.add(ctl, Ctl.OutputOverruns, 1);
      return;
    }
    const mask = this.ringMask;
    for (let i = 0; i < n; i++) ring[(w + i) & mask] = out[i];
    Atomics.store(ctl, Ctl.OutWrite, (w + n) | 0);
  }

  process(
    inputs: readonly (readonly Float32Array[])[],
    outputs: readonly (readonly Float32Array[])[],
    _parameters: Readonly<Record<string, Float32Array>>,
  ): boolean {
    const output = outputs[0];
    const out = output !== undefined && output.length > 0 ? output[0] : undefined;
    if (out === undefined) return true;
    const n = out.length;
    const ctl = this.control;
    const input = inputs[0];
    const chans = input === undefined ? 0 : input.length;
    if (n > this.zeros.length) {
      // longer than anything pre-allocated: pass silence, count it as a gap
      out.fill(0);
      Atomics.add(ctl, Ctl.FrameGaps, 1);
      return true;
    }
    const d = chans > 0 ? input[0] : this.zeros;
    const x = chans > 1 ? input[1] : this.zeros;

    // frame continuity
    const frame = scope.currentFrame ?? -1;
    if (this.lastFrame < 0) this.times[Times.FirstFrame] = frame;
    else if (frame >= 0 && frame !== this.lastFrame + this.lastLength) Atomics.add(ctl, Ctl.FrameGaps, 1);
    this.lastFrame = frame;
    this.lastLength = n;

    // latest weights (double buffer)
    const seq = Atomics.load(ctl, Ctl.PubSeq);
    if (seq !== this.seq) {
      this.seq = seq;
      this.live = this.slots[seq & 1];
      this.times[Times.AckTime] = wallClockMs();
      Atomics.store(ctl, Ctl.AckSeq, seq);
    }

    const y = this.scratch;
    if (this.fir) this.fir.process(this.live, d, this.firOnPrimary ? d : x, y, n);
    else if (this.stft) {
      const before = this.stft.underflows;
      this.stft.process(this.live, d, y, n);
      if (this.stft.underflows !== before) Atomics.add(ctl, Ctl.StftUnderflows, this.stft.underflows - before);
    }
    let sum = 0;
    for (let i = 0; i < n; i++) sum += y[i];
    if (Number.isFinite(sum)) {
      for (let i = 0; i < n; i++) out[i] = y[i];
    } else {
      // Pass the primary through, with its own non-finite samples silenced: never emit NaN/Inf.
      for (let i = 0; i < n; i++) {
        const v = d[i];
        out[i] = v - v === 0 ? v : 0;
      }
      this.fir?.reset();
      Atomics.add(ctl, Ctl.NonFiniteBlocks, 1);
    }
    for (let c = 1; c < output.length; c++) output[c].set(out);

    this.pushInput(d, x, n);
    this.pushOutput(out, n);
    Atomics.add(ctl, Ctl.Blocks, 1);
    return true;
  }
}

if (typeof scope.registerProcessor === 'function') {
  scope.registerProcessor(ADAPTIVE_FILTER_PROCESSOR, AdaptiveFilterProcessor);
}
