import { InvalidOptionError, ShapeError } from '../core/errors.js';
import { createLayout, type ParamLayout } from '../core/param-layout.js';
import { IssueCollector } from '../core/validate.js';
import type { AdaptiveModel } from './adaptive-model.js';

export interface FirFilterOptions {
  /** Number of taps L (≥ 1). */
  readonly taps: number;
  /** Samples per frame N (≥ 1). */
  readonly frameSize: number;
  /** Delay in samples applied to the input before filtering (line enhancer / prediction). Default 0. */
  readonly delay?: number;
  /**
   * What to filter. `'reference'` (default): frame = [primary d, reference x], the filter predicts the
   * noise in d from x (noise/echo cancellation, system identification). `'primary'`: frame = [d], the
   * filter predicts d from its own delayed past (adaptive line enhancer; set `delay` ≥ 1).
   */
  readonly input?: 'reference' | 'primary';
  /** Output: the error e = d − y (default; the cleaned signal) or the filter output y. */
  readonly output?: 'error' | 'prediction';
}

/** FIR state: the last `taps − 1 + delay` input samples before the current frame. */
export type FirState = { history: Float32Array; frames: number };

/**
 * Time-domain adaptive FIR filter (transversal filter).
 * ```
 * y[n] = Σ_{k=0}^{L−1} w[k] · x[n − Δ − k]        e[n] = d[n] − y[n]
 * loss = (1 / 2N) Σ_n e[n]²                     ∂loss/∂w[k] = −(1/N) Σ_n e[n] · x[n − Δ − k]
 * ```
 * With `input: 'reference'`, x is the reference channel (ANC / AEC / system identification); with
 * `input: 'primary'`, x is d itself delayed by Δ ≥ 1 (adaptive line enhancer; the output `prediction`
 * is the enhanced periodic part, `error` the de-hummed remainder). Output for a frame uses the weights
 * before the frame's update (prequential). Parameters: one group `fir/taps` of length L, zero-initialised.
 *
 * @example
 * const fir = new FirFilter({ taps: 64, frameSize: 256 });
 * const loss = fir.step(params, fir.createState(), [primary, reference], cleaned, grad);
 */
export class FirFilter implements AdaptiveModel<FirState> {
  readonly kind = 'fir';
  readonly layout: ParamLayout;
  readonly frameSize: number;
  readonly channels: number;
  readonly taps: number;
  readonly delay: number;
  readonly input: 'reference' | 'primary';
  readonly output: 'error' | 'prediction';
  private readonly x: Float32Array; // scratch: history + frame, allocated once per model
  private readonly e: Float32Array;

  constructor(options: FirFilterOptions) {
    const c = new IssueCollector();
    c.unknownKeys(options, new Set(['taps', 'frameSize', 'delay', 'input', 'output']));
    for (const [k, min] of [
      ['taps', 1],
      ['frameSize', 1],
      ['delay', 0],
    ] as const) {
      const v = (options as unknown as Record<string, unknown>)[k];
      if (k === 'delay' && v === undefined) continue;
      if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
        c.add(k, `\`${k}\` must be an integer >= ${min}. Received: ${k}=${String(v)}`);
      }
    }
    if (options.input !== undefined && options.input !== 'reference' && options.input !== 'primary') {
      c.add('input', `\`input\` must be 'reference' or 'primary'. Received: input=${String(options.input)}`);
    }
    if (options.output !== undefined && options.output !== 'error' && options.output !== 'prediction') {
      c.add('output', `\`output\` must be 'error' or 'prediction'. Received: output=${String(options.output)}`);
    }
    c.throwIfAny();
    this.taps = options.taps;
    this.frameSize = options.frameSize;
    this.delay = options.delay ?? 0;
    this.input = options.input ?? 'reference';
    this.output = options.output ?? 'error';
    if (this.input === 'primary' && this.delay < 1) {
      throw new InvalidOptionError([
        {
          option: 'delay',
          message: "`delay` must be >= 1 when `input` is 'primary' (the filter predicts d from its own past).",
        },
      ]);
    }
    this.channels = this.input === 'reference' ? 2 : 1;
    this.layout = createLayout([{ name: 'fir/taps', length: this.taps }]);
    this.x = new Float32Array(this.taps - 1 + this.delay + this.frameSize);
    this.e = new Float32Array(this.frameSize);
  }

  initParams(params: Float32Array): void {
    params.fill(0, 0, this.taps);
  }

  createState(): FirState {
    return { history: new Float32Array(this.taps - 1 + this.delay), frames: 0 };
  }

  private load(state: FirState, frame: readonly Float32Array[], output: Float32Array): Float32Array {
    if (frame.length < this.channels) {
      throw new ShapeError(`FirFilter expects ${this.channels} channel(s) per frame. Received ${frame.length}.`);
    }
    const d = frame[0]!;
    const x = this.input === 'reference' ? frame[1]! : d;
    const n = this.frameSize;
    if (d.length !== n || x.length !== n || output.length !== n) {
      throw new ShapeError(
        `FirFilter frame length mismatch: expected ${n} samples per channel and output; received primary ${d.length}, input ${x.length}, output ${output.length}.`,
      );
    }
    const h = state.history.length;
    this.x.set(state.history, 0);
    this.x.set(x, h);
    return d;
  }

  private advance(state: FirState): void {
    const { history } = state;
    const h = history.length;
    const x = this.x;
    const n = this.frameSize;
    // A plain loop: `set(x.subarray(…))` would allocate a view per frame on the live path.
    for (let i = 0; i < h; i++) history[i] = x[n + i]!;
    state.frames++;
  }

  forward(params: Float32Array, state: FirState, frame: readonly Float32Array[], output: Float32Array): void {
    const d = this.load(state, frame, output);
    const { taps, frameSize: n, x, e } = this;
    const base = taps - 1;
    for (let i = 0; i < n; i++) {
      let y = 0;
      const p = base + i;
      for (let k = 0; k < taps; k++) y += params[k]! * x[p - k]!;
      e[i] = d[i]! - y;
      output[i] = this.output === 'error' ? e[i]! : y;
    }
    this.advance(state);
  }

  step(
    params: Float32Array,
    state: FirState,
    frame: readonly Float32Array[],
    output: Float32Array,
    grad: Float32Array,
  ): number {
    this.forward(params, state, frame, output);
    const { taps, frameSize: n, x, e } = this;
    const base = taps - 1;
    let loss = 0;
    for (let i = 0; i < n; i++) loss += e[i]! * e[i]!;
    const inv = 1 / n;
    for (let k = 0; k < taps; k++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += e[i]! * x[base + i - k]!;
      grad[k] = -s * inv;
    }
    return (0.5 * loss) / n;
  }
}
