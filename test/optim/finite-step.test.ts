import { describe, expect, it } from 'vitest';
import { createLayout } from '../../src/core/param-layout.js';
import { Adamax } from '../../src/optim/adamax.js';
import { StepOutcome } from '../../src/optim/adamax-core.js';

/** The transactional step rolls back every buffer bit for bit, on both save paths (one span copy for small engines, per buffer for large ones). */
describe('FiniteStep rollback', () => {
  for (const n of [3, 61, 5000]) {
    for (const backend of ['wasm', 'js'] as const) {
      it(`restores params, m, u, average and acc exactly (n = ${n}, ${backend})`, () => {
        let bad = false;
        const opt = new Adamax({
          learningRate: () => (bad ? Number.NaN : 0.01),
          useEma: true,
          gradientAccumulationSteps: 2,
          backend,
        });
        const core = opt.buildFlat(createLayout([{ name: 'w', length: n }]));
        for (let i = 0; i < n; i++) core.params[i] = Math.sin(i);
        for (let s = 0; s < 5; s++) {
          for (let i = 0; i < n; i++) core.grads[i] = Math.cos(i * (s + 1));
          expect(opt.finiteStep.step()).not.toBe(StepOutcome.SkippedNonFinite);
        }
        const before = [core.params, core.m, core.u, core.average!, core.acc!].map((a) => a.slice());
        const raw = core.rawIterations;
        bad = true;
        for (let i = 0; i < n; i++) core.grads[i] = 0.5;
        expect(opt.finiteStep.step()).toBe(StepOutcome.SkippedNonFinite);
        const after = [core.params, core.m, core.u, core.average!, core.acc!];
        for (let k = 0; k < after.length; k++) {
          const a = after[k]!;
          expect(Buffer.from(a.buffer, a.byteOffset, a.byteLength)).toEqual(Buffer.from(before[k]!.buffer));
        }
        expect(core.rawIterations).toBe(raw);
      });
    }
  }

  it('catches a non-finite value in the last buffer of the contiguous scan range', () => {
    // acc ← g + acc overflows to Infinity on the accumulation micro-step: rolled back
    const opt2 = new Adamax({ learningRate: 0.01, gradientAccumulationSteps: 3 });
    const core2 = opt2.buildFlat(createLayout([{ name: 'w', length: 7 }]));
    core2.grads.fill(3.4e38);
    expect(opt2.finiteStep.step()).toBe(StepOutcome.Accumulated);
    core2.grads.fill(3.4e38);
    expect(opt2.finiteStep.step()).toBe(StepOutcome.SkippedNonFinite);
    expect(Array.from(core2.acc!)).toEqual(Array(7).fill(Math.fround(3.4e38)));
  });
});
