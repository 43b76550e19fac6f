/**
 * Node-only I/O of adamax-stream: audio file decoding and writing (node-web-audio-api, loaded
 * lazily and optional), the headless live session, checkpoint files, and the wire format of live
 * serving over Redis Streams (keys, frame size, sample encoding), and the pieces of a run report
 * (quality metrics and series against a clean track, the decimated step trace).
 */
export { type DecodeAudioOptions, type DecodedAudio, decodeAudioBuffer } from '../audio/decode-audio-buffer.js';
export { decodeAudioFile } from '../audio/decode-audio-file.js';
export {
  type LatencySummary,
  type LiveDeviceInput,
  type LiveFilter,
  type LiveGeneratedInput,
  type LiveHandle,
  type LiveInput,
  type LiveOptions,
  type LiveOutput,
  type LiveResult,
  type LiveStats,
  startLive,
} from '../audio/live-session.js';
export { writeWavFile } from '../audio/write-wav-file.js';
export { entryFields } from '../io/entry-fields.js';
export { type DatasetItem, listDataset } from '../io/list-dataset.js';
export { pcmBytes, pcmSamples } from '../io/pcm-bytes.js';
export {
  DEFAULT_INPUT_CAP,
  FRAME_SIZE,
  SERVE_GROUP,
  STREAM_PREFIX,
  type StreamKeys,
  streamKeys,
} from '../io/stream-keys.js';
export { levelSeries } from '../report/level-series.js';
export { type QualityMetrics, qualityMetrics } from '../report/quality-metrics.js';
export { qualitySeries } from '../report/quality-series.js';
export type { ReportSeries } from '../report/run-report.js';
export { MAX_TRACE_POINTS, TraceRecorder } from '../report/trace-recorder.js';
export { type CheckpointsOptions, checkpoints } from '../rx/checkpoints.js';
export { readCheckpoint } from '../rx/read-checkpoint.js';
export { writeCheckpoint } from '../rx/write-checkpoint.js';
