/**
 * `adamax-stream/node`: the Node side of adamax-stream — audio file decoding and writing, the
 * headless live session, checkpoint files, live serving over Redis Streams (`serveStreams`,
 * `RemoteStream`, `denoiseRemote`), dataset replay's state, queue and workers, and the ready-made
 * pipelines (reference cancellation, single-channel denoising, dataset replay, live). Audio decoding and rendering need the optional
 * peer dependency `node-web-audio-api` (Node ≥ 22); it is loaded lazily, and a typed
 * `AudioUnavailableError` says so when it is missing. The isomorphic core is the root entry
 * point, `adamax-stream`.
 *
 * @packageDocumentation
 * @module adamax-stream/node
 */
export * from '../../pipelines/index.js';
export { ChannelBuffers } from '../audio/channel-buffers.js';
export { type AudioFile, assertReadableFile, readAudioFile } from '../audio/read-audio-file.js';
export { writeAudioFile } from '../audio/write-audio-file.js';
export { isAbortError } from '../core/abort-error.js';
export type { CheckpointOptions } from '../io/denoise-checkpoint.js';
export type { FileFingerprint } from '../io/file-fingerprint.js';
export { removeCheckpointFiles } from '../io/remove-checkpoint-files.js';
export { REFERENCE_METHODS, type ReferenceMethod } from '../models/reference-method.js';
export {
  DEFAULT_SINGLE_CHANNEL_METHOD,
  SINGLE_CHANNEL_METHODS,
  type SingleChannelMethod,
} from '../models/single-channel-method.js';
export { warmStartedModel } from '../models/warm-started-model.js';
export { aggregate, type ReplayAggregate } from '../replay/aggregate.js';
export { redisConnection } from '../replay/redis-connection.js';
export { type DistributedReplayOptions, replayDistributed } from '../replay/replay-distributed.js';
export { type ReplayFailure, replayFailure } from '../replay/replay-failure.js';
export type { ReplayFileResult } from '../replay/replay-file-result.js';
export type { ReplayItemHooks, ReplayItemRunner } from '../replay/replay-item-runner.js';
export type { ReplayItemSettings } from '../replay/replay-item-settings.js';
export { REPLAY_QUEUE, type ReplayJobData, type ReplayJobResult } from '../replay/replay-job.js';
export { replayJobId } from '../replay/replay-job-id.js';
export type { ReplayResult } from '../replay/replay-result.js';
export { type ReplayState, readReplayState } from '../replay/replay-state.js';
export type { ReplayWorker, ReplayWorkerEvent, ReplayWorkerOptions } from '../replay/start-replay-queue-worker.js';
export type { PipelineCommonOptions, PipelineResult, Series } from '../report/pipeline-result.js';
export { denoiseRemote } from '../rx/denoise-remote.js';
export { type FilteredFrame, filterFrames } from '../rx/filter-frames.js';
export { type RemoteModelSnapshot, RemoteStream, type RemoteStreamOptions } from '../rx/remote-stream.js';
export { type ServeEvent, type ServeOptions, type StreamServer, serveStreams } from '../serve/serve-streams.js';
export {
  DEFAULT_SINGLE_STREAM_MODEL,
  REFERENCE_MAX_RATE,
  type ServedModel,
  SINGLE_STREAM_MODELS,
  type SingleStreamModel,
  type StreamModelKind,
} from '../serve/stream-model.js';
export type { OwnerRestart } from '../serve/stream-owner.js';
export { fitLength } from '../signal/fit-length.js';
export * from './io.js';
