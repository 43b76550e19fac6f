/**
 * Aligned channels cut into zero-padded frames of `size` samples, for replaying a recording through
 * a frame-based model: frame k holds samples [k·size, (k + 1)·size) of every channel, with zeros past
 * a channel's end. The frames cover the first channel's length plus `flush` samples (zeros that let
 * a model with that much delay emit its last output), starting at frame `from` (resuming a run).
 * Every frame is a set of fresh arrays, so a consumer may keep them.
 *
 * @example
 * replayFrames(paddedFrames([noisy], den.frameSize, den.latency)).pipe(learn(den, new Adamax()));
 */
export function* paddedFrames(
  channels: readonly Float32Array[],
  size: number,
  flush = 0,
  from = 0,
): Generator<Float32Array[]> {
  const length = channels.length > 0 ? channels[0]!.length : 0;
  const count = Math.ceil((length + flush) / size);
  for (let f = from; f < count; f++) {
    const start = f * size;
    yield channels.map((ch) => {
      const frame = new Float32Array(size);
      if (start < ch.length) frame.set(ch.subarray(start, Math.min(start + size, ch.length)));
      return frame;
    });
  }
}
