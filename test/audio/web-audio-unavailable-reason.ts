import { audioWorkletSupported, loadWebAudio } from '../../src/audio/load-web-audio.js';

/**
 * `undefined` when node-web-audio-api loads on this machine, else the reason it does not; decode
 * suites use it with `describe.skipIf` and put it in their title so the skip explains itself.
 */
export const webAudioUnavailableReason: string | undefined = await loadWebAudio().then(
  () => undefined,
  (error: unknown) => (error instanceof Error ? error.message : String(error)),
);

/**
 * `undefined` when node-web-audio-api's AudioWorklet can run here (the module loads and the runtime
 * has `Promise.withResolvers`, i.e. Node ≥ 22), else the reason; the live (worklet) suites skip on it.
 */
export const workletUnavailableReason: string | undefined =
  webAudioUnavailableReason ??
  (audioWorkletSupported()
    ? undefined
    : `node-web-audio-api's AudioWorklet needs Node >= 22 (Promise.withResolvers); this is Node ${process.versions.node}`);

/** CI runs the worklet suites on its Node ≥ 22 leg; on Node 20 they cannot run and may skip. */
export const workletRequiredInCi = Number(process.versions.node.split('.')[0]) >= 22;
