import { type AdamaxCore, StepOutcome } from '../../optim/adamax-core.js';
import type { StepEvent, StepSource } from '../events.js';

/** A StepEvent under construction (the optional `time` and `output` are added by the caller). */
export type MutableStepEvent = { -readonly [K in keyof StepEvent]: StepEvent[K] };

/**
 * The StepEvent of a micro-step that just ran on `core` (the engine doing the math: the Adamax's,
 * or the inner one of a LossScaleOptimizer), with the stream's counters and the loss when there is
 * one. One object literal of a fixed shape per event, nothing else: the loss is part of the literal
 * (a property added afterwards would allocate the object's out-of-object property store too).
 */
export function stepEvent(
  outcome: StepOutcome,
  step: number,
  core: AdamaxCore,
  dropped: number,
  skipped: number,
  source: StepSource,
  loss: number | undefined,
): MutableStepEvent {
  const applied = outcome === StepOutcome.Applied;
  const iterations = core.iterations;
  const rawIterations = core.rawIterations;
  const learningRate = core.lastLearningRate;
  return loss === undefined
    ? { outcome, applied, step, iterations, rawIterations, learningRate, dropped, skipped, source }
    : { outcome, applied, step, iterations, rawIterations, learningRate, dropped, skipped, source, loss };
}
