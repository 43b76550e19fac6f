import { describe, expect, it } from 'vitest';
import { InvalidOptionError } from '../../src/core/errors.js';
import { Random } from '../../src/core/random.js';
import { OnlineDenoiser } from '../../src/models/online-denoiser.js';
import { Adamax } from '../../src/optim/adamax.js';
import { siSdr } from '../../src/signal/si-sdr.js';
import { whiteNoise } from '../../src/signal/white-noise.js';
import { loadSpeech, makeMix, type NoiseKind, segmentSnr } from './denoiser-fixtures.js';

const fs = 16000;
const speech = loadSpeech();

function allFinite(x: Float32Array): boolean {
  return x.every((v) => Number.isFinite(v));
}

describe('OnlineDenoiser: gradient', () => {
  it('matches central finite differences of the (robust) quantile loss', () => {
    for (const robustness of [3, Number.POSITIVE_INFINITY]) {
      for (const broadband of [false, true]) {
        const model = new OnlineDenoiser({ fftSize: 64, robustness, broadband, tonal: broadband });
        const rng = new Random(7);
        const params = new Float32Array(model.layout.size);
        for (let i = 0; i < model.bins; i++) params[i] = Math.fround(-4 + rng.gaussian());
        params[model.bins] = broadband ? 0.3 : 0;
        for (let i = model.bins + 1; i < params.length; i++) params[i] = Math.fround(-3 + rng.gaussian());
        const state = model.createState();
        const warm = whiteNoise(model.frameSize, rng, { rms: 0.05 });
        model.forward(params, state, [warm], new Float32Array(model.frameSize));
        const frame = whiteNoise(model.frameSize, rng, { rms: 0.05 });
        const out = new Float32Array(model.frameSize);
        const grad = new Float32Array(model.layout.size);
        model.step(params, structuredClone(state), [frame], out, grad);
        const loss = (p: Float32Array): number =>
          model.step(p, structuredClone(state), [frame], out, new Float32Array(model.layout.size));
        const h = 1e-3;
        let checked = 0;
        for (let i = 0; i < model.layout.size; i++) {
          if (!broadband && i >= model.bins) {
            expect(grad[i]).toBe(0); // level and median groups are off
            continue;
          }
          const p = Float32Array.from(params);
          p[i] = params[i]! + h;
          const hUp = p[i]! - params[i]!; // the float32 step actually taken
          const up = loss(p);
          p[i] = params[i]! - h;
          const hDown = params[i]! - p[i]!;
          const down = loss(p);
          const fd = (up - down) / (hUp + hDown);
          // the pinball loss has a kink at r = 0: skip coordinates whose one-sided slopes differ
          const mid = loss(params);
          const one = (up - mid) / hUp;
          const two = (mid - down) / hDown;
          if (Math.abs(one - two) > 1e-3 * Math.max(1, Math.abs(fd))) continue;
          expect(grad[i]!).toBeCloseTo(fd, 3);
          checked++;
        }
        expect(checked).toBeGreaterThan((broadband ? model.layout.size : model.bins) * 0.8);
      }
    }
  });
});

describe('OnlineDenoiser: enhancement', () => {
  const den = new OnlineDenoiser();
  it.each<[NoiseKind, number, number]>([
    ['white', 0, 5],
    ['pink', 5, 4],
    ['brown', 0, 5],
    ['hum', 3, 5],
  ])('improves SI-SDR on speech + %s noise at %d dB (≥ %d dB)', (kind, snr, min) => {
    const m = makeMix(speech, kind, snr, 11);
    const y = den.process(m.noisy, fs);
    expect(y.length).toBe(m.noisy.length);
    expect(allFinite(y)).toBe(true);
    expect(siSdr(m.clean, y) - siSdr(m.clean, m.noisy)).toBeGreaterThan(min);
  });

  it.each<[string, number, NoiseKind | undefined]>([
    ['+10 dB level jump', 10, undefined],
    ['−20 dB level drop', -20, undefined],
    ['switch to brown noise', 0, 'brown'],
    ['switch to hum +10 dB', 10, 'hum'],
  ])('recovers within a second after an abrupt %s', (_, db, to) => {
    const at = 3 * fs;
    const m = makeMix(speech, 'pink', 5, 4, 6, { at, db, ...(to ? { to } : {}) });
    const y = den.process(m.noisy, fs);
    const snrIn = (a: number, b: number): number => segmentSnr(m.clean, m.noisy, a, b);
    const snrOut = (a: number, b: number): number => segmentSnr(m.clean, y, a, b);
    // the second after the switch: the output is clearly better than the input, or (after a drop,
    // when the input is already clean) the output SNR stays far above the pre-switch output SNR
    if (db < 0) {
      expect(snrOut(at + fs / 2, at + fs)).toBeGreaterThan(snrOut(at - fs, at) + 5);
    } else {
      expect(snrOut(at, at + fs) - snrIn(at, at + fs)).toBeGreaterThan(1);
      expect(snrOut(at + fs / 2, at + fs) - snrIn(at + fs / 2, at + fs)).toBeGreaterThan(2);
    }
    // and the second after that keeps it
    expect(snrOut(at + fs, at + 2 * fs)).toBeGreaterThan(snrIn(at + fs, at + 2 * fs) - 3);
  });
});

describe('OnlineDenoiser: rise detector', () => {
  /** Learned log noise level (mean θ over the bins) after each hop of a noise-only signal. */
  function learnedLevel(den: OnlineDenoiser, x: Float32Array): number[] {
    const core = new Adamax(den.optimizerOptions).buildFlat(den.layout);
    den.warmStart(core.params, x);
    const state = den.createState();
    const h = den.frameSize;
    const frame = new Float32Array(h);
    const out = new Float32Array(h);
    const levels: number[] = [];
    for (let f = 0; (f + 1) * h <= x.length; f++) {
      frame.set(x.subarray(f * h, (f + 1) * h));
      den.step(core.params, state, [frame], out, core.grads);
      den.postStep(core.params, state, core.grads);
      core.step();
      let m = 0;
      for (let j = 0; j < den.bins; j++) m += core.params[j]!;
      levels.push(m / den.bins);
    }
    return levels;
  }

  it('follows a broadband +10 dB rise within a few hops (off: lr-limited slew)', () => {
    const n = 3 * fs;
    const x = whiteNoise(n, new Random(7), { rms: 0.01 });
    for (let i = n / 2; i < n; i++) x[i] = x[i]! * Math.sqrt(10);
    const on = learnedLevel(new OnlineDenoiser(), x);
    const off = learnedLevel(new OnlineDenoiser({ riseDetector: null }), x);
    const c = Math.floor(n / 2 / 256);
    const rise = Math.log(10); // nats
    // before the change both agree; 8 hops (128 ms) after it the detector has closed most of the gap
    expect(Math.abs(on[c - 2]! - off[c - 2]!)).toBeLessThan(0.05);
    expect(on[c + 8]! - on[c - 2]!).toBeGreaterThan(0.6 * rise);
    expect(off[c + 8]! - off[c - 2]!).toBeLessThan(0.5 * rise);
    // and it settles at the same level as the slow tracker
    expect(Math.abs(on[on.length - 1]! - off[off.length - 1]!)).toBeLessThan(0.3);
  });

  it('does not jump on stationary noise and barely changes speech in white noise', () => {
    const x = whiteNoise(3 * fs, new Random(8), { rms: 0.01 });
    const on = learnedLevel(new OnlineDenoiser(), x);
    const off = learnedLevel(new OnlineDenoiser({ riseDetector: null }), x);
    for (let i = 0; i < on.length; i++) expect(on[i]).toBe(off[i]);
    const m = makeMix(speech, 'white', 5, 6);
    const a = siSdr(m.clean, new OnlineDenoiser().process(m.noisy, fs));
    const b = siSdr(m.clean, new OnlineDenoiser({ riseDetector: null }).process(m.noisy, fs));
    expect(a).toBeGreaterThan(b - 0.5);
  });

  it('rejects bad detector settings', () => {
    const base = { smoothing: 0.7, thresholdDb: 1.5, fraction: 0.9, hops: 3, jump: 0.8 };
    expect(() => new OnlineDenoiser({ riseDetector: { ...base, fraction: 0 } })).toThrow(InvalidOptionError);
    expect(() => new OnlineDenoiser({ riseDetector: { ...base, hops: 1.5 } })).toThrow(InvalidOptionError);
    expect(() => new OnlineDenoiser({ riseDetector: { ...base, smoothing: 1 } })).toThrow(InvalidOptionError);
    expect(new OnlineDenoiser({ riseDetector: base }).riseDetector).toEqual(base);
  });
});

describe('OnlineDenoiser: interface and robustness', () => {
  it('the AdaptiveModel loop driven by Adamax equals process() (delay N − H)', () => {
    const den = new OnlineDenoiser();
    const m = makeMix(speech, 'white', 5, 2, 2);
    const ref = den.process(m.noisy, fs);
    const core = new Adamax(den.optimizerOptions).buildFlat(den.layout);
    den.warmStart(core.params, m.noisy);
    const state = den.createState();
    const h = den.frameSize;
    const y = new Float32Array(Math.ceil((m.noisy.length + den.latency) / h) * h);
    const frame = new Float32Array(h);
    const out = new Float32Array(h);
    let loss = 0;
    for (let f = 0; f * h < y.length; f++) {
      frame.fill(0);
      frame.set(m.noisy.subarray(f * h, Math.min((f + 1) * h, m.noisy.length)));
      loss = den.step(core.params, state, [frame], out, core.grads);
      den.postStep(core.params, state, core.grads);
      core.step();
      y.set(out, f * h);
    }
    expect(Number.isFinite(loss)).toBe(true);
    expect(y.subarray(den.latency, den.latency + m.noisy.length)).toEqual(ref);
  });

  it('output length equals input length for odd lengths and other sample rates', () => {
    const den = new OnlineDenoiser();
    for (const n of [1, 255, 257, 16001]) expect(den.process(new Float32Array(n).fill(0.01), fs).length).toBe(n);
    const x = whiteNoise(44100, new Random(3), { rms: 0.1 });
    const y = den.process(x, 44100);
    expect(y.length).toBe(x.length);
    expect(allFinite(y)).toBe(true);
    expect(den.process(new Float32Array(0), fs).length).toBe(0);
  });

  it('stays finite on silence, DC, clipped and non-finite input', () => {
    const den = new OnlineDenoiser();
    const n = fs * 2;
    const silence = new Float32Array(n);
    const dc = new Float32Array(n).fill(0.5);
    const clipped = Float32Array.from(makeMix(speech, 'white', -10, 5, 2).noisy, (v) =>
      Math.max(-1, Math.min(1, v * 8)),
    );
    const withNaN = whiteNoise(n, new Random(1), { rms: 0.1 });
    withNaN[1000] = Number.NaN;
    withNaN[2000] = Number.POSITIVE_INFINITY;
    const jump = whiteNoise(n, new Random(2), { rms: 1e-6 });
    for (let i = n / 2; i < n; i++) jump[i] = jump[i]! * 1e6; // 120 dB jump
    for (const x of [silence, dc, clipped, withNaN, jump]) {
      const y = den.process(x, fs);
      expect(y.length).toBe(n);
      expect(allFinite(y)).toBe(true);
    }
    expect(den.process(silence, fs).every((v) => v === 0)).toBe(true);
    expect(Math.max(...den.process(dc, fs).map(Math.abs))).toBeLessThanOrEqual(0.6);
  });

  it('rejects bad options with InvalidOptionError', () => {
    expect(() => new OnlineDenoiser({ fftSize: 500 })).toThrow(InvalidOptionError);
    expect(() => new OnlineDenoiser({ quantile: 0.9 })).toThrow(InvalidOptionError);
    expect(() => new OnlineDenoiser({ gainFloorDb: 3 })).toThrow(InvalidOptionError);
    expect(() => new OnlineDenoiser({ fastFall: 1 })).toThrow(InvalidOptionError);
    expect(() => new OnlineDenoiser({ bogus: 1 } as never)).toThrow(InvalidOptionError);
    expect(() => new OnlineDenoiser().process(new Float32Array(4), 0)).toThrow(/sampleRate/);
  });
});

describe('SINGLE_CHANNEL_DEFAULTS', () => {
  it('are frozen, accepted by OnlineDenoiser and equal to its built-in defaults', async () => {
    const { SINGLE_CHANNEL_DEFAULTS } = await import('../../src/models/defaults/single-channel-defaults.js');
    expect(Object.isFrozen(SINGLE_CHANNEL_DEFAULTS)).toBe(true);
    expect(Object.isFrozen(SINGLE_CHANNEL_DEFAULTS.online)).toBe(true);
    const a = new OnlineDenoiser(SINGLE_CHANNEL_DEFAULTS.online);
    const b = new OnlineDenoiser();
    const x = makeMix(speech, 'pink', 3, 8, 2).noisy;
    expect(a.process(x, fs)).toEqual(b.process(x, fs));
  });
});
