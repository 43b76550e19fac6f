/**
 * The two-path reference canceller's numbers do not move when its hot path is rewritten. Each case
 * runs the canceller built by the one factory on a deterministic scene (changing levels, colour and
 * path, a quiet pause for the gate, a sign flip of the path for the restart, talk bursts and a loud
 * burst for the watchdog) and hashes every output block, the final background and foreground
 * weights, the mixing weights and the counters (SHA-256 of their bytes).
 *
 * The digests below were taken from the canceller as it was before its proportionate steps moved
 * into the wasm kernels (the per-partition norms, the copy of the weights before the Adamax step and
 * the scaling pass in TypeScript), on Node 20: V8's `Math.exp`, `Math.cos` and `**` build the
 * constants and FFT tables, and a V8 release may change one of them by an ulp, so the digests are
 * checked on Node 20 only. On every version, the second test runs each case twice, with the fused
 * kernels and with the TypeScript passes they replace (`unfusedStep`: the norms, the copy, the step
 * and the scaling pass as before), and compares the digests. The defaults now include the
 * coherent-power level term, which came after those digests: the cases "without the coherence term"
 * keep the old digests (the term off leaves every bit as it was), and the default cases are checked
 * by the second test only (the term's kernel is checked against its TypeScript reference in
 * test/core/coherent-power-kernel.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { BIT_IDENTITY_CASES, runCase } from './canceller-bit-identity-cases.js';

/**
 * Digests of the canceller before its proportionate steps were fused into the kernels (Node 20),
 * taken with the defaults of that time: the cases without the coherence term, which came later.
 */
const BEFORE: Record<string, string> = {
  'defaults without the coherence term, 16 kHz': '5bf7e46c91e69dc5c392718d6fa531dc702fd34d09c8454d94933567beade966',
  'defaults without the coherence term, 48 kHz': '79cd1a5895e12947e084ef53ad2b103cf181f5d030d33900a4da801a97e1748a',
  'defaults without the coherence term, 1024 taps, 48 kHz':
    'c2caa684dc8f7066d74cde4a1e8c9cf6c6c8eb5e699327033928e8762037055c',
  'per-bin step control on, no coherence term, 16 kHz':
    '7ab72424cd2cc6145da2220b5f78e6b93b4192a3e71205165133926783b5d2d7',
  'EMA foreground, no mixture, no coherence term, 16 kHz':
    'e2b5c46768f53c1385bbee61e218440ad5faa7d2b4b560ecddb175a2347886c2',
};

const node20 = process.versions.node.split('.')[0] === '20';

describe('reference canceller: bit identity with the code before the fused proportionate steps', () => {
  it.skipIf(!node20).each(BIT_IDENTITY_CASES.filter((c) => c.name in BEFORE).map((c) => [c.name, c] as const))(
    '%s: the same digest as before',
    (_name, c) => {
      const r = runCase(c);
      expect(r.digest, JSON.stringify(r.counters)).toBe(BEFORE[c.name]);
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
