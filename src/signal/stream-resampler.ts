import { polyphasePlan } from './resample.js';

/**
 * {@link resample} over a stream: input arrives in chunks, output leaves in chunks, and the result
 * is `resample(x, fromRate, toRate)` bit for bit (same polyphase table, same summation order, zeros
 * outside the input). The input's total length must be known up front (it fixes the output length
 * and which samples are "outside"). Memory: one chunk plus 2k samples of history, whatever the length.
 * ```
 * y[m] = Σ_j x[k0 + j] · h_p[j],  p = (m·down) mod up,  k0 = ⌊m·down / up⌋,  j ∈ [−k + 1, k]
 * ```
 * Equal rates pass the samples through unchanged. Rate pairs without a polyphase plan (non-integer
 * rates, reduced output rate above 4096) are not supported: {@link StreamResampler.create} returns null.
 */
export class StreamResampler {
  /** Output samples the whole stream gives: `⌈inputLength · up / down⌉` (`inputLength` at equal rates). */
  readonly outputLength: number;
  private readonly up: number;
  private readonly down: number;
  private readonly k: number;
  private readonly table: Float64Array;
  private readonly n: number;
  private readonly passthrough: boolean;
  private buf = new Float32Array(0);
  /** Absolute input index of buf[0]. */
  private bufStart = 0;
  private bufLen = 0;
  private received = 0;
  private m = 0;
  private k0 = 0;
  private p = 0;
  private out = new Float32Array(0);

  private constructor(fromRate: number, toRate: number, inputLength: number) {
    this.n = inputLength;
    this.passthrough = fromRate === toRate;
    const plan = this.passthrough ? null : polyphasePlan(fromRate, toRate)!;
    this.up = plan?.up ?? 1;
    this.down = plan?.down ?? 1;
    this.k = plan?.k ?? 0;
    this.table = plan?.table ?? new Float64Array(0);
    this.outputLength = this.passthrough
      ? inputLength
      : Math.floor((inputLength * this.up + this.down - 1) / this.down);
  }

  /** A resampler for `inputLength` samples, or null when the rate pair has no polyphase plan. */
  static create(fromRate: number, toRate: number, inputLength: number): StreamResampler | null {
    if (fromRate !== toRate && polyphasePlan(fromRate, toRate) === null) return null;
    return new StreamResampler(fromRate, toRate, inputLength);
  }

  /** Feeds the next input samples; `emit` receives every output sample that is now complete (a view, valid during the call). */
  push(chunk: Float32Array, emit: (y: Float32Array) => void): void {
    if (this.passthrough) {
      this.received += chunk.length;
      if (chunk.length > 0) emit(chunk);
      return;
    }
    if (this.bufLen + chunk.length > this.buf.length) {
      const next = new Float32Array(Math.max(2 * this.buf.length, this.bufLen + chunk.length));
      next.set(this.buf.subarray(0, this.bufLen));
      this.buf = next;
    }
    this.buf.set(chunk, this.bufLen);
    this.bufLen += chunk.length;
    this.received += chunk.length;
    this.produce(emit);
  }

  /** Emits the rest once all `inputLength` samples were pushed. */
  finish(emit: (y: Float32Array) => void): void {
    if (!this.passthrough) this.produce(emit);
  }

  private produce(emit: (y: Float32Array) => void): void {
    const { up, down, k, table, n } = this;
    const width = 2 * k;
    const stepInt = Math.floor(down / up);
    const stepFrac = down % up;
    const ready = this.received;
    // outputs whose last needed input sample, min(k0 + k, n − 1), has arrived
    let count = 0;
    {
      let k0 = this.k0;
      let p = this.p;
      for (let m = this.m; m < this.outputLength && Math.min(k0 + k + 1, n) <= ready; m++) {
        count++;
        k0 += stepInt;
        p += stepFrac;
        if (p >= up) {
          p -= up;
          k0 += 1;
        }
      }
    }
    if (count === 0) return;
    if (this.out.length < count) this.out = new Float32Array(count);
    const y = this.out;
    const buf = this.buf;
    const off = this.bufStart;
    for (let i = 0; i < count; i++) {
      const base = this.p * width;
      let acc = 0;
      const lo = this.k0 - k + 1;
      const jStart = lo < 0 ? -lo : 0;
      const jEnd = Math.min(width, n - lo);
      for (let j = jStart; j < jEnd; j++) acc += table[base + j]! * buf[lo + j - off]!;
      y[i] = acc;
      this.m++;
      this.k0 += stepInt;
      this.p += stepFrac;
      if (this.p >= up) {
        this.p -= up;
        this.k0 += 1;
      }
    }
    // keep only what later outputs can still read: from k0 − k + 1 on
    const keepFrom = Math.max(this.bufStart, this.k0 - k + 1);
    const drop = Math.min(this.bufLen, keepFrom - this.bufStart);
    if (drop > 0) {
      buf.copyWithin(0, drop, this.bufLen);
      this.bufLen -= drop;
      this.bufStart += drop;
    }
    emit(y.subarray(0, count));
  }
}
