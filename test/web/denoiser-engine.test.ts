/**
 * The Web Audio node's engine builds the CLI's single-channel model: by default the speech prior
 * that `denoise` runs (`DEFAULT_SINGLE_CHANNEL_METHOD`), with an output bit-identical to the
 * benchmarked construction (`createPriorDenoiser().process`) once delayed by the node's latency; the
 * prior-free online model stays selectable with `model: 'online'`.
 */
import { describe, expect, it } from 'vitest';
import { createPriorDenoiser } from '../../src/models/create-prior-denoiser.js';
import { DEFAULT_SINGLE_CHANNEL_METHOD } from '../../src/models/single-channel-method.js';
import { DenoiserEngine } from '../../src/web/denoiser-engine.js';
import { denoiserLatency, resolveDenoiserConfig } from '../../src/web/index.js';
import { singleChannelScene } from './scenes.js';

/** Runs `x` through the engine in render quanta of 128 (plus `latency` samples of silence). */
function render(engine: DenoiserEngine, x: Float32Array): Float32Array {
  const n = x.length + engine.latency;
  const padded = new Float32Array(Math.ceil(n / 128) * 128);
  padded.set(x);
  const y = new Float32Array(padded.length);
  for (let i = 0; i < padded.length; i += 128)
    engine.process(padded.subarray(i, i + 128), undefined, y.subarray(i, i + 128));
  return y.subarray(engine.latency, engine.latency + x.length);
}

describe('DenoiserEngine, single mode', () => {
  it.each([48000, 16000, 44100])(
    'default model at %i Hz: the CLI default (prior), output bit-identical to createPriorDenoiser().process',
    (rate) => {
      const config = resolveDenoiserConfig({}, rate);
      expect(config.model).toBe(DEFAULT_SINGLE_CHANNEL_METHOD);
      const engine = new DenoiserEngine(config);
      expect(engine.latency).toBe(denoiserLatency(config));
      const x = singleChannelScene(rate, 2).primary;
      const y = render(engine, x);
      const expected = createPriorDenoiser().process(x, rate);
      expect(Buffer.from(y.buffer, y.byteOffset, y.byteLength).equals(Buffer.from(expected.buffer))).toBe(true);
      expect(engine.layout.groups.map((g) => g.name)).toEqual(['prior/last-layer-delta']);
      expect(engine.core.iterations).toBeGreaterThan(0); // the adaptation stepped
    },
  );

  it("model 'online' runs the prior-free denoiser; the online-only options are refused for the prior", () => {
    const online = new DenoiserEngine(resolveDenoiserConfig({ model: 'online', fftSize: 1024 }, 48000));
    expect(online.layout.groups.map((g) => g.name)).not.toContain('prior/last-layer-delta');
    expect(online.latency).toBe(1024);
    const x = singleChannelScene(48000, 1).primary;
    const prior = render(new DenoiserEngine(resolveDenoiserConfig({}, 48000)), x);
    expect(render(online, x)).not.toEqual(prior);
    expect(() => resolveDenoiserConfig({ fftSize: 1024 }, 48000)).toThrow(
      /applies to the single-channel model 'online' only/,
    );
    expect(() => resolveDenoiserConfig({ model: 'rnnoise' as never }, 48000)).toThrow(
      /`model` must be 'prior' or 'online'/,
    );
    expect(() => resolveDenoiserConfig({ mode: 'reference', model: 'prior' }, 48000)).toThrow(
      /applies to mode 'single' only/,
    );
    expect(() => resolveDenoiserConfig({}, 384000)).toThrow(/The speech prior runs at 8000–192000 Hz/);
    expect(resolveDenoiserConfig({ mode: 'reference' }, 48000).model).toBeUndefined();
  });

  it('the node options reach the prior: learning rate, EMA and floor change the output', () => {
    const x = singleChannelScene(16000, 2).primary;
    const base = render(new DenoiserEngine(resolveDenoiserConfig({}, 16000)), x);
    for (const o of [{ learningRate: 0.01 }, { emaSeconds: 0 }, { gainFloorDb: -10 }]) {
      expect(render(new DenoiserEngine(resolveDenoiserConfig(o, 16000)), x), JSON.stringify(o)).not.toEqual(base);
    }
  });
});
