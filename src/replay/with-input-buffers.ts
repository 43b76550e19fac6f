import { ChannelBuffers } from '../audio/channel-buffers.js';

/** Where one item's inputs are read (a plain WAV's channels are views of these). */
export interface InputBuffers {
  readonly noisy: ChannelBuffers;
  readonly clean: ChannelBuffers;
  readonly ref: ChannelBuffers;
}

/**
 * Input buffers of this thread's items, reused from one item to the next: an item takes a set for
 * its run (nothing of its result refers to its inputs) and gives it back; items running at the same
 * time in one thread take different sets.
 */
const spareInputs: InputBuffers[] = [];

/** Runs one item's `process` with a set of this thread's spare input buffers, given back after it. */
export async function withInputBuffers<T>(process: (inputs: InputBuffers) => Promise<T>): Promise<T> {
  const inputs = spareInputs.pop() ?? {
    noisy: new ChannelBuffers(),
    clean: new ChannelBuffers(),
    ref: new ChannelBuffers(),
  };
  try {
    return await process(inputs);
  } finally {
    spareInputs.push(inputs);
  }
}
