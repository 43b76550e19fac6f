/**
 * The audio path's fused forms change no number: the one-path canceller (`OptimizedFilter`) with the two-weight-set spectral MAC
 * (`learnWithOutput`) and the look-ahead step (`stepIfFinite`) gives the same output and weights,
 * bit for bit, as with the two separate MACs and the backup-and-scan transactional step.
 */
import { describe, expect, it } from 'vitest';
import { makeSpeedSignal } from '../../bench/lib/speed-signal.js';
import { createReferenceCanceller } from '../../src/models/create-reference-canceller.js';
import type { OptimizedFilter } from '../../src/models/optimized-filter.js';
import type { PartitionedFdFilter } from '../../src/models/partitioned-fd-filter.js';
import { referenceCancellerConfig } from '../../src/models/reference-canceller-config.js';

const bytes = (a: Float32Array): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
/** The one-path design (the `OptimizedFilter`) with the v1 setting: lr 0.005, β2 0.25 s, 0.3 s weight EMA. */
const ONE_PATH = (rate: number) =>
  referenceCancellerConfig(rate, {
    model: { design: 'one-path' },
    optimizer: { learning_rate: 0.005 },
    beta2Seconds: 0.25,
    emaSeconds: 0.3,
  });

function run(
  rate: number,
  fused: boolean,
  poison: boolean,
): { out: Float32Array; weights: Float32Array; rejected: number } {
  const f = createReferenceCanceller(ONE_PATH(rate), rate) as OptimizedFilter;
  if (!fused) {
    // the unfused paths: two MACs, and the guard's backup-and-scan step
    (f.model as unknown as { learnWithOutput?: unknown }).learnWithOutput = undefined;
    (f.core as unknown as { checksAhead: boolean }).checksAhead = false;
  }
  const B = f.frameSize;
  const { d, x } = makeSpeedSignal(rate);
  const blocks = Math.floor((2.5 * rate) / B);
  const out = new Float32Array(blocks * B);
  const frame = [new Float32Array(B), new Float32Array(B)];
  const o = new Float32Array(B);
  for (let b = 0; b < blocks; b++) {
    frame[0]!.set(d.subarray(b * B, (b + 1) * B));
    frame[1]!.set(x.subarray(b * B, (b + 1) * B));
    // a NaN moment now and then (cleared 5 blocks later): the updates meanwhile are rejected
    if (poison && b % 37 === 20) f.core.m[5] = Number.NaN;
    if (poison && b % 37 === 25) f.core.m[5] = 0;
    f.process(frame, o);
    out.set(o, b * B);
  }
  return { out, weights: f.core.params.slice(), rejected: f.rejected };
}

describe('OptimizedFilter fused paths (spectral_mac2, adamax_finite)', () => {
  for (const rate of [16000, 48000]) {
    for (const poison of [false, true]) {
      it(`${rate} Hz${poison ? ', with overflowing bursts' : ''}: output and weights bit-identical to the unfused paths`, () => {
        const a = run(rate, true, poison);
        const b = run(rate, false, poison);
        expect(bytes(a.out).equals(bytes(b.out))).toBe(true);
        expect(bytes(a.weights).equals(bytes(b.weights))).toBe(true);
        expect(a.rejected).toBe(b.rejected);
        if (poison) expect(a.rejected).toBeGreaterThan(10);
      });
    }
  }

  it('the one-path canceller takes the fused paths', () => {
    const f = createReferenceCanceller(ONE_PATH(48000), 48000) as OptimizedFilter;
    expect(f.core.checksAhead).toBe(true);
    expect(typeof (f.model as PartitionedFdFilter).learnWithOutput).toBe('function');
  });
});
