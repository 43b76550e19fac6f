import { RealFft } from '../../signal/real-fft.js';
import { wolaFrame } from '../../signal/wola-frame.js';
import { wolaWindows } from '../../signal/wola-windows.js';
import type { ModelState } from '../adaptive-model.js';
import { priorStateIo } from './prior-state-io.js';

/**
 * One stream's √Hann WOLA STFT at hop H = N/2: {@link analyze} turns the next hop of input into
 * the spectrum (re, im) and the per-sample power P_k = |X_k|² / Σw²; {@link synthesize} turns
 * (re, im) back into the next output hop. Buffers are allocated once; nothing allocates per hop.
 */
export class HopAnalyzer {
  readonly fftSize: number;
  readonly hop: number;
  readonly bins: number;
  readonly re: Float64Array;
  readonly im: Float64Array;
  readonly power: Float64Array;
  private readonly fft: RealFft;
  private readonly window: Float64Array;
  private readonly synthesis: Float64Array;
  private readonly invWindowPower: number;
  private readonly history: Float32Array;
  private readonly overlap: Float64Array;
  private readonly frame: Float64Array;

  constructor(fftSize: number) {
    this.fftSize = fftSize;
    this.hop = fftSize / 2;
    this.bins = fftSize / 2 + 1;
    this.fft = new RealFft(fftSize);
    const w = wolaWindows(fftSize, this.hop);
    this.window = w.analysis;
    this.synthesis = w.synthesis;
    this.invWindowPower = w.invWindowPower;
    this.history = new Float32Array(fftSize);
    this.overlap = new Float64Array(fftSize);
    this.frame = new Float64Array(fftSize);
    this.re = new Float64Array(this.bins);
    this.im = new Float64Array(this.bins);
    this.power = new Float64Array(this.bins);
  }

  analyze(x: Float32Array): void {
    wolaFrame.analyze(this.history, x, this.window, this.frame);
    this.fft.forward(this.frame, this.re, this.im);
    const { re, im, power } = this;
    const s = this.invWindowPower;
    for (let k = 0; k < this.bins; k++) power[k] = (re[k]! * re[k]! + im[k]! * im[k]!) * s;
  }

  /** Writes the stream state (input history, overlap-add tail) into `state` (copies). */
  saveState(state: ModelState): void {
    state['analyzer.history'] = this.history.slice();
    state['analyzer.overlap'] = this.overlap.slice();
  }

  /** Restores what {@link saveState} wrote; throws `CheckpointError` for a state of another shape. */
  loadState(state: ModelState): void {
    priorStateIo(state, 'analyzer.history', this.history);
    priorStateIo(state, 'analyzer.overlap', this.overlap);
  }

  /** Output hop from (re, im) scaled by per-bin gains. */
  synthesize(gain: Float64Array, output: Float32Array): void {
    const { re, im } = this;
    for (let k = 0; k < this.bins; k++) {
      re[k] = re[k]! * gain[k]!;
      im[k] = im[k]! * gain[k]!;
    }
    this.fft.inverse(re, im, this.frame);
    wolaFrame.synthesize(this.frame, this.synthesis, this.overlap, output);
  }
}

/** FFT size of the prior at a rate: the power of two closest to 21.3 ms (256 at 16 kHz, 1024 at 44.1/48 kHz). */
export function priorFftSize(sampleRate: number): number {
  return 2 ** Math.max(6, Math.round(Math.log2(sampleRate * 0.0213)));
}
