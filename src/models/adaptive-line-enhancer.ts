import { FirFilter } from './fir-filter.js';

export interface AdaptiveLineEnhancerOptions {
  /** Predictor taps L (≥ 1). */
  readonly taps: number;
  /** Samples per frame. */
  readonly frameSize: number;
  /** Decorrelation delay Δ ≥ 1 in samples (longer than the broadband part's correlation). Default 1. */
  readonly delay?: number;
  /**
   * `'error'` (default): the de-hummed remainder d − ŷ (narrowband interference removed);
   * `'prediction'`: the enhanced narrowband part ŷ.
   */
  readonly output?: 'error' | 'prediction';
}

/**
 * Adaptive line enhancer (Widrow et al. 1975): single-channel, the filter predicts the primary
 * from its own past delayed by Δ, so only components correlated over more than Δ samples
 * (sinusoids, hum and its harmonics) are predictable:
 * ```
 * ŷ[n] = Σ_k w[k] · d[n − Δ − k],   e[n] = d[n] − ŷ[n],   loss = (1/2N) Σ e²
 * ```
 * A {@link FirFilter} with `input: 'primary'`; drive it with any optimizer (Adamax: `OptimizedFilter`).
 *
 * Reference: Widrow et al., "Adaptive noise cancelling: principles and applications", Proc. IEEE
 * 63(12), 1975, §VII; Zeidler, "Performance analysis of LMS adaptive prediction filters",
 * Proc. IEEE 78(12), 1990.
 *
 * @example const ale = adaptiveLineEnhancer({ taps: 32, frameSize: 64, delay: 1 });
 */
export function adaptiveLineEnhancer(options: AdaptiveLineEnhancerOptions): FirFilter {
  return new FirFilter({
    taps: options.taps,
    frameSize: options.frameSize,
    delay: options.delay ?? 1,
    input: 'primary',
    output: options.output ?? 'error',
  });
}
