/**
 * The file-level contract shared by every single-channel denoiser (the online Adamax denoiser and
 * the Wiener / RNNoise baselines): a whole mono signal in, the enhanced signal out.
 *
 * Guarantees of every implementation:
 * - the output has the same length as the input and is time-aligned with it (the algorithmic
 *   delay of the STFT or of the network is compensated);
 * - the output is finite for any finite input (silence, DC and clipped input included);
 * - processing is causal inside (online): sample `n` of the output depends on the input up to
 *   `n + latency`, where the latency is the compensated algorithmic delay;
 * - the input array is not modified.
 *
 * `process` may be asynchronous (RNNoise loads a WebAssembly module on first use); `await` the
 * result in generic code.
 */
export interface Denoiser {
  /** Short identifier for reports, e.g. `'online-adamax'`, `'wiener-ms'`, `'rnnoise'`. */
  readonly kind: string;
  /**
   * Enhances a mono signal.
   * @param input samples in [−1, 1] (not modified)
   * @param sampleRate sample rate of `input` in Hz; implementations resample internally when
   *   their own rate differs
   * @returns the enhanced signal, same length as `input`
   */
  process(input: Float32Array, sampleRate: number): Float32Array | Promise<Float32Array>;
}
