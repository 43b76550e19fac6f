/**
 * One live stream owned by a server: the online denoiser learning through `learn` (the product's
 * stream path), fed frame by frame in sequence order, with duplicate suppression by `seq`, the
 * drop count of back-pressure, periodic checkpoints and smoothed-model snapshots.
 *
 * Exactly-once output: an output frame is written only when its `seq` is above the last `seq`
 * already in the output stream; input entries are acknowledged only together with the checkpoint
 * that covers them (one fenced script), so a successor continues from that checkpoint with the
 * still-pending entries and reproduces — bit for bit — any output the dead owner wrote after it.
 */
import { Subject, type Subscription } from 'rxjs';
import {
  Adamax,
  type Checkpoint,
  decodeCheckpoint,
  encodeCheckpoint,
  learn,
  OnlineDenoiser,
  SINGLE_CHANNEL_DEFAULTS,
  type StepEvent,
} from '../src/index.js';
import { FRAME_SIZE, pcmBytes, pcmSamples } from './stream-protocol.js';

/** Writes an owner asks for after a batch of input (applied in order, fenced by the lease). */
export interface OwnerWrites {
  /** Output frames `[seq, pcm]` to append. */
  outputs: [number, Buffer][];
  /** Model snapshots `[seq, iterations, weights]` to append. */
  snapshots: [number, number, Buffer][];
  /**
   * A checkpoint covering every input up to `seq` (`state` null: nothing learned yet, only the
   * acknowledgements), and the input entry ids it acknowledges.
   */
  checkpoint: { seq: number; state: Buffer | null; rate: number; dropped: number; ack: Buffer[] } | null;
  /** The client ended the stream (after all outputs above). */
  ended: boolean;
}

export interface OwnerResume {
  /** The saved learner, its rate and the last input `seq` it covers (null: a new stream). */
  readonly checkpoint: { state: Buffer | null; seq: number; rate: number; dropped: number } | null;
  /** The highest `seq` already in the output stream (−1: none). */
  readonly lastOutputSeq: number;
}

/** Mean of `ch` interleaved channels into `out`. */
function downmixInto(pcm: Float32Array, ch: number, out: Float32Array): void {
  for (let i = 0; i < out.length; i++) {
    let s = 0;
    for (let c = 0; c < ch; c++) s += pcm[i * ch + c]!;
    out[i] = s / ch;
  }
}

export class StreamOwner {
  private readonly frames = new Subject<Float32Array[]>();
  private subscription: Subscription | null = null;
  private event: StepEvent | null = null;
  private rate = 0;
  private lastSeq: number;
  private lastOutputSeq: number;
  private dropped: number;
  private sinceCheckpoint = 0;
  private sinceSnapshot = 0;
  private unacked: Buffer[] = [];
  private readonly mono = new Float32Array(FRAME_SIZE);
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
      this.start(cp.rate, decodeCheckpoint(new Uint8Array(cp.state)));
    }
  }

  /** Builds the learner at `rate` (the first frame's), resumed from `checkpoint` when given. */
  private start(rate: number, checkpoint: Checkpoint | null): void {
    this.rate = rate;
    const den = new OnlineDenoiser({ ...SINGLE_CHANNEL_DEFAULTS.online, sampleRate: rate });
    if (den.frameSize !== FRAME_SIZE) throw new Error(`denoiser hop ${den.frameSize} != frame size ${FRAME_SIZE}`);
    this.subscription = this.frames
      .pipe(
        learn(den, new Adamax(den.optimizerOptions), {
          emitOutput: true,
          ...(checkpoint ? { resume: checkpoint } : {}),
        }),
      )
      .subscribe((e) => {
        this.event = e;
      });
  }

  /** Frames between checkpoints / snapshots at the stream's rate. */
  private every(sec: number): number {
    if (this.rate === 0) return 1;
    return Math.max(1, Math.round((sec * this.rate) / FRAME_SIZE));
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
      const pcm = pcmSamples(f.get('pcm') ?? Buffer.alloc(0));
      if (this.rate === 0) this.start(rate, null);
      // A frame that does not fit the stream (rate change, wrong length) is dropped and counted.
      this.dropped += seq - this.lastSeq - 1;
      this.lastSeq = seq;
      if (rate !== this.rate || !(ch >= 1) || pcm.length !== FRAME_SIZE * ch) {
        this.dropped++;
        continue;
      }
      this.step(seq, pcm, ch, writes);
    }
    if (ended || forceCheckpoint || this.sinceCheckpoint >= this.every(this.period.checkpointSec)) {
      this.sinceCheckpoint = 0;
      const state = this.event ? Buffer.from(encodeCheckpoint(this.event.source.checkpoint())) : this.resumedState;
      writes.checkpoint = { seq: this.lastSeq, state, rate: this.rate, dropped: this.dropped, ack: this.unacked };
      this.unacked = [];
    }
    writes.ended = ended;
    return writes;
  }

  private step(seq: number, pcm: Float32Array, ch: number, writes: OwnerWrites): void {
    downmixInto(pcm, ch, this.mono);
    this.frames.next([this.mono]);
    const e = this.event!;
    if (seq > this.lastOutputSeq) {
      writes.outputs.push([seq, pcmBytes(e.output!)]);
      this.lastOutputSeq = seq;
    }
    this.sinceCheckpoint++;
    if (++this.sinceSnapshot >= this.every(this.period.snapshotSec)) {
      this.sinceSnapshot = 0;
      const m = e.source.snapshot();
      const n = m.weights.reduce((a, w) => a + w.length, 0);
      const all = new Float32Array(n);
      let o = 0;
      for (const w of m.weights) {
        all.set(w, o);
        o += w.length;
      }
      writes.snapshots.push([seq, m.iterations, pcmBytes(all)]);
    }
  }

  /** Frames dropped so far (gaps in `seq`, frames that did not fit). */
  get droppedFrames(): number {
    return this.dropped;
  }

  /** Whether a frame was processed (a checkpoint can be taken). */
  get started(): boolean {
    return this.event !== null;
  }

  stop(): void {
    this.subscription?.unsubscribe();
    this.subscription = null;
  }
}
