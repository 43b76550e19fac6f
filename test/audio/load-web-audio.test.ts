import { describe, expect, it } from 'vitest';
import { audioWorkletSupported, loadWebAudio } from '../../src/audio/load-web-audio.js';
import { skipUnavailable } from '../helpers/skip-unavailable.js';
import { webAudioUnavailableReason } from './web-audio-unavailable-reason.js';

describe.skipIf(skipUnavailable('loadWebAudio', webAudioUnavailableReason))(
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

    it('does not patch the global Promise', async () => {
      const before = Object.getOwnPropertyDescriptor(Promise, 'withResolvers');
      await loadWebAudio();
      expect(Object.getOwnPropertyDescriptor(Promise, 'withResolvers')).toEqual(before);
      expect(audioWorkletSupported()).toBe(before !== undefined);
    });
  },
);
