import { describe, expect, it } from 'vitest';
import { ChannelBuffers } from '../../src/audio/channel-buffers.js';

describe('ChannelBuffers', () => {
  it('hands out views of exactly the asked length over the same memory from take to take', () => {
    const b = new ChannelBuffers();
    const [first] = b.take(1, 1000);
    expect(first!.length).toBe(1000);
    const [second] = b.take(1, 600);
    expect(second!.length).toBe(600);
    expect(second!.buffer).toBe(first!.buffer);
    const [grown] = b.take(1, 2000);
    expect(grown!.length).toBe(2000);
    expect(grown!.buffer).not.toBe(first!.buffer);
    expect(b.take(1, 10)[0]!.buffer).toBe(grown!.buffer);
  });

  it('keeps one buffer per channel', () => {
    const b = new ChannelBuffers();
    const [l, r] = b.take(2, 100);
    expect(l!.buffer).not.toBe(r!.buffer);
    const again = b.take(2, 100);
    expect(again[0]!.buffer).toBe(l!.buffer);
    expect(again[1]!.buffer).toBe(r!.buffer);
  });

  it('does not keep a buffer above its retention limit', () => {
    const b = new ChannelBuffers(100);
    const [big] = b.take(1, 101);
    expect(big!.length).toBe(101);
    expect(b.take(1, 101)[0]!.buffer).not.toBe(big!.buffer);
  });
});
