import { type AdamaxCore, StepOutcome } from '../../optim/adamax-core.js';
import type { StepEvent, StepSource } from '../events.js';

/** A StepEvent under construction (the optional `loss`, `time`, `output` are added by the caller). */
export type MutableStepEvent = { -readonly [K in keyof StepEvent]: StepEvent[K] };

/**
 * The StepEvent of a micro-step that just ran on `core` (the engine doing the math: the Adamax's,
 * or the inner one of a LossScaleOptimizer), with the stream's counters. One object literal of a
 * fixed shape per event, nothing else.
 */
export function stepEvent(
  outcome: StepOutcome,
  step: number,
  core: AdamaxCore,
  dropped: number,
  skipped: number,
  source: StepSource,
): MutableStepEvent {
  return {
    outcome,
    applied: outcome === StepOutcome.Applied,
    step,
    iterations: core.iterations,
    rawIterations: core.rawIterations,
    learningRate: core.lastLearningRate,
    dropped,
    skipped,
    source,
  };
}
