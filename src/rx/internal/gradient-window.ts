import type { GradientEvent } from '../events.js';

/** The average of one window of gradient events (the object and its buffers are owned by the window and reused). */
export interface WindowAverage {
  readonly grads: readonly (Float32Array | null)[];
  readonly loss: number | undefined;
  readonly time: number | undefined;
}

/**
 * Accumulates gradient events of one window and averages them per variable:
 * `ḡ_i = (Σ_{events with a gradient for i} g_i) / count_i` (float64 sums, float32 result; a variable
 * with no gradient in the window averages to `null`), the mean loss of the events that carry one,
 * and the last event's time. Buffers are allocated once at construction.
 */
export class GradientWindow {
  /** Events in the current window. */
  size = 0;
  private readonly sums: Float64Array[];
  private readonly avg: Float32Array[];
  private readonly counts: Int32Array;
  private readonly avgList: (Float32Array | null)[];
  /** What {@link take} returns, refilled on each call. */
  private readonly out: { -readonly [K in keyof WindowAverage]: WindowAverage[K] };
  private lossSum = 0;
  private lossCount = 0;
  private lastTime: number | undefined;

  constructor(lengths: readonly number[]) {
    this.sums = lengths.map((n) => new Float64Array(n));
    this.avg = lengths.map((n) => new Float32Array(n));
    this.counts = new Int32Array(lengths.length);
    this.avgList = new Array<Float32Array | null>(lengths.length).fill(null);
    this.out = { grads: this.avgList, loss: undefined, time: undefined };
  }

  /** Adds an event (its shape already checked against the variables). */
  add(event: GradientEvent): void {
    const grads = event.grads;
    for (let i = 0; i < this.sums.length; i++) {
      const g = grads[i];
      if (!g) continue;
      const s = this.sums[i]!;
      for (let k = 0; k < g.length; k++) s[k]! += g[k]!;
      this.counts[i]!++;
    }
    this.size++;
    if (event.loss !== undefined) {
      this.lossSum += event.loss;
      this.lossCount++;
    }
    this.lastTime = event.time;
  }

  /** Averages and empties the window. Only valid when `size > 0`; the result is valid until the next call. */
  take(): WindowAverage {
    for (let i = 0; i < this.sums.length; i++) {
      const c = this.counts[i]!;
      if (c === 0) {
        this.avgList[i] = null;
        continue;
      }
      const s = this.sums[i]!;
      const a = this.avg[i]!;
      for (let k = 0; k < s.length; k++) a[k] = s[k]! / c;
      s.fill(0);
      this.counts[i] = 0;
      this.avgList[i] = a;
    }
    const out = this.out;
    out.loss = this.lossCount > 0 ? this.lossSum / this.lossCount : undefined;
    out.time = this.lastTime;
    this.size = 0;
    this.lossSum = 0;
    this.lossCount = 0;
    this.lastTime = undefined;
    return out;
  }
}
