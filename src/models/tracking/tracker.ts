import { IssueCollector } from '../../core/validate.js';
import type { AdamaxCore } from '../../optim/adamax-core.js';
import { PageHinkley, type PageHinkleyOptions } from './page-hinkley.js';

export interface TrackerOptions {
  /** The change detector, or its options (default: `new PageHinkley()`). */
  readonly detector?: PageHinkley | PageHinkleyOptions;
  /**
   * On detection, zero Adamax's moments m and u and restart its step counter (so the bias
   * correction 1/(1 − β1^t) makes the first steps full-sized again, and the EMA of the weights
   * restarts from the current weights). Default true.
   */
  readonly resetMoments?: boolean;
  /** Learning-rate multiplier right after a detection (≥ 1; 1 = no boost). Default 1. */
  readonly lrBoost?: number;
  /** Frames over which the boost decays back to 1 (time constant). Default 50. */
  readonly boostFrames?: number;
  /** Minimum frames between two detections (refractory period). Default 25. */
  readonly refractoryFrames?: number;
}

/**
 * Tracking aid for an online learner: a change detector on a per-frame statistic (typically the
 * error power in dB) that, on a detected change, resets Adamax's moments and boosts the learning
 * rate for a while:
 * ```
 * on alarm at frame t₀:  m ← 0,  u ← 0,  iterations ← 0                  (if resetMoments)
 * lr multiplier(t) = 1 + (boost − 1) · exp(−(t − t₀) / boostFrames)
 * ```
 * Why: Adamax's `u ← max(β2·u, |g|)` remembers the largest recent gradient; after a loud→quiet
 * change the steps stay tiny until u decays (≈ τ of β2), and after a path change the momentum
 * points the wrong way. The owner of the optimizer applies {@link lrMultiplier} to its base
 * learning rate each frame (see `OptimizedFilter`). No allocation per frame.
 *
 * References: Page–Hinkley (Page 1954); drift-triggered resets as in River's drift detectors;
 * Valin 2007 (learning-rate control in MDF echo cancellers).
 */
export class Tracker {
  readonly detector: PageHinkley;
  readonly resetMoments: boolean;
  readonly lrBoost: number;
  readonly boostFrames: number;
  readonly refractoryFrames: number;
  /** Detections so far. */
  detections = 0;
  /** Frames since the last detection (a large number before the first). */
  framesSinceDetection = 1e9;
  private boost = 0;
  private readonly decay: number;

  constructor(options: TrackerOptions = {}) {
    const c = new IssueCollector();
    c.unknownKeys(options, new Set(['detector', 'resetMoments', 'lrBoost', 'boostFrames', 'refractoryFrames']));
    c.boolean('resetMoments', options.resetMoments);
    c.inRange('lrBoost', options.lrBoost, 1, 1e6);
    c.inRange('boostFrames', options.boostFrames, Number.MIN_VALUE, Number.MAX_VALUE);
    c.integer('refractoryFrames', options.refractoryFrames, 0, undefined, true);
    c.throwIfAny();
    const det = options.detector;
    this.detector = det instanceof PageHinkley ? det : new PageHinkley(det ?? {});
    this.resetMoments = options.resetMoments ?? true;
    this.lrBoost = options.lrBoost ?? 1;
    this.boostFrames = options.boostFrames ?? 50;
    this.refractoryFrames = options.refractoryFrames ?? 25;
    this.decay = Math.exp(-1 / this.boostFrames);
  }

  /** Current learning-rate multiplier (1 when no boost is active). */
  get lrMultiplier(): number {
    return 1 + this.boost;
  }

  /**
   * Feeds the frame's statistic; on a detection applies the reset to `core` (when given) and starts
   * the boost. Returns true on the frame of a detection.
   */
  observe(statistic: number, core: AdamaxCore | null): boolean {
    this.framesSinceDetection++;
    this.boost *= this.decay;
    if (this.boost < 1e-4) this.boost = 0;
    const alarm = this.detector.update(statistic);
    if (!alarm || this.framesSinceDetection < this.refractoryFrames) return false;
    this.trigger(core);
    return true;
  }

  /** Acts as if a change had been detected now (manual reset, e.g. from a control message). */
  trigger(core: AdamaxCore | null): void {
    this.detections++;
    this.framesSinceDetection = 0;
    this.boost = this.lrBoost - 1;
    if (this.resetMoments && core) {
      core.m.fill(0);
      core.u.fill(0);
      core.rawIterations = 0;
    }
  }

  /** Back to the initial state (detector included). */
  reset(): void {
    this.detector.reset();
    this.detections = 0;
    this.framesSinceDetection = 1e9;
    this.boost = 0;
  }
}
