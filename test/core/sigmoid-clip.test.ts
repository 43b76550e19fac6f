import { describe, expect, it } from 'vitest';
import { Random } from '../../src/core/random.js';
import { wasmSimdAvailable } from '../../src/core/wasm/adamax-wasm.js';
import { arenaFloatBytes, KernelArena } from '../../src/core/wasm/kernel-arena.js';

/** The loop the kernel replaces (clip to ±L in float64, λ = 1 / (1 + Math.exp(−a)) rounded to float32). */
function reference(a: Float32Array, lam: Float32Array, L: number): void {
  for (let k = 0; k < a.length; k++) {
    if (a[k]! > L) a[k] = L;
    else if (a[k]! < -L) a[k] = -L;
    lam[k] = 1 / (1 + Math.exp(-a[k]!));
  }
}

function bits(x: Float32Array): number[] {
  return Array.from(new Uint32Array(x.buffer, x.byteOffset, x.length), (b, i) => (Number.isNaN(x[i]) ? 0x7fc00000 : b));
}

describe.skipIf(!wasmSimdAvailable())('sigmoid_clip = the Math.exp loop, bit for bit (or it asks for the loop)', () => {
  it.each([1, 2, 3, 129, 1000])('n = %i: random logits, the limits, ±0, subnormal, ±Infinity, NaN', (n) => {
    const arenas = [
      KernelArena.create(2 * arenaFloatBytes(n) + 16, 'wasm'),
      KernelArena.create(2 * arenaFloatBytes(n) + 16, 'js'),
    ];
    const views = arenas.map((ar) => ({ ar, lim: ar.allocF32(4), a: ar.allocF32(n), lam: ar.allocF32(n) }));
    const rnd = new Random(n);
    let fast = 0;
    let calls = 0;
    for (const L of [4, 30, 2.5, 0.1, 0, 1e-30]) {
      for (let trial = 0; trial < Math.max(4, Math.ceil(4000 / n)); trial++) {
        const a = Float32Array.from({ length: n }, (_, i) => {
          const r = rnd.uniform(0, 1);
          if (trial === 0 && i % 7 === 3)
            return [L, -L, Math.fround(L), -0, 1e-42, Number.POSITIVE_INFINITY, Number.NaN][i % 7]!;
          return r < 0.1 ? rnd.uniform(-50, 50) : rnd.gaussian() * 10 ** rnd.uniform(-8, 1);
        });
        const want = a.slice();
        const wantLam = new Float32Array(n);
        reference(want, wantLam, L);
        for (const v of views) {
          new Float64Array(v.lim.buffer, v.lim.byteOffset, 1)[0] = L;
          v.a.set(a);
          const redo = v.ar.kernels.sigmoidClip(v.a.byteOffset, v.lam.byteOffset, n, v.lim.byteOffset);
          if (v.ar.backend === 'wasm') {
            calls++;
            if (redo === 0) fast++;
            // clipping is done either way; a "redo" asks for the reference loop on the clipped logits
            expect(bits(v.a)).toEqual(bits(want));
            if (redo !== 0) reference(v.a, v.lam, L);
          } else {
            expect(redo).toBe(0);
          }
          expect(bits(v.a)).toEqual(bits(want));
          expect(bits(v.lam)).toEqual(bits(wantLam));
        }
      }
    }
    // the fast path is the rule (NaN and ±Infinity batches ask for the loop)
    expect(fast).toBeGreaterThan(0.7 * calls);
  });
});
