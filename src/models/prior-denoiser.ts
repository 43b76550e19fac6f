import { AdamaxStreamError } from '../core/errors.js';
import { IssueCollector } from '../core/validate.js';
import { SINGLE_CHANNEL_DEFAULTS } from './defaults/single-channel-defaults.js';
import type { Denoiser } from './denoiser.js';
import { type PriorAdaptationOptions, PriorStream } from './prior/prior-stream.js';
import { PRIOR_NOISE_ONLY_THRESHOLD, PRIOR_WEIGHTS_BASE64 } from './prior/prior-weights.generated.js';
import { base64ToBytes, decodePriorWeights, type PriorWeights } from './prior/prior-weights-codec.js';

export type { PriorAdaptationOptions } from './prior/prior-stream.js';

/** Options of {@link PriorDenoiser}. Every field is optional. */
export interface PriorDenoiserOptions {
  /** Trained weights; default: the weights shipped in the package ({@link bundledPriorWeights}). */
  readonly weights?: PriorWeights;
  /** Lowest spectral gain in dB (≤ 0). Default −40. */
  readonly gainFloorDb?: number;
  /**
   * Online adaptation of the last layer (Adamax with accumulation, weight decay to the prior and
   * EMA weights); `null` = prior only. Fields default to {@link DEFAULT_PRIOR_ADAPTATION}.
   */
  readonly adaptation?: Partial<PriorAdaptationOptions> | null;
}

/**
 * Default online adaptation of the prior's last layer: the validation pick kept in
 * `SINGLE_CHANNEL_DEFAULTS.prior.adaptation` (one place for its numbers) and the noise-only threshold
 * the training script stored with the weights.
 */
export const DEFAULT_PRIOR_ADAPTATION: PriorAdaptationOptions = Object.freeze({
  ...SINGLE_CHANNEL_DEFAULTS.prior.adaptation,
  noiseOnlyThreshold: PRIOR_NOISE_ONLY_THRESHOLD,
});

let bundled: PriorWeights | null = null;

/** The speech-prior weights shipped in the package (decoded and validated once). */
export function bundledPriorWeights(): PriorWeights {
  bundled ??= decodePriorWeights(base64ToBytes(PRIOR_WEIGHTS_BASE64));
  return bundled;
}

/**
 * Single-channel denoiser with a learned speech prior that adapts online.
 *
 * A small gain network (trained offline by `scripts/train-prior.ts` with this project's Adamax on
 * synthetic speech plus generated noises) maps 40 band log-energies (62.5 Hz bands below ~600 Hz,
 * ERB-like above, to 8 kHz), 8 frames of context, three running averages and the band noise
 * tracker's estimate to per-band gains. It runs at the input's own rate (8–48 kHz, full-band output;
 * above 8 kHz a Wiener gain on the tracked noise capped by the top band's gain), latency N/2
 * samples (≤ 10.7 ms). The online adaptation (on by default) corrects the last layer while
 * streaming: see {@link PriorStream}. {@link OnlineDenoiser} stays the prior-free fallback.
 *
 * @example
 * const den = new PriorDenoiser();
 * const cleaned = den.process(noisy, 48000); // same length, aligned with the input
 */
export class PriorDenoiser implements Denoiser {
  readonly kind = 'prior';
  readonly weights: PriorWeights;
  readonly gainFloorDb: number;
  readonly adaptation: PriorAdaptationOptions | null;

  constructor(options: PriorDenoiserOptions = {}) {
    const c = new IssueCollector();
    const floor = options.gainFloorDb ?? -40;
    if (!(floor <= 0 && floor >= -120))
      c.add('gainFloorDb', `\`gainFloorDb\` must be in [−120, 0]. Received: ${floor}`);
    const a = options.adaptation === null ? null : { ...DEFAULT_PRIOR_ADAPTATION, ...(options.adaptation ?? {}) };
    if (a !== null) {
      if (!(a.learningRate >= 0 && Number.isFinite(a.learningRate)))
        c.add('adaptation', '`adaptation.learningRate` must be ≥ 0.');
      if (!(Number.isInteger(a.accumulation) && a.accumulation >= 1))
        c.add('adaptation', '`adaptation.accumulation` must be an integer ≥ 1.');
      if (!(a.emaMomentum >= 0 && a.emaMomentum < 1))
        c.add('adaptation', '`adaptation.emaMomentum` must be in [0, 1).');
      if (!(a.weightDecay >= 0)) c.add('adaptation', '`adaptation.weightDecay` must be ≥ 0.');
      if (!Number.isFinite(a.noiseOnlyThreshold))
        c.add('adaptation', '`adaptation.noiseOnlyThreshold` must be finite.');
    }
    c.throwIfAny();
    this.weights = options.weights ?? bundledPriorWeights();
    this.gainFloorDb = floor;
    this.adaptation = a === null ? null : Object.freeze(a);
  }

  /** A fresh stream at `sampleRate` (8–192 kHz): hop-by-hop processing, allocation-free per hop. */
  createStream(sampleRate: number): PriorStream {
    if (!(Number.isFinite(sampleRate) && sampleRate >= 8000 && sampleRate <= 192000)) {
      throw new AdamaxStreamError(
        'invalid_argument',
        `PriorDenoiser: \`sampleRate\` must be in [8000, 192000] Hz. Received: sampleRate=${String(sampleRate)}`,
      );
    }
    return new PriorStream(this.weights, {
      sampleRate,
      gainFloorDb: this.gainFloorDb,
      adaptation: this.adaptation,
    });
  }

  /** Denoises a whole signal at its own rate with a fresh stream; output aligned with the input. */
  process(input: Float32Array, sampleRate: number): Float32Array {
    const stream = this.createStream(sampleRate);
    if (input.length === 0) return new Float32Array(0);
    const h = stream.hop;
    const d = stream.latency;
    const frames = Math.ceil((input.length + d) / h);
    const y = new Float32Array(frames * h);
    const frame = new Float32Array(h);
    const out = new Float32Array(h);
    for (let f = 0; f < frames; f++) {
      const start = f * h;
      frame.fill(0);
      if (start < input.length) frame.set(input.subarray(start, Math.min(start + h, input.length)));
      stream.process(frame, out);
      y.set(out, start);
    }
    return y.slice(d, d + input.length);
  }
}
