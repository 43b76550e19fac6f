import { IssueCollector } from '../../core/validate.js';

export interface PageHinkleyOptions {
  /** Magnitude of change tolerated without alarm, δ (units of the statistic, e.g. dB). Default 1. */
  readonly delta?: number;
  /** Alarm threshold λ on the cumulative deviation (units × frames). Default 25. */
  readonly threshold?: number;
  /** Forgetting factor α of the running mean, in (0, 1]; 1 = cumulative mean. Default 0.99. */
  readonly alpha?: number;
  /** Observations before the first alarm is allowed (warm-up). Default 30. */
  readonly minSamples?: number;
  /** Which changes raise an alarm. Default 'both'. */
  readonly direction?: 'up' | 'down' | 'both';
}

/**
 * Page–Hinkley change detector (two-sided), for a drifting mean of a scalar statistic such as the
 * error power in dB per block:
 * ```
 * x̄_t  = α·x̄_{t−1} + (1 − α)·x_t                   (x̄_1 = x_1; α = 1: cumulative mean)
 * U_t  = U_{t−1} + (x_t − x̄_{t−1} − δ),   alarm "up"   when U_t − min_{s≤t} U_s > λ
 * D_t  = D_{t−1} + (x̄_{t−1} − x_t − δ),   alarm "down" when D_t − min_{s≤t} D_s > λ
 * ```
 * After an alarm everything restarts from the next observation (the new regime's mean). O(1) per
 * update, no allocation.
 *
 * References: Page, "Continuous inspection schemes", Biometrika 41, 1954; Hinkley, "Inference about
 * the change-point from cumulative sum tests", Biometrika 58, 1971; River `drift.PageHinkley`.
 */
export class PageHinkley {
  readonly delta: number;
  readonly threshold: number;
  readonly alpha: number;
  readonly minSamples: number;
  readonly direction: 'up' | 'down' | 'both';
  /** Observations since the last (re)start. */
  count = 0;
  /** Alarms raised so far. */
  alarms = 0;
  /** +1 for the last alarm "up", −1 for "down", 0 before any alarm. */
  lastDirection = 0;
  private mean = 0;
  private up = 0;
  private upMin = 0;
  private down = 0;
  private downMin = 0;

  constructor(options: PageHinkleyOptions = {}) {
    const c = new IssueCollector();
    c.unknownKeys(options, new Set(['delta', 'threshold', 'alpha', 'minSamples', 'direction']));
    c.inRange('delta', options.delta, 0, Number.MAX_VALUE);
    c.inRange('threshold', options.threshold, Number.MIN_VALUE, Number.MAX_VALUE);
    c.inRange('alpha', options.alpha, Number.MIN_VALUE, 1);
    c.integer('minSamples', options.minSamples, 1, undefined, true);
    const dir = options.direction;
    if (dir !== undefined && dir !== 'up' && dir !== 'down' && dir !== 'both') {
      c.add('direction', `\`direction\` must be 'up', 'down' or 'both'. Received: direction=${String(dir)}`);
    }
    c.throwIfAny();
    this.delta = options.delta ?? 1;
    this.threshold = options.threshold ?? 25;
    this.alpha = options.alpha ?? 0.99;
    this.minSamples = options.minSamples ?? 30;
    this.direction = dir ?? 'both';
  }

  /** Forgets everything (the next observation starts a new regime). Does not clear `alarms`. */
  reset(): void {
    this.count = 0;
    this.mean = 0;
    this.up = 0;
    this.upMin = 0;
    this.down = 0;
    this.downMin = 0;
  }

  /** Feeds one observation; returns true when a change is detected (then restarts). Non-finite input is ignored. */
  update(x: number): boolean {
    if (!Number.isFinite(x)) return false;
    if (this.count === 0) {
      this.mean = x;
      this.count = 1;
      return false;
    }
    const m = this.mean;
    this.up += x - m - this.delta;
    if (this.up < this.upMin) this.upMin = this.up;
    this.down += m - x - this.delta;
    if (this.down < this.downMin) this.downMin = this.down;
    this.count++;
    const a = this.alpha === 1 ? (this.count - 1) / this.count : this.alpha;
    this.mean = a * m + (1 - a) * x;
    if (this.count < this.minSamples) return false;
    const upAlarm = this.direction !== 'down' && this.up - this.upMin > this.threshold;
    const downAlarm = this.direction !== 'up' && this.down - this.downMin > this.threshold;
    if (upAlarm || downAlarm) {
      this.alarms++;
      this.lastDirection = upAlarm ? 1 : -1;
      this.reset();
      return true;
    }
    return false;
  }
}
