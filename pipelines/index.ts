/**
 * Ready-made compositions of the public API (`../src/index.js` only) used by the CLI and the
 * samples: reference cancellation, single-channel denoising, dataset replay and the live path.
 */
export { type AudioFile, assertReadableFile, readAudioFile, writeAudioFile } from './audio-files.js';
export {
  downmix,
  fitLength,
  isAbortError,
  type PipelineCommonOptions,
  type PipelineResult,
  type Series,
  toRate,
} from './common.js';
export {
  aggregate,
  type ReplayAggregate,
  type ReplayFailure,
  type ReplayFileResult,
  type ReplayItemHooks,
  type ReplayItemRunner,
  type ReplayItemSettings,
  type ReplayOptions,
  type ReplayResult,
  type ReplayState,
  readReplayState,
  replayDataset,
  replayFailure,
  replayItem,
} from './dataset-replay.js';
export { type LivePipelineOptions, type LiveSummary, runLive } from './live.js';
export {
  cancelWithReference,
  createReferenceFilter,
  type FilteredFrame,
  filterFrames,
  REFERENCE_METHODS,
  type ReferenceCancellationOptions,
  type ReferenceFilter,
  type ReferenceMethod,
  runReferenceFilterDirect,
} from './reference-cancellation.js';
export {
  type DistributedReplayOptions,
  REPLAY_QUEUE,
  type ReplayJobData,
  type ReplayJobResult,
  redisConnection,
  replayDistributed,
  replayJobId,
} from './replay-queue.js';
export {
  type ReplayWorker,
  type ReplayWorkerEvent,
  type ReplayWorkerOptions,
  startReplayWorker,
} from './replay-worker.js';
export {
  type CheckpointOptions,
  createOnlineDenoiser,
  denoiseSingleChannel,
  removeCheckpointFiles,
  SINGLE_CHANNEL_METHODS,
  type SingleChannelDenoiseOptions,
  type SingleChannelMethod,
  warmStartedModel,
} from './single-channel-denoise.js';
