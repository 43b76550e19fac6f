/**
 * The AdaptiveModel contract on OnlineDenoiser: `step` never writes the parameters (the rise
 * detector's jump is the explicit `postStep` hook, called by the learner between `step` and the
 * optimizer), and everything a frame leaves for later lives in the per-stream state, so two streams
 * through ONE model object give exactly what each gives through a model of its own.
 */
import { describe, expect, it } from 'vitest';
import { Random } from '../../src/core/random.js';
import { SINGLE_CHANNEL_DEFAULTS } from '../../src/models/defaults/single-channel-defaults.js';
import { OnlineDenoiser } from '../../src/models/online-denoiser.js';
import { Adamax } from '../../src/optim/adamax.js';
import { pinkNoise } from '../../src/signal/pink-noise.js';
import { whiteNoise } from '../../src/signal/white-noise.js';

const fs = 16000;
const bitsOf = (a: Float32Array): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

/** Noise with a broadband rise of `riseDb` at `at` (fraction of the clip) and a tone on top. */
function risingNoise(seed: number, kind: 'white' | 'pink', riseDb: number, at: number): Float32Array {
  const rng = new Random(seed);
  const n = 3 * fs;
  const x = kind === 'white' ? whiteNoise(n, rng, { rms: 0.01 }) : pinkNoise(n, rng, { rms: 0.01 });
  const g = 10 ** (riseDb / 20);
  for (let i = Math.round(at * n); i < n; i++) x[i] = x[i]! * g;
  for (let i = 0; i < n; i++) x[i] = x[i]! + 0.02 * Math.sin((2 * Math.PI * 440 * i) / fs);
  return x;
}

interface Stream {
  readonly x: Float32Array;
  readonly core: ReturnType<Adamax['buildFlat']>;
  readonly state: ReturnType<OnlineDenoiser['createState']>;
  readonly frame: Float32Array;
  readonly out: Float32Array;
  readonly y: Float32Array;
  jumps: number;
}

function open(den: OnlineDenoiser, x: Float32Array): Stream {
  const core = new Adamax(den.optimizerOptions).buildFlat(den.layout);
  den.warmStart(core.params, x);
  const h = den.frameSize;
  return {
    x,
    core,
    state: den.createState(),
    frame: new Float32Array(h),
    out: new Float32Array(h),
    y: new Float32Array(Math.floor(x.length / h) * h),
    jumps: 0,
  };
}

const frames = (den: OnlineDenoiser, s: Stream): number => s.y.length / den.frameSize;

/** `step` for frame f of a stream; checks that it leaves the parameters alone. */
function step(den: OnlineDenoiser, s: Stream, f: number): void {
  const h = den.frameSize;
  s.frame.set(s.x.subarray(f * h, (f + 1) * h));
  const before = Float32Array.from(s.core.params);
  den.step(s.core.params, s.state, [s.frame], s.out, s.core.grads);
  if (!bitsOf(before).equals(bitsOf(s.core.params))) throw new Error(`step wrote the parameters at frame ${f}`);
  s.y.set(s.out, f * h);
}

/** The post-step hook, counting the frames where it moved the parameters, then the optimizer. */
function finish(den: OnlineDenoiser, s: Stream): void {
  const before = Float32Array.from(s.core.params);
  den.postStep(s.core.params, s.state, s.core.grads);
  if (!bitsOf(before).equals(bitsOf(s.core.params))) s.jumps++;
  s.core.step();
}

describe('OnlineDenoiser model contract', () => {
  const options = { ...SINGLE_CHANNEL_DEFAULTS.online, sampleRate: fs };
  const xa = risingNoise(1, 'white', 15, 0.35);
  const xb = risingNoise(2, 'pink', 12, 0.6);

  it('two streams through one model object share no per-frame data (step, step, postStep, postStep interleaved)', () => {
    // each stream alone, through a model object of its own
    const alone = [xa, xb].map((x) => {
      const den = new OnlineDenoiser(options);
      const s = open(den, x);
      for (let f = 0; f < frames(den, s); f++) {
        step(den, s, f);
        finish(den, s);
      }
      return s;
    });
    // both through one model object, the calls of one frame interleaved
    const shared = new OnlineDenoiser(options);
    const a = open(shared, xa);
    const b = open(shared, xb);
    for (let f = 0; f < frames(shared, a); f++) {
      step(shared, a, f);
      step(shared, b, f);
      finish(shared, a);
      finish(shared, b);
    }
    // the rise detector jumped in both streams: the hook had per-frame data to get wrong
    expect(alone[0]!.jumps).toBeGreaterThan(0);
    expect(alone[1]!.jumps).toBeGreaterThan(0);
    expect([a.jumps, b.jumps]).toEqual([alone[0]!.jumps, alone[1]!.jumps]);
    expect(bitsOf(a.y).equals(bitsOf(alone[0]!.y))).toBe(true);
    expect(bitsOf(b.y).equals(bitsOf(alone[1]!.y))).toBe(true);
    expect(bitsOf(a.core.params).equals(bitsOf(alone[0]!.core.params))).toBe(true);
    expect(bitsOf(b.core.params).equals(bitsOf(alone[1]!.core.params))).toBe(true);
  });

  it('process() is step → postStep → optimizer, and learn() is step + postStep in one call', () => {
    const den = new OnlineDenoiser(options);
    const viaLearn = open(den, xa);
    const viaHook = open(den, xa);
    for (let f = 0; f < frames(den, viaHook); f++) {
      step(den, viaHook, f);
      finish(den, viaHook);
      const h = den.frameSize;
      viaLearn.frame.set(xa.subarray(f * h, (f + 1) * h));
      den.learn(viaLearn.core.params, viaLearn.state, [viaLearn.frame], viaLearn.out, viaLearn.core.grads);
      viaLearn.core.step();
      viaLearn.y.set(viaLearn.out, f * h);
    }
    expect(viaHook.jumps).toBeGreaterThan(0);
    expect(bitsOf(viaLearn.y).equals(bitsOf(viaHook.y))).toBe(true);
    const processed = den.process(xa, fs);
    const d = den.latency;
    expect(bitsOf(processed.subarray(0, viaHook.y.length - d)).equals(bitsOf(viaHook.y.subarray(d)))).toBe(true);
  });

  it('without the hook the rise is not jumped: the parameters end elsewhere', () => {
    const den = new OnlineDenoiser(options);
    const hooked = open(den, xa);
    const bare = open(den, xa);
    for (let f = 0; f < frames(den, hooked); f++) {
      step(den, hooked, f);
      finish(den, hooked);
      step(den, bare, f);
      bare.core.step();
    }
    expect(hooked.jumps).toBeGreaterThan(0);
    expect(bitsOf(hooked.core.params).equals(bitsOf(bare.core.params))).toBe(false);
  });
});
