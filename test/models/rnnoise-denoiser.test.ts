import { describe, expect, it } from 'vitest';
import { InvalidOptionError } from '../../src/core/errors.js';
import { RnnoiseDenoiser } from '../../src/models/baselines/rnnoise-denoiser.js';
import { siSdr } from '../../src/signal/si-sdr.js';
import { skipUnavailable } from '../helpers/skip-unavailable.js';
import { loadSpeech, makeMix } from './denoiser-fixtures.js';

let unavailable: string | undefined;
try {
  await RnnoiseDenoiser.available();
} catch (err) {
  unavailable = err instanceof Error ? err.message : String(err);
}

describe('RnnoiseDenoiser', () => {
  it('validates its options', () => {
    expect(() => new RnnoiseDenoiser({ strength: 2 })).toThrow(InvalidOptionError);
    expect(() => new RnnoiseDenoiser({ delay: -1 })).toThrow(InvalidOptionError);
  });

  describe.skipIf(skipUnavailable('RnnoiseDenoiser wasm', unavailable))(
    `wasm${unavailable ? ` (skipped: ${unavailable})` : ''}`,
    () => {
      const speech = loadSpeech();
      it('denoises 16 kHz speech + white noise, aligned, same length', async () => {
        const m = makeMix(speech, 'white', 0, 5, 3);
        const y = await new RnnoiseDenoiser().process(m.noisy, 16000);
        expect(y.length).toBe(m.noisy.length);
        expect(y.every((v) => Number.isFinite(v))).toBe(true);
        expect(siSdr(m.clean, y) - siSdr(m.clean, m.noisy)).toBeGreaterThan(4);
        // the delay compensation is right: shifting by ±1 ms makes it worse
        const shifted = new Float32Array(y.length);
        shifted.set(y.subarray(16));
        expect(siSdr(m.clean, shifted)).toBeLessThan(siSdr(m.clean, y));
      });

      it('strength 0 returns the (resampled) input; silence and odd lengths are fine', async () => {
        const m = makeMix(speech, 'pink', 5, 6, 2);
        const dry = await new RnnoiseDenoiser({ strength: 0 }).process(m.noisy, 16000);
        expect(siSdr(m.noisy, dry)).toBeGreaterThan(25); // resampler round trip only
        const y = await new RnnoiseDenoiser().process(new Float32Array(1001), 16000);
        expect(y.length).toBe(1001);
        expect(y.every((v) => Number.isFinite(v))).toBe(true);
        const y48 = await new RnnoiseDenoiser().process(new Float32Array(4800).fill(0.9), 48000);
        expect(y48.length).toBe(4800);
        expect(y48.every((v) => Number.isFinite(v))).toBe(true);
      });
    },
  );
});
