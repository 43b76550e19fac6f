/**
 * One live stream owned by a server: the stream's model (`StreamModel`), fed frame by frame in
 * sequence order, with duplicate suppression by `seq`, the drop count of back-pressure, periodic
 * checkpoints and smoothed-model snapshots. The first frame's `model` field chooses between a
 * single-channel model (`single`: the server's single-stream model, the speech prior by default, or
 * the online denoiser) and the reference canceller.
 *
 * A stream keeps its model for life: the checkpoint records the concrete model and its version, a
 * successor rebuilds that model whatever its own single-stream model is, and a stream's first
 * checkpoint is written with its first output frames, so no output frame of one model is ever
 * followed by frames of another. A checkpoint that cannot be loaded — another model version (the
 * prior's weights changed), an unknown model, or state bytes of another model than the recorded
 * one (`CheckpointError`, e.g. `CheckpointModelMismatchError`) — is not mixed into a model: the
 * stream restarts with a fresh model from the next frame, and {@link restarted} says why.
 *
 * Exactly-once output: an output frame is written only when its `seq` is above the last `seq`
 * already in the output stream; input entries are acknowledged only together with the checkpoint
 * that covers them (one fenced script), so a successor continues from that checkpoint with the
 * still-pending entries and reproduces — bit for bit — any output the dead owner wrote after it.
 */

import { CheckpointError, CheckpointModelMismatchError } from '../core/errors.js';
import { pcmBytes, pcmSamples } from '../io/pcm-bytes.js';
import { PRIOR_MODEL_VERSION } from '../io/prior-model-version.js';
import { FRAME_SIZE } from '../io/stream-keys.js';
import { SingleChannelStreamModel } from '../rx/single-channel-stream-model.js';
import { PriorStreamModel } from './prior-stream-model.js';
import { ReferenceStreamModel } from './reference-stream-model.js';
import {
  isStreamModelKind,
  REFERENCE_MAX_RATE,
  type ServedModel,
  type SingleStreamModel,
  type StreamModel,
  type StreamModelKind,
} from './stream-model.js';

/** Writes an owner asks for after a batch of input (applied in order, fenced by the lease). */
export interface OwnerWrites {
  /** Output frames `[seq, pcm]` to append. */
  outputs: [number, Buffer][];
  /** Model snapshots `[seq, iterations, weights]` to append. */
  snapshots: [number, number, Buffer][];
  /**
   * A checkpoint covering every input up to `seq` (`state` null: nothing learned yet, only the
   * acknowledgements), its model, the model's version and rate, and the input entry ids it
   * acknowledges.
   */
  checkpoint: {
    seq: number;
    state: Buffer | null;
    model: ServedModel;
    version: string;
    rate: number;
    dropped: number;
    ack: Buffer[];
  } | null;
  /** The client ended the stream (after all outputs above). */
  ended: boolean;
}

export interface OwnerResume {
  /**
   * The saved learner, its model (as recorded: `prior`, `online`, `reference`; `single` in
   * checkpoints written before the single-channel model was recorded, which are the online
   * denoiser's), the model's version ('' when not recorded), rate and the last input `seq` it covers
   * (null: a new stream).
   */
  readonly checkpoint: {
    state: Buffer | null;
    model: string;
    version: string;
    seq: number;
    rate: number;
    dropped: number;
  } | null;
  /** The highest `seq` already in the output stream (−1: none). */
  readonly lastOutputSeq: number;
}

/** Why a stream restarted with a fresh model instead of continuing from its checkpoint. */
export interface OwnerRestart {
  /** The error's code (`checkpoint_invalid`). */
  readonly code: string;
  /** `<model>/<version>` the checkpoint was written by, and what this server expected (mismatches only). */
  readonly found: string | null;
  readonly expected: string | null;
  readonly message: string;
}

/** The model `served` at `rate`, resumed from `state` when given. */
function createModel(served: ServedModel, rate: number, state: Uint8Array | null): StreamModel {
  if (served === 'reference') return new ReferenceStreamModel(rate, state);
  return served === 'prior' ? new PriorStreamModel(rate, state) : new SingleChannelStreamModel(rate, state);
}

/** The version this server's build of a model writes. */
const versionOf = (served: ServedModel): string => (served === 'prior' ? PRIOR_MODEL_VERSION : '1');

/**
 * The model a checkpoint records, checked against what this server can load: a recorded `single`
 * (written before the single-channel model was recorded) is the online denoiser's, version 1.
 */
function recordedModel(model: string, version: string): ServedModel {
  const served = model === 'single' ? 'online' : model;
  const v = version === '' && served !== 'prior' ? '1' : version;
  if (!(served === 'prior' || served === 'online' || served === 'reference') || v !== versionOf(served)) {
    const known = served === 'prior' || served === 'online' || served === 'reference';
    throw new CheckpointModelMismatchError(
      `${served}/${v || 'unversioned'}`,
      known ? `${served}/${versionOf(served)}` : 'prior, online or reference',
      `The stream's checkpoint was written by the model ${served}/${v || 'unversioned'}; this server runs ${known ? `${served}/${versionOf(served)}` : 'prior, online and reference'}, which cannot load its state.`,
    );
  }
  return served;
}

export class StreamOwner {
  private model: StreamModel | null = null;
  private kind: StreamModelKind = 'single';
  private served: ServedModel;
  private rate = 0;
  /** A model was started fresh in this batch: its first checkpoint goes with its first outputs. */
  private fresh = false;
  /** Whether a model was built (resumed or started). */
  private built = false;
  /** Set when the checkpoint could not be loaded and the stream restarted (see the class doc). */
  readonly restarted: OwnerRestart | null = null;
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
    /** The model of `single` streams this server starts. */
    private readonly singleModel: SingleStreamModel,
  ) {
    this.served = singleModel;
    const cp = resume.checkpoint;
    this.lastSeq = cp ? cp.seq : -1;
    this.dropped = cp ? cp.dropped : 0;
    this.lastOutputSeq = resume.lastOutputSeq;
    if (cp?.state) {
      try {
        this.start(recordedModel(cp.model, cp.version), cp.rate, new Uint8Array(cp.state));
        this.resumedState = cp.state;
      } catch (e) {
        if (!(e instanceof CheckpointError)) throw e;
        this.model = null;
        const mismatch = e instanceof CheckpointModelMismatchError;
        this.restarted = {
          code: e.code,
          found: mismatch ? e.found : null,
          expected: mismatch ? e.expected : null,
          message: e.message,
        };
      }
    }
  }

  /** Builds the learner (the first frame's model and rate), resumed from `state` when given. */
  private start(served: ServedModel, rate: number, state: Uint8Array | null): void {
    this.model = createModel(served, rate, state);
    this.served = served;
    this.built = true;
    this.kind = this.model.kind;
    this.rate = rate;
  }

  /** The stream's model (null until its first frame, or after a restart until the next one). */
  get modelName(): ServedModel | null {
    return this.built ? this.served : null;
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
        this.start(kind === 'reference' ? 'reference' : this.singleModel, rate, null);
        this.fresh = true;
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
    const first = this.fresh && this.stepped;
    if (ended || forceCheckpoint || first || this.sinceCheckpoint >= this.every(this.period.checkpointSec)) {
      this.sinceCheckpoint = 0;
      this.fresh = false;
      const state = this.stepped ? Buffer.from(this.model!.checkpoint()) : this.resumedState;
      writes.checkpoint = {
        seq: this.lastSeq,
        state,
        model: this.served,
        version: versionOf(this.served),
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
