import { describe, expect, it } from 'vitest';
import { loadSpeechFixtures } from '../../bench/lib/speech.js';
import { Random } from '../../src/core/random.js';
import { adaptiveLineEnhancer } from '../../src/models/adaptive-line-enhancer.js';
import { OptimizedFilter } from '../../src/models/optimized-filter.js';
import { PartitionedFdFilter } from '../../src/models/partitioned-fd-filter.js';
import { betaFromTimeConstant } from '../../src/models/tracking/time-constants.js';
import { Adamax } from '../../src/optim/adamax.js';
import { makeScenario } from '../../src/signal/abrupt-noise-scenario.js';
import { hum } from '../../src/signal/hum.js';

const speech = loadSpeechFixtures();

describe('makeScenario', () => {
  it('is deterministic and puts the change in 40–60 % of the clip', () => {
    for (const track of ['reference', 'single'] as const) {
      for (let index = 0; index < 6; index++) {
        const opts = { seed: 5, split: 'validation' as const, index, speech, sampleRate: 16000, durationSec: 2, track };
        const a = makeScenario(opts);
        const b = makeScenario(opts);
        expect(a.primary).toEqual(b.primary);
        expect(a.clean).toEqual(b.clean);
        expect(a.reference).toEqual(b.reference);
        expect(a.changeAt / a.primary.length).toBeGreaterThanOrEqual(0.4);
        expect(a.changeAt / a.primary.length).toBeLessThanOrEqual(0.6);
        expect(a.pathTaps).toBeGreaterThanOrEqual(32);
        expect(a.pathTaps).toBeLessThanOrEqual(512);
        expect(track === 'single' ? a.reference : a.reference?.length).toBe(
          track === 'single' ? null : a.primary.length,
        );
        for (let i = 0; i < a.primary.length; i += 97) {
          expect(a.primary[i]).toBeCloseTo(a.clean[i] + a.noiseAtPrimary[i], 6);
        }
      }
    }
  });
  it('validation and test splits differ', () => {
    const base = { seed: 5, index: 0, speech, sampleRate: 16000, durationSec: 1.5, track: 'reference' as const };
    const v = makeScenario({ ...base, split: 'validation' });
    const t = makeScenario({ ...base, split: 'test' });
    expect(v.id).not.toBe(t.id);
    expect(v.primary).not.toEqual(t.primary);
  });
  it('covers every change kind', () => {
    const kinds = new Set<string>();
    for (let index = 0; index < 30; index++) {
      kinds.add(
        makeScenario({ seed: 9, split: 'test', index, speech, sampleRate: 16000, durationSec: 1, track: 'single' })
          .changeKind,
      );
    }
    expect(kinds.size).toBe(5);
  });
});

describe('adaptive line enhancer', () => {
  it('removes a hum from white noise', () => {
    const fs = 8000;
    const n = fs * 4;
    const rng = new Random(3);
    const h = hum(n, fs, { fundamental: 50, harmonics: 5, rms: 0.5, rng });
    const w = new Float32Array(n);
    for (let i = 0; i < n; i++) w[i] = 0.05 * rng.gaussian();
    const d = new Float32Array(n);
    for (let i = 0; i < n; i++) d[i] = h[i] + w[i];
    const B = 32;
    const f = new OptimizedFilter({
      model: adaptiveLineEnhancer({ taps: 64, frameSize: B, delay: 1 }),
      optimizer: new Adamax({ learningRate: 2e-3, beta2: betaFromTimeConstant(0.2, fs / B) }),
    });
    const out = new Float32Array(B);
    let eRes = 0;
    let eNoise = 0;
    for (let s = 0; s + B <= n; s += B) {
      f.process([d.subarray(s, s + B)], out);
      if (s >= n / 2) {
        for (let i = 0; i < B; i++) {
          const r = out[i] - w[s + i]; // residual hum in the output
          eRes += r * r;
          eNoise += h[s + i] * h[s + i];
        }
      }
    }
    expect(10 * Math.log10(eNoise / eRes)).toBeGreaterThan(15);
  });
});

describe('FD-Adamax robustness', () => {
  it('produces no NaN or blow-up on 100 quick randomised clips', () => {
    const rng = new Random(17);
    const B = 32;
    for (let c = 0; c < 100; c++) {
      const model = new PartitionedFdFilter({ blockSize: B, partitions: 4 });
      const f = new OptimizedFilter({
        model,
        optimizer: new Adamax({ learningRate: 0.01, beta2: 0.95 }),
        levelNormalizedLr: true,
      });
      const n = B * 60;
      const kind = c % 5;
      const level = kind === 0 ? 1e-6 : 10 ** rng.uniform(-5, 0);
      const jump = kind === 1 ? 1000 : 1;
      const dc = kind === 2 ? rng.uniform(-0.5, 0.5) : 0;
      const x = new Float32Array(n);
      const d = new Float32Array(n);
      let prev = 0;
      for (let i = 0; i < n; i++) {
        const l = i > n / 2 ? level * jump : level;
        x[i] = l * rng.gaussian() + dc;
        d[i] = 0.7 * x[i] + 0.3 * prev + 0.01 * rng.gaussian();
        prev = x[i];
        if (kind === 3) {
          x[i] = Math.max(-1, Math.min(1, 30 * x[i]));
          d[i] = Math.max(-1, Math.min(1, 30 * d[i]));
        }
      }
      if (kind === 4) x[rng.int(0, n - 1)] = Number.NaN;
      const out = new Float32Array(B);
      let po = 0;
      let pd = 0;
      for (let s = 0; s < n; s += B) {
        f.process([d.subarray(s, s + B), x.subarray(s, s + B)], out);
        for (let i = 0; i < B; i++) {
          expect(Number.isFinite(out[i])).toBe(true);
          po += out[i] * out[i];
          pd += d[s + i] * d[s + i];
        }
      }
      expect(po).toBeLessThanOrEqual(10 * pd + 1e-6);
    }
  });
  it('recovers from non-finite parameters by resetting', () => {
    const model = new PartitionedFdFilter({ blockSize: 16, partitions: 2 });
    const f = new OptimizedFilter({ model, optimizer: new Adamax({ learningRate: 0.01 }) });
    const rng = new Random(1);
    const x = new Float32Array(16).map(() => rng.gaussian());
    const d = x.map((v) => 0.5 * v);
    const out = new Float32Array(16);
    f.process([d, x], out);
    f.core.params[3] = Number.NaN;
    f.process([d, x], out);
    expect(f.resets).toBe(1);
    expect(out).toEqual(d);
    f.process([d, x], out);
    expect(out.every(Number.isFinite)).toBe(true);
  });
});
