import { describe, expect, it } from 'vitest';
import { InvalidOptionError, ShapeError } from '../../src/core/errors.js';
import { Random } from '../../src/core/random.js';
import { SpectralMaskLearner } from '../../src/models/spectral-mask-learner.js';
import { Adamax } from '../../src/optim/adamax.js';
import { siSdr } from '../../src/signal/si-sdr.js';
import { whiteNoise } from '../../src/signal/white-noise.js';
import { loadSpeech, makeMix } from './denoiser-fixtures.js';

describe('SpectralMaskLearner (mask)', () => {
  it('gradient matches central finite differences (float64 loss, float32 params)', () => {
    const model = new SpectralMaskLearner({ fftSize: 32, featureFrames: 4 });
    const rng = new Random(3);
    const params = new Float32Array(model.layout.size);
    for (let i = 0; i < params.length; i++) params[i] = Math.fround(rng.gaussian() * 0.5);
    const state = model.createState();
    const h = model.frameSize;
    const out = new Float32Array(h);
    for (let f = 0; f < 3; f++) {
      model.step(
        params,
        state,
        [whiteNoise(h, rng), whiteNoise(h, rng, { rms: 0.05 })],
        out,
        new Float32Array(params.length),
      );
    }
    const noisy = whiteNoise(h, rng);
    const clean = whiteNoise(h, rng, { rms: 0.05 });
    const grad = new Float32Array(params.length);
    model.step(params, structuredClone(state), [noisy, clean], out, grad);
    const loss = (p: Float32Array): number =>
      model.step(p, structuredClone(state), [noisy, clean], out, new Float32Array(p.length));
    for (let i = 0; i < params.length; i++) {
      const eps = 1e-2;
      const p = Float32Array.from(params);
      p[i] = params[i]! + eps;
      const up = loss(p);
      p[i] = params[i]! - eps;
      const down = loss(p);
      const fd = (up - down) / (2 * eps);
      expect(Math.abs(grad[i]! - fd)).toBeLessThan(1e-4 + 1e-3 * Math.abs(fd));
    }
  });

  it('learns a mask with Adamax that improves SI-SDR on held-out speech', () => {
    const speech = loadSpeech();
    const model = new SpectralMaskLearner();
    const core = new Adamax({ learningRate: 0.02 }).buildFlat(model.layout);
    model.initParams(core.params);
    const h = model.frameSize;
    const out = new Float32Array(h);
    const losses: number[] = [];
    for (let epoch = 0; epoch < 3; epoch++) {
      const m = makeMix(speech, 'white', 0, 20 + epoch, 5);
      const state = model.createState();
      let sum = 0;
      let n = 0;
      for (let f = 0; (f + 1) * h <= m.noisy.length; f++) {
        sum += model.step(
          core.params,
          state,
          [m.noisy.subarray(f * h, (f + 1) * h), m.clean.subarray(f * h, (f + 1) * h)],
          out,
          core.grads,
        );
        core.step();
        n++;
      }
      losses.push(sum / n);
    }
    expect(losses[2]!).toBeLessThan(losses[0]! * 0.7);
    // held-out clip, frozen mask (forward only)
    const m = makeMix(speech, 'white', 0, 99, 5);
    const state = model.createState();
    const y = new Float32Array(Math.ceil((m.noisy.length + model.latency) / h) * h);
    const frame = new Float32Array(h);
    for (let f = 0; f * h < y.length; f++) {
      frame.fill(0);
      frame.set(m.noisy.subarray(f * h, Math.min((f + 1) * h, m.noisy.length)));
      model.forward(core.params, state, [frame], out);
      y.set(out, f * h);
    }
    const aligned = y.subarray(model.latency, model.latency + m.noisy.length);
    expect(aligned.every((v) => Number.isFinite(v))).toBe(true);
    expect(siSdr(m.clean, aligned) - siSdr(m.clean, m.noisy)).toBeGreaterThan(3);
  });

  it('validates options and frame shapes', () => {
    expect(() => new SpectralMaskLearner({ fftSize: 100 })).toThrow(InvalidOptionError);
    const model = new SpectralMaskLearner({ fftSize: 64 });
    const p = new Float32Array(model.layout.size);
    model.initParams(p);
    const st = model.createState();
    const out = new Float32Array(model.frameSize);
    expect(() => model.step(p, st, [new Float32Array(model.frameSize)], out, new Float32Array(p.length))).toThrow(
      ShapeError,
    );
    expect(() => model.forward(p, st, [new Float32Array(3)], out)).toThrow(ShapeError);
    model.forward(p, st, [new Float32Array(model.frameSize)], out);
    expect(out.every((v) => v === 0)).toBe(true);
  });
});
