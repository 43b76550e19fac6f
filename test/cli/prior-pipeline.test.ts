/** `--model prior` runs exactly the benchmarked PriorDenoiser with SINGLE_CHANNEL_DEFAULTS.prior, at the file's rate. */
import { describe, expect, it } from 'vitest';
import { loadSpeechFixtures } from '../../bench/lib/speech.js';
import { denoiseSingleChannel } from '../../pipelines/index.js';
import {
  createPriorDenoiser,
  makeNoisySpeech,
  PriorDenoiser,
  resample,
  SINGLE_CHANNEL_DEFAULTS,
} from '../../src/index.js';

describe('single-channel pipeline, method prior', () => {
  it('is bit-identical to new PriorDenoiser(SINGLE_CHANNEL_DEFAULTS.prior).process at 48 kHz', async () => {
    const sp = loadSpeechFixtures().map((s) => resample(s, 16000, 48000));
    const c = makeNoisySpeech({
      seed: 3,
      kind: 'babble',
      speech: sp.slice(0, 1),
      babbleVoices: sp.slice(1, 4),
      sampleRate: 48000,
      durationSec: 2,
      snrDb: [5, 5],
    });
    const r = await denoiseSingleChannel({ input: c.noisy, sampleRate: 48000, method: 'prior' });
    const direct = new PriorDenoiser(SINGLE_CHANNEL_DEFAULTS.prior).process(c.noisy, 48000);
    expect(createPriorDenoiser().adaptation).toEqual(new PriorDenoiser(SINGLE_CHANNEL_DEFAULTS.prior).adaptation);
    expect(r.output.length).toBe(c.noisy.length);
    expect(Array.from(r.output)).toEqual(Array.from(direct));
  });
});
