import { loadWebAudio } from '../../src/audio/load-web-audio.js';

/**
 * `undefined` when node-web-audio-api loads on this machine, else the reason it does not; decode
 * suites use it with `describe.skipIf` and put it in their title so the skip explains itself.
 */
export const webAudioUnavailableReason: string | undefined = await loadWebAudio().then(
  () => undefined,
  (error: unknown) => (error instanceof Error ? error.message : String(error)),
);
