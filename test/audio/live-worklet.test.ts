/**
 * The worklet's DSP and shared-memory protocol, run on the main thread (no audio device, no native
 * module): the processor module is importable outside a worklet and only registers itself where
 * `registerProcessor` exists.
 */
import { describe, expect, it } from 'vitest';
import {
  AdaptiveFilterProcessor,
  Ctl,
  createLiveBuffers,
  FirKernel,
  StftGainKernel,
  stftLatency,
  Times,
} from '../../src/audio/worklets/adaptive-filter-processor.js';
import { Random } from '../../src/core/random.js';
import { FirFilter } from '../../src/models/fir-filter.js';

function randomSignal(n: number, seed: number): Float32Array {
  const rng = new Random(seed);
  return Float32Array.from({ length: n }, () => rng.gaussian());
}

describe('StftGainKernel', () => {
  it.each([256, 512])('unit gains reconstruct the input delayed by N − 128 (N=%i)', (n) => {
    const kernel = new StftGainKernel(n, 128);
    expect(kernel.latency).toBe(stftLatency(n, 128));
    expect(kernel.latency).toBe(n - 128);
    const gains = new Float32Array(n / 2 + 1).fill(1);
    const x = randomSignal(128 * 40, 7);
    const y = new Float32Array(x.length);
    const block = new Float32Array(128);
    for (let b = 0; b < 40; b++) {
      kernel.process(gains, x.subarray(b * 128, b * 128 + 128), block, 128);
      y.set(block, b * 128);
    }
    const d = kernel.latency;
    for (let i = 0; i < d; i++) expect(y[i]).toBeCloseTo(0, 6); // primed silence (up to FFT round-off)
    for (let i = n; i < x.length - d; i++) expect(y[i + d]).toBeCloseTo(x[i]!, 4);
    expect(kernel.underflows).toBe(0);
  });

  it('applies per-bin gains (a constant gain scales the output)', () => {
    const kernel = new StftGainKernel(256, 128);
    const gains = new Float32Array(129).fill(0.25);
    const x = randomSignal(128 * 20, 3);
    const y = new Float32Array(128);
    let checked = 0;
    for (let b = 0; b < 20; b++) {
      kernel.process(gains, x.subarray(b * 128, b * 128 + 128), y, 128);
      if (b >= 4) {
        for (let i = 0; i < 128; i++) expect(y[i]).toBeCloseTo(0.25 * x[b * 128 + i - 128]!, 4);
        checked++;
      }
    }
    expect(checked).toBe(16);
  });
});

describe('FirKernel', () => {
  it('equals FirFilter.forward (error output) across blocks, with delay', () => {
    for (const delay of [0, 3]) {
      const model = new FirFilter({ taps: 12, frameSize: 128, delay });
      const kernel = new FirKernel(12, delay);
      const w = randomSignal(12, 11);
      const d = randomSignal(128 * 5, 12);
      const x = randomSignal(128 * 5, 13);
      const state = model.createState();
      const expected = new Float32Array(128);
      const actual = new Float32Array(128);
      for (let b = 0; b < 5; b++) {
        const db = d.subarray(b * 128, b * 128 + 128);
        const xb = x.subarray(b * 128, b * 128 + 128);
        model.forward(w, state, [db, xb], expected);
        kernel.process(w, db, xb, actual, 128);
        for (let i = 0; i < 128; i++) expect(actual[i]).toBeCloseTo(expected[i]!, 5);
      }
    }
  });
});

describe('AdaptiveFilterProcessor (detached, main thread)', () => {
  const make = (ringCapacity = 1024) => {
    const buffers = createLiveBuffers({ kind: 'fir', weightCount: 2, ringChannels: 2, ringCapacity }, true);
    const proc = new AdaptiveFilterProcessor({ processorOptions: buffers.options });
    const d = new Float32Array(128).fill(1);
    const x = new Float32Array(128).fill(1);
    const out = new Float32Array(128);
    const run = () => proc.process([[d, x]], [[out]], {});
    return { buffers, run, out };
  };

  it('switches to a published slot at the next block and acknowledges it', () => {
    const { buffers, run, out } = make();
    buffers.slots[0].set([0.5, 0]); // seq 0 weights
    run();
    expect(out[5]).toBeCloseTo(0.5); // 1 − 0.5·1
    // publish seq 1 into slot 1
    expect(Atomics.load(buffers.control, Ctl.AckSeq)).toBe(0);
    buffers.slots[1].set([0.25, 0.25]);
    Atomics.store(buffers.control, Ctl.PubSeq, 1);
    run();
    expect(Atomics.load(buffers.control, Ctl.AckSeq)).toBe(1);
    expect(out[5]).toBeCloseTo(0.5); // 1 − 0.25 − 0.25
    expect(buffers.times[Times.AckTime]).toBeGreaterThan(0); // epoch ms (timeOrigin + now)
    expect(Atomics.load(buffers.control, Ctl.Blocks)).toBe(2);
  });

  it('fills the input and output rings and counts overruns instead of overwriting unread data', () => {
    const { buffers, run } = make(256);
    run();
    run();
    expect(Atomics.load(buffers.control, Ctl.InWrite)).toBe(256);
    expect(Atomics.load(buffers.control, Ctl.OutWrite)).toBe(256);
    run(); // ring full: the main thread has read nothing
    expect(Atomics.load(buffers.control, Ctl.InputOverruns)).toBe(1);
    expect(Atomics.load(buffers.control, Ctl.OutputOverruns)).toBe(1);
    Atomics.store(buffers.control, Ctl.InRead, 128);
    run();
    expect(Atomics.load(buffers.control, Ctl.InWrite)).toBe(384);
    expect(buffers.inputRing[0]![0]).toBe(1);
  });

  it('replaces a non-finite block by the primary', () => {
    const { buffers, run, out } = make();
    buffers.slots[0].set([Number.NaN, 0]);
    run();
    expect(out[0]).toBe(1);
    expect(Atomics.load(buffers.control, Ctl.NonFiniteBlocks)).toBe(1);
  });
});
