/** The one factory of the reference canceller: defaults carried in full, native rate, exact config round-trip. */

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runClip } from '../../bench/lib/reference-methods.js';
import { type CancellerKnobs, cancellerOverrides, makeCanceller } from '../../bench/lib/v2-methods.js';
import { cancelWithReference } from '../../pipelines/index.js';
import { defaultSpeechDir, loadSpeech } from '../../src/cli/speech.js';
import {
  Adamax,
  betaFromTimeConstant,
  createReferenceCanceller,
  InvalidOptionError,
  makeScenario,
  noiseCancellationScenario,
  OptimizedFilter,
  PartitionedFdFilter,
  REFERENCE_DEFAULTS,
  referenceCancellerConfig,
  referencePartitions,
  runAdaptiveFilter,
} from '../../src/index.js';

const same = (a: Float32Array, b: Float32Array): boolean =>
  a.length === b.length &&
  Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

describe('referenceCancellerConfig / createReferenceCanceller', () => {
  it('models at least REFERENCE_DEFAULTS.filterMs (≥ 64 ms) at every rate, with ~4 ms power-of-two blocks', () => {
    expect(REFERENCE_DEFAULTS.filterMs).toBeGreaterThanOrEqual(64);
    const expectedBlock: Record<number, number> = {
      8000: 32,
      16000: 64,
      22050: 64,
      32000: 128,
      44100: 128,
      48000: 128,
    };
    for (const [rate, block] of Object.entries(expectedBlock).map(([r, b]) => [Number(r), b] as const)) {
      const cfg = referenceCancellerConfig(rate);
      expect(cfg.model.blockSize).toBe(block);
      const f = createReferenceCanceller(cfg, rate);
      const pfd = f.model as PartitionedFdFilter;
      expect(pfd.blockSize).toBe(block);
      expect((pfd.taps * 1000) / rate).toBeGreaterThanOrEqual(64);
      expect(pfd.taps).toBe(referencePartitions(cfg.model, rate) * block);
    }
  });

  it('one-path design carries every default (projectGradient false, start-up boost, raw output while the EMA catches up)', () => {
    const rate = 16000;
    // the two-path default outputs raw weights (emaSeconds 0); the one-path design with a 0.3 s EMA
    const emaSeconds = 0.3;
    const f = createReferenceCanceller(
      referenceCancellerConfig(rate, { emaSeconds, model: { design: 'one-path' } }),
      rate,
    ) as OptimizedFilter;
    const pfd = f.model as PartitionedFdFilter;
    expect(pfd.projectGradient).toBe(false);
    expect(pfd.constrained).toBe(true);
    expect(f.emaOutput).toBe(true);
    expect(f.emaWarmupFrames).toBe(Math.round(REFERENCE_DEFAULTS.emaWarmupSeconds * (rate / 64)));
    // the same filter assembled by hand from every field of the defaults: bit-identical output
    const blocks = rate / 64;
    const d = REFERENCE_DEFAULTS;
    const byHand = new OptimizedFilter({
      model: new PartitionedFdFilter({ blockSize: 64, partitions: 16, constrained: true, projectGradient: false }),
      optimizer: new Adamax({
        learningRate: d.learningRate,
        beta1: d.beta1,
        beta2: betaFromTimeConstant(d.beta2Seconds, blocks),
        epsilon: d.epsilon,
        useEma: true,
        emaMomentum: betaFromTimeConstant(emaSeconds, blocks),
      }),
      emaOutput: true,
      emaWarmupFrames: Math.round(d.emaWarmupSeconds * blocks),
      alternateConstraint: d.alternateConstraint,
      levelNormalizedLr: d.levelNormalizedLr,
      activityFloor: d.activityFloor,
      maxGainDb: d.maxGainDb,
      warmupBoost: d.warmupBoost,
      warmupFrames: d.warmupSeconds * blocks,
    });
    const { primary, reference } = noiseCancellationScenario({ seconds: 1.5, sampleRate: rate });
    const a = runAdaptiveFilter(f, primary, reference);
    expect(same(a, runAdaptiveFilter(byHand, primary, reference))).toBe(true);
    // dropping the start-up boost changes the output (the option is not silently lost)
    const noBoost = referenceCancellerConfig(rate, { emaSeconds, model: { design: 'one-path', warmupBoost: 1 } });
    expect(same(a, runAdaptiveFilter(createReferenceCanceller(noBoost, rate), primary, reference))).toBe(false);
  });

  it('a config through JSON rebuilds the filter bit for bit; resolving it again changes nothing', () => {
    const rate = 48000;
    const cfg = referenceCancellerConfig(rate, { beta2Seconds: 0.05, optimizer: { learning_rate: 0.02 } });
    const json = JSON.parse(JSON.stringify(cfg));
    expect(referenceCancellerConfig(rate, json)).toEqual(cfg);
    const { primary, reference } = noiseCancellationScenario({ seconds: 1, sampleRate: rate });
    const a = runAdaptiveFilter(createReferenceCanceller(cfg, rate), primary, reference);
    const b = runAdaptiveFilter(createReferenceCanceller(json, rate), primary, reference);
    expect(same(a, b)).toBe(true);
  });

  it('bad values throw InvalidOptionError with the optimizer API messages', () => {
    const bad = () => referenceCancellerConfig(16000, { optimizer: { beta_1: 1.5 } });
    expect(bad).toThrow(InvalidOptionError);
    let api = '';
    try {
      new Adamax({ beta1: 1.5 });
    } catch (e) {
      api = (e as Error).message;
    }
    expect(api).not.toBe('');
    expect(bad).toThrow(api);
    expect(() => referenceCancellerConfig(16000, { model: { filterMs: -1 } })).toThrow(/filterMs/);
    expect(() => referenceCancellerConfig(16000, { model: { blockSize: 100 } })).toThrow(/power of two/);
    expect(() => referenceCancellerConfig(16000, { model: { taps: 5 } as never })).toThrow(/not recognized.*taps/);
    expect(() => referenceCancellerConfig(16000, { beta2Seconds: 0 })).toThrow(/beta2Seconds/);
  });
});

/** The two-path configuration BENCHMARKS.md reports as the abrupt-noise-v2 validation pick. */
function benchmarkedPick(): CancellerKnobs {
  const md = readFileSync(new URL('../../BENCHMARKS.md', import.meta.url), 'utf8');
  const m = /- FD-Adamax two-path \(new\) \(criterion [^)]*\): `(\{[^`]*\})`/.exec(md);
  if (!m) throw new Error('BENCHMARKS.md has no two-path validation pick line');
  return JSON.parse(m[1]!) as CancellerKnobs;
}

describe('the defaults are what abrupt-noise-v2 picked on validation', () => {
  it.each([8000, 16000, 44100, 48000])(
    'REFERENCE_DEFAULTS resolve to the pick printed in BENCHMARKS.md at %i Hz',
    (rate) => {
      expect(REFERENCE_DEFAULTS.design).toBe('two-path');
      const pick = referenceCancellerConfig(rate, cancellerOverrides(rate, benchmarkedPick()));
      expect(JSON.stringify(referenceCancellerConfig(rate))).toBe(JSON.stringify(pick));
    },
  );
});

describe('the pipeline runs what the benchmark scores', () => {
  it('cancelWithReference = the benchmark construction (same factory, same defaults), at 16 and 48 kHz', async () => {
    for (const rate of [16000, 48000]) {
      const speech = await loadSpeech(defaultSpeechDir()!, rate);
      const sc = makeScenario({
        seed: 3,
        split: 'test',
        index: 2,
        speech,
        sampleRate: rate,
        track: 'reference',
        durationSec: 2,
      });
      const r = await cancelWithReference({
        primary: sc.primary,
        reference: sc.reference!,
        sampleRate: rate,
        skipStoi: true,
      });
      const bench = runClip(makeCanceller(rate, benchmarkedPick()), sc.primary, sc.reference!);
      expect(r.output.length).toBe(sc.primary.length);
      expect(same(r.output, bench)).toBe(true);
    }
  });
});
