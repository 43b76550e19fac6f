/**
 * The two-path reference canceller's numbers do not move when its hot path is rewritten. Each case
 * runs the canceller built by the one factory on a deterministic scene (changing levels, colour and
 * path, a quiet pause for the gate, a sign flip of the path for the restart, talk bursts and a loud
 * burst for the watchdog) and hashes every output block, the final background and foreground
 * weights, the mixing weights and the counters (SHA-256 of their bytes).
 *
 * The digests below were taken on Node 20 when the scaling of the proportionate steps became
 * float32 (w₀ + f32(f_r · s_k) · (w_a − w₀), every op float32; it had been made in float64, which
 * changed every case by rounding only). V8's `Math.exp`, `Math.cos` and `**` build the constants and
 * FFT tables, and a V8 release may change one of them by an ulp, so the digests are checked on
 * Node 20 only. On every version, the second test runs each case twice, with the fused kernels and
 * with the TypeScript passes they replace (`unfusedStep`: the norms, a copy of the weights, the step
 * and the scaling pass), and compares the digests.
 */
import { describe, expect, it } from 'vitest';
import { BIT_IDENTITY_CASES, runCase } from './canceller-bit-identity-cases.js';

/** Digests of every case (Node 20), taken when the scaling of the proportionate steps became float32. */
const PINNED: Record<string, string> = {
  'defaults, 48 kHz': '691d51251962ac7daa0fe56044590fabd528001275cca30f8dbaa24a27f08970',
  'defaults without the coherence term, 16 kHz': '09c3e0cf51860bb260ca2943c26d2df0382a105effcdb8c8214ee9b25f5c295a',
  'defaults without the coherence term, 48 kHz': '451c2d04898b1aadf33830787339d13d5ad0c198fa4d739814a4dd617b8d071f',
  'defaults without the coherence term, 1024 taps, 48 kHz':
    'd3a3c36947e1fd38c4dec33de70035122d974857a8087605f9d5400c326b7943',
  'per-bin step control on, no coherence term, 16 kHz':
    '8f0f5643ceaafa400fab4254e6a93c082ee39df8f3da5340c4ca5c73546e5fff',
  'EMA foreground, no mixture, no coherence term, 16 kHz':
    '478df729419e98c65649a3c62a43073ae50b918703a8888a8c87d5bb8594e734',
};

const node20 = process.versions.node.split('.')[0] === '20';

describe('reference canceller: bit identity with the pinned digests (hot-path rewrites change no bit)', () => {
  it.skipIf(!node20).each(BIT_IDENTITY_CASES.filter((c) => c.name in PINNED).map((c) => [c.name, c] as const))(
    '%s: the pinned digest',
    (_name, c) => {
      const r = runCase(c);
      expect(r.digest, JSON.stringify(r.counters)).toBe(PINNED[c.name]);
    },
  );
});

type Steps = {
  fusedStep: (core: unknown, foreground: boolean) => boolean;
};

describe('reference canceller: the fused proportionate step = the unfused passes, bit for bit', () => {
  it.each(BIT_IDENTITY_CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    let fused = 0;
    const a = runCase(c, (f) => {
      const steps = f as unknown as Steps;
      const original = steps.fusedStep.bind(f);
      steps.fusedStep = (core, foreground) => {
        const done = original(core, foreground);
        if (done) fused++;
        return done;
      };
    });
    const b = runCase(c, (f) => {
      (f as unknown as Steps).fusedStep = () => false;
    });
    expect(a.counters).toEqual(b.counters);
    expect(a.digest).toBe(b.digest);
    // the EMA foreground's background (an EMA engine) cannot take the fused step; every other case does
    if (c.overrides.emaSeconds) expect(fused).toBe(0);
    else expect(fused).toBeGreaterThan(1000);
  });
});
