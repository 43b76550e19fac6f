import fc from 'fast-check';
import { from } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { InvalidOptionError, ShapeError } from '../../src/core/errors.js';
import { type Chunk, frames } from '../../src/rx/index.js';
import { f32, testScheduler } from './helpers.js';

function collect(chunks: (Float32Array | Float32Array[])[], size: number, hop: number): Float32Array[][] {
  const out: Float32Array[][] = [];
  from<Chunk[]>(chunks)
    .pipe(frames({ size, hop }))
    .subscribe((f) => out.push(f));
  return out;
}

describe('frames', () => {
  it('emits nothing for an empty stream', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold<Chunk>('|').pipe(frames({ size: 2 }))).toBe('|');
    });
  });

  it('emits a single exact frame', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const src = cold('-a|', { a: f32(1, 2) });
      expectObservable(src.pipe(frames({ size: 2 }))).toBe('-x|', { x: [f32(1, 2)] });
    });
  });

  it('re-chunks many chunks with overlap (frames start every hop samples)', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const src = cold('-a-(b|)', { a: f32(0, 1, 2), b: f32(3, 4, 5, 6, 7) });
      expectObservable(src.pipe(frames({ size: 4, hop: 2 }))).toBe('---(xyz|)', {
        x: [f32(0, 1, 2, 3)],
        y: [f32(2, 3, 4, 5)],
        z: [f32(4, 5, 6, 7)],
      });
      expectSubscriptions(src.subscriptions).toBe('^--!');
    });
  });

  it('passes errors through (the partial frame is dropped)', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const src = cold('-a-b-#', { a: f32(1, 2), b: f32(3) }, 'boom');
      expectObservable(src.pipe(frames({ size: 2 }))).toBe('-x---#', { x: [f32(1, 2)] }, 'boom');
    });
  });

  it('never-ending source: frames without completion', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const src = cold('-a-a-', { a: f32(1, 2, 3) });
      expectObservable(src.pipe(frames({ size: 2 }))).toBe('-x-(yz)', {
        x: [f32(1, 2)],
        y: [f32(3, 1)],
        z: [f32(2, 3)],
      });
    });
  });

  it('early unsubscription unsubscribes the source', () => {
    testScheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
      const src = hot('-a-a-a-a-|', { a: f32(1, 2) });
      expectObservable(src.pipe(frames({ size: 2 })), '^---!').toBe('-x-x', { x: [f32(1, 2)] });
      expectSubscriptions(src.subscriptions).toBe('^---!');
    });
  });

  it('handles aligned multi-channel chunks', () => {
    const out = collect(
      [
        [f32(1, 2, 3), f32(10, 20, 30)],
        [f32(4), f32(40)],
      ],
      2,
      1,
    );
    expect(out).toEqual([
      [f32(1, 2), f32(10, 20)],
      [f32(2, 3), f32(20, 30)],
      [f32(3, 4), f32(30, 40)],
    ]);
  });

  it('emits fresh arrays (no frame aliases another or the input)', () => {
    const input = f32(1, 2, 3, 4, 5, 6);
    const out = collect([input], 2, 1);
    const buffers = new Set(out.map((f) => f[0]!.buffer));
    expect(buffers.size).toBe(out.length);
    expect(buffers.has(input.buffer)).toBe(false);
  });

  it('errors with ShapeError on a channel-count change or misaligned channels', () => {
    const errors: unknown[] = [];
    from([[f32(1), f32(2)], [f32(3)]])
      .pipe(frames({ size: 4 }))
      .subscribe({ error: (e) => errors.push(e) });
    from([[f32(1, 2), f32(2)]])
      .pipe(frames({ size: 4 }))
      .subscribe({ error: (e) => errors.push(e) });
    expect(errors).toHaveLength(2);
    expect(errors[0]).toBeInstanceOf(ShapeError);
    expect((errors[1] as Error).message).toMatch(/channel 0 has 2 samples, channel 1 has 1/);
  });

  it('validates options at call time', () => {
    expect(() => frames({ size: 0 })).toThrow(InvalidOptionError);
    expect(() => frames({ size: 4, hop: 5 })).toThrow(/`hop` must be <= size/);
    expect(() => frames({ size: 4, hop: 1.5 })).toThrow(InvalidOptionError);
  });

  it('property: output does not depend on how the input is chunked', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 16 }).chain((size) =>
          fc.record({
            size: fc.constant(size),
            hop: fc.integer({ min: 1, max: size }),
            signal: fc.array(fc.float({ noNaN: true }), { maxLength: 120 }),
            cuts: fc.array(fc.nat(120), { maxLength: 12 }),
            channels: fc.integer({ min: 1, max: 3 }),
          }),
        ),
        ({ size, hop, signal, cuts, channels }) => {
          const x = Float32Array.from(signal);
          const chan = (c: number, a: number, b: number) => {
            const s = x.slice(a, b);
            for (let i = 0; i < s.length; i++) s[i] = s[i]! + c;
            return s;
          };
          const bounds = [0, ...cuts.filter((c) => c <= x.length).sort((a, b) => a - b), x.length];
          const chunks: (Float32Array | Float32Array[])[] = [];
          for (let i = 0; i + 1 < bounds.length; i++) {
            const [a, b] = [bounds[i]!, bounds[i + 1]!];
            chunks.push(channels === 1 ? chan(0, a, b) : Array.from({ length: channels }, (_, c) => chan(c, a, b)));
          }
          const expected: Float32Array[][] = [];
          for (let s = 0; s + size <= x.length; s += hop) {
            expected.push(Array.from({ length: channels }, (_, c) => chan(c, s, s + size)));
          }
          expect(collect(chunks, size, hop)).toEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
  });
});
