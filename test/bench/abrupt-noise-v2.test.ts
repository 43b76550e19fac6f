import { describe, expect, it } from 'vitest';
import { runClip } from '../../bench/lib/reference-methods.js';
import { buildClip, clipSpecs, withGainJump } from '../../bench/lib/v2-clips.js';
import {
  CANCELLER_METHOD,
  type CancellerKnobs,
  FD_ADAMAX_METHOD,
  makeCanceller,
  makeCancellerByHand,
  V1_DEFAULT_FD,
} from '../../bench/lib/v2-methods.js';
import { recoveryTime, scoreV2, speechPauseNr } from '../../bench/lib/v2-metrics.js';
import { makeV2Scene, V2_SCENE_KINDS } from '../../src/signal/abrupt-noise-v2-scene.js';

const speech = (n: number) =>
  Array.from({ length: n }, (_, i) =>
    Float32Array.from({ length: 8000 }, (_, j) => Math.sin(j * (0.01 + 0.003 * i)) * 0.1),
  );

describe('abrupt-noise-v2 scenes', () => {
  it('are deterministic, cover every kind and place the changes inside the clip', () => {
    for (const kind of V2_SCENE_KINDS) {
      const o = { kind, seed: 5, index: 1, sampleRate: 8000, talker: speech(2), others: speech(3), durationSec: 6 };
      const a = makeV2Scene(o);
      const b = makeV2Scene(o);
      expect(Array.from(a.primary.subarray(0, 500))).toEqual(Array.from(b.primary.subarray(0, 500)));
      expect(a.changes.length).toBeGreaterThanOrEqual(1);
      for (const c of a.changes) {
        expect(c.at).toBeGreaterThan(c.preStart);
        expect(c.preEnd).toBeLessThanOrEqual(c.at);
        expect(c.at).toBeLessThan(a.primary.length - 8000);
      }
      expect(a.pathMs).toBeGreaterThanOrEqual(2);
      expect(a.pathMs).toBeLessThanOrEqual(43);
      for (let i = 0; i < a.primary.length; i += 97)
        expect(a.primary[i]).toBeCloseTo(a.clean[i] + a.noiseAtPrimary[i], 5);
    }
    expect(
      makeV2Scene({ kind: 'multi', seed: 5, index: 2, sampleRate: 8000, talker: speech(1), others: speech(1) }).changes
        .length,
    ).toBeGreaterThanOrEqual(2);
  });

  it('drops the source by 30 dB and brings it back in drop-30', () => {
    const sc = makeV2Scene({
      kind: 'drop-30',
      seed: 3,
      index: 0,
      sampleRate: 8000,
      talker: speech(1),
      others: speech(2),
    });
    const [drop, back] = sc.changes;
    const ms = (a: number, b: number) => {
      let s = 0;
      for (let i = a; i < b; i++) s += sc.reference[i] ** 2;
      return s / (b - a);
    };
    const before = ms(drop.at - 4000, drop.at);
    expect(10 * Math.log10(before / ms(drop.at + 100, back.at - 100))).toBeGreaterThan(25);
    expect(Math.abs(10 * Math.log10(before / ms(back.at + 100, back.at + 4000)))).toBeLessThan(3);
  });

  it('measures recovery against the pre-change noise reduction', () => {
    const nr = Float64Array.from([20, 20, 20, 20, 20, 20, 20, 20, 0, 5, 12, 18, 19, 20, 20, 20]);
    // 4 windows/s at fs = 4: the change at window 8; back within 3 dB when the mean of 2 windows ≥ 17
    expect(recoveryTime(nr, 4, 8, 0, 8)).toBeCloseTo(0.75, 9);
    expect(recoveryTime(Float64Array.from([20, 20, 20, 20, 0, 0, 0, 0]), 4, 4, 0, 4)).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('withGainJump (the --gain-jump stress probe)', () => {
  it('scales the noise at the primary from the first change on and keeps the reference and the speech', () => {
    const o = { kind: 'path' as const, seed: 5, index: 1, sampleRate: 8000, talker: speech(2), others: speech(3) };
    const a = makeV2Scene({ ...o, durationSec: 6 });
    const b = withGainJump(a, 20);
    const at = a.changes[0]!.at;
    expect(b.reference).toBe(a.reference);
    expect(b.clean).toBe(a.clean);
    for (let i = 0; i < a.primary.length; i += 37) {
      expect(b.noiseAtPrimary[i]).toBeCloseTo(i < at ? a.noiseAtPrimary[i]! : 10 * a.noiseAtPrimary[i]!, 5);
      expect(b.primary[i]).toBeCloseTo(b.clean[i]! + b.noiseAtPrimary[i]!, 5);
    }
    expect(Array.from(withGainJump(a, 0).primary)).toEqual(Array.from(a.primary));
  });
});

describe('speechPauseNr', () => {
  it('splits the steady windows by speech activity, skipping the first second and 2 s after a change', () => {
    const fs = 4; // one sample per 250 ms window
    const clean = Float32Array.from([1, 1, 1, 1, 1, 0, 1, 0, 0.05, 1, 1, 0, 1, 0, 1, 0, 1, 0]);
    const nr = Float64Array.from(clean, (_, j) => j);
    const sc = { sampleRate: fs, clean, changes: [{ at: 9, preStart: 0, preEnd: 9, label: 'path' }] };
    const { nrSpeech, nrPause } = speechPauseNr(sc as unknown as Parameters<typeof speechPauseNr>[0], nr);
    // windows 0–3: the first second; 9–16: within 2 s after the change; 8 (power 0.0025 of the loud
    // level 1): neither speech (> 1 %) nor pause (< 0.01 %)
    expect(nrSpeech).toEqual([4, 6]);
    expect(nrPause).toEqual([5, 7, 17]);
  });
});

describe('abrupt-noise-v2 smoke (committed fixtures, 16 kHz, seconds)', () => {
  it('the two-path canceller beats the v1 default after a compound change and survives a −30 dB drop', () => {
    const clips = clipSpecs('validation', [16000], 1, 8, 'fixtures').filter(
      (c) => c.kind === 'compound' || c.kind === 'drop-30',
    );
    const seed = CANCELLER_METHOD.seedConfig as CancellerKnobs;
    for (const spec of clips) {
      const sc = buildClip(spec);
      const nw = scoreV2(sc, runClip(CANCELLER_METHOD.make(16000, seed), sc.primary, sc.reference));
      const old = scoreV2(sc, runClip(FD_ADAMAX_METHOD.make(16000, V1_DEFAULT_FD), sc.primary, sc.reference));
      expect(nw.diverged).toBe(false);
      expect(nw.siSdr).toBeGreaterThan(nw.siSdrIn + 3);
      if (spec.kind === 'compound') {
        expect(nw.recovery[0]).toBeLessThanOrEqual(old.recovery[0]);
        expect(nw.siSdrPost).toBeGreaterThan(old.siSdrPost + 2);
      } else {
        // −30 dB drop and return: no blow-up, good again as soon as the source is back
        expect(nw.recovery[1]).toBeLessThanOrEqual(0.5);
      }
    }
  });
});

describe('abrupt-noise-v2 builds the canceller through the one factory', () => {
  it('is bit-identical to the same canceller assembled by hand (16 and 48 kHz, each foreground kind, convex or not)', () => {
    const seed = CANCELLER_METHOD.seedConfig as CancellerKnobs;
    for (const [fs, k] of [
      [16000, seed],
      [48000, seed],
      [16000, { ...seed, foreground: 'ema', gateDb: 0 }],
      [16000, { ...seed, foreground: 'copy', twoPath: false }],
      [16000, { ...seed, combination: 'none', copyBoost: 1 }],
    ] as const) {
      const spec = clipSpecs('validation', [fs], 1, 6, 'fixtures').find((c) => c.kind === 'path')!;
      const sc = buildClip(spec);
      const n = Math.round(1.5 * fs);
      const a = runClip(makeCanceller(fs, k), sc.primary.subarray(0, n), sc.reference.subarray(0, n));
      const b = runClip(makeCancellerByHand(fs, k), sc.primary.subarray(0, n), sc.reference.subarray(0, n));
      expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer))).toBe(true);
    }
  });
});
