/**
 * `adamax-stream/node`: the Node side of adamax-stream — audio file decoding and writing, the
 * headless live session, checkpoint files, and the ready-made pipelines (reference cancellation,
 * single-channel denoising, dataset replay, live). Audio decoding and rendering need the optional
 * peer dependency `node-web-audio-api` (Node ≥ 22); it is loaded lazily, and a typed
 * `AudioUnavailableError` says so when it is missing. The isomorphic core is the root entry
 * point, `adamax-stream`.
 *
 * @packageDocumentation
 * @module adamax-stream/node
 */
export * from '../../pipelines/index.js';
export type { FileFingerprint } from '../io/file-fingerprint.js';
export { denoiseRemote } from '../rx/denoise-remote.js';
export { type RemoteModelSnapshot, RemoteStream, type RemoteStreamOptions } from '../rx/remote-stream.js';
export { type ServeEvent, type ServeOptions, type StreamServer, serveStreams } from '../serve/serve-streams.js';
export { REFERENCE_MAX_RATE, type StreamModelKind } from '../serve/stream-model.js';
export * from './io.js';
