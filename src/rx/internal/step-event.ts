import { StepOutcome } from '../../optim/adamax-core.js';
import type { StepEvent, StepSource, StreamOptimizer } from '../events.js';
import { innerOf, lastLearningRate } from './optimizer.js';

/** A StepEvent under construction (the optional `loss`, `time`, `output` are added by the caller). */
export type MutableStepEvent = { -readonly [K in keyof StepEvent]: StepEvent[K] };

/** The StepEvent of a micro-step that just ran on `optimizer`, with the stream's counters. */
export function stepEvent(
  outcome: StepOutcome,
  step: number,
  optimizer: StreamOptimizer,
  counters: { readonly dropped: number; readonly skipped: number },
  source: StepSource,
): MutableStepEvent {
  return {
    outcome,
    applied: outcome === StepOutcome.Applied,
    step,
    iterations: optimizer.iterations,
    rawIterations: innerOf(optimizer).rawIterations,
    learningRate: lastLearningRate(optimizer),
    dropped: counters.dropped,
    skipped: counters.skipped,
    source,
  };
}
