/** The one factory of the single-channel denoiser keeps the defaults' behaviour and round-trips its config. */
import { describe, expect, it } from 'vitest';
import {
  createSingleChannelDenoiser,
  InvalidOptionError,
  noiseCancellationScenario,
  OnlineDenoiser,
  SINGLE_CHANNEL_DEFAULTS,
  singleChannelConfig,
} from '../../src/index.js';

const same = (a: Float32Array, b: Float32Array): boolean =>
  a.length === b.length &&
  Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

describe('singleChannelConfig / createSingleChannelDenoiser', () => {
  const { primary } = noiseCancellationScenario({ seconds: 1.5, sampleRate: 16000 });

  it('the default config builds the SINGLE_CHANNEL_DEFAULTS denoiser, bit for bit', () => {
    const a = createSingleChannelDenoiser(singleChannelConfig()).process(primary, 16000);
    const b = new OnlineDenoiser(SINGLE_CHANNEL_DEFAULTS.online).process(primary, 16000);
    expect(same(a, b)).toBe(true);
  });

  it('a config through JSON rebuilds the same denoiser; overrides change it', () => {
    const cfg = singleChannelConfig({
      optimizer: { learning_rate: 0.2 },
      beta2Seconds: 0.05,
      model: { quantile: 0.3 },
    });
    const json = JSON.parse(JSON.stringify(cfg));
    expect(singleChannelConfig(json)).toEqual(cfg);
    const a = createSingleChannelDenoiser(cfg).process(primary, 16000);
    expect(same(a, createSingleChannelDenoiser(json).process(primary, 16000))).toBe(true);
    expect(same(a, createSingleChannelDenoiser(singleChannelConfig()).process(primary, 16000))).toBe(false);
  });

  it('bad values throw InvalidOptionError with the API messages; EMA is refused (it would change nothing)', () => {
    expect(() => singleChannelConfig({ optimizer: { beta_2: 2 } })).toThrow(InvalidOptionError);
    expect(() => singleChannelConfig({ model: { quantile: 2 } })).toThrow(/quantile/);
    expect(() => singleChannelConfig({ model: { bogus: 1 } as never })).toThrow(/not recognized/);
    expect(() => singleChannelConfig({ optimizer: { use_ema: true } })).toThrow(/raw weights/);
  });
});
