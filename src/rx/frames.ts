import type { OperatorFunction } from 'rxjs';
import { ShapeError } from '../core/errors.js';
import { IssueCollector, pyRepr } from '../core/validate.js';
import { operate } from './internal/operate.js';

export interface FramesOptions {
  /** Samples per channel in a frame (≥ 1). */
  readonly size: number;
  /** Samples between frame starts, 1 ≤ hop ≤ size (hop < size overlaps). Default `size`. */
  readonly hop?: number;
}

/** A chunk of signal: one channel, or aligned channels of equal length. */
export type Chunk = Float32Array | readonly Float32Array[];

/**
 * Re-chunks a stream of arbitrary-length chunks into fixed frames of `size` samples, one starting
 * every `hop` samples: frame k holds samples [k·hop, k·hop + size) of each channel. The output does
 * not depend on how the input was chunked. A chunk is a `Float32Array` (mono) or aligned
 * `Float32Array[]` channels of equal length; every frame is a `Float32Array[]` with the same number
 * of channels as the first chunk. Samples left over at completion (less than a frame) are dropped.
 *
 * Ownership: each frame is a set of **fresh** arrays (no pool), so a downstream buffer of any depth
 * is safe; input chunks are only read, never retained.
 *
 * ```
 * chunks:  --[0 1 2]--[3 4 5 6 7]--|        frames({ size: 4, hop: 2 })
 * frames:  -----------([0123][2345][4567])--|   (the next frame, [6 7 …], never fills: dropped)
 * ```
 *
 * @example
 * fileChunks$.pipe(frames({ size: 512, hop: 512 }), learn(fir, opt));
 */
export function frames(options: FramesOptions): OperatorFunction<Chunk, Float32Array[]> {
  const c = new IssueCollector();
  if (c.object('options', options)) {
    c.unknownKeys(options, ['size', 'hop']);
    if (options.size === undefined) c.add('size', '`size` is required.');
    c.integer('size', options.size, 1, undefined, true);
    c.integer('hop', options.hop, 1, undefined, true);
    if (
      Number.isInteger(options.size) &&
      Number.isInteger(options.hop) &&
      (options.hop as number) > (options.size as number)
    ) {
      c.add('hop', `\`hop\` must be <= size (${options.size}). Received: hop=${pyRepr(options.hop)}`);
    }
  }
  c.throwIfAny();
  const size = options.size;
  const hop = options.hop ?? size;
  const keep = size - hop;

  return operate<Chunk, Float32Array[]>((subscriber) => {
    let channels = -1;
    let current: Float32Array[] = [];
    let filled = 0;
    return {
      next: (chunk) => {
        const chans = chunk instanceof Float32Array ? null : chunk;
        const nCh = chans ? chans.length : 1;
        if (channels < 0) {
          if (nCh < 1) throw new ShapeError('A multi-channel chunk needs at least one channel.');
          channels = nCh;
          current = Array.from({ length: channels }, () => new Float32Array(size));
        } else if (nCh !== channels) {
          throw new ShapeError(`frames: a chunk has ${nCh} channel(s), but the stream started with ${channels}.`);
        }
        const first = chans ? chans[0] : (chunk as Float32Array);
        if (!(first instanceof Float32Array)) {
          throw new ShapeError(`frames: a chunk must be Float32Array or Float32Array[]. Received: ${pyRepr(chunk)}`);
        }
        const n = first.length;
        if (chans) {
          for (let c = 1; c < channels; c++) {
            const ch = chans[c];
            if (!(ch instanceof Float32Array) || ch.length !== n) {
              throw new ShapeError(
                `frames: channels of a chunk must be Float32Arrays of equal length; channel 0 has ${n} samples, channel ${c} has ${ch instanceof Float32Array ? ch.length : pyRepr(ch)}.`,
              );
            }
          }
        }
        let pos = 0;
        while (pos < n) {
          const take = Math.min(size - filled, n - pos);
          for (let c = 0; c < channels; c++) {
            const src = chans ? chans[c]! : first;
            current[c]!.set(src.subarray(pos, pos + take), filled);
          }
          filled += take;
          pos += take;
          if (filled === size) {
            const out = current;
            current = new Array<Float32Array>(channels);
            for (let c = 0; c < channels; c++) {
              const next = new Float32Array(size);
              if (keep > 0) next.set(out[c]!.subarray(hop));
              current[c] = next;
            }
            filled = keep;
            subscriber.next(out);
            if (subscriber.closed) return;
          }
        }
      },
      finalize: () => {
        current = [];
      },
    };
  });
}
