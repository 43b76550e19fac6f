/**
 * The `reference` model of a live stream: the two-microphone canceller built by
 * `createReferenceCanceller(referenceCancellerConfig(rate), rate)` (the CLI's factory and
 * defaults, whichever design they select) at the stream's rate. A frame carries two interleaved
 * channels, 0 the noisy primary and 1 the noise reference; the canceller processes it as
 * {@link FRAME_SIZE} / blockSize blocks, prequentially (each block's output with the weights
 * before it), so the output for frame `seq` is the cleaned primary of that frame (no lag) and
 * equals `filter.process` over the same blocks in a plain loop. Its state is saved whole with
 * {@link FilterState}.
 */
import { FilterState } from '../core/filter-state.js';
import { FRAME_SIZE } from '../io/stream-keys.js';
import { createReferenceCanceller, type ReferenceCancellerFilter } from '../models/create-reference-canceller.js';
import { referenceCancellerConfig } from '../models/reference-canceller-config.js';
import type { StreamModel } from './stream-model.js';

export class ReferenceStreamModel implements StreamModel {
  readonly kind = 'reference';
  readonly model = 'reference';
  readonly version = '1';
  readonly channels = 2;
  /** Prequential per block: the output frame is the cleaned primary of the same frame. */
  readonly latency = 0;
  private readonly filter: ReferenceCancellerFilter;
  private readonly d: Float32Array;
  private readonly x: Float32Array;
  private readonly block: Float32Array;
  private readonly out = new Float32Array(FRAME_SIZE);

  /** A new canceller at `rate`, or the one saved in `checkpoint`. */
  constructor(rate: number, checkpoint: Uint8Array | null) {
    this.filter = createReferenceCanceller(referenceCancellerConfig(rate), rate);
    const B = this.filter.frameSize;
    if (FRAME_SIZE % B !== 0) throw new Error(`canceller block ${B} does not divide the frame size ${FRAME_SIZE}`);
    this.d = new Float32Array(B);
    this.x = new Float32Array(B);
    this.block = new Float32Array(B);
    if (checkpoint) {
      // Lazily built parts exist after a few active blocks; the restore overwrites every value.
      for (let k = 0; k < 8; k++) {
        for (let i = 0; i < B; i++) {
          this.d[i] = Math.sin(i * 0.37 + k);
          this.x[i] = 0.5 * this.d[i]! + 0.1 * Math.cos(i * k);
        }
        this.filter.process([this.d, this.x], this.block);
      }
      FilterState.restore(this.filter, checkpoint);
    }
  }

  step(pcm: Float32Array): Float32Array {
    const B = this.d.length;
    for (let s = 0; s < FRAME_SIZE; s += B) {
      for (let i = 0; i < B; i++) {
        this.d[i] = pcm[2 * (s + i)]!;
        this.x[i] = pcm[2 * (s + i) + 1]!;
      }
      this.filter.process([this.d, this.x], this.block);
      this.out.set(this.block, s);
    }
    return this.out;
  }

  checkpoint(): Uint8Array {
    return FilterState.capture(this.filter);
  }

  /** The canceller's smoothed model (two-path: the foreground; one-path: the weight EMA), else its raw weights. */
  snapshot(): { iterations: number; weights: Float32Array } {
    const core = this.filter.core;
    return { iterations: core.iterations, weights: (this.filter.smoothedWeights ?? core.params).slice() };
  }

  stop(): void {}
}
