import { StreamResampler } from '../signal/stream-resampler.js';
import type { WavFileReader } from './wav-file-reader.js';

/** Input frames read per chunk. */
const CHUNK = 1 << 15;

/** Mono, model-rate samples of the file, chunk by chunk (downmixed, non-finite → 0, resampled). */
export class ModelRateSource {
  readonly length: number;
  nonFinite = 0;
  private readonly planar: Float32Array[];
  private readonly mono = new Float32Array(CHUNK);
  private readonly resampler: StreamResampler;
  private queue: Float32Array[] = [];
  private queued = 0;
  private head = 0;

  constructor(
    private readonly reader: WavFileReader,
    modelRate: number,
  ) {
    this.planar = Array.from({ length: reader.channels }, () => new Float32Array(CHUNK));
    this.resampler = StreamResampler.create(reader.sampleRate, modelRate, reader.frames)!;
    this.length = this.resampler.outputLength;
  }

  /** Reads until at least `want` samples are queued (or the file ends). */
  private fill(want: number): void {
    const emit = (y: Float32Array) => {
      this.queue.push(y.slice());
      this.queued += y.length;
    };
    while (this.queued - this.head < want && this.reader.position < this.reader.frames) {
      const n = this.reader.read(this.planar);
      const mono = this.mono.subarray(0, n);
      mono.fill(0);
      for (const ch of this.planar) {
        for (let i = 0; i < n; i++) {
          let v = ch[i]!;
          if (v - v !== 0) {
            v = 0;
            this.nonFinite++;
          }
          mono[i] = this.planar.length === 1 ? v : mono[i]! + v;
        }
      }
      if (this.planar.length > 1) {
        const g = 1 / this.planar.length;
        for (let i = 0; i < n; i++) mono[i] = mono[i]! * g;
      }
      this.resampler.push(mono, emit);
      if (this.reader.position >= this.reader.frames) this.resampler.finish(emit);
    }
  }

  /** Copies the next `out.length` samples into `out` (zeros past the end); returns how many were real. */
  take(out: Float32Array): number {
    this.fill(out.length);
    let got = 0;
    while (got < out.length && this.queue.length > 0) {
      const first = this.queue[0]!;
      const n = Math.min(out.length - got, first.length - this.head);
      out.set(first.subarray(this.head, this.head + n), got);
      got += n;
      this.head += n;
      if (this.head === first.length) {
        this.queue.shift();
        this.queued -= first.length;
        this.head = 0;
      }
    }
    out.fill(0, got);
    return got;
  }

  /** The first `n` samples, without consuming them (for the warm start). */
  peek(n: number): Float32Array {
    this.fill(n);
    const out = new Float32Array(Math.min(n, this.queued - this.head));
    let at = 0;
    let h = this.head;
    for (const q of this.queue) {
      const k = Math.min(out.length - at, q.length - h);
      out.set(q.subarray(h, h + k), at);
      at += k;
      h = 0;
      if (at === out.length) break;
    }
    return out;
  }
}
