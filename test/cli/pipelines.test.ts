/** The pipelines' RxJS stream path gives the same output as the models' direct loops. */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultSpeechDir, loadSpeech } from '../../src/cli/speech.js';
import {
  CheckpointError,
  CheckpointModelMismatchError,
  makeScenario,
  resample,
  type Scenario,
} from '../../src/index.js';
import {
  cancelWithReference,
  createOnlineDenoiser,
  createReferenceFilter,
  denoiseSingleChannel,
  isAbortError,
  runReferenceFilterDirect,
} from '../../src/node/index.js';
import { MAX_TRACE_POINTS } from '../../src/node/io.js';

let sc: Scenario;
const dir = mkdtempSync(join(tmpdir(), 'adamax-pipes-'));
beforeAll(async () => {
  const speech = await loadSpeech(defaultSpeechDir()!, 16000);
  sc = makeScenario({
    seed: 9,
    split: 'validation',
    index: 1,
    speech,
    sampleRate: 16000,
    track: 'reference',
    durationSec: 3,
  });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('single-channel pipeline', () => {
  it('replayFrames → learn output is bit-identical to OnlineDenoiser.process', async () => {
    const r = await denoiseSingleChannel({ input: sc.primary, sampleRate: 16000, batch: 7, method: 'online' });
    const direct = createOnlineDenoiser().process(sc.primary, 16000);
    expect(r.output.length).toBe(sc.primary.length);
    expect(Buffer.from(r.output.buffer).equals(Buffer.from(direct.buffer))).toBe(true);
  });
  it('at another file rate: same as process() with resampling, same length', async () => {
    const x = sc.primary.subarray(0, 44100);
    const r = await denoiseSingleChannel({ input: x, sampleRate: 44100, method: 'online' });
    const direct = createOnlineDenoiser().process(x, 44100);
    expect(r.output.length).toBe(x.length);
    expect(r.sampleRate).toBe(44100);
    expect(Buffer.from(r.output.buffer).equals(Buffer.from(direct.buffer))).toBe(true);
  });
  it.each(['online', 'prior'] as const)('%s: traces are decimated to at most MAX_TRACE_POINTS', async (method) => {
    const long = new Float32Array(16000 * 40);
    for (let i = 0; i < long.length; i++) long[i] = sc.primary[i % sc.primary.length]!;
    const r = await denoiseSingleChannel({ input: long, sampleRate: 16000, batch: 4096, method });
    expect(r.loss!.x.length).toBeLessThanOrEqual(MAX_TRACE_POINTS);
    expect(r.loss!.x.length).toBeGreaterThan(MAX_TRACE_POINTS / 2);
  });
  it.each([
    ['online', 16000],
    ['prior', 16000],
    ['prior', 48000],
  ] as const)(
    '%s at %i Hz: an interrupted run resumes from its checkpoint and gives the uninterrupted output',
    async (method, rate) => {
      const path = join(dir, `ck-${method}-${rate}.bin`);
      const x = rate === 16000 ? sc.primary : resample(sc.primary, 16000, rate);
      const full = await denoiseSingleChannel({ input: x, sampleRate: rate, method });
      const controller = new AbortController();
      let calls = 0;
      const first = denoiseSingleChannel({
        input: x,
        sampleRate: rate,
        method,
        batch: 8,
        checkpoint: { path, every: 16 },
        signal: controller.signal,
        onProgress: () => {
          if (++calls === 5) controller.abort();
        },
      });
      await expect(first).rejects.toSatisfy(isAbortError);
      expect(existsSync(path)).toBe(true);
      const resumed = await denoiseSingleChannel({
        input: x,
        sampleRate: rate,
        method,
        checkpoint: { path, every: 16 },
      });
      expect(resumed.summary.resumedFromFrame).toBe(32);
      expect(Buffer.from(resumed.output.buffer).equals(Buffer.from(full.output.buffer))).toBe(true);
      expect(existsSync(path)).toBe(false);
    },
  );
  it('a checkpoint of another input is refused', async () => {
    const path = join(dir, 'ck2.bin');
    const controller = new AbortController();
    const run = denoiseSingleChannel({
      input: sc.primary,
      sampleRate: 16000,
      batch: 8,
      checkpoint: { path, every: 8 },
      signal: controller.signal,
      onProgress: () => controller.abort(),
    });
    await expect(run).rejects.toSatisfy(isAbortError);
    await expect(denoiseSingleChannel({ input: sc.clean, sampleRate: 16000, checkpoint: { path } })).rejects.toThrow(
      /another input/,
    );
  });
  it('a checkpoint of another model is refused with a CheckpointModelMismatchError, both ways', async () => {
    for (const [written, resumed] of [
      ['online', 'prior'],
      ['prior', 'online'],
    ] as const) {
      const path = join(dir, `ck-${written}-${resumed}.bin`);
      const controller = new AbortController();
      const run = denoiseSingleChannel({
        input: sc.primary,
        sampleRate: 16000,
        method: written,
        batch: 8,
        checkpoint: { path, every: 8 },
        signal: controller.signal,
        onProgress: () => controller.abort(),
      });
      await expect(run).rejects.toSatisfy(isAbortError);
      const err = await denoiseSingleChannel({
        input: sc.primary,
        sampleRate: 16000,
        method: resumed,
        checkpoint: { path },
      }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CheckpointModelMismatchError);
      expect(err).toBeInstanceOf(CheckpointError);
      expect((err as CheckpointModelMismatchError).found).toMatch(new RegExp(`^${written}/`));
      expect((err as CheckpointModelMismatchError).expected).toMatch(new RegExp(`^${resumed}/`));
      expect((err as Error).message).toMatch(/was written by the model .* this run uses/);
      expect(existsSync(path)).toBe(true); // refused, not overwritten
    }
  });
});

describe('reference pipeline', () => {
  it.each(['fd-adamax', 'nlms'] as const)(
    '%s: the stream output is bit-identical to the direct loop',
    async (method) => {
      const r = await cancelWithReference({
        primary: sc.primary,
        reference: sc.reference!,
        sampleRate: 16000,
        method,
        batch: 5,
      });
      const direct = runReferenceFilterDirect(createReferenceFilter(method).filter, sc.primary, sc.reference!);
      expect(r.output.length).toBe(sc.primary.length);
      expect(Buffer.from(r.output.buffer).equals(Buffer.from(direct.slice().buffer))).toBe(true);
    },
  );
  it.each([
    ['the default two-path canceller', undefined, ['raw', 'foreground']],
    [
      'the one-path design with a weight EMA',
      { model: { design: 'one-path' as const }, emaSeconds: 0.3 },
      ['raw', 'EMA'],
    ],
  ])('metrics with a clean track; smoothed vs raw weights traced: %s', async (_name, config, lines) => {
    const r = await cancelWithReference({
      primary: sc.primary,
      reference: sc.reference!,
      sampleRate: 16000,
      clean: sc.clean,
      changeTime: sc.changeAt / 16000,
      ...(config ? { config } : {}),
    });
    expect(r.metrics!.siSdrOut).toBeGreaterThan(r.metrics!.siSdrIn);
    expect(r.emaVsRaw!.x.length).toBeGreaterThan(0);
    expect(Object.keys(r.weightNorm!.lines)).toEqual(lines);
    expect(r.changeTimes).toEqual([sc.changeAt / 16000]);
  });
});
