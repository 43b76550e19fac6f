/**
 * The learner behind one live stream, whichever model the client asked for: a single-channel
 * denoiser (`single`: the speech prior, the default of `denoise`, or the prior-free online
 * denoiser, as the server is configured) or the two-microphone reference canceller (`reference`:
 * channel 0 the noisy primary, channel 1 the noise reference). Each is built through the product's
 * one factory (`createPriorDenoiserFromConfig(priorConfig(rate))` / `createSingleChannelDenoiser` /
 * `createReferenceCanceller`) from its defaults at the stream's rate, steps one
 * {@link FRAME_SIZE}-sample frame at a time with a fixed latency, and saves and restores its
 * complete state, so that a successor continues the stream bit for bit.
 */
import { FRAME_SIZE } from '../io/stream-keys.js';
import { DEFAULT_SINGLE_CHANNEL_METHOD } from '../models/single-channel-method.js';

/** The models a stream can ask for (the `model` field of its frames; absent = `single`). */
export type StreamModelKind = 'single' | 'reference';

/** The single-channel models a server can run for `single` streams. */
export type SingleStreamModel = 'prior' | 'online';

/** The concrete model of a stream, as its checkpoint records it. */
export type ServedModel = SingleStreamModel | 'reference';

export const SINGLE_STREAM_MODELS: readonly SingleStreamModel[] = ['prior', 'online'];

/**
 * The model of `single` streams when the server is not told otherwise: the CLI's default
 * single-channel method ({@link DEFAULT_SINGLE_CHANNEL_METHOD}, the speech prior).
 */
export const DEFAULT_SINGLE_STREAM_MODEL: SingleStreamModel = singleStreamModel(DEFAULT_SINGLE_CHANNEL_METHOD);

function singleStreamModel(method: string): SingleStreamModel {
  if (method === 'prior' || method === 'online') return method;
  throw new TypeError(`The default single-channel method '${method}' cannot serve live streams.`);
}

export interface StreamModel {
  readonly kind: StreamModelKind;
  /** The concrete model (recorded with its checkpoints). */
  readonly model: ServedModel;
  /** Version of the model's saved state (a checkpoint of another version is not loaded). */
  readonly version: string;
  /** Channels a frame must carry (0: any; a `single` stream downmixes). */
  readonly channels: number;
  /** Samples by which the output lags the input (fixed for the stream's life). */
  readonly latency: number;
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
