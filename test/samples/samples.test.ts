/** Every runnable sample in samples/ is executed here in its small mode (docs that cannot rot). */
import { describe, expect, it } from 'vitest';
import { main as sample01 } from '../../samples/01-adamax-on-a-quadratic.js';

describe('samples', () => {
  it('01-adamax-on-a-quadratic converges, flat ≡ class API, resume is bit-identical', () => {
    const lines: string[] = [];
    const r = sample01({ tiny: true, log: (l) => lines.push(l) });
    expect(r.finalLoss).toBeLessThan(r.initialLoss * 1e-2);
    expect(r.flatMatchesClassApi).toBe(true);
    expect(r.resumedBitIdentical).toBe(true);
    expect(lines.length).toBeGreaterThan(0);
  });
});
