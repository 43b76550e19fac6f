/**
 * The learner behind one live stream, whichever model the client asked for: the single-channel
 * online denoiser (`single`) or the two-microphone reference canceller (`reference`: channel 0 the
 * noisy primary, channel 1 the noise reference). Each is built through the product's one factory
 * (`createSingleChannelDenoiser` / `createReferenceCanceller`) from its defaults at the stream's
 * rate, steps one {@link FRAME_SIZE}-sample frame at a time, and saves and restores its complete
 * state, so that a successor continues the stream bit for bit.
 */
import { FRAME_SIZE } from '../io/stream-keys.js';

/** The models a stream can ask for (the `model` field of its frames; absent = `single`). */
export type StreamModelKind = 'single' | 'reference';

export interface StreamModel {
  readonly kind: StreamModelKind;
  /** Channels a frame must carry (0: any; a `single` stream downmixes). */
  readonly channels: number;
  /**
   * Learns from one frame (`ch` interleaved channels of {@link FRAME_SIZE} samples) and returns
   * the output frame for it ({@link FRAME_SIZE} mono samples; valid until the next call).
   */
  step(pcm: Float32Array, ch: number): Float32Array;
  /** The complete learner state (after at least one step). */
  checkpoint(): Uint8Array;
  /** The (smoothed) weights the output uses now, flattened, with the update count. */
  snapshot(): { iterations: number; weights: Float32Array };
  stop(): void;
}

/** Whether `kind` is a model name of the wire format. */
export function isStreamModelKind(kind: string): kind is StreamModelKind {
  return kind === 'single' || kind === 'reference';
}

/** Rates a `reference` stream supports: the canceller's block must divide the frame. */
export const REFERENCE_MAX_RATE = 127_999;

export { FRAME_SIZE };
