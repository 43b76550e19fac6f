import type { AdaptiveFilter } from '../../src/models/adaptive-filter.js';
import type { V2Scene } from '../../src/signal/abrupt-noise-v2-scene.js';
import { lsOracle } from './ls-oracle.js';
import { runClip } from './reference-methods.js';
import { median } from './reference-metrics.js';
import { recoveryTo, scoreV2 } from './v2-metrics.js';

/** One change of one clip: the canceller against the least-squares genies, on the canceller's target. */
export interface RecoveryBoundRow {
  readonly kind: string;
  readonly sampleRate: number;
  /** Change time (s). */
  readonly at: number;
  /** The canceller's pre-change level (dB of noise reduction) and recovery time (s; ∞: never). */
  readonly pre: number;
  readonly rec: number;
  /** The 64 ms genie: its pre-change level, its NR over the two windows from the change, its own recovery. */
  readonly geniePre: number;
  readonly genieAfter: number;
  readonly genieRec: number;
  /** Time for the genie and for the support genie to reach the canceller's target (pre − 3 dB). */
  readonly bound: number;
  readonly boundSupport: number;
  readonly supportPre: number;
  readonly supportTaps: number;
}

/** Options: the canceller's filter length, the genies' update interval and loadings (see {@link lsOracle}). */
export interface RecoveryBoundOptions {
  readonly taps: number;
  readonly update: number;
  readonly loadings: readonly number[];
}

/**
 * Runs `canceller` on the scene and the two least-squares genies (the canceller's length, and the true
 * path's length), scores all three with the benchmark's windows, and returns one row per change.
 */
export function recoveryBound(sc: V2Scene, canceller: AdaptiveFilter, o: RecoveryBoundOptions): RecoveryBoundRow[] {
  const fs = sc.sampleRate;
  const mine = scoreV2(sc, runClip(canceller, sc.primary, sc.reference));
  const genie = scoreV2(sc, lsOracle(sc, o));
  const supportTaps = Math.min(o.taps, Math.ceil((sc.pathMs * fs) / 1000));
  const support = scoreV2(sc, lsOracle(sc, { ...o, taps: supportTaps }));
  const w = Math.round(0.25 * fs);
  return sc.changes.map((c, i) => {
    const j = Math.floor(c.at / w);
    return {
      kind: sc.kind,
      sampleRate: fs,
      at: c.at / fs,
      pre: mine.preLevel[i],
      rec: mine.recovery[i],
      geniePre: genie.preLevel[i],
      genieAfter: median([genie.nr[j], genie.nr[j + 1]].filter((v) => v !== undefined)),
      genieRec: genie.recovery[i],
      bound: recoveryTo(genie.nr, fs, c.at, mine.preLevel[i] - 3),
      boundSupport: recoveryTo(support.nr, fs, c.at, mine.preLevel[i] - 3),
      supportPre: support.preLevel[i],
      supportTaps,
    };
  });
}
