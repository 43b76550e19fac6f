import { describe, expect, it } from 'vitest';
import { paddedFrames } from '../../src/signal/padded-frames.js';

const ramp = (n: number, from = 1) => Float32Array.from({ length: n }, (_, i) => from + i);

describe('paddedFrames', () => {
  it('cuts aligned channels into zero-padded frames, each channel padded past its own end', () => {
    const frames = [...paddedFrames([ramp(5), ramp(3, 10)], 2)];
    expect(frames.map((f) => f.map((c) => [...c]))).toEqual([
      [
        [1, 2],
        [10, 11],
      ],
      [
        [3, 4],
        [12, 0],
      ],
      [
        [5, 0],
        [0, 0],
      ],
    ]);
  });

  it('adds frames of zeros covering `flush` samples and starts at frame `from`', () => {
    const all = [...paddedFrames([ramp(4)], 4, 5)];
    expect(all.map((f) => [...f[0]!])).toEqual([
      [1, 2, 3, 4],
      [0, 0, 0, 0],
      [0, 0, 0, 0],
    ]);
    const tail = [...paddedFrames([ramp(4)], 4, 5, 1)];
    expect(tail.length).toBe(2);
    expect([...paddedFrames([ramp(4)], 4, 5, 3)]).toEqual([]);
    expect([...paddedFrames([new Float32Array(0)], 4)]).toEqual([]);
  });

  it('gives fresh arrays: the input is never aliased and frames are independent', () => {
    const x = ramp(4);
    const [a, b] = [...paddedFrames([x], 2)];
    a![0]![0] = 99;
    expect(x[0]).toBe(1);
    expect(b![0]![0]).toBe(3);
  });
});
