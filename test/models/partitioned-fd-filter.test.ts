import { describe, expect, it } from 'vitest';
import { Random } from '../../src/core/random.js';
import { arenaFloatBytes } from '../../src/core/wasm/kernel-arena.js';
import { FirFilter } from '../../src/models/fir-filter.js';
import { OptimizedFilter } from '../../src/models/optimized-filter.js';
import { PartitionedFdFilter, type PartitionedFdState } from '../../src/models/partitioned-fd-filter.js';
import { Adamax } from '../../src/optim/adamax.js';
import { AdamaxCore } from '../../src/optim/adamax-core.js';

function noise(rng: Random, n: number, scale = 1): Float32Array {
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = scale * rng.gaussian();
  return x;
}

/** Loss of one frame from a cloned state (the model is pure given the state). */
function lossAt(
  f: PartitionedFdFilter,
  params: Float32Array,
  state: PartitionedFdState,
  frame: Float32Array[],
  project: boolean,
): number {
  const p = Float32Array.from(params);
  if (project) f.constrain(p);
  const out = new Float32Array(f.frameSize);
  const g = new Float32Array(f.layout.size);
  return f.step(p, structuredClone(state), frame, out, g);
}

describe('PartitionedFdFilter', () => {
  for (const constrained of [false, true]) {
    it(`gradient matches central finite differences (constrained=${constrained})`, () => {
      const rng = new Random(7);
      const f = new PartitionedFdFilter({ blockSize: 8, partitions: 3, constrained });
      const params = new Float32Array(f.layout.size);
      for (let i = 0; i < params.length; i++) params[i] = 0.3 * rng.gaussian();
      if (constrained) f.constrain(params);
      const state = f.createState();
      const out = new Float32Array(8);
      const g = new Float32Array(f.layout.size);
      for (let t = 0; t < 4; t++) f.forward(params, state, [noise(rng, 8), noise(rng, 8)], out);
      const frame = [noise(rng, 8), noise(rng, 8)];
      f.step(params, structuredClone(state), frame, out, g);
      let maxErr = 0;
      let maxG = 0;
      for (let i = 0; i < params.length; i++) {
        const h = 1e-2;
        const plus = Float32Array.from(params);
        const minus = Float32Array.from(params);
        plus[i] = Math.fround(params[i] + h);
        minus[i] = Math.fround(params[i] - h);
        const fd =
          (lossAt(f, plus, state, frame, constrained) - lossAt(f, minus, state, frame, constrained)) /
          (plus[i] - minus[i]);
        maxErr = Math.max(maxErr, Math.abs(fd - g[i]));
        maxG = Math.max(maxG, Math.abs(g[i]));
      }
      expect(maxG).toBeGreaterThan(1e-3);
      expect(maxErr).toBeLessThan(1e-4 * Math.max(1, maxG));
    });
  }

  it('with constrained weights, the output equals the time-domain FIR of the same P·B taps', () => {
    const rng = new Random(3);
    const B = 16;
    const P = 4;
    const f = new PartitionedFdFilter({ blockSize: B, partitions: P });
    const fir = new FirFilter({ taps: B * P, frameSize: B });
    const taps = noise(rng, B * P, 0.2);
    const wFd = new Float32Array(f.layout.size);
    f.setImpulseResponse(wFd, taps);
    const back = f.impulseResponse(wFd);
    for (let i = 0; i < taps.length; i++) expect(back[i]).toBeCloseTo(taps[i], 5);
    const sFd = f.createState();
    const sTd = fir.createState();
    const o1 = new Float32Array(B);
    const o2 = new Float32Array(B);
    let maxDiff = 0;
    for (let t = 0; t < 20; t++) {
      const frame = [noise(rng, B), noise(rng, B)];
      f.forward(wFd, sFd, frame, o1);
      fir.forward(taps, sTd, frame, o2);
      for (let i = 0; i < B; i++) maxDiff = Math.max(maxDiff, Math.abs(o1[i] - o2[i]));
    }
    expect(maxDiff).toBeLessThan(1e-5);
  });

  it('converges on system identification with Adamax (per-bin steps)', () => {
    const rng = new Random(11);
    const B = 32;
    const P = 4;
    const model = new PartitionedFdFilter({ blockSize: B, partitions: P });
    const filter = new OptimizedFilter({ model, optimizer: new Adamax({ learningRate: 0.01, beta2: 0.98 }) });
    const path = noise(rng, 100, 0.3);
    const total = B * 1500;
    const x = noise(rng, total);
    const d = new Float32Array(total);
    for (let n = 0; n < total; n++) {
      let s = 0;
      for (let k = 0; k < path.length && k <= n; k++) s += path[k] * x[n - k];
      d[n] = s + 1e-3 * rng.gaussian();
    }
    const out = new Float32Array(B);
    let eLate = 0;
    let dLate = 0;
    for (let b = 0; b < total / B; b++) {
      const frame = [d.subarray(b * B, b * B + B), x.subarray(b * B, b * B + B)];
      filter.process(frame, out);
      if (b >= total / B - 200) {
        for (let i = 0; i < B; i++) {
          eLate += out[i] * out[i];
          dLate += frame[0][i] * frame[0][i];
        }
      }
    }
    const erleDb = 10 * Math.log10(dLate / eLate);
    expect(erleDb).toBeGreaterThan(25);
    const h = model.impulseResponse(filter.core.params);
    for (let k = 0; k < path.length; k++) expect(Math.abs(h[k] - path[k])).toBeLessThan(0.02);
  });

  it('convexOutput = forming W_c = W₂ + λ(W₁ − W₂) and running it (output and ∂loss/∂λ), at 16 and 48 kHz block sizes', () => {
    for (const [B, P] of [
      [64, 16],
      [128, 24],
    ] as const) {
      const rng = new Random(B + P);
      const f = new PartitionedFdFilter({ blockSize: B, partitions: P, constrained: true, projectGradient: false });
      const n = f.layout.size;
      const bins = f.bins;
      const w1 = noise(rng, n, 0.05);
      const w2 = noise(rng, n, 0.05);
      f.constrain(w1);
      f.constrain(w2);
      const lambda = new Float32Array(bins);
      for (let k = 0; k < bins; k++) lambda[k] = rng.uniform(0, 1);
      const wc = new Float32Array(n);
      for (let i = 0; i < n; i++) wc[i] = w2[i] + lambda[i % bins] * (w1[i] - w2[i]);
      const [sa, sb] = [f.createState(), f.createState()];
      const [o1, o2, oc, oRef] = [0, 1, 2, 3].map(() => new Float32Array(B));
      const [g1, gRef] = [new Float32Array(n), new Float32Array(n)];
      const dLambda = new Float32Array(bins);
      let worstOut = 0;
      let worstGrad = 0;
      for (let t = 0; t < 30; t++) {
        const frame = [noise(rng, B), noise(rng, B)];
        // the new way: two passes, then the combination from their spectra
        f.learn(w1, sa, frame, o1, g1);
        f.forwardSameInput(w2, sa, frame, o2);
        f.convexOutput(sa, lambda, frame[0]!, oc, dLambda);
        // the reference: W_c formed, its output, its gradient, summed against W₁ − W₂ per bin
        f.learn(w1, sb, frame, o1, g1);
        f.forwardSameInput(wc, sb, frame, oRef);
        f.lastError.set(oRef);
        f.gradientInto(sb, gRef, null);
        let scale = 0;
        for (let i = 0; i < B; i++) {
          worstOut = Math.max(worstOut, Math.abs(oc[i]! - oRef[i]!));
          scale = Math.max(scale, Math.abs(oRef[i]!));
        }
        expect(scale).toBeGreaterThan(0.1);
        for (let k = 0; k < bins; k++) {
          let ref = 0;
          let mag = 0;
          for (let r = 0; r < 2 * P; r++) {
            ref += gRef[r * bins + k]! * (w1[r * bins + k]! - w2[r * bins + k]!);
            mag += Math.abs(gRef[r * bins + k]! * (w1[r * bins + k]! - w2[r * bins + k]!));
          }
          worstGrad = Math.max(worstGrad, Math.abs(dLambda[k]! - ref) / (mag + 1e-12));
        }
      }
      console.log(
        `B=${B}: worst output difference ${worstOut.toExponential(2)}, worst relative ∂λ difference ${worstGrad.toExponential(2)}`,
      );
      expect(worstOut).toBeLessThan(1e-5);
      expect(worstGrad).toBeLessThan(1e-4);
      // a wrong combination (λ applied the other way round) is far off: the check can fail
      f.learn(w1, sa, [noise(rng, B), noise(rng, B)], o1, g1);
      f.forwardSameInput(w1, sa, [o1, o1], o2);
      expect(Math.max(...o2.map((v, i) => Math.abs(v - oc[i]!)))).toBeGreaterThan(1e-3);
    }
  });

  it('convexOutput with λ and ∂λ in the state arena (one kernel call) = with plain arrays (the TypeScript loops), bit for bit', () => {
    for (const [B, P] of [
      [64, 16],
      [128, 8],
      [4, 2],
    ] as const) {
      const rng = new Random(7 * B + P);
      const f = new PartitionedFdFilter({ blockSize: B, partitions: P, constrained: true, projectGradient: false });
      const n = f.layout.size;
      const bins = f.bins;
      const w1 = noise(rng, n, 0.05);
      const w2 = noise(rng, n, 0.05);
      const reserve = 2 * 4 * (bins + 4);
      const [sa, sb] = [f.createState(reserve), f.createState()];
      const arena = f.arenaOf(sa)!;
      const [lamA, dA] = [arena.allocF32(bins), arena.allocF32(bins)];
      const [lamB, dB] = [new Float32Array(bins), new Float32Array(bins)];
      const [o1, o2, oa, ob] = [0, 1, 2, 3].map(() => new Float32Array(B));
      const g1 = new Float32Array(n);
      for (let t = 0; t < 20; t++) {
        for (let k = 0; k < bins; k++) lamA[k] = lamB[k] = rng.uniform(0, 1);
        const frame = [noise(rng, B), noise(rng, B)];
        for (const s of [sa, sb]) {
          f.learn(w1, s, frame, o1, g1);
          f.forwardSameInput(w2, s, frame, o2);
        }
        f.convexOutput(sa, lamA, frame[0]!, oa, dA);
        f.convexOutput(sb, lamB, frame[0]!, ob, dB);
        expect(Buffer.from(oa.buffer, oa.byteOffset, oa.byteLength)).toEqual(Buffer.from(ob.buffer));
        expect(Buffer.from(dA.buffer, dA.byteOffset, dA.byteLength)).toEqual(Buffer.from(dB.buffer));
        expect(Array.from(oa).some((v) => v !== 0)).toBe(true);
      }
    }
  });

  it('a deferred gradient (learnWithOutput with grad = null) stepped by adamaxStepKernel = the gradient in grads stepped by stepScaled, bit for bit', () => {
    for (const [B, P] of [
      [128, 8],
      [64, 4],
      [4, 3],
    ] as const) {
      const rng = new Random(11 * B + P);
      const f = new PartitionedFdFilter({ blockSize: B, partitions: P, constrained: true, projectGradient: false });
      const n = f.layout.size;
      const opt = () => new Adamax({ learningRate: 0.01, beta1: 0.8, beta2: 0.95 });
      const reserve =
        AdamaxCore.arenaBytes(n, opt().hyperParameters) +
        arenaFloatBytes(n) +
        arenaFloatBytes(2 * P) +
        arenaFloatBytes(f.bins);
      const sides = [0, 1].map(() => {
        const state = f.createState(reserve);
        const arena = f.arenaOf(state)!;
        const core = opt().buildFlat(f.layout, { arena });
        return { state, arena, core, out: arena.allocF32(n), row: arena.allocF32(2 * P), bin: arena.allocF32(f.bins) };
      });
      const init = noise(rng, n, 0.05);
      const outW = noise(rng, n, 0.05);
      for (const s of sides) {
        s.core.params.set(init);
        s.out.set(outW);
      }
      const kernel = f.adamaxStepKernel(sides[0]!.state, sides[0]!.arena)!;
      expect(kernel).not.toBeNull();
      const [o1, o2] = [new Float32Array(B), new Float32Array(B)];
      for (let t = 0; t < 30; t++) {
        const frame = [noise(rng, B), noise(rng, B, 0.3)];
        const row = Float32Array.from({ length: 2 * P }, () => rng.uniform(0.2, 4));
        const bin = Float32Array.from({ length: f.bins }, () => rng.uniform(0.05, 1));
        const useBin = t % 2 === 1;
        const [a, b] = sides as [(typeof sides)[0], (typeof sides)[0]];
        for (const s of sides) {
          s.row.set(row);
          s.bin.set(bin);
        }
        expect(f.learnWithOutput(a.core.params, a.out, a.state, frame, o1, o2, null)).toBe(true);
        const lossA = f.lastLoss[0];
        expect(a.core.stepScaledFrom(a.row, useBin ? a.bin : null, kernel)).toBe(true);
        expect(f.lastLoss[0]).toBe(lossA);
        expect(f.learnWithOutput(b.core.params, b.out, b.state, frame, o1, o2, b.core.grads)).toBe(true);
        expect(f.lastLoss[0]).toBe(lossA);
        expect(b.core.stepScaled(b.row, useBin ? b.bin : null)).toBe(true);
        for (const k of ['params', 'm', 'u'] as const) {
          const [x, y] = [a.core[k], b.core[k]];
          expect(Buffer.from(x.buffer, x.byteOffset, x.byteLength)).toEqual(
            Buffer.from(y.buffer, y.byteOffset, y.byteLength),
          );
        }
        expect(a.core.rawIterations).toBe(b.core.rawIterations);
      }
      expect(Array.from(sides[0]!.core.params).some((v, i) => v !== init[i])).toBe(true);
      // no kernel for another arena, or with gradient projection
      expect(f.adamaxStepKernel(sides[0]!.state, sides[1]!.arena)).toBeNull();
      const projecting = new PartitionedFdFilter({ blockSize: B, partitions: P });
      const ps = projecting.createState();
      expect(projecting.adamaxStepKernel(ps, projecting.arenaOf(ps)!)).toBeNull();
    }
  });

  it('rejects bad options with typed errors', () => {
    expect(() => new PartitionedFdFilter({ blockSize: 12, partitions: 2 })).toThrow(/power of two/);
    expect(() => new PartitionedFdFilter({ blockSize: 8, partitions: 0 })).toThrow(/partitions/);
  });
});

describe('PartitionedFdFilter.learnPass', () => {
  /** A state whose arena holds two weight sets and three block buffers. */
  function make(B: number, P: number) {
    const model = new PartitionedFdFilter({ blockSize: B, partitions: P, projectGradient: false });
    const n = model.layout.size;
    const state = model.createState(2 * arenaFloatBytes(n) + 4 * arenaFloatBytes(B) + 2 * arenaFloatBytes(B + 1));
    const arena = model.arenaOf(state)!;
    const w = arena.allocF32(n);
    const w2 = arena.allocF32(n);
    const [o1, o2, pred, oc] = [arena.allocF32(B), arena.allocF32(B), arena.allocF32(B), arena.allocF32(B)];
    const [lambda, dLambda] = [arena.allocF32(B + 1), arena.allocF32(B + 1)];
    return { model, state, w, w2, o1, o2, pred, oc, lambda, dLambda };
  }

  it.each([
    [8, 3],
    [128, 8],
  ])('= learnWithOutput and the energies in JS, bit for bit (B = %i, P = %i)', (B, P) => {
    const a = make(B, P);
    const b = make(B, P);
    const lp = a.model.learnPass(a.state, a.w, a.w2, a.o1, a.o2, a.pred, { lambda: a.lambda, dLambda: a.dLambda })!;
    expect(lp).not.toBeNull();
    expect(lp.hasConvex).toBe(true);
    const rnd = new Random(B + P);
    const d = new Float32Array(B);
    const x = new Float32Array(B);
    for (let blk = 0; blk < 3 * P; blk++) {
      for (const t of [a, b]) for (let i = 0; i < t.w.length; i++) t.w[i] = t === a ? rnd.gaussian() * 0.1 : a.w[i]!;
      for (const t of [a, b]) for (let i = 0; i < t.w2.length; i++) t.w2[i] = t === a ? rnd.gaussian() * 0.1 : a.w2[i]!;
      for (let i = 0; i < B; i++) {
        d[i] = rnd.gaussian();
        x[i] = rnd.gaussian() * 0.3;
      }
      expect(lp.run(d, x)).toBe(true);
      expect(b.model.learnWithOutput(b.w, b.w2, b.state, [d, x], b.o1, b.o2, null)).toBe(true);
      let [pd, px, eb, ef, py] = [0, 0, 0, 0, 0];
      for (let i = 0; i < B; i++) {
        pd += d[i]! * d[i]!;
        px += x[i]! * x[i]!;
        eb += b.o1[i]! * b.o1[i]!;
        ef += b.o2[i]! * b.o2[i]!;
        const y = d[i]! - b.o1[i]!;
        b.pred[i] = y;
        py += y * y;
      }
      expect(Array.from(lp.stats.subarray(0, 5))).toEqual([pd, px, eb, ef, py]);
      // the combination: the same as convexOutput with plain arrays (its TypeScript loops), energy included
      for (let k = 0; k <= B; k++) a.lambda[k] = b.lambda[k] = rnd.uniform(0, 1);
      lp.convex(a.oc);
      const plainLambda = new Float32Array(b.lambda);
      const plainDl = new Float32Array(B + 1);
      b.model.convexOutput(b.state, plainLambda, d, b.oc, plainDl);
      expect(Array.from(a.oc)).toEqual(Array.from(b.oc));
      expect(Array.from(a.dLambda)).toEqual(Array.from(plainDl));
      let ec = 0;
      for (let i = 0; i < B; i++) ec += b.oc[i]! * b.oc[i]!;
      expect(lp.stats[5]).toBe(ec);
      for (const k of ['o1', 'o2', 'pred'] as const) expect(Array.from(a[k])).toEqual(Array.from(b[k]));
      expect(a.model.lastLoss[0]).toBe(b.model.lastLoss[0]);
      expect(Array.from(a.model.lastError)).toEqual(Array.from(b.model.lastError));
      expect([a.state.head, a.state.frames]).toEqual([b.state.head, b.state.frames]);
      expect(Array.from(a.state.xRe)).toEqual(Array.from(b.state.xRe));
    }
    // a non-finite block changes nothing
    const head = a.state.head;
    const out = Array.from(a.o2);
    d[3] = Number.NaN;
    expect(lp.run(d, x)).toBe(false);
    expect([a.state.head, Array.from(a.o2)]).toEqual([head, out]);
    expect(() => lp.run(new Float32Array(B + 1), x)).toThrow(/samples per block/);
    const unbound = b.model.learnPass(b.state, b.w, b.w2, b.o1, b.o2, b.pred)!;
    expect(unbound.hasConvex).toBe(false);
    expect(() => unbound.convex(b.oc)).toThrow(/convex needs/);
  });

  it('is null unless every array is in the state arena with the right length', () => {
    const a = make(8, 2);
    const outside = new Float32Array(a.w.length);
    expect(a.model.learnPass(a.state, outside, a.w2, a.o1, a.o2, a.pred)).toBeNull();
    expect(a.model.learnPass(a.state, a.w, a.w2, a.o1, new Float32Array(8), a.pred)).toBeNull();
    expect(a.model.learnPass(a.state, a.w, a.w2, a.o1, a.o2, a.pred.subarray(1))).toBeNull();
    expect(a.model.learnPass(structuredClone(a.state), a.w, a.w2, a.o1, a.o2, a.pred)).toBeNull();
    const p = new PartitionedFdFilter({ blockSize: 8, partitions: 2, output: 'prediction' });
    const st = p.createState(0);
    expect(p.learnPass(st, a.w, a.w2, a.o1, a.o2, a.pred)).toBeNull();
  });
});
