import { describe, expect, it } from 'vitest';
import { InvalidOptionError } from '../../src/core/errors.js';
import { Random } from '../../src/core/random.js';
import { WienerDenoiser } from '../../src/models/baselines/wiener-denoiser.js';
import { siSdr } from '../../src/signal/si-sdr.js';
import { whiteNoise } from '../../src/signal/white-noise.js';
import { loadSpeech, makeMix, type NoiseKind } from './denoiser-fixtures.js';

const fs = 16000;
const speech = loadSpeech();

describe('WienerDenoiser (minimum statistics)', () => {
  const den = new WienerDenoiser();
  it.each<[NoiseKind, number]>([
    ['white', 0],
    ['pink', 5],
    ['brown', 0],
    ['hum', 3],
  ])('improves SI-SDR on speech + %s noise at %d dB', (kind, snr) => {
    const m = makeMix(speech, kind, snr, 11);
    const y = den.process(m.noisy, fs);
    expect(y.length).toBe(m.noisy.length);
    expect(siSdr(m.clean, y) - siSdr(m.clean, m.noisy)).toBeGreaterThan(2);
  });

  it('is transparent-ish on noise-free speech after its start-up and keeps the length', () => {
    const m = makeMix(speech, 'white', 40, 3, 3);
    const y = den.process(m.noisy, fs);
    expect(y.length).toBe(m.noisy.length);
    expect(siSdr(m.clean, y)).toBeGreaterThan(8);
  });

  it('bias compensation is > 1 and grows with the search window', () => {
    expect(new WienerDenoiser({ windowSec: 0.5 }).bias).toBeGreaterThan(1);
    expect(new WienerDenoiser({ windowSec: 2 }).bias).toBeGreaterThan(new WienerDenoiser({ windowSec: 0.5 }).bias);
  });

  it('stays finite on silence, DC and clipped input; resamples other rates', () => {
    const n = 2 * fs;
    const clipped = Float32Array.from(whiteNoise(n, new Random(1), { rms: 2 }), (v) => Math.max(-1, Math.min(1, v)));
    for (const x of [new Float32Array(n), new Float32Array(n).fill(-0.3), clipped]) {
      const y = den.process(x, fs);
      expect(y.length).toBe(n);
      expect(y.every((v) => Number.isFinite(v))).toBe(true);
    }
    const y = den.process(whiteNoise(22050, new Random(2)), 22050);
    expect(y.length).toBe(22050);
    expect(() => new WienerDenoiser({ subwindows: 0 })).toThrow(InvalidOptionError);
    expect(() => den.process(new Float32Array(3), Number.NaN)).toThrow(/sampleRate/);
  });
});
