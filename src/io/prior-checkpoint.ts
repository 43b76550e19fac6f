import { PRIOR_DELTA_GROUP, type PriorStream } from '../models/prior/prior-stream.js';
import type { AdamaxState } from '../optim/adamax.js';
import type { Checkpoint } from '../rx/events.js';

const NO_OPTIMIZER: AdamaxState = {
  format: 'adamax-stream/adamax-state',
  version: 1,
  name: 'none',
  groups: [],
  rawIterations: 0,
  learningRate: null,
  m: new Float32Array(0),
  u: new Float32Array(0),
  average: null,
  acc: null,
};

/**
 * The checkpoint document of a speech-prior stream after `step` hops: its whole state
 * (`PriorStream.saveState`: STFT buffers, features, noise tracker, the adapted last layer Δ and its
 * Adamax state with the EMA) as the model state, Δ as the weights and the adaptation's Adamax state.
 */
export function priorCheckpoint(stream: PriorStream, step: number): Checkpoint {
  const core = stream.adaptCore;
  return {
    format: 'adamax-stream/checkpoint',
    version: 1,
    step,
    groups: core ? [{ name: PRIOR_DELTA_GROUP, length: core.params.length }] : [],
    weights: core ? [core.params.slice()] : [],
    optimizer: stream.optimizer ? stream.optimizer.saveState() : NO_OPTIMIZER,
    model: { kind: 'prior', state: stream.saveState() },
  };
}
