/** Property tests (fast-check) of the Adamax engine: invariants that must hold for any input. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Adamax, type AdamaxOptions, createLayout, Variable } from '../../src/index.js';
import { bitEqual } from '../helpers/golden.js';

const f32 = Math.fround;
const silent = { onWarning: () => {} };
const grad = (n: number) =>
  fc.float32Array({ minLength: n, maxLength: n, min: -1e3, max: 1e3, noNaN: true, noDefaultInfinity: true });
const norm = (x: Float32Array) => Math.sqrt(x.reduce((s, v) => s + v * v, 0));

function clipped(options: AdamaxOptions, groups: Float32Array[]): Float32Array[] {
  const core = new Adamax({ ...options, ...silent }).buildFlat(
    createLayout(groups.map((g, i) => ({ name: `g${i}`, length: g.length }))),
  );
  let o = 0;
  for (const g of groups) {
    core.grads.set(g, o);
    o += g.length;
  }
  core.clipGradients();
  o = 0;
  return groups.map((g) => {
    const out = core.grads.slice(o, o + g.length);
    o += g.length;
    return out;
  });
}

describe('clipping invariants', () => {
  it('clipnorm: every group norm ≤ c·(1+1e-6); unchanged (≤ 1 ulp) when already inside (g·c underflows for |g| < 1e-30)', () => {
    fc.assert(
      fc.property(
        fc.array(grad(5), { minLength: 1, maxLength: 4 }),
        fc.float({ min: f32(0.01), max: 100, noNaN: true }),
        (gs, c) => {
          const out = clipped({ clipnorm: c }, gs);
          out.forEach((g, i) => {
            expect(norm(g)).toBeLessThanOrEqual(f32(c) * (1 + 1e-6) + 1e-30);
            if (norm(gs[i]!) <= f32(c) * (1 - 1e-6)) {
              for (let j = 0; j < g.length; j++)
                expect(Math.abs(g[j]! - gs[i]![j]!)).toBeLessThanOrEqual(
                  Math.abs(gs[i]![j]!) < 1e-30 ? 1e-30 : Math.abs(gs[i]![j]!) * 1.2e-7,
                );
            }
          });
        },
      ),
      { numRuns: 200 },
    );
  });

  it('globalClipnorm: the global norm ≤ c·(1+1e-6); directions kept', () => {
    fc.assert(
      fc.property(
        fc.array(grad(4), { minLength: 1, maxLength: 4 }),
        fc.float({ min: f32(0.01), max: 100, noNaN: true }),
        (gs, c) => {
          const out = clipped({ globalClipnorm: c }, gs);
          const total = Math.sqrt(out.reduce((s, g) => s + norm(g) ** 2, 0));
          expect(total).toBeLessThanOrEqual(f32(c) * (1 + 1e-6) + 1e-30);
          out.forEach((g, i) => {
            for (let j = 0; j < g.length; j++)
              expect(Math.sign(g[j]!) * Math.sign(gs[i]![j]!)).toBeGreaterThanOrEqual(0);
          });
        },
      ),
      { numRuns: 200 },
    );
  });

  it('clipvalue: |g| ≤ v and clipping twice changes nothing', () => {
    fc.assert(
      fc.property(grad(8), fc.float({ min: f32(0.001), max: 100, noNaN: true }), (g, v) => {
        const once = clipped({ clipvalue: v }, [g])[0]!;
        for (const x of once) expect(Math.abs(x)).toBeLessThanOrEqual(f32(v));
        expect(bitEqual(clipped({ clipvalue: v }, [once])[0]!, once)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});

describe('Adamax step bound', () => {
  it('|Δw| ≤ lr·(1−β1)(1−(β1/β2)^t) / ((1−β1/β2)(1−β1^t)) with constant lr and no weight decay', () => {
    fc.assert(
      fc.property(
        fc.array(grad(6), { minLength: 1, maxLength: 12 }),
        fc.float({ min: f32(1e-4), max: 1, noNaN: true }),
        fc.float({ min: 0, max: f32(0.95), noNaN: true }),
        fc.float({ min: f32(0.96), max: f32(0.9999), noNaN: true }),
        (steps, lr, beta1, beta2) => {
          const v = new Variable(new Float32Array(6));
          const opt = new Adamax({ learningRate: lr, beta1, beta2, ...silent });
          steps.forEach((g, i) => {
            const before = v.value.slice();
            opt.apply([g], [v]);
            const t = i + 1;
            const r = f32(beta1) / f32(beta2);
            const bound = (f32(lr) * (1 - f32(beta1)) * (1 - r ** t)) / ((1 - r) * (1 - f32(beta1) ** t));
            for (let j = 0; j < 6; j++) {
              expect(Math.abs(v.value[j]! - before[j]!)).toBeLessThanOrEqual(
                bound * (1 + 1e-5) + 1e-6 * Math.abs(before[j]!),
              );
            }
          });
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('gradient accumulation', () => {
  it('k micro-steps ≡ one step on their mean (Keras order of the float32 mean: bit for bit)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 5 }),
        fc.integer({ min: 1, max: 4 }),
        fc.array(grad(5), { minLength: 20, maxLength: 20 }),
        fc.constantFrom<AdamaxOptions>(
          {},
          { weightDecay: 0.05 },
          { clipnorm: 1 },
          { globalClipnorm: 0.5 },
          { clipvalue: 0.3 },
        ),
        (k, updates, pool, extra) => {
          const a = new Variable(Float32Array.of(0.5, -1, 2, 0, 3));
          const b = new Variable(Float32Array.of(0.5, -1, 2, 0, 3));
          const plain = new Adamax({ learningRate: 0.01, ...extra, ...silent });
          const acc = new Adamax({ learningRate: 0.01, gradientAccumulationSteps: k, ...extra, ...silent });
          let p = 0;
          for (let u = 0; u < updates; u++) {
            const micro = Array.from({ length: k }, () => pool[p++ % pool.length]!);
            // Keras: acc ← g + acc on each accumulate-only micro-step, then (g + acc) / N.
            const mean = new Float32Array(5);
            for (let j = 0; j < 5; j++) {
              let s = 0;
              for (const g of micro) s = f32(g[j]! + s);
              mean[j] = f32(s / k);
            }
            plain.apply([mean], [a]);
            for (const g of micro) acc.apply([g], [b]);
          }
          expect(bitEqual(b.value, a.value)).toBe(true);
          expect(acc.iterations).toBe(plain.iterations);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('k equal micro-batches ≡ one step on that batch (within float32 rounding of the mean)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 6 }), grad(4), (k, g) => {
        const a = new Variable(new Float32Array(4));
        const b = new Variable(new Float32Array(4));
        new Adamax({ learningRate: 0.1, ...silent }).apply([g], [a]);
        const acc = new Adamax({ learningRate: 0.1, gradientAccumulationSteps: k, ...silent });
        for (let i = 0; i < k; i++) acc.apply([g], [b]);
        for (let j = 0; j < 4; j++) expect(Math.abs(b.value[j]! - a.value[j]!)).toBeLessThanOrEqual(1e-6);
      }),
      { numRuns: 150 },
    );
  });
});

describe('EMA of weights', () => {
  it('stays within the per-coordinate range of the weight history (up to float32 rounding)', () => {
    fc.assert(
      fc.property(
        fc.array(grad(3), { minLength: 1, maxLength: 25 }),
        fc.float({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 0, max: 4 }),
        (steps, momentum, freq) => {
          const v = new Variable(Float32Array.of(1, -2, 0.5));
          const opt = new Adamax({
            learningRate: 0.1,
            useEma: true,
            emaMomentum: momentum,
            emaOverwriteFrequency: freq,
            ...silent,
          });
          const lo = [Infinity, Infinity, Infinity];
          const hi = [-Infinity, -Infinity, -Infinity];
          for (const g of steps) {
            const before = v.value.slice();
            opt.apply([g], [v]);
            // the EMA blends post-update weights; an overwrite sets w to the average, which is in range too
            const avg = opt.core.average!;
            for (let j = 0; j < 3; j++) {
              const w = freq && v.value[j] === avg[j] ? before[j]! : v.value[j]!;
              lo[j] = Math.min(lo[j]!, w, v.value[j]!);
              hi[j] = Math.max(hi[j]!, w, v.value[j]!);
              const slack = 1e-6 * Math.max(1, Math.abs(lo[j]!), Math.abs(hi[j]!));
              expect(avg[j]!).toBeGreaterThanOrEqual(lo[j]! - slack);
              expect(avg[j]!).toBeLessThanOrEqual(hi[j]! + slack);
            }
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('checkpoint round-trip', () => {
  it('save at any step, structuredClone, load into a fresh optimizer: the continued run is bit-identical', () => {
    const configs: AdamaxOptions[] = [
      {},
      { weightDecay: 0.01, clipnorm: 0.5 },
      { gradientAccumulationSteps: 3, useEma: true, emaOverwriteFrequency: 2, globalClipnorm: 1 },
      { lossScaleFactor: 64, clipvalue: 0.2, useEma: true, emaMomentum: 0.7 },
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...configs),
        fc.array(grad(4), { minLength: 2, maxLength: 16 }),
        fc.nat(),
        fc.constantFrom<'wasm' | 'js'>('wasm', 'js'),
        (config, steps, cutSeed, backend) => {
          const cut = 1 + (cutSeed % (steps.length - 1));
          const init = Float32Array.of(0.3, -0.7, 1.5, 2);
          const full = new Variable(init);
          const fullOpt = new Adamax({ learningRate: 0.05, ...config, ...silent });
          for (const g of steps) fullOpt.apply([g], [full]);

          const first = new Variable(init);
          const firstOpt = new Adamax({ learningRate: 0.05, ...config, ...silent });
          for (const g of steps.slice(0, cut)) firstOpt.apply([g], [first]);
          const saved = structuredClone(firstOpt.saveState());
          const resumed = new Variable(first.value.slice());
          const resumedOpt = new Adamax({ learningRate: 0.05, ...config, backend, ...silent });
          resumedOpt.loadState(saved);
          for (const g of steps.slice(cut)) resumedOpt.apply([g], [resumed]);
          expect(bitEqual(resumed.value, full.value)).toBe(true);
          expect(resumedOpt.iterations).toBe(fullOpt.iterations);
          if (config.useEma) {
            resumedOpt.finalizeVariableValues([resumed]);
            fullOpt.finalizeVariableValues([full]);
            expect(bitEqual(resumed.value, full.value)).toBe(true);
          }
        },
      ),
      { numRuns: 150 },
    );
  });
  it("a loaded u of −0 (outside the wasm kernels' domain) is stored as +0: the backends and β2 = −0 agree", () => {
    // Keras never writes −0 into u, but a hand-made state may hold it; max(β2·(−0), |g|) = max(+0, |g|).
    const run = (backend: 'wasm' | 'js', uValue: number, beta2: number) => {
      const v = new Variable(Float32Array.of(0.3, -0.7, 1.5, 2, 0, -1, 4, 8, 0.5));
      const opt = new Adamax({ learningRate: 0.05, beta2, useEma: true, backend, ...silent });
      opt.build([v]);
      const state = opt.saveState();
      opt.loadState({ ...state, m: state.m.map(() => 0.25), u: state.u.map(() => uValue) });
      expect(Object.is(opt.saveState().u[0], 0)).toBe(true);
      for (let t = 0; t < 6; t++) {
        const g = Float32Array.from(v.value, (_, i) => ((i + t) % 3 === 0 ? 0 : (i % 2 ? -1 : 1) * 0.1 * (t + 1)));
        if (t === 2) g.fill(-0);
        opt.apply([g], [v]);
      }
      return [v.value.slice(), opt.saveState().u];
    };
    for (const backend of ['wasm', 'js'] as const) {
      for (const [uValue, beta2] of [
        [-0, 0.999],
        [0, -0],
        [-0, -0],
      ] as const) {
        const want = run('js', 0, beta2 + 0);
        const got = run(backend, uValue, beta2);
        expect(bitEqual(got[0]!, want[0]!) && bitEqual(got[1]!, want[1]!)).toBe(true);
      }
    }
  });
});
