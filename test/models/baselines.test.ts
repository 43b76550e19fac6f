import { describe, expect, it } from 'vitest';
import { Random } from '../../src/core/random.js';
import type { AdaptiveFilter } from '../../src/models/adaptive-filter.js';
import { FdNlms } from '../../src/models/baselines/fd-nlms.js';
import { Lms } from '../../src/models/baselines/lms.js';
import { Nlms } from '../../src/models/baselines/nlms.js';
import { Rls } from '../../src/models/baselines/rls.js';
import { FirFilter } from '../../src/models/fir-filter.js';
import { OptimizedFilter } from '../../src/models/optimized-filter.js';
import { Adamax } from '../../src/optim/adamax.js';

/** System identification: d = h ⊛ x + small noise; returns the ERLE (dB) over the last quarter. */
function identify(filter: AdaptiveFilter, blocks: number, pathLen = 24, seed = 1): number {
  const rng = new Random(seed);
  const B = filter.frameSize;
  const h = new Float64Array(pathLen);
  for (let k = 0; k < pathLen; k++) h[k] = rng.gaussian() * Math.exp(-k / 8);
  const hist = new Float64Array(pathLen);
  const x = new Float32Array(B);
  const d = new Float32Array(B);
  const out = new Float32Array(B);
  let pe = 0;
  let pd = 0;
  for (let b = 0; b < blocks; b++) {
    for (let i = 0; i < B; i++) {
      hist.copyWithin(1, 0, pathLen - 1);
      hist[0] = 0.5 * rng.gaussian();
      x[i] = hist[0];
      let s = 0;
      for (let k = 0; k < pathLen; k++) s += h[k] * hist[k];
      d[i] = s + 1e-3 * rng.gaussian();
    }
    filter.process([d, x], out);
    if (b >= (3 * blocks) / 4) {
      for (let i = 0; i < B; i++) {
        pe += out[i] * out[i];
        pd += d[i] * d[i];
      }
    }
  }
  return 10 * Math.log10(pd / pe);
}

describe('baselines converge on system identification', () => {
  it('LMS', () => {
    expect(identify(new Lms({ taps: 32, frameSize: 16, stepSize: 0.02 }), 600)).toBeGreaterThan(30);
  });
  it('NLMS', () => {
    expect(identify(new Nlms({ taps: 32, frameSize: 16, stepSize: 0.5 }), 400)).toBeGreaterThan(40);
  });
  it('FD-NLMS (constrained and unconstrained)', () => {
    expect(identify(new FdNlms({ blockSize: 16, partitions: 2, stepSize: 0.5 }), 600)).toBeGreaterThan(35);
    expect(
      identify(new FdNlms({ blockSize: 16, partitions: 2, stepSize: 0.5, constrained: false }), 600),
    ).toBeGreaterThan(25);
  });
  it('RLS', () => {
    const rls = new Rls({ taps: 32, frameSize: 16, forgetting: 0.999 });
    expect(identify(rls, 200)).toBeGreaterThan(45);
    expect(rls.resets).toBe(0);
    // symmetric inverse correlation
    const L = rls.taps;
    for (let i = 0; i < L; i++) for (let j = 0; j < L; j++) expect(rls.p[i * L + j]).toBe(rls.p[j * L + i]);
  });
  it('TD-Adamax through OptimizedFilter', () => {
    const f = new OptimizedFilter({
      model: new FirFilter({ taps: 32, frameSize: 16 }),
      optimizer: new Adamax({ learningRate: 3e-3, beta2: 0.99 }),
    });
    expect(identify(f, 1500)).toBeGreaterThan(25);
  });
  it('reset() restarts from zero weights', () => {
    const f = new Nlms({ taps: 8, frameSize: 8 });
    identify(f, 20);
    f.reset();
    expect(f.weights.every((w) => w === 0)).toBe(true);
  });
  it('NLMS with a near-silent, dithered reference stays bounded', () => {
    const f = new Nlms({ taps: 32, frameSize: 32, stepSize: 1 });
    const rng = new Random(2);
    const x = new Float32Array(32);
    const d = new Float32Array(32);
    const out = new Float32Array(32);
    for (let b = 0; b < 200; b++) {
      for (let i = 0; i < 32; i++) {
        x[i] = 1e-7 * rng.gaussian();
        d[i] = 0.1 * rng.gaussian();
      }
      f.process([d, x], out);
    }
    for (let i = 0; i < 32; i++) x[i] = 0.5 * rng.gaussian();
    f.process([d, x], out);
    expect(out.every((v) => Number.isFinite(v) && Math.abs(v) < 10)).toBe(true);
  });
  it('rejects bad options', () => {
    expect(() => new Nlms({ taps: 0, frameSize: 8 })).toThrow(/taps/);
    expect(() => new Rls({ taps: 4, frameSize: 8, forgetting: 1.5 })).toThrow(/forgetting/);
  });
});
