import { describe, expect, it } from 'vitest';
import { InvalidOptionError } from '../../src/core/errors.js';
import { Random } from '../../src/core/random.js';
import { ReferenceCanceller, type ReferenceCancellerOptions } from '../../src/models/reference-canceller.js';
import { betaFromTimeConstant } from '../../src/models/tracking/time-constants.js';
import { Adamax } from '../../src/optim/adamax.js';

const FS = 16000;
const B = 64;
const RATE = FS / B;

function adamax(lr: number, emaSeconds = 0): Adamax {
  return new Adamax({
    learningRate: lr,
    beta2: betaFromTimeConstant(0.05, RATE),
    useEma: emaSeconds > 0,
    emaMomentum: emaSeconds > 0 ? betaFromTimeConstant(emaSeconds, RATE) : 0.99,
  });
}

function make(extra: Partial<ReferenceCancellerOptions> = {}): ReferenceCanceller {
  return new ReferenceCanceller({ sampleRate: FS, optimizer: adamax(0.03, 0.5), filterMs: 16, ...extra });
}

function path(rng: Random, taps: number): Float64Array {
  const h = new Float64Array(taps);
  for (let k = 0; k < taps; k++) h[k] = rng.gaussian() * Math.exp(-k / (taps / 4));
  return h;
}

/** x: white reference of `level`; d = h1 ⊛ x before `switchAt`, h2 ⊛ x after (+ `extra`). */
function scene(
  seed: number,
  n: number,
  opts: { switchAt?: number; taps?: number; extra?: (i: number) => number; xLevel?: (i: number) => number } = {},
) {
  const rng = new Random(seed);
  const taps = opts.taps ?? 100;
  const h1 = path(rng, taps);
  const h2 = path(rng, taps);
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = 0.1 * rng.gaussian() * (opts.xLevel ? opts.xLevel(i) : 1);
  const d = new Float32Array(n);
  const at = opts.switchAt ?? n;
  for (let i = 0; i < n; i++) {
    const h = i < at ? h1 : h2;
    let s = 0;
    for (let k = 0; k < taps && k <= i; k++) s += h[k] * x[i - k];
    d[i] = s + (opts.extra ? opts.extra(i) : 0);
  }
  return { x, d };
}

/** Runs blocks [from, to) and returns the output power per block; `each` runs after every block. */
function run(
  c: ReferenceCanceller,
  x: Float32Array,
  d: Float32Array,
  from = 0,
  to = Math.floor(x.length / c.frameSize),
  each?: (block: number) => void,
): Float64Array {
  const n = c.frameSize;
  const out = new Float32Array(n);
  const pow = new Float64Array(to - from);
  for (let b = from; b < to; b++) {
    c.process([d.subarray(b * n, (b + 1) * n), x.subarray(b * n, (b + 1) * n)], out);
    let s = 0;
    for (let i = 0; i < n; i++) s += out[i] * out[i];
    pow[b - from] = s / n;
    each?.(b);
  }
  return pow;
}

const mean = (a: ArrayLike<number>, from = 0, to = a.length): number => {
  let s = 0;
  for (let i = from; i < to; i++) s += a[i];
  return s / (to - from);
};

describe('ReferenceCanceller', () => {
  it('sizes the filter in milliseconds at the native rate (≥ 64 ms by default)', () => {
    expect(new ReferenceCanceller({ sampleRate: 16000, optimizer: adamax(0.01) }).taps).toBe(1024);
    const c48 = new ReferenceCanceller({ sampleRate: 48000, optimizer: adamax(0.01) });
    expect(c48.frameSize).toBe(128);
    expect(c48.taps).toBe(3072);
    expect(new ReferenceCanceller({ sampleRate: 8000, optimizer: adamax(0.01), filterMs: 43 }).taps).toBe(352);
  });

  it('rejects bad options with the allowed values and leaves the optimizer unbuilt', () => {
    const opt = adamax(0.01);
    const bad = (o: Record<string, unknown>) => () =>
      new ReferenceCanceller({ sampleRate: FS, optimizer: opt, ...o } as ReferenceCancellerOptions);
    expect(bad({ blockSize: 48 })).toThrow(/power of two/);
    expect(bad({ filterMs: -1 })).toThrow(InvalidOptionError);
    expect(bad({ levelNormalization: 'loud' })).toThrow(/'residual', 'primary' or 'off'/);
    expect(bad({ gateDb: Number.NaN })).toThrow(/gateDb/);
    expect(bad({ speed: 1 })).toThrow(/speed/);
    expect(bad({ foregroundOptimizer: opt })).toThrow(/second, unbuilt/);
    expect(opt.built).toBe(false);
    expect(() => make().process([new Float32Array(B)], new Float32Array(B))).toThrow(/expects \[primary, reference\]/);
  });

  it('cancels a 100-tap path by > 25 dB within 2 s, at 16 and 48 kHz', () => {
    for (const fs of [16000, 48000]) {
      const c = new ReferenceCanceller({ sampleRate: fs, optimizer: adamax(0.03, 0.5), filterMs: 16 });
      const { x, d } = scene(1, 3 * fs);
      const pow = run(c, x, d);
      const blocks = pow.length;
      let pd = 0;
      for (let i = 0; i < d.length; i++) pd += d[i] * d[i];
      pd /= d.length;
      const tail = mean(pow, Math.floor((2 / 3) * blocks), blocks);
      expect(10 * Math.log10(pd / tail)).toBeGreaterThan(25);
    }
  });

  it('copies the background into the foreground after a path change (two-path), never without it', () => {
    const n = 6 * FS;
    const { x, d } = scene(2, n, { switchAt: 3 * FS });
    const two = make();
    run(two, x, d, 0, (3 * FS) / B);
    const before = two.copies;
    let copiedAt = -1;
    run(two, x, d, (3 * FS) / B, n / B, (b) => {
      if (copiedAt < 0 && two.copies > before) {
        copiedAt = b;
        // right after a copy the output weights are the background's (then both learn on)
        expect(Array.from(two.foregroundWeights)).toEqual(Array.from(two.backgroundWeights));
      }
    });
    expect(copiedAt).toBeGreaterThan(0);
    expect((copiedAt * B) / FS - 3).toBeLessThan(0.5);
    const one = make({ twoPath: false });
    run(one, x, d);
    expect(one.copies).toBe(0);
  });

  it('recovers from a path change faster with two paths than with the weight EMA alone', () => {
    const n = 6 * FS;
    const { x, d } = scene(3, n, { switchAt: 3 * FS });
    const residual = (c: ReferenceCanceller) => mean(run(c, x, d), (3.1 * FS) / B, (3.6 * FS) / B);
    const twoPath = residual(make({ optimizer: adamax(0.03, 2) }));
    const emaOnly = residual(make({ optimizer: adamax(0.03, 2), twoPath: false }));
    expect(10 * Math.log10(emaOnly / twoPath)).toBeGreaterThan(3);
  });

  it('resets a diverged background from the foreground', () => {
    const { x, d } = scene(4, 3 * FS);
    const c = make();
    run(c, x, d, 0, (2 * FS) / B);
    const bg = c.backgroundWeights;
    for (let i = 0; i < bg.length; i++) bg[i] += 0.5 * Math.sin(i); // a background gone wrong
    const resets = c.backgroundResets;
    run(c, x, d, (2 * FS) / B, (3 * FS) / B);
    expect(c.backgroundResets).toBeGreaterThan(resets);
  });

  it('freezes learning while the reference is quiet but the primary carries speech-like sound', () => {
    const n = 6 * FS;
    const quiet = (i: number) => (i >= 3 * FS && i < 5 * FS ? 10 ** (-40 / 20) : 1);
    const talk = (i: number) => 0.05 * Math.sin(i * 0.03) * (Math.sin(i * 0.0005) > 0 ? 1 : 0.2);
    const { x, d } = scene(5, n, { xLevel: quiet, extra: talk });
    const c = make();
    run(c, x, d, 0, (3.05 * FS) / B);
    const fg = Float32Array.from(c.foregroundWeights);
    const bg = Float32Array.from(c.backgroundWeights);
    const gated = c.gated;
    run(c, x, d, (3.05 * FS) / B, (4.9 * FS) / B);
    expect(c.gated - gated).toBeGreaterThan((1.5 * FS) / B);
    expect(Array.from(c.foregroundWeights)).toEqual(Array.from(fg));
    expect(Array.from(c.backgroundWeights)).toEqual(Array.from(bg));
  });

  it('never boosts the learning rate when the reference goes quiet (residual level ratio), unlike the primary ratio', () => {
    const n = 5 * FS;
    const quiet = (i: number) => (i >= 3 * FS ? 10 ** (-30 / 20) : 1);
    const talk = (i: number) => 0.2 * Math.sin(i * 0.03);
    const { x, d } = scene(6, n, { xLevel: quiet, extra: talk });
    const maxLr = (levelNormalization: 'residual' | 'primary') => {
      const c = make({ gateDb: 0, levelNormalization });
      let before = 0;
      let after = 0;
      run(c, x, d, 0, n / B, (b) => {
        const lr = c.optimizer.learningRate;
        if (b * B < 3 * FS && b * B > 2.5 * FS) before = Math.max(before, lr);
        if (b * B >= 3 * FS) after = Math.max(after, lr);
      });
      return after / before;
    };
    expect(maxLr('residual')).toBeLessThan(2.5);
    expect(maxLr('primary')).toBeGreaterThan(5);
  });

  it('restores the last good weights (not zeros) after a divergence', () => {
    const { x, d } = scene(7, 4 * FS);
    const c = make();
    run(c, x, d, 0, (2 * FS) / B);
    const good = Float32Array.from(c.lastGoodWeights);
    expect(Math.max(...Array.from(good, Math.abs))).toBeGreaterThan(0.01);
    c.foregroundWeights.fill(Number.NaN); // both paths broken at once
    c.backgroundWeights.fill(Number.NaN);
    const out = new Float32Array(B);
    const b = (2 * FS) / B;
    c.process([d.subarray(b * B, (b + 1) * B), x.subarray(b * B, (b + 1) * B)], out);
    expect(c.restores).toBe(1);
    expect(Array.from(out)).toEqual(Array.from(d.subarray(b * B, (b + 1) * B))); // bypass for the bad block
    expect(Array.from(c.foregroundWeights)).toEqual(Array.from(good));
    const pow = run(c, x, d, b + 1, b + 1 + RATE / 2);
    let pd = 0;
    for (let i = (b + 1) * B; i < (b + 1 + RATE / 2) * B; i++) pd += d[i] * d[i];
    pd /= (RATE / 2) * B;
    expect(10 * Math.log10(pd / mean(pow))).toBeGreaterThan(15); // good at once, no re-convergence from zero
  });

  it('learns with its own slow foreground learner when given one', () => {
    const { x, d } = scene(8, 3 * FS);
    const c = make({
      optimizer: adamax(0.03),
      foregroundOptimizer: new Adamax({ learningRate: 0.005, beta2: betaFromTimeConstant(0.25, RATE) }),
    });
    expect(c.foregroundCore).not.toBeNull();
    const pow = run(c, x, d);
    expect(c.foregroundCore!.iterations).toBeGreaterThan(0);
    let pd = 0;
    for (let i = 0; i < d.length; i++) pd += d[i] * d[i];
    pd /= d.length;
    expect(10 * Math.log10(pd / mean(pow, pow.length - RATE, pow.length))).toBeGreaterThan(25);
  });

  it('outputs silence for a non-finite input block and keeps its state', () => {
    const c = make();
    const { x, d } = scene(9, FS);
    run(c, x, d, 0, 100);
    const w = Float32Array.from(c.foregroundWeights);
    const bad = new Float32Array(B).fill(Number.NaN);
    const out = new Float32Array(B).fill(1);
    c.process([bad, x.subarray(0, B)], out);
    expect(Array.from(out)).toEqual(new Array(B).fill(0));
    expect(Array.from(c.foregroundWeights)).toEqual(Array.from(w));
  });
});

describe('ReferenceCanceller per-bin convex combination', () => {
  const convex = (mix: boolean): ReferenceCanceller =>
    make({
      optimizer: adamax(0.03),
      foregroundOptimizer: adamax(0.002),
      // no copies or resets: the output is the slow foreground alone, or the mix
      copyDb: 60,
      resetDb: 120,
      ...(mix ? { mixOptimizer: adamax(0.05) } : {}),
    });

  it('leans on the fast path after a path change and on the output beats the slow path alone', () => {
    const n = 4 * FS;
    const at = 2 * FS;
    const { x, d } = scene(21, n, { switchAt: at });
    const withMix = convex(true);
    const without = convex(false);
    const blocks = Math.floor(n / B);
    const a = at / B;
    let lambdaAfter = 0;
    const pm = run(withMix, x, d, 0, blocks, (b) => {
      if (b === a + Math.round(0.4 * RATE)) lambdaAfter = mean(withMix.mixing);
    });
    const p0 = run(without, x, d, 0, blocks);
    expect(lambdaAfter).toBeGreaterThan(0.6);
    const post = [a + Math.round(0.5 * RATE), a + Math.round(1 * RATE)] as const;
    expect(10 * Math.log10(mean(p0, ...post) / mean(pm, ...post))).toBeGreaterThan(6);
    expect(Array.from(pm).every(Number.isFinite)).toBe(true);
  });

  it('gives the same output, bit for bit, with its one-call learning pass off, and with its fused ring pass off too', () => {
    const { x, d } = scene(22, 2 * FS, { switchAt: FS });
    const oneCall = convex(true);
    const fused = convex(true);
    const twoPasses = convex(true);
    type Internals = { learnPass: { run: (...a: unknown[]) => boolean } | null };
    const lp = (oneCall as unknown as Internals).learnPass!;
    expect(lp).not.toBeNull();
    const run1 = lp.run;
    let oneCallRuns = 0;
    (oneCall as unknown as Internals).learnPass = {
      ...lp,
      run: (...a: unknown[]) => {
        oneCallRuns++;
        return run1(...a);
      },
    };
    (fused as unknown as Internals).learnPass = null;
    (twoPasses as unknown as Internals).learnPass = null;
    const model = twoPasses.model as unknown as { learnWithOutput: () => boolean };
    let fallbacks = 0;
    model.learnWithOutput = () => {
      fallbacks++;
      return false;
    };
    const fusedModel = fused.model as unknown as { learnWithOutput: (...a: unknown[]) => boolean };
    const original = fusedModel.learnWithOutput.bind(fused.model);
    let fusedCalls = 0;
    fusedModel.learnWithOutput = (...a: unknown[]) => {
      const done = original(...a);
      if (done) fusedCalls++;
      return done;
    };
    const blocks = Math.floor(x.length / B);
    const p1 = run(oneCall, x, d, 0, blocks);
    const pa = run(fused, x, d, 0, blocks);
    const pb = run(twoPasses, x, d, 0, blocks);
    expect([oneCallRuns, fusedCalls, fallbacks]).toEqual([blocks, blocks, blocks]);
    expect(Array.from(pa)).toEqual(Array.from(p1));
    expect(Array.from(pb)).toEqual(Array.from(pa));
    expect(Array.from(twoPasses.mixing)).toEqual(Array.from(fused.mixing));
    expect(Array.from(oneCall.mixing)).toEqual(Array.from(fused.mixing));
    expect(oneCall.backgroundWeights).toEqual(twoPasses.backgroundWeights);
  });

  it('restarts the background from zero when both paths are worse than no filter, and recovers sooner', () => {
    // the path flips sign while the noise gets 3× louder: the old weights double the noise
    const n = 4 * FS;
    const at = 2 * FS;
    const rng = new Random(31);
    const h = path(rng, 100);
    const x = new Float32Array(n);
    for (let i = 0; i < n; i++) x[i] = 0.1 * rng.gaussian() * (i < at ? 1 : 3);
    const d = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      let v = 0;
      for (let k = 0; k < 100 && k <= i; k++) v += h[k] * x[i - k];
      d[i] = i < at ? v : -v;
    }
    const blocks = n / B;
    const post = [at / B + Math.round(0.05 * RATE), at / B + Math.round(0.5 * RATE)] as const;
    const withRestart = make({ restartDb: 1, restartSeconds: 0.02 });
    const without = make();
    const pr = run(withRestart, x, d, 0, blocks);
    const p0 = run(without, x, d, 0, blocks);
    const gain = 10 * Math.log10(mean(p0, ...post) / mean(pr, ...post));
    console.log(
      `restart: ${withRestart.restarts} restart(s), ${gain.toFixed(1)} dB less residual in the 0.05–0.5 s after the change`,
    );
    expect(withRestart.restarts).toBeGreaterThanOrEqual(1);
    expect(without.restarts).toBe(0);
    expect(gain).toBeGreaterThan(3);
    // before the change (one stationary path) nothing restarts
    const steady = make({ restartDb: 1, restartSeconds: 0.02 });
    run(steady, x, d, 0, at / B);
    expect(steady.restarts).toBe(0);
  });

  it('validates its options', () => {
    expect(() => make({ restartDb: -1 })).toThrow(/restartDb/);
    expect(() => make({ restartBoost: 0.5 })).toThrow(/restartBoost/);
    const o = adamax(0.03);
    expect(() => make({ optimizer: o, mixOptimizer: o })).toThrow(InvalidOptionError);
    expect(() => make({ mixOptimizer: adamax(0.05), mixLimit: -1 })).toThrow(/mixLimit/);
  });
});

describe('ReferenceCanceller coherence of the background error (coherenceSeconds)', () => {
  /** x white; d = h ⊛ x (× `gain` from `at` on, with a new path) + an independent talker-like noise. */
  function jumpScene(n: number, at: number, gain: number) {
    const rng = new Random(11);
    const h1 = path(rng, 100);
    const h2 = path(rng, 100);
    const x = new Float32Array(n);
    const d = new Float32Array(n);
    for (let i = 0; i < n; i++) x[i] = 0.1 * rng.gaussian();
    for (let i = 0; i < n; i++) {
      const h = i < at ? h1 : h2;
      let s = 0;
      for (let k = 0; k < 100 && k <= i; k++) s += h[k] * x[i - k];
      const talk = Math.floor(i / 4000) % 2 === 0 ? 0.02 * rng.gaussian() : 0;
      d[i] = (i < at ? 1 : gain) * s + talk;
    }
    return { x, d };
  }

  it('g stays low while converged with a talker, jumps after a path gain jump, and the term shortens the hole', () => {
    const at = 3 * FS;
    const { x, d } = jumpScene(4 * FS, at, 10);
    const g: number[] = [];
    const on = make({ coherenceSeconds: 0.05, coherenceBoost: 4 });
    const off = make({ coherenceSeconds: 0 });
    const powOn = run(on, x, d, 0, undefined, () => g.push(on.errorCoherence));
    const powOff = run(off, x, d);
    expect(off.errorCoherence).toBe(0);
    const jump = Math.floor(at / B);
    const converged = g.slice(jump - Math.round(RATE), jump).sort((a, b) => a - b);
    expect(converged[converged.length >> 1]!).toBeLessThan(0.05);
    // the estimate is smoothed (0.05 s) and biased down (twice the noise floor is subtracted): g tops out
    // near 0.3 for a fully coherent error here, and that already lifts the level ratio and doubles the lr
    expect(Math.max(...g.slice(jump, jump + Math.round(0.2 * RATE)))).toBeGreaterThan(0.2);
    const hole = (p: Float64Array) => mean(p, jump + Math.round(0.3 * RATE), jump + Math.round(0.9 * RATE));
    expect(10 * Math.log10(hole(powOff) / hole(powOn))).toBeGreaterThan(10);
  });
});
