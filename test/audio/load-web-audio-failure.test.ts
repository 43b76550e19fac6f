import { describe, expect, it, vi } from 'vitest';
import { loadWebAudio } from '../../src/audio/load-web-audio.js';
import { AdamaxStreamError, AudioUnavailableError } from '../../src/core/errors.js';

vi.mock('node-web-audio-api', () => {
  throw new Error('simulated: libasound.so.2: cannot open shared object file');
});

describe('loadWebAudio when the native module cannot load', () => {
  it('rejects with AudioUnavailableError, a clear message and the original error as cause', async () => {
    const error = await loadWebAudio().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AudioUnavailableError);
    expect(error).toBeInstanceOf(AdamaxStreamError);
    const e = error as AudioUnavailableError;
    expect(e.code).toBe('audio_unavailable');
    expect(e.message).toMatch(/node-web-audio-api\) could not be loaded/);
    expect(e.message).toMatch(/libasound\.so\.2/);
    expect(e.cause).toBeInstanceOf(Error);
    // vitest wraps a throwing mock factory; the simulated failure is somewhere in the cause chain.
    const chain: string[] = [];
    for (let c: unknown = e.cause; c instanceof Error; c = c.cause) chain.push(c.message);
    expect(chain.join(' | ')).toMatch(/simulated/);
  });

  it('does not cache the failure: a later call tries again', async () => {
    const first = loadWebAudio();
    await first.catch(() => undefined);
    const second = loadWebAudio();
    expect(second).not.toBe(first);
    await expect(second).rejects.toBeInstanceOf(AudioUnavailableError);
  });
});
