/**
 * One hop of a weighted overlap-add (WOLA) STFT whose buffers live in the caller's per-stream state,
 * for models that keep several independent streams (`Stft` owns its buffers instead). No allocation.
 *
 * Analysis: `history ← history[h:] ‖ x` (the last N input samples), `frame[i] = w[i] · history[i]`
 * (non-finite input samples count as 0).
 * Synthesis: `overlap += w_s · frame`, the first `h` samples are the output hop, then the overlap shifts by `h`.
 */
export const wolaFrame = {
  analyze(history: Float32Array, x: Float32Array, window: Float64Array, frame: Float64Array): void {
    const n = history.length;
    const h = x.length;
    history.copyWithin(0, h);
    history.set(x, n - h);
    for (let i = 0; i < n; i++) {
      const v = history[i]!;
      frame[i] = window[i]! * (Number.isFinite(v) ? v : 0);
    }
  },

  synthesize(frame: Float64Array, synthesisWindow: Float64Array, overlap: Float64Array, output: Float32Array): void {
    const n = overlap.length;
    const h = output.length;
    for (let i = 0; i < n; i++) overlap[i] = overlap[i]! + synthesisWindow[i]! * frame[i]!;
    for (let i = 0; i < h; i++) output[i] = overlap[i]!;
    overlap.copyWithin(0, h);
    overlap.fill(0, n - h);
  },
} as const;
