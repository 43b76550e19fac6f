/**
 * One live stream owned by a server: the stream's model (`StreamModel`: the single-channel online
 * denoiser or the reference canceller, chosen by the first frame), fed frame by frame in sequence order, with duplicate suppression by `seq`, the
 * drop count of back-pressure, periodic checkpoints and smoothed-model snapshots.
 *
 * Exactly-once output: an output frame is written only when its `seq` is above the last `seq`
 * already in the output stream; input entries are acknowledged only together with the checkpoint
 * that covers them (one fenced script), so a successor continues from that checkpoint with the
 * still-pending entries and reproduces — bit for bit — any output the dead owner wrote after it.
 */

import { pcmBytes, pcmSamples } from '../io/pcm-bytes.js';
import { FRAME_SIZE } from '../io/stream-keys.js';
import { SingleChannelStreamModel } from '../rx/single-channel-stream-model.js';
import { ReferenceStreamModel } from './reference-stream-model.js';
import { isStreamModelKind, REFERENCE_MAX_RATE, type StreamModel, type StreamModelKind } from './stream-model.js';

/** Writes an owner asks for after a batch of input (applied in order, fenced by the lease). */
export interface OwnerWrites {
  /** Output frames `[seq, pcm]` to append. */
  outputs: [number, Buffer][];
  /** Model snapshots `[seq, iterations, weights]` to append. */
  snapshots: [number, number, Buffer][];
  /**
   * A checkpoint covering every input up to `seq` (`state` null: nothing learned yet, only the
   * acknowledgements), its model and rate, and the input entry ids it acknowledges.
   */
  checkpoint: {
    seq: number;
    state: Buffer | null;
    model: StreamModelKind;
    rate: number;
    dropped: number;
    ack: Buffer[];
  } | null;
  /** The client ended the stream (after all outputs above). */
  ended: boolean;
}

export interface OwnerResume {
  /** The saved learner, its model, rate and the last input `seq` it covers (null: a new stream). */
  readonly checkpoint: {
    state: Buffer | null;
    model: StreamModelKind;
    seq: number;
    rate: number;
    dropped: number;
  } | null;
  /** The highest `seq` already in the output stream (−1: none). */
  readonly lastOutputSeq: number;
}

/** The model of `kind` at `rate`, resumed from `state` when given. */
function createModel(kind: StreamModelKind, rate: number, state: Uint8Array | null): StreamModel {
  return kind === 'reference' ? new ReferenceStreamModel(rate, state) : new SingleChannelStreamModel(rate, state);
}

export class StreamOwner {
  private model: StreamModel | null = null;
  private kind: StreamModelKind = 'single';
  private rate = 0;
  private stepped = false;
  private lastSeq: number;
  private lastOutputSeq: number;
  private dropped: number;
  private sinceCheckpoint = 0;
  private sinceSnapshot = 0;
  private unacked: Buffer[] = [];
  /** The checkpoint this owner resumed from, until its learner steps again. */
  private resumedState: Buffer | null = null;

  constructor(
    readonly id: string,
    resume: OwnerResume,
    private readonly period: { checkpointSec: number; snapshotSec: number },
  ) {
    const cp = resume.checkpoint;
    this.lastSeq = cp ? cp.seq : -1;
    this.dropped = cp ? cp.dropped : 0;
    this.lastOutputSeq = resume.lastOutputSeq;
    if (cp?.state) {
      this.resumedState = cp.state;
      this.start(cp.model, cp.rate, new Uint8Array(cp.state));
    }
  }

  /** Builds the learner (the first frame's model and rate), resumed from `state` when given. */
  private start(kind: StreamModelKind, rate: number, state: Uint8Array | null): void {
    this.kind = kind;
    this.rate = rate;
    this.model = createModel(kind, rate, state);
  }

  /** Frames between checkpoints / snapshots at the stream's rate. */
  private every(sec: number): number {
    if (this.rate === 0) return 1;
    return Math.max(1, Math.round((sec * this.rate) / FRAME_SIZE));
  }

  /** Whether a frame of this model, rate and channels can start a stream. */
  private static fitsNew(kind: StreamModelKind, rate: number, ch: number): boolean {
    if (!(Number.isInteger(rate) && rate >= 8000 && rate <= 192_000 && Number.isInteger(ch) && ch >= 1)) return false;
    return kind === 'single' || (ch === 2 && rate <= REFERENCE_MAX_RATE);
  }

  /**
   * Processes a batch of input entries (`[id, fields]`, in stream order) and returns the writes.
   * Entries at or below the last processed `seq` are duplicates: acknowledged, not processed.
   */
  process(entries: readonly [Buffer, Map<string, Buffer>][], forceCheckpoint = false): OwnerWrites {
    const writes: OwnerWrites = { outputs: [], snapshots: [], checkpoint: null, ended: false };
    let ended = false;
    for (const [id, f] of entries) {
      this.unacked.push(id);
      if (f.get('end')?.toString() === '1') {
        ended = true;
        continue;
      }
      const seq = Number(f.get('seq')?.toString());
      if (!Number.isInteger(seq) || seq <= this.lastSeq) continue;
      const rate = Number(f.get('rate')?.toString());
      const ch = Number(f.get('ch')?.toString());
      const kind = f.get('model')?.toString() ?? 'single';
      const pcm = pcmSamples(f.get('pcm') ?? Buffer.alloc(0));
      if (this.model === null && isStreamModelKind(kind) && StreamOwner.fitsNew(kind, rate, ch)) {
        this.start(kind, rate, null);
      }
      // A frame that does not fit the stream (model or rate change, wrong length) is dropped and counted.
      this.dropped += seq - this.lastSeq - 1;
      this.lastSeq = seq;
      const m = this.model;
      const fits = m !== null && kind === this.kind && rate === this.rate && (m.channels === 0 || ch === m.channels);
      if (!fits || !(ch >= 1) || pcm.length !== FRAME_SIZE * ch) {
        this.dropped++;
        continue;
      }
      this.step(m, seq, pcm, ch, writes);
    }
    if (ended || forceCheckpoint || this.sinceCheckpoint >= this.every(this.period.checkpointSec)) {
      this.sinceCheckpoint = 0;
      const state = this.stepped ? Buffer.from(this.model!.checkpoint()) : this.resumedState;
      writes.checkpoint = {
        seq: this.lastSeq,
        state,
        model: this.kind,
        rate: this.rate,
        dropped: this.dropped,
        ack: this.unacked,
      };
      this.unacked = [];
    }
    writes.ended = ended;
    return writes;
  }

  private step(model: StreamModel, seq: number, pcm: Float32Array, ch: number, writes: OwnerWrites): void {
    const out = model.step(pcm, ch);
    this.stepped = true;
    if (seq > this.lastOutputSeq) {
      writes.outputs.push([seq, pcmBytes(out)]);
      this.lastOutputSeq = seq;
    }
    this.sinceCheckpoint++;
    if (++this.sinceSnapshot >= this.every(this.period.snapshotSec)) {
      this.sinceSnapshot = 0;
      const snap = model.snapshot();
      writes.snapshots.push([seq, snap.iterations, pcmBytes(snap.weights)]);
    }
  }

  /** Frames dropped so far (gaps in `seq`, frames that did not fit). */
  get droppedFrames(): number {
    return this.dropped;
  }

  /** Whether a frame was processed (a checkpoint can be taken). */
  get started(): boolean {
    return this.stepped;
  }

  stop(): void {
    this.model?.stop();
    this.model = null;
  }
}
