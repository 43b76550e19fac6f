import type { OnlineDenoiserOptions } from '../online-denoiser.js';

/**
 * Default settings of the single-channel denoiser (used by the CLI `denoise` command).
 *
 * Chosen on the VALIDATION split of the abrupt-noise benchmark, single track:
 * `node --import tsx bench/quality-single.ts --write` (48 validation clips, scenario seed 2024,
 * 6-point grid over gain rule {Wiener, OM-LSA} × τ ∈ {0.2, 0.3} × lr ∈ {0.15, 0.25}, plus the
 * previous tracker settings (bias −2 dB, no smoothing, β2 = 0.95) as one point, α = 0.95,
 * G_min = −25 dB; best validation median SI-SDRi 7.03 dB for OM-LSA, lr = 0.15, τ = 0.3; the v1
 * point scored 6.7 dB). The tracker values (bias −3 dB, noise smoothing 0.5, β2 = 0.9) come from a
 * random search on the same 48 validation clips (never on the test split). Test-split results are
 * in BENCHMARKS.md.
 */
export const SINGLE_CHANNEL_DEFAULTS = Object.freeze({
  /** Method the CLI uses. */
  method: 'online-adamax' as const,
  /** Options of `new OnlineDenoiser(...)`. */
  online: Object.freeze({
    sampleRate: 16000,
    fftSize: 512,
    quantile: 0.3,
    robustness: 3,
    noiseBiasDb: -3,
    gainFloorDb: -25,
    ddAlpha: 0.95,
    gainRule: 'omlsa' as const,
    speechAbsenceMax: 0.95,
    noiseSmoothing: 0.5,
    spectralSmoothing: 0,
    fastFall: 0.9,
    broadband: false,
    tonal: false,
    warmStart: true,
    optimizer: Object.freeze({ learningRate: 0.15, beta1: 0.5, beta2: 0.9 }),
  }) satisfies OnlineDenoiserOptions,
});
