import { map, type OperatorFunction } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { expect } from 'vitest';
import { Random } from '../../src/core/random.js';
import type { StepEvent } from '../../src/rx/index.js';

/** A TestScheduler asserting with vitest's deep equality. */
export function testScheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}

/** A StepEvent without its `source` handle (for marble comparisons). */
export type StepScalars = Omit<StepEvent, 'source'>;

export function scalars(): OperatorFunction<StepEvent, StepScalars> {
  return map(({ source: _source, ...rest }) => rest);
}

export const f32 = (...xs: number[]): Float32Array => Float32Array.from(xs);

/**
 * Synthetic noise-cancellation data: reference = seeded white noise, primary = the noise through a
 * fixed random FIR path (`pathTaps` taps), plus optional small independent noise.
 */
export function syntheticFrames(options: {
  frames: number;
  frameSize: number;
  seed?: number;
  pathTaps?: number;
}): Float32Array[][] {
  const { frames, frameSize } = options;
  const rnd = new Random(options.seed ?? 1);
  const pathTaps = options.pathTaps ?? 8;
  const path = Float64Array.from({ length: pathTaps }, () => rnd.gaussian() * 0.3);
  const history = new Float64Array(pathTaps);
  const out: Float32Array[][] = [];
  for (let f = 0; f < frames; f++) {
    const primary = new Float32Array(frameSize);
    const reference = new Float32Array(frameSize);
    for (let i = 0; i < frameSize; i++) {
      const x = rnd.gaussian();
      history.copyWithin(1, 0, pathTaps - 1);
      history[0] = x;
      let d = 0;
      for (let k = 0; k < pathTaps; k++) d += path[k]! * history[k]!;
      reference[i] = x;
      primary[i] = d;
    }
    out.push([primary, reference]);
  }
  return out;
}

/** Bitwise equality of two Float32Arrays (distinguishes −0 and NaN payloads like the bytes do). */
export function expectBitEqual(a: Float32Array, b: Float32Array): void {
  expect(a.length).toBe(b.length);
  expect(new Uint32Array(a.buffer, a.byteOffset, a.length)).toEqual(new Uint32Array(b.buffer, b.byteOffset, b.length));
}
