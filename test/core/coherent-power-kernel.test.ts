import { describe, expect, it } from 'vitest';
import { CoherenceSlots, coherenceStatsFloats } from '../../src/core/kernels/coherent-power.js';
import { Random } from '../../src/core/random.js';
import { wasmSimdAvailable } from '../../src/core/wasm/adamax-wasm.js';
import { arenaFloatBytes, KernelArena } from '../../src/core/wasm/kernel-arena.js';
import { PartitionedFdFilter } from '../../src/models/partitioned-fd-filter.js';
import { skipUnavailable } from '../helpers/skip-unavailable.js';

/** One arena holding the kernel's buffers and descriptor (the same offsets in both backends). */
function setup(backend: 'wasm' | 'js', m: number, parts: number, lags: number) {
  const bins = m + 1;
  const a = KernelArena.create(
    KernelArena.bytesForFft(m) +
      arenaFloatBytes(m) * 3 +
      arenaFloatBytes(bins) * 2 +
      arenaFloatBytes(parts * bins) * 2 +
      arenaFloatBytes(coherenceStatsFloats(lags, bins)) +
      arenaFloatBytes(CoherenceSlots.length) +
      4096,
    backend,
  );
  const tab = a.allocFftTables(m);
  const v = {
    d: a.allocF32(m),
    buf: a.allocF32(2 * m),
    dRe: a.allocF32(bins),
    dIm: a.allocF32(bins),
    xRe: a.allocF32(parts * bins),
    xIm: a.allocF32(parts * bins),
    st: a.allocF32(coherenceStatsFloats(lags, bins)),
    ab: a.allocF32(2),
    out: a.allocF32(2),
  };
  const descF = a.allocF32(CoherenceSlots.length);
  const desc = new Int32Array(descF.buffer, descF.byteOffset, CoherenceSlots.length);
  desc.set([v.d.byteOffset, v.buf.byteOffset, tab, m, v.dRe.byteOffset, v.dIm.byteOffset]);
  desc.set([v.xRe.byteOffset, v.xIm.byteOffset, parts, bins, lags, v.st.byteOffset], CoherenceSlots.xRe);
  desc.set([v.ab.byteOffset, v.out.byteOffset], CoherenceSlots.ab);
  return { a, v, desc: descF.byteOffset };
}

function fill(v: ReturnType<typeof setup>['v'], rng: Random, scale: number): void {
  for (const x of [v.d, v.xRe, v.xIm]) for (let i = 0; i < x.length; i++) x[i] = rng.gaussian() * scale;
}

describe('coherent_power kernel', () => {
  it.skipIf(skipUnavailable('coherent_power wasm kernel', wasmSimdAvailable() ? undefined : 'no WebAssembly SIMD'))(
    'is bit-identical to its TypeScript reference over repeated calls (block 64, 128, 4, 2; lags 1–4; a wrapping ring)',
    () => {
      for (const [m, parts, lags] of [
        [64, 16, 4],
        [128, 24, 4],
        [4, 3, 3],
        [2, 2, 1],
      ] as const) {
        const w = setup('wasm', m, parts, lags);
        const j = setup('js', m, parts, lags);
        for (const { v } of [w, j]) v.ab.set([0.9231163463866358, 1 - 0.9231163463866358]);
        const rw = new Random(m);
        const rj = new Random(m);
        for (let call = 0; call < 40; call++) {
          const head = call % parts;
          fill(w.v, rw, call % 7 === 0 ? 1e-20 : 1);
          fill(j.v, rj, call % 7 === 0 ? 1e-20 : 1);
          for (const { a, desc } of [w, j]) a.kernels.coherentPower(desc, head);
          expect(Array.from(w.v.out)).toEqual(Array.from(j.v.out));
          expect(Array.from(w.v.st)).toEqual(Array.from(j.v.st));
          expect(Array.from(w.v.dRe)).toEqual(Array.from(j.v.dRe));
          expect(Array.from(w.v.buf)).toEqual(Array.from(j.v.buf));
        }
      }
    },
  );

  it('measures coherence: num/den far above its bias for a delayed, scaled reference, near the bias for independent noise', () => {
    const B = 32;
    const lags = 3;
    const alpha = 0.98;
    const bias = (lags * (1 - alpha)) / (1 + alpha);
    const ratios: number[] = [];
    for (const coherent of [true, false]) {
      const model = new PartitionedFdFilter({ blockSize: B, partitions: 4 });
      const state = model.createState(model.coherenceBytes(lags));
      const kernel = model.coherenceKernel(state, lags, alpha);
      const params = new Float32Array(model.layout.size);
      const rng = new Random(3);
      const x = new Float32Array(B);
      const d = new Float32Array(B);
      const out = new Float32Array(B);
      const last = new Float32Array(B);
      for (let t = 0; t < 3000; t++) {
        for (let i = 0; i < B; i++) x[i] = rng.gaussian();
        // d: the reference 8 samples late, doubled, or noise of its own
        for (let i = 0; i < B; i++) d[i] = coherent ? 2 * (i >= 8 ? x[i - 8]! : last[i + B - 8]!) : rng.gaussian();
        model.forward(params, state, [d, x], out);
        kernel.run(d);
        last.set(x);
      }
      ratios.push(kernel.out[0]! / kernel.out[1]!);
    }
    const [coherentRatio, noiseRatio] = ratios as [number, number];
    // per-bin coherence of D = FFT([0, d]) with the 2B-sample input windows captures part of the
    // delayed reference's power (the windows differ), and an independent primary only the bias
    expect(noiseRatio).toBeGreaterThan(0.5 * bias);
    expect(noiseRatio).toBeLessThan(2 * bias);
    expect(coherentRatio).toBeGreaterThan(0.4);
    expect(coherentRatio).toBeGreaterThan(20 * noiseRatio);
  });

  it('reads a block that lies in the arena in place, with the same bits as a copied block', () => {
    const B = 32;
    const lags = 2;
    const model = new PartitionedFdFilter({ blockSize: B, partitions: 4 });
    const sides = [0, 1].map(() => {
      const state = model.createState(model.coherenceBytes(lags) + arenaFloatBytes(B));
      const arena = model.arenaOf(state)!;
      return { state, kernel: model.coherenceKernel(state, lags, 0.9), inArena: arena.allocF32(B), arena };
    });
    expect(sides[1]!.arena.owns(sides[1]!.inArena)).toBe(true);
    const params = new Float32Array(model.layout.size);
    const rng = new Random(5);
    const x = new Float32Array(B);
    const d = new Float32Array(B);
    const out = new Float32Array(B);
    for (let t = 0; t < 40; t++) {
      for (let i = 0; i < B; i++) x[i] = rng.gaussian();
      for (let i = 0; i < B; i++) d[i] = 0.5 * x[i]! + rng.gaussian();
      for (const s of sides) model.forward(params, s.state, [d, x], out);
      sides[0]!.kernel.run(d); // copied into the arena
      sides[1]!.inArena.set(d);
      sides[1]!.kernel.run(sides[1]!.inArena); // read in place
      // alternate: a copied block after in-place ones must not keep reading the old pointer
      if (t % 3 === 2) {
        d.fill(0.25);
        sides[0]!.kernel.run(d);
        sides[1]!.kernel.run(d);
      }
      expect(Array.from(sides[1]!.kernel.out)).toEqual(Array.from(sides[0]!.kernel.out));
    }
    expect(Array.from(sides[1]!.kernel.stats)).toEqual(Array.from(sides[0]!.kernel.stats));
  });

  it('refuses lags beyond the partitions and a foreign state, with a ShapeError', () => {
    const model = new PartitionedFdFilter({ blockSize: 16, partitions: 2 });
    const state = model.createState(model.coherenceBytes(2));
    expect(() => model.coherenceKernel(state, 3, 0.9)).toThrow(/1–2 lags/);
    expect(() => model.coherenceKernel(state, 1, 1)).toThrow(/0 ≤ a < 1/);
    const k = model.coherenceKernel(state, 2, 0.9);
    expect(() => k.run(new Float32Array(15))).toThrow(/16 samples; received 15/);
  });
});
