import { InvalidOptionError } from '../../core/errors.js';

/**
 * Running minimum of a positive statistic over a sliding window (minimum statistics, Martin 2001):
 * the window is split into `subWindows` sub-windows of `framesPerSub` frames; the value is the
 * minimum over the current sub-window and the last `subWindows` completed ones. It follows a drop
 * at once and a rise after at most one window. Allocation-free per {@link push}.
 * ```
 * cur  = min(cur, x)                    every frame
 * ring[j] = cur, cur = +∞               at the end of each sub-window
 * value = min(cur, ring[0..U−1])
 * ```
 * Used as the noise floor of the primary microphone: speech pauses reveal the noise level that a
 * level estimate from the primary's mean power (speech included) overstates.
 *
 * @example
 * const floor = new MinimumTracker(4, 50); // 4 × 50 frames
 * floor.push(power); floor.value;
 */
export class MinimumTracker {
  readonly subWindows: number;
  readonly framesPerSub: number;
  private readonly ring: Float64Array;
  /** [0] current sub-window minimum, [1] frames in it, [2] next ring slot, [3] value, [4] input. */
  private readonly s = new Float64Array(5);

  constructor(subWindows: number, framesPerSub: number) {
    if (!(Number.isInteger(subWindows) && subWindows >= 1 && Number.isInteger(framesPerSub) && framesPerSub >= 1)) {
      throw new InvalidOptionError([
        {
          option: 'window',
          message: `MinimumTracker needs integers subWindows >= 1 and framesPerSub >= 1. Received: ${subWindows}, ${framesPerSub}`,
        },
      ]);
    }
    this.subWindows = subWindows;
    this.framesPerSub = framesPerSub;
    this.ring = new Float64Array(subWindows);
    this.reset();
  }

  /** The minimum over the window (+∞ before the first push). */
  get value(): number {
    return this.s[3];
  }

  reset(): void {
    this.ring.fill(Number.POSITIVE_INFINITY);
    this.s[0] = Number.POSITIVE_INFINITY;
    this.s[1] = 0;
    this.s[2] = 0;
    this.s[3] = Number.POSITIVE_INFINITY;
  }

  /** {@link push} of `source[index]` (no double argument to box in a hot loop). */
  pushFrom(source: Float64Array, index: number): void {
    this.s[4] = source[index];
    this.update();
  }

  push(x: number): void {
    this.s[4] = x;
    this.update();
  }

  private update(): void {
    const s = this.s;
    const x = s[4];
    if (x < s[0]) s[0] = x;
    if (++s[1] >= this.framesPerSub) {
      this.ring[s[2]] = s[0];
      s[2] = (s[2] + 1) % this.subWindows;
      s[0] = Number.POSITIVE_INFINITY;
      s[1] = 0;
    }
    let m = s[0];
    const ring = this.ring;
    for (let j = 0; j < ring.length; j++) if (ring[j] < m) m = ring[j];
    s[3] = m;
  }
}
