/** Scenarios of any length keep their speech to the end; a short scenario is unchanged by that. */
import { describe, expect, it } from 'vitest';
import { loadSpeechFixtures } from '../../bench/lib/speech.js';
import { makeScenario } from '../../src/index.js';

const speech = loadSpeechFixtures();

describe('makeScenario length', () => {
  it('a 120 s scenario has speech in every 10 s window; the looping does not move the first utterances', () => {
    const base = {
      seed: 9,
      split: 'validation' as const,
      index: 0,
      speech,
      sampleRate: 8000,
      track: 'single' as const,
    };
    const long = makeScenario({ ...base, durationSec: 120 });
    const fs = 8000;
    for (let w = 0; w < 12; w++) {
      let e = 0;
      for (let i = w * 10 * fs; i < (w + 1) * 10 * fs; i++) e += long.clean[i]! ** 2;
      expect(e, `speech energy in window ${w}`).toBeGreaterThan(1);
    }
    const mid = makeScenario({ ...base, durationSec: 60 });
    expect(mid.clean.subarray(0, 20 * fs)).toEqual(long.clean.subarray(0, 20 * fs));
  });
});
