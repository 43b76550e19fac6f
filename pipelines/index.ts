/**
 * Ready-made compositions used by the CLI and the samples, each a short file to read and copy:
 * reference cancellation, single-channel denoising (whole file or streamed file to file), dataset
 * replay (serial, on worker threads, as a queue worker) and the live path. They compose the public
 * API (`../src/index.js`) with the Node-side mechanisms of `src/` (checkpoint files, the replay
 * state file, thread pool and queue); `adamax-stream/node` exports both.
 */
export { downmix, toRate } from './common.js';
export { type ReplayOptions, replayDataset, replayItem } from './dataset-replay.js';
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
