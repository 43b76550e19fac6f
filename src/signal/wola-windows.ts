import { sqrtHannWindow } from './window.js';

/** Analysis and synthesis windows of a √Hann weighted overlap-add (WOLA) STFT. */
export interface WolaWindows {
  /** Analysis window w (√Hann, periodic), as Float64. */
  readonly analysis: Float64Array;
  /** Synthesis window w_s[i] = w[i] / S[i mod H] with S[r] = Σ_j w²[r + jH], so Σ_m w·w_s = 1 (perfect reconstruction). */
  readonly synthesis: Float64Array;
  /** 1 / Σ w²: turns |X_k|² of a windowed frame into a per-sample power. */
  readonly invWindowPower: number;
}

/**
 * The √Hann analysis window of length `n` and its WOLA-normalised synthesis window for hop `hop`
 * (≡ the analysis window at 50 % overlap, kept general), plus the window power normaliser. Used by
 * the frequency-domain models that keep their STFT buffers in per-stream state.
 *
 * @example const { analysis, synthesis } = wolaWindows(512, 256);
 */
export function wolaWindows(n: number, hop: number): WolaWindows {
  const w = sqrtHannWindow(n);
  const analysis = Float64Array.from(w);
  const sums = new Float64Array(hop);
  let wp = 0;
  for (let i = 0; i < n; i++) {
    sums[i % hop] += w[i]! * w[i]!;
    wp += w[i]! * w[i]!;
  }
  const synthesis = new Float64Array(n);
  for (let i = 0; i < n; i++) synthesis[i] = w[i]! / sums[i % hop]!;
  return { analysis, synthesis, invWindowPower: 1 / wp };
}
