import { describe, expect, it } from 'vitest';
import { createLayout } from '../../src/core/param-layout.js';
import { Random } from '../../src/core/random.js';
import { PageHinkley } from '../../src/models/tracking/page-hinkley.js';
import {
  betaFromTimeConstant,
  halfLifeFromBeta,
  timeConstantFromBeta,
} from '../../src/models/tracking/time-constants.js';
import { Tracker } from '../../src/models/tracking/tracker.js';
import { Adamax } from '../../src/optim/adamax.js';

const FS = 16000;
const B = 64;
const RATE = FS / B; // 250 blocks per second

/** Error power in dB of one block of white noise with the given RMS. */
function blockDb(rng: Random, rms: number): number {
  let s = 0;
  for (let i = 0; i < B; i++) {
    const v = rms * rng.gaussian();
    s += v * v;
  }
  return 10 * Math.log10(s / B);
}

describe('time constants', () => {
  it('betaFromTimeConstant and its inverse', () => {
    const b = betaFromTimeConstant(0.2, RATE);
    expect(b).toBeCloseTo(Math.exp(-1 / 50), 12);
    expect(timeConstantFromBeta(b, RATE)).toBeCloseTo(0.2, 10);
    expect(halfLifeFromBeta(0.999, RATE)).toBeCloseTo(Math.LN2 * 4, 2);
    expect(timeConstantFromBeta(1, RATE)).toBe(Number.POSITIVE_INFINITY);
    expect(() => betaFromTimeConstant(0, RATE)).toThrow(/seconds/);
    expect(() => timeConstantFromBeta(1.5, RATE)).toThrow(/beta/);
  });
});

describe('PageHinkley', () => {
  for (const stepDb of [10, -20, 6]) {
    it(`detects a ${stepDb} dB step within 150 ms`, () => {
      const rng = new Random(1);
      const ph = new PageHinkley({ delta: 1, threshold: 25, alpha: betaFromTimeConstant(1, RATE) });
      const change = 2 * RATE;
      let firedAt = -1;
      for (let t = 0; t < 3 * RATE; t++) {
        const rms = t < change ? 0.1 : 0.1 * 10 ** (stepDb / 20);
        if (ph.update(blockDb(rng, rms)) && t >= change && firedAt < 0) firedAt = t;
        if (t < change) expect(ph.alarms).toBe(0);
      }
      expect(firedAt).toBeGreaterThanOrEqual(change);
      expect((firedAt - change) / RATE).toBeLessThanOrEqual(0.15);
    });
  }
  it('rarely fires on stationary noise (≤ 1 alarm in 10 min)', () => {
    const rng = new Random(4);
    const ph = new PageHinkley({ delta: 1, threshold: 25, alpha: betaFromTimeConstant(1, RATE) });
    for (let t = 0; t < 600 * RATE; t++) ph.update(blockDb(rng, 0.1));
    expect(ph.alarms).toBeLessThanOrEqual(1);
  });
  it('ignores non-finite input and validates options', () => {
    const ph = new PageHinkley();
    expect(ph.update(Number.NaN)).toBe(false);
    expect(() => new PageHinkley({ threshold: 0 })).toThrow(/threshold/);
  });
});

describe('Tracker', () => {
  it('resets the Adamax moments and boosts the learning rate on a detection', () => {
    const core = new Adamax({ learningRate: 0.01 }).buildFlat(createLayout([{ name: 'w', length: 4 }]));
    core.grads.set([1, -2, 3, 4]);
    core.step();
    const tracker = new Tracker({ lrBoost: 4, boostFrames: 10, detector: { minSamples: 5, threshold: 10 } });
    const rng = new Random(2);
    let fired = false;
    for (let t = 0; t < 100 && !fired; t++) fired = tracker.observe(blockDb(rng, t < 50 ? 0.1 : 1), core);
    expect(fired).toBe(true);
    expect(tracker.detections).toBe(1);
    expect(Array.from(core.m)).toEqual([0, 0, 0, 0]);
    expect(Array.from(core.u)).toEqual([0, 0, 0, 0]);
    expect(core.rawIterations).toBe(0);
    expect(tracker.lrMultiplier).toBeCloseTo(4, 6);
    for (let t = 0; t < 10; t++) tracker.observe(blockDb(rng, 1), core);
    expect(tracker.lrMultiplier).toBeCloseTo(1 + 3 * Math.exp(-1), 2);
  });
});
