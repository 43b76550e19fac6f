import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AdamaxStreamError, InvalidOptionError, ShapeError } from '../../src/core/errors.js';
import { Random } from '../../src/core/random.js';
import { babble } from '../../src/signal/babble.js';
import { brownNoise } from '../../src/signal/brown-noise.js';
import { rms } from '../../src/signal/db.js';
import { hum } from '../../src/signal/hum.js';
import { mixAtSnr } from '../../src/signal/mix-at-snr.js';
import { pinkNoise } from '../../src/signal/pink-noise.js';
import { snr } from '../../src/signal/snr.js';
import { whiteNoise } from '../../src/signal/white-noise.js';
import { octaveSlopeDb, tone, welchPsd } from './helpers.js';

const N = 2 ** 17;

/** |DFT of x at frequency f| · 2/n (the amplitude of a sinusoid at f when the span holds whole periods). */
function amplitudeAt(x: Float32Array, f: number, fs: number): number {
  let re = 0;
  let im = 0;
  for (let n = 0; n < x.length; n++) {
    const a = (2 * Math.PI * f * n) / fs;
    re += x[n] * Math.cos(a);
    im -= x[n] * Math.sin(a);
  }
  return (2 * Math.hypot(re, im)) / x.length;
}

describe.each([
  ['whiteNoise', (n: number, r: Random) => whiteNoise(n, r)],
  ['pinkNoise', (n: number, r: Random) => pinkNoise(n, r)],
  ['brownNoise', (n: number, r: Random) => brownNoise(n, r)],
])('%s (common contract)', (_name, gen) => {
  it('is reproducible from the seed, differs across seeds, and has RMS exactly 0.1 by default', () => {
    const a = gen(4096, new Random(1));
    expect(gen(4096, new Random(1))).toEqual(a);
    expect(gen(4096, new Random(2))).not.toEqual(a);
    expect(rms(a)).toBeCloseTo(0.1, 6);
  });

  it('rejects bad lengths', () => {
    expect(() => gen(0, new Random(1))).toThrow(InvalidOptionError);
    expect(() => gen(2.5, new Random(1))).toThrow(InvalidOptionError);
  });
});

describe('noise spectra (octave-band slopes of a Welch estimate)', () => {
  it('white noise is flat: 0 ± 0.3 dB/octave', () => {
    const slope = octaveSlopeDb(welchPsd(whiteNoise(N, new Random(5)), 1024), 2, 8);
    expect(Math.abs(slope)).toBeLessThan(0.3);
  });

  it('pink noise falls at −3 dB/octave (±0.3)', () => {
    const slope = octaveSlopeDb(welchPsd(pinkNoise(N, new Random(6)), 1024), 2, 8);
    expect(Math.abs(slope + 10 * Math.log10(2))).toBeLessThan(0.3);
  });

  it('brown noise falls at −6 dB/octave (±0.5) above its corner', () => {
    const slope = octaveSlopeDb(welchPsd(brownNoise(N, new Random(7)), 1024), 2, 6);
    expect(Math.abs(slope + 20 * Math.log10(2))).toBeLessThan(0.5);
  });

  it('brown noise has no DC drift: half-signal means stay within a fraction of the RMS', () => {
    // A pure random walk of this length drifts by ~sqrt(n) steps; the leaky integrator is stationary.
    const x = brownNoise(10 * 16000, new Random(8), { rms: 1 });
    const half = x.length / 2;
    let m1 = 0;
    let m2 = 0;
    for (let i = 0; i < half; i++) {
      m1 += x[i] / half;
      m2 += x[half + i] / half;
    }
    expect(Math.abs(m1)).toBeLessThan(0.3);
    expect(Math.abs(m2)).toBeLessThan(0.3);
  });

  it('brownNoise validates the leak', () => {
    expect(() => brownNoise(10, new Random(1), { leak: 0 })).toThrow(/leak/);
    expect(() => brownNoise(10, new Random(1), { leak: 1 })).toThrow(InvalidOptionError);
  });
});

describe('hum', () => {
  it('has harmonics of 50 Hz with amplitude ratio `decay` between consecutive harmonics', () => {
    const fs = 16000;
    const x = hum(fs, fs, { harmonics: 4, decay: 0.5, rms: 0.2 }); // 1 s: whole periods of every harmonic
    const a = [50, 100, 150, 200].map((f) => amplitudeAt(x, f, fs));
    expect(a[1] / a[0]).toBeCloseTo(0.5, 6);
    expect(a[2] / a[1]).toBeCloseTo(0.5, 6);
    expect(a[3] / a[2]).toBeCloseTo(0.5, 6);
    expect(amplitudeAt(x, 250, fs)).toBeLessThan(1e-6);
    expect(amplitudeAt(x, 75, fs)).toBeLessThan(1e-6);
    // Parseval: the harmonic powers a²/2 add up to the RMS².
    expect(a.reduce((s, v) => s + (v * v) / 2, 0)).toBeCloseTo(0.04, 6);
  });

  it('supports 60 Hz mains and skips harmonics at or above Nyquist', () => {
    const fs = 1000;
    const x = hum(3 * fs, fs, { fundamental: 60, harmonics: 20, decay: 1 });
    expect(amplitudeAt(x, 60, fs)).toBeCloseTo(amplitudeAt(x, 480, fs), 6); // k = 8 is the last below 500 Hz
    expect(amplitudeAt(x, 460, fs)).toBeLessThan(1e-6); // k = 9 (540 Hz) would alias to 460 Hz
    expect(rms(x)).toBeCloseTo(0.1, 6);
  });

  it('random phases come from the seeded generator; magnitudes do not depend on them', () => {
    const fs = 8000;
    const a = hum(fs, fs, { rng: new Random(1) });
    expect(hum(fs, fs, { rng: new Random(1) })).toEqual(a);
    const b = hum(fs, fs, { rng: new Random(2) });
    expect(b).not.toEqual(a);
    expect(amplitudeAt(a, 150, fs)).toBeCloseTo(amplitudeAt(b, 150, fs), 4);
  });

  it('validates options', () => {
    expect(() => hum(100, 16000, { fundamental: 9000 })).toThrow(/Nyquist/);
    expect(() => hum(100, 16000, { decay: 1.5 })).toThrow(InvalidOptionError);
  });
});

describe('babble', () => {
  it('with one voice and 0 dB gain is a circular shift of the voice, rescaled to the target RMS', () => {
    const voice = new Float32Array(97).map((_, i) => Math.sin(i * 0.37) + 0.3 * Math.cos(i * 1.9));
    const b = babble([voice], 97, new Random(4), { gainRangeDb: [0, 0], rms: 0.25 });
    expect(rms(b)).toBeCloseTo(0.25, 6);
    const c = 0.25 / rms(voice);
    let matched = -1;
    for (let o = 0; o < 97 && matched < 0; o++) {
      let ok = true;
      for (let n = 0; n < 97 && ok; n++) ok = Math.abs(b[n] - c * voice[(n + o) % 97]) < 1e-5;
      if (ok) matched = o;
    }
    expect(matched).toBeGreaterThanOrEqual(0);
  });

  it('equalises talkers before the random gain: a quiet and a loud voice contribute equally at 0 dB', () => {
    const fs = 8000;
    const v1 = tone(fs, 200, fs, 1);
    const v2 = tone(fs, 330, fs, 0.01);
    const b = babble([v1, v2], fs, new Random(9), { gainRangeDb: [0, 0] });
    expect(amplitudeAt(b, 200, fs)).toBeCloseTo(amplitudeAt(b, 330, fs), 5);
  });

  it('loops voices to fill the length, is reproducible from the seed and validates inputs', () => {
    const voices = [tone(500, 150, 8000), tone(700, 210, 8000)];
    const a = babble(voices, 3000, new Random(1));
    expect(a.length).toBe(3000);
    expect(babble(voices, 3000, new Random(1))).toEqual(a);
    expect(babble(voices, 3000, new Random(2))).not.toEqual(a);
    expect(() => babble([], 10, new Random(1))).toThrow(InvalidOptionError);
    expect(() => babble([new Float32Array(0)], 10, new Random(1))).toThrow(ShapeError);
    expect(() => babble(voices, 10, new Random(1), { gainRangeDb: [3, -3] })).toThrow(/gainRangeDb/);
  });
});

describe('mixAtSnr', () => {
  const clean = tone(8000, 300, 16000, 0.4);
  const noise = whiteNoise(8000, new Random(3));

  it('produces a mixture whose SNR against the clean signal is the requested one (property)', () => {
    fc.assert(
      fc.property(fc.double({ min: -20, max: 40, noNaN: true }), (target) => {
        const { mixture, noise: scaled, gain } = mixAtSnr(clean, noise, target);
        expect(snr(clean, mixture)).toBeCloseTo(target, 3);
        expect(scaled[10]).toBeCloseTo(gain * noise[10], 6);
        expect(mixture[10]).toBeCloseTo(clean[10] + scaled[10], 6);
      }),
      { numRuns: 30 },
    );
  });

  it('rejects mismatched lengths, zero-energy signals and non-finite SNRs', () => {
    expect(() => mixAtSnr(clean, noise.subarray(1), 0)).toThrow(ShapeError);
    expect(() => mixAtSnr(clean, new Float32Array(clean.length), 0)).toThrow(AdamaxStreamError);
    expect(() => mixAtSnr(clean, noise, Number.POSITIVE_INFINITY)).toThrow(InvalidOptionError);
  });
});
