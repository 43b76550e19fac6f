/**
 * `adamax-stream/web`: the adaptive denoiser as a Web Audio node. `createDenoiserNode` works in
 * browsers (`AudioContext`, `OfflineAudioContext`) and under node-web-audio-api; the model learns
 * inside the AudioWorklet. The published entry is a self-contained ES module (no bare imports) with
 * `denoiser-processor.js` beside it.
 *
 * @packageDocumentation
 * @module adamax-stream/web
 */
export {
  createDenoiserNode,
  type DenoiserEnvironment,
  type DenoiserNode,
  denoiserLatency,
} from './create-denoiser-node.js';
export {
  DEFAULT_SINGLE_CHANNEL_NODE_MODEL,
  type DenoiserConfig,
  type DenoiserMode,
  type DenoiserNodeOptions,
  resolveDenoiserConfig,
  type SingleChannelNodeModel,
} from './denoiser-config.js';
export { DENOISER_PROCESSOR, type DenoiserSnapshot, type DenoiserStats } from './denoiser-messages.js';
