import type * as WebAudio from 'node-web-audio-api';
import { AudioUnavailableError } from '../core/errors.js';

/** The node-web-audio-api module namespace, as returned by {@link loadWebAudio}. */
export type WebAudioModule = typeof WebAudio;

let pending: Promise<WebAudioModule> | undefined;

/**
 * Node 20 lacks `Promise.withResolvers` (ES2024); node-web-audio-api 2.x calls it when an
 * AudioWorklet module is added. Installs a spec-shaped, non-enumerable polyfill if missing.
 */
function installPromiseWithResolvers(): void {
  const ctor = Promise as PromiseConstructor & { withResolvers?: unknown };
  if (typeof ctor.withResolvers === 'function') return;
  Object.defineProperty(Promise, 'withResolvers', {
    configurable: true,
    enumerable: false,
    writable: true,
    value: function withResolvers<T>(this: PromiseConstructor) {
      let resolve!: (value: T | PromiseLike<T>) => void;
      let reject!: (reason?: unknown) => void;
      const promise = new this<T>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      return { promise, resolve, reject };
    },
  });
}

async function importWebAudio(): Promise<WebAudioModule> {
  installPromiseWithResolvers();
  try {
    return await import('node-web-audio-api');
  } catch (cause) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    throw new AudioUnavailableError(
      `The native Web Audio module (node-web-audio-api) could not be loaded on ${process.platform}-${process.arch}, ` +
        `Node ${process.versions.node}: ${detail}. Audio decoding and rendering are unavailable; ` +
        'check that node-web-audio-api is installed and that libasound.so.2 (ALSA) is present on Linux.',
      { cause },
    );
  }
}

/**
 * Loads node-web-audio-api lazily (dynamic `import()`), once per process, and returns its module
 * namespace. Installs a `Promise.withResolvers` polyfill first when the runtime lacks it (Node 20),
 * because the package's AudioWorklet needs it.
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
