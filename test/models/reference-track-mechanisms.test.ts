import { describe, expect, it } from 'vitest';
import { Random } from '../../src/core/random.js';
import { OptimizedFilter } from '../../src/models/optimized-filter.js';
import { PartitionedFdFilter } from '../../src/models/partitioned-fd-filter.js';
import { Adamax } from '../../src/optim/adamax.js';
import { Fft } from '../../src/signal/fft.js';
import { RealFft } from '../../src/signal/real-fft.js';

function noise(rng: Random, n: number, scale = 1): Float32Array {
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = scale * rng.gaussian();
  return x;
}

/** d = h ⊛ x (+ optional extra), block by block through a filter; returns the output power per block. */
function run(filter: OptimizedFilter, x: Float32Array, d: Float32Array): Float64Array {
  const B = filter.frameSize;
  const blocks = Math.floor(x.length / B);
  const pow = new Float64Array(blocks);
  const out = new Float32Array(B);
  for (let b = 0; b < blocks; b++) {
    filter.process([d.subarray(b * B, (b + 1) * B), x.subarray(b * B, (b + 1) * B)], out);
    let s = 0;
    for (let i = 0; i < B; i++) s += out[i] * out[i];
    pow[b] = s / B;
  }
  return pow;
}

function scene(seed: number, n: number): { x: Float32Array; d: Float32Array } {
  const rng = new Random(seed);
  const x = noise(rng, n, 0.1);
  const h = new Float64Array(48);
  for (let k = 0; k < h.length; k++) h[k] = rng.gaussian() * Math.exp(-k / 10);
  const d = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = 0; k < h.length && k <= i; k++) s += h[k] * x[i - k];
    d[i] = s;
  }
  return { x, d };
}

function make(opts: { boost?: number; ema?: boolean; emaWarmup?: number; alternate?: boolean }): OptimizedFilter {
  const model = new PartitionedFdFilter({ blockSize: 16, partitions: 4, projectGradient: false });
  return new OptimizedFilter({
    model,
    optimizer: new Adamax({ learningRate: 0.01, beta2: 0.98, useEma: opts.ema ?? false, emaMomentum: 0.95 }),
    emaOutput: opts.ema ?? false,
    levelNormalizedLr: true,
    alternateConstraint: opts.alternate ?? true,
    ...(opts.boost ? { warmupBoost: opts.boost, warmupFrames: 50 } : {}),
    ...(opts.emaWarmup ? { emaWarmupFrames: opts.emaWarmup } : {}),
  });
}

const mean = (a: Float64Array, from: number, to: number): number => {
  let s = 0;
  for (let i = from; i < to; i++) s += a[i];
  return s / (to - from);
};

describe('RealFft', () => {
  it('matches signal/fft.ts bit for bit and inverts', () => {
    const rng = new Random(3);
    for (const n of [2, 4, 16, 128, 256]) {
      const a = new RealFft(n);
      const b = new Fft(n);
      const x = Float64Array.from(noise(rng, n));
      const r1 = new Float64Array(n / 2 + 1);
      const i1 = new Float64Array(n / 2 + 1);
      const r2 = new Float64Array(n / 2 + 1);
      const i2 = new Float64Array(n / 2 + 1);
      a.forward(x, r1, i1);
      b.realForward(x, r2, i2);
      expect(Array.from(r1)).toEqual(Array.from(r2));
      expect(Array.from(i1)).toEqual(Array.from(i2));
      const y = new Float64Array(n);
      a.inverse(r1, i1, y);
      for (let k = 0; k < n; k++) expect(y[k]).toBeCloseTo(x[k], 12);
    }
    expect(() => new RealFft(12)).toThrow(/power of two/);
    expect(() => new RealFft(8).forward(new Float64Array(4), new Float64Array(5), new Float64Array(5))).toThrow(
      /RealFft.forward/,
    );
  });
});

describe('PartitionedFdFilter same-input forward and learn', () => {
  it('forwardSameInput equals forward on a cloned state; learn equals step and stores the loss', () => {
    const rng = new Random(5);
    const f = new PartitionedFdFilter({ blockSize: 8, partitions: 3 });
    const params = noise(rng, f.layout.size, 0.1);
    const other = noise(rng, f.layout.size, 0.1);
    const s1 = f.createState();
    const s2 = f.createState();
    const g1 = new Float32Array(f.layout.size);
    const g2 = new Float32Array(f.layout.size);
    for (let t = 0; t < 5; t++) {
      const frame = [noise(rng, 8), noise(rng, 8)];
      const ref = f.createState();
      Object.assign(ref, structuredClone(s1));
      const o1 = new Float32Array(8);
      const o2 = new Float32Array(8);
      const loss = f.step(params, s1, frame, o1, g1);
      f.learn(params, s2, frame, o2, g2);
      expect(f.lastLoss[0]).toBe(loss);
      expect(Array.from(g2)).toEqual(Array.from(g1));
      // the other weights' output on the same input = forward() from the state before the push
      const want = new Float32Array(8);
      f.forward(other, ref, frame, want);
      const got = new Float32Array(8);
      f.forwardSameInput(other, s1, frame, got);
      expect(Array.from(got)).toEqual(Array.from(want));
    }
  });
});

describe('OptimizedFilter start-up mechanisms', () => {
  it('the start-up boost converges faster from zero weights and decays to the base rate', () => {
    const { x, d } = scene(11, 16 * 400);
    const plain = run(make({}), x, d);
    const boosted = run(make({ boost: 8 }), x, d);
    // early: much lower error with the boost
    expect(mean(boosted, 10, 60)).toBeLessThan(0.8 * mean(plain, 10, 60));
    // late: the boost has decayed (no extra misadjustment): both converge
    expect(mean(boosted, 350, 400)).toBeLessThan(0.1 * mean(boosted, 0, 5));
    expect(mean(boosted, 350, 400)).toBeLessThan(mean(plain, 350, 400) * 1.5);
  });

  it('the EMA warm-up outputs the raw weights first (no EMA lag at the start)', () => {
    const { x, d } = scene(12, 16 * 200);
    const lagged = run(make({ ema: true, boost: 8 }), x, d);
    const warm = run(make({ ema: true, boost: 8, emaWarmup: 100 }), x, d);
    const raw = run(make({ boost: 8 }), x, d);
    for (let b = 0; b < 100; b++) expect(warm[b]).toBe(raw[b]);
    expect(mean(warm, 5, 60)).toBeLessThan(mean(lagged, 5, 60));
  });

  it('rejects a boost below 1 and keeps a reset filter boosting again', () => {
    const model = new PartitionedFdFilter({ blockSize: 8, partitions: 2 });
    expect(() => new OptimizedFilter({ model, optimizer: new Adamax({}), warmupBoost: 0.5 })).toThrow(/warmupBoost/);
    const { x, d } = scene(13, 16 * 120);
    const f = make({ boost: 8 });
    const first = run(f, x, d);
    f.reset();
    const second = run(f, x, d);
    expect(Array.from(second)).toEqual(Array.from(first));
  });
});
