/**
 * A self-contained adaptive filter that owns its weights and adaptation rule: the common shape of
 * the classical baselines (LMS, NLMS, FD-NLMS, RLS) and of {@link OptimizedFilter} (any
 * {@link AdaptiveModel} driven by Adamax), so benchmarks and pipelines treat every method alike.
 *
 * `process` is **prequential**: it writes the output for the frame computed with the weights as
 * they were before the frame, then adapts on the frame. Frame = `channels` aligned arrays
 * (channel 0 the primary d, channel 1 the reference x for cancellers) of `frameSize` samples
 * (time-domain filters accept any length ≤ their `frameSize`). Nothing allocates per call.
 */
export interface AdaptiveFilter {
  /** Short identifier, e.g. `'nlms'`. */
  readonly kind: string;
  /** Samples per channel per frame (the block size; time-domain filters accept shorter frames). */
  readonly frameSize: number;
  /** Input channels per frame. */
  readonly channels: number;
  /** Output (error e = d − y, the cleaned signal) for the frame, then one adaptation step. */
  process(frame: readonly Float32Array[], output: Float32Array): void;
  /** Back to the initial weights and state (the stream restarts). */
  reset(): void;
}
