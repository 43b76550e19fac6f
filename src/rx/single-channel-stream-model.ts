/**
 * The `online` model of a live `single` stream (`serve --model online`; the default is the speech
 * prior): the prior-free online single-channel denoiser, built by
 * `createSingleChannelDenoiser(singleChannelConfig(...))` (the CLI's `--model online` factory and
 * defaults) at the stream's rate, learning through `learn` (the product's stream path). It starts
 * cold (no look-ahead warm start: a live stream has no future); multichannel frames are downmixed.
 * Its output for frame `seq` lags the input by the model's latency (one hop, {@link FRAME_SIZE}).
 * A checkpoint of another model (e.g. the prior's) is refused with `CheckpointModelMismatchError`.
 */
import { Subject, type Subscription } from 'rxjs';
import { CheckpointModelMismatchError } from '../core/errors.js';
import { FRAME_SIZE } from '../io/stream-keys.js';
import { createSingleChannelDenoiser } from '../models/create-single-channel-denoiser.js';
import { singleChannelConfig } from '../models/single-channel-config.js';
import { Adamax } from '../optim/adamax.js';
import type { StreamModel } from '../serve/stream-model.js';
import { downmixInto } from '../signal/downmix-into.js';
import { decodeCheckpoint } from './decode-checkpoint.js';
import { encodeCheckpoint } from './encode-checkpoint.js';
import type { StepEvent } from './events.js';
import { learn } from './learn.js';

export class SingleChannelStreamModel implements StreamModel {
  readonly kind = 'single';
  readonly model = 'online';
  readonly version = '1';
  readonly channels = 0;
  readonly latency = FRAME_SIZE;
  private readonly frames = new Subject<Float32Array[]>();
  private readonly subscription: Subscription;
  private event: StepEvent | null = null;
  private readonly mono = new Float32Array(FRAME_SIZE);

  /** A new learner at `rate`, or the one saved in `checkpoint`. */
  constructor(rate: number, checkpoint: Uint8Array | null) {
    const den = createSingleChannelDenoiser(singleChannelConfig({ model: { sampleRate: rate } }));
    if (den.frameSize !== FRAME_SIZE) throw new Error(`denoiser hop ${den.frameSize} != frame size ${FRAME_SIZE}`);
    const resume = checkpoint ? decodeCheckpoint(checkpoint) : null;
    const found = resume?.model?.kind ?? 'none';
    if (resume && found !== den.kind) {
      throw new CheckpointModelMismatchError(
        found,
        den.kind,
        `The stream's checkpoint holds the state of the model '${found}'; this online-denoiser stream model ('${den.kind}') cannot load it.`,
      );
    }
    this.subscription = this.frames
      .pipe(
        learn(den, new Adamax(den.optimizerOptions), {
          emitOutput: true,
          ...(resume ? { resume } : {}),
        }),
      )
      .subscribe((e) => {
        this.event = e;
      });
  }

  step(pcm: Float32Array, ch: number): Float32Array {
    downmixInto(pcm, ch, this.mono);
    this.frames.next([this.mono]);
    return this.event!.output!;
  }

  checkpoint(): Uint8Array {
    return encodeCheckpoint(this.event!.source.checkpoint());
  }

  snapshot(): { iterations: number; weights: Float32Array } {
    const m = this.event!.source.snapshot();
    const all = new Float32Array(m.weights.reduce((a, w) => a + w.length, 0));
    let o = 0;
    for (const w of m.weights) {
      all.set(w, o);
      o += w.length;
    }
    return { iterations: m.iterations, weights: all };
  }

  stop(): void {
    this.subscription.unsubscribe();
  }
}
