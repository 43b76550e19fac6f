/**
 * Ready-made compositions of the public API (`../src/index.js` only) used by the CLI and the
 * samples: reference cancellation, single-channel denoising, dataset replay and the live path.
 */
export { type AudioFile, assertReadableFile, readAudioFile, writeAudioFile } from './audio-files.js';
export { downmix, toRate } from './common.js';
export {
  type ReplayOptions,
  type ReplayState,
  readReplayState,
  replayDataset,
  replayItem,
} from './dataset-replay.js';
export { type LivePipelineOptions, type LiveSummary, runLive } from './live.js';
export {
  cancelWithReference,
  createReferenceFilter,
  type ReferenceCancellationOptions,
  type ReferenceFilter,
  runReferenceFilterDirect,
} from './reference-cancellation.js';
export { startReplayWorker } from './replay-worker.js';
export {
  createOnlineDenoiser,
  denoiseSingleChannel,
  type SingleChannelDenoiseOptions,
} from './single-channel-denoise.js';
