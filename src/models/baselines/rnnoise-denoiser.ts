import { AdamaxStreamError } from '../../core/errors.js';
import { IssueCollector } from '../../core/validate.js';
import { resample } from '../../signal/resample.js';
import type { Denoiser } from '../denoiser.js';

/** The raw emscripten module of `@jitsi/rnnoise-wasm/dist/rnnoise-sync.js` (the members we use). */
interface RnnoiseModule {
  _rnnoise_create(model?: number): number;
  _rnnoise_destroy(state: number): void;
  _rnnoise_process_frame(state: number, out: number, input: number): number;
  _malloc(bytes: number): number;
  _free(ptr: number): void;
  HEAPF32: Float32Array;
}

/** Options of {@link RnnoiseDenoiser}. */
export interface RnnoiseDenoiserOptions {
  /**
   * Dry/wet mix s ∈ [0, 1]: output = s · RNNoise(x) + (1 − s) · x (delay-aligned). 1 = plain
   * RNNoise (default); lower values trade noise reduction for less speech distortion (the
   * "suppression level" knob of RNNoise front ends).
   */
  readonly strength?: number;
  /** Algorithmic delay of the network at 48 kHz in samples, compensated in the output. Default 960. */
  readonly delay?: number;
}

const RATE = 48000;
const FRAME = 480;
const SCALE = 32768;
const SPECIFIER = '@jitsi/rnnoise-wasm/dist/rnnoise-sync.js';

let loading: Promise<RnnoiseModule> | null = null;

/** Loads (once per process) the synchronous emscripten build of RNNoise. */
function loadRnnoise(): Promise<RnnoiseModule> {
  loading ??= (async () => {
    try {
      // A variable specifier keeps TypeScript from resolving the untyped package at compile time;
      // the module is an optional dependency, loaded lazily only when RNNoise is used.
      const specifier: string = SPECIFIER;
      const mod = (await import(specifier)) as { default?: unknown };
      const factory = mod.default;
      if (typeof factory !== 'function') throw new Error(`${SPECIFIER} has no default export factory`);
      const instance = (factory as () => unknown)();
      const m = (instance instanceof Promise ? await instance : instance) as Partial<RnnoiseModule>;
      if (typeof m._rnnoise_create !== 'function' || typeof m._rnnoise_process_frame !== 'function') {
        throw new Error('the module does not expose _rnnoise_create / _rnnoise_process_frame');
      }
      return m as RnnoiseModule;
    } catch (cause) {
      loading = null;
      throw new AdamaxStreamError(
        'audio_unavailable',
        `RNNoise (${SPECIFIER}) cannot be loaded: ${cause instanceof Error ? cause.message : String(cause)}. RNNoise is an optional dependency of adamax-stream: install it with "npm install @jitsi/rnnoise-wasm" (or use --model prior / --model online, which need nothing extra).`,
        { cause },
      );
    }
  })();
  return loading;
}

/**
 * Baseline wrapper around RNNoise (Valin, "A hybrid DSP/deep learning approach to real-time
 * full-band speech enhancement", MMSP 2018) as compiled to WebAssembly by `@jitsi/rnnoise-wasm`.
 *
 * RNNoise is a fixed, pre-trained model: 48 kHz, 480-sample (10 ms) frames, samples scaled to
 * 16-bit range. This wrapper resamples to 48 kHz (src/signal `resample`), scales by 32768, runs
 * the frames, compensates the network delay (`delay`, 960 samples by default — the delay that
 * best aligned output and input when measured on speech), scales back, optionally mixes with the dry signal, and resamples back:
 * ```
 * x48 = resample(x, fs → 48000) · 32768,   y48[n] = RNNoise(x48)[n + D] / 32768
 * y = resample(s · y48 + (1 − s) · x48 / 32768, 48000 → fs)
 * ```
 * The wasm module is imported lazily on the first `process` call (one instance per process);
 * each call uses a fresh RNNoise state.
 *
 * @throws AdamaxStreamError with code `audio_unavailable` from {@link process} when the package
 *   cannot be loaded.
 *
 * @example
 * const cleaned = await new RnnoiseDenoiser().process(noisy, 16000);
 */
export class RnnoiseDenoiser implements Denoiser {
  readonly kind = 'rnnoise';
  readonly strength: number;
  readonly delay: number;

  constructor(options: RnnoiseDenoiserOptions = {}) {
    const c = new IssueCollector();
    c.unknownKeys(options, new Set(['strength', 'delay']));
    c.inRange('strength', options.strength, 0, 1);
    const delay = options.delay ?? 960;
    if (!(Number.isInteger(delay) && delay >= 0 && delay <= RATE)) {
      c.add('delay', `\`delay\` must be an integer in [0, 48000]. Received: delay=${String(delay)}`);
    }
    c.throwIfAny();
    this.strength = options.strength ?? 1;
    this.delay = delay;
  }

  /** Resolves when the wasm module is loaded; rejects with `audio_unavailable` otherwise. */
  static async available(): Promise<boolean> {
    await loadRnnoise();
    return true;
  }

  /**
   * Denoises a whole mono signal; output aligned with the input, same length.
   * @throws AdamaxStreamError `invalid_argument` for a bad sample rate, `audio_unavailable` when RNNoise cannot load.
   */
  async process(input: Float32Array, sampleRate: number): Promise<Float32Array> {
    if (!(Number.isFinite(sampleRate) && sampleRate > 0)) {
      throw new AdamaxStreamError(
        'invalid_argument',
        `RnnoiseDenoiser.process: \`sampleRate\` must be a positive number. Received: sampleRate=${String(sampleRate)}`,
      );
    }
    const m = await loadRnnoise();
    if (input.length === 0) return new Float32Array(0);
    const x = sampleRate === RATE ? Float32Array.from(input) : resample(input, sampleRate, RATE);
    const n = x.length;
    const d = this.delay;
    const frames = Math.ceil((n + d) / FRAME);
    const y = new Float32Array(frames * FRAME);
    const state = m._rnnoise_create();
    const pIn = m._malloc(FRAME * 4);
    const pOut = m._malloc(FRAME * 4);
    try {
      for (let f = 0; f < frames; f++) {
        const heap = m.HEAPF32; // re-read: the heap view changes if wasm memory grows
        const base = pIn >> 2;
        for (let i = 0; i < FRAME; i++) {
          const j = f * FRAME + i;
          const v = j < n ? x[j]! : 0;
          const s = Number.isFinite(v) ? v * SCALE : 0;
          heap[base + i] = s > SCALE ? SCALE : Math.max(s, -SCALE);
        }
        m._rnnoise_process_frame(state, pOut, pIn);
        const heapOut = m.HEAPF32;
        const ob = pOut >> 2;
        for (let i = 0; i < FRAME; i++) y[f * FRAME + i] = heapOut[ob + i]! / SCALE;
      }
    } finally {
      m._free(pIn);
      m._free(pOut);
      m._rnnoise_destroy(state);
    }
    const s = this.strength;
    const wet = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const v = y[i + d]!;
      const dry = x[i]!;
      wet[i] = s * (Number.isFinite(v) ? v : 0) + (1 - s) * (Number.isFinite(dry) ? dry : 0);
    }
    if (sampleRate === RATE) return wet;
    const back = resample(wet, RATE, sampleRate);
    const result = new Float32Array(input.length);
    result.set(back.subarray(0, Math.min(back.length, input.length)));
    return result;
  }
}
