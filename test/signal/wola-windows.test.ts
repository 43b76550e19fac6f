import { describe, expect, it } from 'vitest';
import { wolaWindows } from '../../src/signal/wola-windows.js';

describe('wolaWindows', () => {
  it.each([
    [512, 256],
    [256, 64],
    [64, 16],
  ])('n=%i, hop=%i: analysis × synthesis overlap-adds to 1', (n, hop) => {
    const { analysis, synthesis, invWindowPower } = wolaWindows(n, hop);
    for (let r = 0; r < hop; r++) {
      let s = 0;
      for (let j = r; j < n; j += hop) s += analysis[j]! * synthesis[j]!;
      expect(s).toBeCloseTo(1, 12);
    }
    const power = analysis.reduce((a, w) => a + w * w, 0);
    expect(invWindowPower).toBeCloseTo(1 / power, 15);
  });

  it('at 50 % overlap the √Hann synthesis window equals the analysis window', () => {
    const { analysis, synthesis } = wolaWindows(512, 256);
    for (let i = 0; i < 512; i++) expect(synthesis[i]).toBeCloseTo(analysis[i]!, 6); // the √Hann taps are float32
  });
});
