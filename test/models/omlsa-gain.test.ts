import { describe, expect, it } from 'vitest';
import { Random } from '../../src/core/random.js';
import {
  COHEN_SPEECH_ABSENCE,
  createOmLsaState,
  EULER_MASCHERONI,
  expint1,
  lsaGain,
  SpeechAbsenceEstimator,
  speechPresence,
} from '../../src/models/omlsa-gain.js';
import { OnlineDenoiser } from '../../src/models/online-denoiser.js';
import { Adamax } from '../../src/optim/adamax.js';
import { siSdr } from '../../src/signal/si-sdr.js';
import { loadSpeech, makeMix } from './denoiser-fixtures.js';

/** E₁ by trapezoidal quadrature of ∫₀^∞ e^(−x(1+t))/(1+t) dt… written as ∫ₓ^∞ e^(−s)/s ds on a log grid. */
function expintQuadrature(x: number): number {
  let s = 0;
  const steps = 200000;
  const a = Math.log(x);
  const b = Math.log(x + 60);
  const du = (b - a) / steps;
  for (let i = 0; i < steps; i++) {
    const u = a + (i + 0.5) * du;
    s += Math.exp(-Math.exp(u)) * du; // e^(−s)/s · ds with s = e^u
  }
  return s;
}

describe('OM-LSA gain pieces', () => {
  it('expint1 matches quadrature and its limits', () => {
    for (const x of [1e-4, 0.01, 0.3, 1, 2.5, 10, 40]) {
      const ref = expintQuadrature(x);
      expect(Math.abs(expint1(x) - ref) / ref).toBeLessThan(2e-4);
    }
    expect(expint1(1e-8)).toBeCloseTo(-EULER_MASCHERONI - Math.log(1e-8), 5);
    expect(expint1(0)).toBe(Number.POSITIVE_INFINITY);
    expect(expint1(1000)).toBe(0);
  });

  it('LSA gain lies in [0, 1], exceeds the Wiener gain and tends to it at high SNR', () => {
    for (const xi of [0, 1e-4, 0.01, 0.1, 1, 10, 100, 1e4]) {
      for (const gamma of [0, 1e-3, 0.5, 1, 2, 10, 1e3]) {
        const g = lsaGain(xi, gamma);
        expect(g).toBeGreaterThanOrEqual(0);
        expect(g).toBeLessThanOrEqual(1);
        expect(g).toBeGreaterThanOrEqual(xi / (1 + xi) - 1e-12);
      }
    }
    expect(lsaGain(0, 5)).toBe(0);
    expect(lsaGain(1000, 1000)).toBeCloseTo(1000 / 1001, 6);
    expect(lsaGain(Number.NaN, 1)).toBe(0);
  });

  it('speech presence is a probability, increasing in γ and decreasing in q', () => {
    let last = -1;
    for (const gamma of [0, 0.1, 1, 3, 10, 100, 1e6]) {
      const p = speechPresence(1, gamma, 0.5);
      expect(p).toBeGreaterThanOrEqual(0);
      expect(p).toBeLessThanOrEqual(1);
      expect(p).toBeGreaterThanOrEqual(last);
      last = p;
    }
    expect(speechPresence(1, 3, 0.2)).toBeGreaterThan(speechPresence(1, 3, 0.8));
    expect(speechPresence(1, 3, 0)).toBe(1);
    expect(speechPresence(1, 3, 1)).toBe(0);
    expect(speechPresence(Number.NaN, Number.NaN, 0.5)).toBe(0);
  });

  it('a-priori speech absence q is in [0, q_max]: high where ξ is low, low where it is high', () => {
    const k = 129;
    const est = new SpeechAbsenceEstimator();
    const state = createOmLsaState(k);
    const xi = new Float64Array(k);
    const q = new Float64Array(k);
    const rng = new Random(5);
    for (let t = 0; t < 50; t++) {
      for (let j = 0; j < k; j++) xi[j] = j < 40 ? 20 * rng.next() + 10 : 0.01 * rng.next();
      est.update(state, xi, q, t === 0);
      for (const v of q) {
        expect(v).toBeGreaterThanOrEqual(0);
        expect(v).toBeLessThanOrEqual(COHEN_SPEECH_ABSENCE.qMax);
      }
    }
    expect(q[10]!).toBeLessThan(0.05);
    expect(q[100]!).toBe(COHEN_SPEECH_ABSENCE.qMax);
  });
});

describe('OnlineDenoiser with the OM-LSA rule', () => {
  const speech = loadSpeech();
  it('exposes presence in [0, 1], stays finite and improves SI-SDR at least as the Wiener rule − 1 dB', () => {
    const m = makeMix(speech, 'pink', 3, 21, 5);
    const om = new OnlineDenoiser({ gainRule: 'omlsa' });
    const wi = new OnlineDenoiser({ gainRule: 'wiener' });
    const y = om.process(m.noisy, 16000);
    expect(y.every((v) => Number.isFinite(v))).toBe(true);
    // the presence of every frame, from the stream state the model writes it to
    const core = new Adamax(om.optimizerOptions).buildFlat(om.layout);
    om.warmStart(core.params, m.noisy);
    const state = om.createState();
    const h = om.frameSize;
    const out = new Float32Array(h);
    let [lo, hi] = [1, 0];
    for (let f = 0; (f + 1) * h <= m.noisy.length; f++) {
      om.learn(core.params, state, [m.noisy.subarray(f * h, (f + 1) * h)], out, core.grads);
      core.step();
      for (const p of state.presence) {
        expect(p).toBeGreaterThanOrEqual(0);
        expect(p).toBeLessThanOrEqual(1);
        lo = Math.min(lo, p);
        hi = Math.max(hi, p);
      }
    }
    expect(lo).toBeLessThan(0.1);
    expect(hi).toBeGreaterThan(0.9);
    const base = siSdr(m.clean, m.noisy);
    const a = siSdr(m.clean, y) - base;
    const b = siSdr(m.clean, wi.process(m.noisy, 16000)) - base;
    expect(a).toBeGreaterThan(4);
    expect(a).toBeGreaterThan(b - 1);
  });

  it('rejects a bad gain rule or q_max', () => {
    expect(() => new OnlineDenoiser({ gainRule: 'lsa' as never })).toThrow(/gainRule/);
    expect(() => new OnlineDenoiser({ speechAbsenceMax: 1 })).toThrow(/speechAbsenceMax/);
  });
});
