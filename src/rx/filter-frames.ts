import { map, type Observable } from 'rxjs';
import type { AdaptiveFilter } from '../models/adaptive-filter.js';

/** One processed frame: the output (a fresh copy) and the frame's ½·mean(e²). */
export interface FilteredFrame {
  readonly index: number;
  readonly output: Float32Array;
  readonly loss: number;
}

/**
 * RxJS operator: runs an {@link AdaptiveFilter} on each frame (prequential: output, then one
 * adaptation step) and emits the output. Place it synchronously after `replayFrames`.
 */
export function filterFrames(filter: AdaptiveFilter) {
  const out = new Float32Array(filter.frameSize);
  let index = 0;
  return (source: Observable<readonly Float32Array[]>): Observable<FilteredFrame> =>
    source.pipe(
      map((frame) => {
        filter.process(frame, out);
        let p = 0;
        for (let i = 0; i < out.length; i++) p += out[i]! * out[i]!;
        return { index: index++, output: out.slice(), loss: (0.5 * p) / out.length };
      }),
    );
}
