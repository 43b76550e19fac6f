import type * as WebAudio from 'node-web-audio-api';
import { AudioUnavailableError } from '../core/errors.js';

/** The node-web-audio-api module namespace, as returned by {@link loadWebAudio}. */
export type WebAudioModule = typeof WebAudio;

let pending: Promise<WebAudioModule> | undefined;

/**
 * Whether this runtime can run node-web-audio-api's AudioWorklet: the package (engines: Node ≥ 22)
 * calls `Promise.withResolvers` (ES2024) when a worklet module is added. The library does not
 * patch the global `Promise`; on an older runtime the worklet paths throw
 * {@link AudioUnavailableError} instead (decoding and offline rendering work without it).
 */
export function audioWorkletSupported(): boolean {
  return typeof (Promise as PromiseConstructor & { withResolvers?: unknown }).withResolvers === 'function';
}

/** Throws {@link AudioUnavailableError} when {@link audioWorkletSupported} is false. */
export function assertAudioWorkletSupported(): void {
  if (audioWorkletSupported()) return;
  throw new AudioUnavailableError(
    `node-web-audio-api's AudioWorklet needs Promise.withResolvers (Node >= 22); this is Node ${process.versions.node}. ` +
      'Decoding and offline rendering work on this runtime; the live (worklet) path needs Node 22 or newer.',
  );
}

async function importWebAudio(): Promise<WebAudioModule> {
  try {
    return await import('node-web-audio-api');
  } catch (cause) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    throw new AudioUnavailableError(
      `The native Web Audio module (node-web-audio-api) could not be loaded on ${process.platform}-${process.arch}, ` +
        `Node ${process.versions.node}: ${detail}. Audio decoding and rendering are unavailable; ` +
        'it is an optional peer dependency of adamax-stream: install it with `npm install node-web-audio-api` (Node >= 22), ' +
        'and on Linux check that libasound.so.2 (ALSA) is present.',
      { cause },
    );
  }
}

/**
 * Loads node-web-audio-api lazily (dynamic `import()`), once per process, and returns its module
 * namespace. node-web-audio-api is an optional peer dependency: install it (`npm i node-web-audio-api`,
 * Node ≥ 22) to decode, render or play audio.
 *
 * This is the only entry point through which the library touches the native module, so importing
 * adamax-stream never loads native code unless audio is actually used.
 *
 * @returns the module namespace (`OfflineAudioContext`, `AudioContext`, `AudioBuffer`, …).
 * @throws {AudioUnavailableError} (as a rejection) if the module cannot be loaded; the original
 *   error is kept in `cause`. A failed load is not cached, so a later call tries again.
 *
 * @example
 * const { OfflineAudioContext } = await loadWebAudio();
 */
export function loadWebAudio(): Promise<WebAudioModule> {
  if (pending === undefined) {
    const attempt = importWebAudio();
    pending = attempt;
    attempt.catch(() => {
      if (pending === attempt) pending = undefined;
    });
  }
  return pending;
}
