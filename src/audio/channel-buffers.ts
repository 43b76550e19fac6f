/**
 * Planar sample buffers that a reader fills again and again, one file at a time: {@link take}
 * returns views of exactly the asked length over buffers kept from the previous take (grown when
 * too short). A thread that replays file after file then allocates its input arrays once instead of
 * per file; fresh multi-megabyte arrays per file were external memory that brought the next
 * mark-compact closer. Buffers above `maxRetainedFrames` are handed out but not kept, so a one-off
 * huge file is not held in memory afterwards.
 */
export class ChannelBuffers {
  private readonly buffers: Float32Array[] = [];
  private readonly maxRetainedFrames: number;

  constructor(maxRetainedFrames = 1 << 24) {
    this.maxRetainedFrames = maxRetainedFrames;
  }

  /**
   * `channels` views of `frames` samples each, valid until the next `take` (their previous content
   * is left as it was: the caller overwrites every sample).
   */
  take(channels: number, frames: number): Float32Array[] {
    const views: Float32Array[] = [];
    for (let c = 0; c < channels; c++) {
      let buffer = this.buffers[c];
      if (buffer === undefined || buffer.length < frames) {
        buffer = new Float32Array(frames);
        if (frames <= this.maxRetainedFrames) this.buffers[c] = buffer;
      }
      views.push(buffer.subarray(0, frames));
    }
    return views;
  }
}
