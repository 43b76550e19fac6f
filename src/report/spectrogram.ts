import { IssueCollector } from '../core/validate.js';
import { Stft } from '../signal/stft.js';
import { hannWindow } from '../signal/window.js';

/** Options of {@link spectrogram}. */
export interface SpectrogramOptions {
  /** At most this many time columns (frames are averaged into columns). Default 600. */
  readonly columns?: number;
  /** At most this many frequency rows (bins are averaged into rows). Default 128. */
  readonly rows?: number;
}

/** A power spectrogram on a grid: `power[row * columns + column]`, row 0 = lowest frequencies. */
export interface Spectrogram {
  readonly columns: number;
  readonly rows: number;
  /** Mean power per cell (|X|² of the Hann-windowed frames). */
  readonly power: Float32Array;
  /** Top of the frequency axis, Hz (the Nyquist frequency). */
  readonly maxHz: number;
  /** Duration covered by the columns, s (the signal's). */
  readonly seconds: number;
}

/** Frame size of the analysis: a power of two near 32 ms (512 at 16 kHz, 1024 at 48 kHz). */
const frameSizeFor = (sampleRate: number) => 2 ** Math.max(6, Math.round(Math.log2(0.032 * sampleRate)));

/**
 * Power spectrogram of `x` for a report: Hann-windowed frames of ≈ 32 ms at 50 % overlap through the
 * library's STFT (`Stft.analyze`), then averaged onto a grid of at most `columns` × `rows` cells —
 * column c holds frames ⌊cF/C⌋ … ⌊(c+1)F/C⌋ − 1 of the F frames, row r the bins ⌊rB/R⌋ … of the
 * B = N/2 + 1 bins: `P[r, c] = mean |X_m[k]|²` over those frames m and bins k. A signal shorter than
 * one frame is zero-padded to one frame.
 *
 * @throws {InvalidOptionError} a non-positive sample rate, or columns/rows not integers ≥ 1.
 */
export function spectrogram(x: Float32Array, sampleRate: number, options: SpectrogramOptions = {}): Spectrogram {
  const check = new IssueCollector('spectrogram');
  check.positive('sampleRate', sampleRate);
  check.integer('columns', options.columns, 1, undefined, true);
  check.integer('rows', options.rows, 1, undefined, true);
  check.throwIfAny();
  const maxColumns = options.columns ?? 600;
  const maxRows = options.rows ?? 128;
  const n = frameSizeFor(sampleRate);
  const hop = n / 2;
  const stft = new Stft({ frameSize: n, hop, analysisWindow: hannWindow(n) });
  const bins = stft.bins;
  const frames = Math.max(1, Math.floor((x.length - n) / hop) + 1);
  const columns = Math.min(maxColumns, frames);
  const rows = Math.min(maxRows, bins);
  const power = new Float32Array(rows * columns);
  const frame = new Float32Array(n);
  const re = new Float32Array(bins);
  const im = new Float32Array(bins);
  const binPower = new Float64Array(bins);
  for (let c = 0; c < columns; c++) {
    const f0 = Math.floor((c * frames) / columns);
    const f1 = Math.max(f0 + 1, Math.floor(((c + 1) * frames) / columns));
    binPower.fill(0);
    for (let f = f0; f < f1; f++) {
      frame.fill(0);
      frame.set(x.subarray(f * hop, Math.min(x.length, f * hop + n)));
      stft.analyze(frame, re, im);
      for (let k = 0; k < bins; k++) binPower[k]! += (re[k]! * re[k]! + im[k]! * im[k]!) / (f1 - f0);
    }
    for (let r = 0; r < rows; r++) {
      const k0 = Math.floor((r * bins) / rows);
      const k1 = Math.max(k0 + 1, Math.floor(((r + 1) * bins) / rows));
      let p = 0;
      for (let k = k0; k < k1; k++) p += binPower[k]!;
      power[r * columns + c] = p / (k1 - k0);
    }
  }
  return { columns, rows, power, maxHz: sampleRate / 2, seconds: x.length / sampleRate };
}
