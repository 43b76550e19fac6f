import { describe, expect, it } from 'vitest';
import { lsOracle } from '../../bench/lib/ls-oracle.js';
import { recoveryBound } from '../../bench/lib/recovery-bound.js';
import { CANCELLER_METHOD, v2Taps } from '../../bench/lib/v2-methods.js';
import { makeV2Scene, type V2Scene } from '../../src/signal/abrupt-noise-v2-scene.js';

/** A scene whose noise path switches from h1 to h2 at `at`; the near-end speech is a quiet tone. */
function scene(n: number, at: number): V2Scene {
  let seed = 3;
  const rnd = (): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648 - 0.5;
  };
  const h1 = Float64Array.from({ length: 24 }, (_, k) => rnd() * Math.exp(-k / 6));
  const h2 = Float64Array.from({ length: 24 }, (_, k) => rnd() * Math.exp(-k / 6));
  const x = Float32Array.from({ length: n }, rnd);
  const clean = Float32Array.from({ length: n }, (_, i) => 0.01 * Math.sin(i / 7));
  const noise = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const h = i < at ? h1 : h2;
    for (let k = 0; k < h.length && k <= i; k++) noise[i] += h[k] * x[i - k];
  }
  return {
    id: 'synthetic',
    kind: 'path',
    sampleRate: 8000,
    clean,
    noiseAtPrimary: noise,
    primary: noise.map((v, i) => v + clean[i]),
    reference: x,
    changes: [{ at, preStart: 0, preEnd: at, label: 'path' }],
    pathMs: 3,
    inputSnrDb: 0,
    sensorDb: -100,
  };
}

const nrDb = (sc: V2Scene, out: Float32Array, from: number, to: number): number => {
  let pv = 0;
  let pe = 0;
  for (let i = from; i < to; i++) {
    pv += sc.noiseAtPrimary[i] ** 2;
    pe += (out[i] - sc.clean[i]) ** 2;
  }
  return 10 * Math.log10(pv / pe);
};

describe('lsOracle (the least-squares genie of the recovery bound)', () => {
  it('cancels a path it can model, and re-learns from the change alone', () => {
    const sc = scene(8000, 4000);
    const out = lsOracle(sc, { taps: 32, update: 250, loadings: [1e-4] });
    // the first segment has no data yet: the output is the primary
    expect(nrDb(sc, out, 0, 250)).toBeCloseTo(0, 5);
    expect(nrDb(sc, out, 1000, 4000)).toBeGreaterThan(30);
    // right after the change only the restarted estimate can cancel: one segment of data suffices
    expect(nrDb(sc, out, 4500, 8000)).toBeGreaterThan(30);
  });

  it('cannot beat a filter that is too short for the path', () => {
    const sc = scene(8000, 4000);
    const out = lsOracle(sc, { taps: 2, update: 250, loadings: [1e-4] });
    expect(nrDb(sc, out, 1000, 4000)).toBeLessThan(10);
  });
});

describe('recoveryBound (bench/v2-recovery-bound.ts per clip)', () => {
  it('scores the canceller and both genies on a v2 path scene, one row per change', () => {
    const tone = (n: number, f: number) =>
      Array.from({ length: n }, (_, i) =>
        Float32Array.from({ length: 6000 }, (_, j) => Math.sin(j * (f + 0.002 * i)) * 0.1 * (j % 3000 < 2000 ? 1 : 0)),
      );
    const fs = 8000;
    const sc = makeV2Scene({
      kind: 'path',
      seed: 11,
      index: 0,
      sampleRate: fs,
      talker: tone(3, 0.05),
      others: tone(4, 0.2),
      durationSec: 6,
    });
    const taps = v2Taps(fs);
    const rows = recoveryBound(sc, CANCELLER_METHOD.make(fs, CANCELLER_METHOD.seedConfig!), {
      taps,
      update: 500,
      loadings: [1e-4, 1e-2],
    });
    expect(rows).toHaveLength(sc.changes.length);
    const r = rows[0]!;
    expect(r.at).toBeCloseTo(sc.changes[0]!.at / fs, 9);
    expect(r.supportTaps).toBe(Math.min(taps, Math.ceil((sc.pathMs * fs) / 1000)));
    // both genies model the path before the change, and the restarted estimate re-learns it after
    expect(r.geniePre).toBeGreaterThan(10);
    expect(r.supportPre).toBeGreaterThan(10);
    expect(Number.isFinite(r.genieRec)).toBe(true);
    for (const v of [r.pre, r.genieAfter]) expect(Number.isFinite(v)).toBe(true);
  });
});
