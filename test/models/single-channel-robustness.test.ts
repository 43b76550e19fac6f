import { describe, expect, it } from 'vitest';
import { runSingleChannelRobustness } from '../../bench/robustness-single.js';

describe('single-channel denoiser robustness (small version of bench/robustness-single.ts)', () => {
  it('no non-finite or exploding output on near-silent, ±60 dB jumps, DC, clipped and silent clips', () => {
    const r = runSingleChannelRobustness(36, 0.5, 11);
    expect(r.clips).toBe(36);
    expect(Object.values(r.byKind).every((k) => k.clips === 6)).toBe(true);
    expect(r.bad).toBe(0);
  });
});

describe('speech-prior denoiser robustness (small version of bench/robustness-single.ts --model prior)', () => {
  it('no non-finite or exploding output at 16 and 48 kHz', () => {
    for (const fs of [16000, 48000]) {
      const r = runSingleChannelRobustness(18, 0.3, 12, 'prior', fs);
      expect(r.bad).toBe(0);
    }
  });
});
