import type { AdaptiveFilter } from './adaptive-filter.js';

/**
 * Runs a two-channel filter over a whole recording, block by block and prequentially (each block's
 * output comes from the weights before its update), exactly as the streaming pipeline does: the
 * last partial block is zero-padded and processed. Returns the output (the primary's length).
 * One plain loop shared by the benchmarks and the tests that compare against the streaming path.
 */
export function runAdaptiveFilter(
  filter: AdaptiveFilter,
  primary: Float32Array,
  reference: Float32Array,
): Float32Array {
  const n = filter.frameSize;
  const y = new Float32Array(Math.ceil(primary.length / n) * n);
  const frame = [new Float32Array(n), new Float32Array(n)] as const;
  const out = new Float32Array(n);
  for (let s = 0; s < primary.length; s += n) {
    frame[0].fill(0);
    frame[1].fill(0);
    frame[0].set(primary.subarray(s, Math.min(s + n, primary.length)));
    frame[1].set(reference.subarray(s, Math.min(s + n, reference.length)));
    filter.process(frame, out);
    y.set(out, s);
  }
  return y.subarray(0, primary.length);
}
