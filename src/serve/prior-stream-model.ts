/**
 * The `prior` model of a live `single` stream: the speech prior that `denoise` runs by default,
 * built as `denoise` builds it — `createPriorDenoiserFromConfig(priorConfig(rate))`
 * (`SINGLE_CHANNEL_DEFAULTS.prior`, online adaptation of the last layer included) — one
 * `PriorStream` at the stream's rate. Multichannel frames are downmixed.
 *
 * Framing: the prior steps hops of H = N/2 samples (N = `priorFftSize(rate)`: H = 128 at 16 kHz,
 * 512 at 44.1/48 kHz), the stream frames of F = {@link FRAME_SIZE} = 256. Input samples are queued
 * into hops; each full hop is processed and its output queued; each frame takes the next F samples
 * of that output queue, which starts with E = max(0, H − F) zeros. So every served frame gets an
 * output frame, and the output is the prior's hop output delayed by E: the served output lags the
 * input by a fixed {@link latency} = (N − H) + E samples (H at H ≤ F; 768 = 16 ms at 48 kHz).
 * Sample for sample it equals `PriorDenoiser.process` over the same audio, shifted by that latency.
 *
 * State: the checkpoint holds the prior's whole state (`PriorStream.saveState`) plus both queues,
 * tagged with the model (`prior`) and version (`PRIOR_MODEL_VERSION`); loading a checkpoint of
 * another model or version throws `CheckpointModelMismatchError`. Allocation-free per frame.
 */
import { CheckpointError, CheckpointModelMismatchError } from '../core/errors.js';
import { priorCheckpoint } from '../io/prior-checkpoint.js';
import { PRIOR_MODEL_VERSION } from '../io/prior-model-version.js';
import { FRAME_SIZE } from '../io/stream-keys.js';
import type { ModelState } from '../models/adaptive-model.js';
import { createPriorDenoiserFromConfig } from '../models/create-prior-denoiser-from-config.js';
import type { PriorStream } from '../models/prior/prior-stream.js';
import { priorConfig } from '../models/prior-config.js';
import { decodeCheckpoint } from '../rx/decode-checkpoint.js';
import { encodeCheckpoint } from '../rx/encode-checkpoint.js';
import { downmixInto } from '../signal/downmix-into.js';
import type { StreamModel } from './stream-model.js';

const IN_KEY = 'serve.inputQueue';
const OUT_KEY = 'serve.outputQueue';

export class PriorStreamModel implements StreamModel {
  readonly kind = 'single';
  readonly model = 'prior';
  readonly version = PRIOR_MODEL_VERSION;
  readonly channels = 0;
  readonly latency: number;
  readonly stream: PriorStream;
  readonly sampleRate: number;
  private readonly hop: number;
  /** Zeros the output queue starts with (max(0, hop − frame)). */
  private readonly lead: number;
  private readonly input: Float32Array;
  private inFill = 0;
  private readonly queue: Float32Array;
  private queued: number;
  private readonly hopOut: Float32Array;
  private readonly mono = new Float32Array(FRAME_SIZE);
  private readonly out = new Float32Array(FRAME_SIZE);
  private hops = 0;

  /** A new prior at `rate`, or the one saved in `checkpoint` (throws `CheckpointError` if it does not fit). */
  constructor(rate: number, checkpoint: Uint8Array | null) {
    this.sampleRate = rate;
    this.stream = createPriorDenoiserFromConfig(priorConfig(rate)).createStream(rate);
    this.hop = this.stream.hop;
    this.lead = Math.max(0, this.hop - FRAME_SIZE);
    this.latency = this.stream.latency + this.lead;
    this.input = new Float32Array(this.hop);
    this.queue = new Float32Array(this.lead + this.hop + FRAME_SIZE);
    this.queued = this.lead;
    this.hopOut = new Float32Array(this.hop);
    if (checkpoint) this.restore(checkpoint);
  }

  step(pcm: Float32Array, ch: number): Float32Array {
    const { input, queue, hop, mono, out } = this;
    downmixInto(pcm, ch, mono);
    for (let i = 0; i < FRAME_SIZE; i++) {
      input[this.inFill++] = mono[i]!;
      if (this.inFill === hop) {
        this.stream.process(input, this.hopOut);
        queue.set(this.hopOut, this.queued);
        this.queued += hop;
        this.inFill = 0;
        this.hops++;
      }
    }
    for (let i = 0; i < FRAME_SIZE; i++) out[i] = queue[i]!;
    queue.copyWithin(0, FRAME_SIZE, this.queued);
    this.queued -= FRAME_SIZE;
    return out;
  }

  checkpoint(): Uint8Array {
    const doc = priorCheckpoint(this.stream, this.hops);
    const state: ModelState = {
      ...doc.model!.state,
      [IN_KEY]: this.input.slice(0, this.inFill),
      [OUT_KEY]: this.queue.slice(0, this.queued),
    };
    return encodeCheckpoint({
      ...doc,
      model: { kind: 'prior', state },
      annotations: {
        model: 'prior',
        modelVersion: PRIOR_MODEL_VERSION,
        sampleRate: this.sampleRate,
        frameSize: FRAME_SIZE,
      },
    });
  }

  private restore(bytes: Uint8Array): void {
    const doc = decodeCheckpoint(bytes);
    const kind = doc.model?.kind ?? 'none';
    const found = `${kind}/${doc.annotations?.modelVersion ?? 'unversioned'}`;
    const expected = `prior/${PRIOR_MODEL_VERSION}`;
    if (found !== expected || !doc.model) {
      throw new CheckpointModelMismatchError(
        found,
        expected,
        `The stream's checkpoint holds the state of the model ${found}; this speech-prior stream model (${expected}) cannot load it.`,
      );
    }
    const notes = doc.annotations!;
    if (notes.sampleRate !== this.sampleRate || notes.frameSize !== FRAME_SIZE) {
      throw new CheckpointError(
        `The stream's checkpoint was written at ${notes.sampleRate} Hz with ${notes.frameSize}-sample frames; this stream runs at ${this.sampleRate} Hz with ${FRAME_SIZE}.`,
      );
    }
    const { [IN_KEY]: inQ, [OUT_KEY]: outQ, ...rest } = doc.model.state;
    if (
      !(inQ instanceof Float32Array && outQ instanceof Float32Array) ||
      inQ.length >= this.hop ||
      inQ.length + outQ.length !== this.lead
    ) {
      throw new CheckpointError(
        `The stream's checkpoint has no valid frame queues for hop ${this.hop} and frame ${FRAME_SIZE} (input + output queue must hold ${this.lead} samples).`,
      );
    }
    this.stream.loadState(rest);
    this.input.set(inQ);
    this.inFill = inQ.length;
    this.queue.fill(0);
    this.queue.set(outQ);
    this.queued = outQ.length;
    this.hops = doc.step;
  }

  /** The EMA of the last layer's correction Δ (what the output uses), with the Adamax update count. */
  snapshot(): { iterations: number; weights: Float32Array } {
    const core = this.stream.adaptCore;
    if (core === null) return { iterations: 0, weights: new Float32Array(0) };
    return { iterations: core.iterations, weights: (core.average ?? core.params).slice() };
  }

  stop(): void {}
}
