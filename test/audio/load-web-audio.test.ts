import { describe, expect, it } from 'vitest';
import { loadWebAudio } from '../../src/audio/load-web-audio.js';
import { webAudioUnavailableReason } from './web-audio-unavailable-reason.js';

describe.skipIf(webAudioUnavailableReason !== undefined)(
  `loadWebAudio${webAudioUnavailableReason ? ` (skipped: ${webAudioUnavailableReason})` : ''}`,
  () => {
    it('returns the module namespace with OfflineAudioContext', async () => {
      const webAudio = await loadWebAudio();
      expect(typeof webAudio.OfflineAudioContext).toBe('function');
      expect(typeof webAudio.AudioBuffer).toBe('function');
    });

    it('is cached: every call yields the same module object', async () => {
      const [a, b] = await Promise.all([loadWebAudio(), loadWebAudio()]);
      expect(a).toBe(b);
      expect(await loadWebAudio()).toBe(a);
    });

    it('leaves Promise.withResolvers available (polyfilled on Node 20)', async () => {
      await loadWebAudio();
      const ctor = Promise as PromiseConstructor & {
        withResolvers?: <T>() => { promise: Promise<T>; resolve: (v: T) => void; reject: (e: unknown) => void };
      };
      expect(typeof ctor.withResolvers).toBe('function');
      const { promise, resolve } = ctor.withResolvers!<number>();
      resolve(7);
      await expect(promise).resolves.toBe(7);
    });
  },
);
