import type { OnlineDenoiserOptions } from '../online-denoiser.js';

/**
 * Default settings of the single-channel denoiser (used by the CLI `denoise` command).
 *
 * Chosen on the VALIDATION split of the abrupt-noise benchmark, single track:
 * `node --import tsx bench/quality-single.ts --write` (16 validation clips, scenario seed 2024,
 * 6-point grid lr ∈ {0.1, 0.15, 0.25} × τ ∈ {0.2, 0.3} with α = 0.95, G_min = −25 dB; best
 * validation median SI-SDRi 7.91 dB at lr = 0.15, τ = 0.2). The remaining values are the
 * `OnlineDenoiser` defaults, fixed during development on the speech fixtures mixed with white /
 * pink / brown / hum noise (never on the test split). Test-split results are in BENCHMARKS.md.
 */
export const SINGLE_CHANNEL_DEFAULTS = Object.freeze({
  /** Method the CLI uses. */
  method: 'online-adamax' as const,
  /** Options of `new OnlineDenoiser(...)`. */
  online: Object.freeze({
    sampleRate: 16000,
    fftSize: 512,
    quantile: 0.2,
    robustness: 3,
    noiseBiasDb: -2,
    gainFloorDb: -25,
    ddAlpha: 0.95,
    spectralSmoothing: 0,
    fastFall: 0.9,
    broadband: false,
    tonal: false,
    warmStart: true,
    optimizer: Object.freeze({ learningRate: 0.15, beta1: 0.5, beta2: 0.95 }),
  }) satisfies OnlineDenoiserOptions,
});
