import { describe, expect, it } from 'vitest';
import { AdamaxScalars } from '../../src/core/kernels/adamax-scalars.js';
import { createLayout } from '../../src/core/param-layout.js';
import { powfLibm } from '../../src/core/powf-libm.js';
import { powfSvml } from '../../src/core/powf-svml.js';
import { Adamax } from '../../src/optim/adamax.js';
import { biasCorrectionOneFrom } from '../../src/optim/bias-correction-one-from.js';

const f32 = Math.fround;
/** k = f32(1 − powf(β1, t)) as the engine computed it before the shortcut. */
const k = (powf: (x: number, y: number) => number, b1: number, t: number): number => f32(1 - f32(powf(b1, t)));

describe('biasCorrectionOneFrom: k = f32(1 − β1^t) is exactly 1 from t₀ on', () => {
  const betas = [0, 0.1, 0.5, 0.8, 0.9, 0.95, 0.99, 0.999, 0.9999].map(f32);
  it.each(betas)('β1 = %f: 1 at and after t₀ (both powf flavours), not 1 before when β1 > 0', (b1) => {
    const t0 = biasCorrectionOneFrom(b1);
    expect(Number.isFinite(t0)).toBe(true);
    for (const powf of [powfLibm, powfSvml]) {
      // every t over a long stretch after t₀, then sparse t up to 2^24 and beyond
      for (let t = t0; t < t0 + 20000; t++) expect(k(powf, b1, t)).toBe(1);
      for (let t = t0; t < 2 ** 25; t = Math.ceil(t * 1.37)) expect(k(powf, b1, t)).toBe(1);
      if (b1 > 0.05) {
        // the margin: the power itself is still well above float32 zero at t₀ (the shortcut is not vacuous)
        expect(f32(powf(b1, t0))).toBeGreaterThan(0);
      }
    }
    if (b1 > 0) expect(b1 ** (t0 - 1)).toBeGreaterThan(2 ** -30);
    expect(b1 ** t0).toBeLessThanOrEqual(2 ** -30);
  });

  it('β1 = 0.8 (the canceller default): from step 94 on (the figure in docs/api-optimizer.md)', () => {
    expect(biasCorrectionOneFrom(f32(0.8))).toBe(94);
  });

  it('no shortcut without a power below the margin', () => {
    expect(biasCorrectionOneFrom(1)).toBe(Number.POSITIVE_INFINITY);
    expect(biasCorrectionOneFrom(Number.NaN)).toBe(Number.POSITIVE_INFINITY);
    expect(biasCorrectionOneFrom(-0.5)).toBe(Number.POSITIVE_INFINITY);
    expect(biasCorrectionOneFrom(f32(1 - 2 ** -24))).toBe(Number.POSITIVE_INFINITY);
  });

  it.each(['libm', 'svml'] as const)('the engine writes the powf value of k at every step (%s)', (flavour) => {
    const powf = flavour === 'libm' ? powfLibm : powfSvml;
    const opt = new Adamax({ learningRate: 0.01, beta1: 0.8, powf: flavour });
    const core = opt.buildFlat(createLayout([{ name: 'w', length: 4 }]));
    const scalars = (core as unknown as { scalars: Float32Array }).scalars;
    const t0 = biasCorrectionOneFrom(f32(0.8));
    for (let t = 1; t <= t0 + 50; t++) {
      core.grads.fill(0.5);
      core.step();
      expect(scalars[AdamaxScalars.k]).toBe(k(powf, f32(0.8), t));
    }
  });
});
