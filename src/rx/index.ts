export { type ApplyGradientsOptions, applyGradients } from './apply-gradients.js';
export { decodeCheckpoint } from './decode-checkpoint.js';
export { encodeCheckpoint } from './encode-checkpoint.js';
export type {
  Checkpoint,
  CheckpointCounters,
  GradientEvent,
  ModelSnapshot,
  NonFinitePolicy,
  StepEvent,
  StepSource,
  StreamOptimizer,
} from './events.js';
export { type Chunk, type FramesOptions, frames } from './frames.js';
export { type GradientsOptions, gradients } from './gradients.js';
export type { QueueOptions } from './internal/frame-queue.js';
export { type LearnOptions, learn, type OptimizerFactory } from './learn.js';
export { modelVariable } from './model-variable.js';
export { type ReplayFramesOptions, replayFrames } from './replay-frames.js';
export { type SaveCheckpointsOptions, saveCheckpoints } from './save-checkpoints.js';
export { type SmoothedModelOptions, smoothedModel } from './smoothed-model.js';
