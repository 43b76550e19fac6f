import type { MonoTypeOperatorFunction, Observable, OperatorFunction } from 'rxjs';
import { describe, expectTypeOf, it } from 'vitest';
import { FirFilter } from '../../src/models/fir-filter.js';
import { checkpoints, readCheckpoint } from '../../src/node/io.js';
import { Adamax } from '../../src/optim/adamax.js';
import { LossScaleOptimizer } from '../../src/optim/loss-scale-optimizer.js';
import { Variable } from '../../src/optim/variable.js';
import {
  applyGradients,
  type Checkpoint,
  type Chunk,
  decodeCheckpoint,
  encodeCheckpoint,
  frames,
  type GradientEvent,
  gradients,
  learn,
  type ModelSnapshot,
  modelVariable,
  replayFrames,
  type StepEvent,
  type StepSource,
  smoothedModel,
} from '../../src/rx/index.js';

describe('operator signatures', () => {
  const fir = new FirFilter({ taps: 4, frameSize: 8 });
  const w = new Variable(new Float32Array(4));

  it('applyGradients: GradientEvent → StepEvent', () => {
    expectTypeOf(applyGradients(new Adamax(), [w])).toEqualTypeOf<OperatorFunction<GradientEvent, StepEvent>>();
    expectTypeOf(applyGradients(new LossScaleOptimizer(new Adamax()), [w], { windowMs: 10 })).toEqualTypeOf<
      OperatorFunction<GradientEvent, StepEvent>
    >();
    expectTypeOf(applyGradients).parameter(2).toEqualTypeOf<Parameters<typeof applyGradients>[2]>();
    // @ts-expect-error: unknown policy
    const bad = () => applyGradients(new Adamax(), [w], { nonFinite: 'ignore' });
    expectTypeOf(bad).toBeFunction();
  });

  it('smoothedModel: StepEvent → ModelSnapshot', () => {
    expectTypeOf(smoothedModel({ every: 10 })).toEqualTypeOf<OperatorFunction<StepEvent, ModelSnapshot>>();
    expectTypeOf<ModelSnapshot['weights']>().toEqualTypeOf<Float32Array[]>();
  });

  it('frames: Chunk → Float32Array[]', () => {
    expectTypeOf(frames({ size: 4 })).toEqualTypeOf<OperatorFunction<Chunk, Float32Array[]>>();
    expectTypeOf<Float32Array>().toExtend<Chunk>();
    expectTypeOf<Float32Array[]>().toExtend<Chunk>();
  });

  it('gradients and learn: frames → events', () => {
    expectTypeOf(gradients(fir, w)).toEqualTypeOf<OperatorFunction<readonly Float32Array[], GradientEvent>>();
    expectTypeOf(learn(fir, new Adamax())).toEqualTypeOf<OperatorFunction<readonly Float32Array[], StepEvent>>();
    expectTypeOf(learn(fir, () => new Adamax())).toEqualTypeOf<OperatorFunction<readonly Float32Array[], StepEvent>>();
    expectTypeOf(modelVariable(fir)).toEqualTypeOf<Variable>();
  });

  it('checkpoints, sources and codec', () => {
    expectTypeOf(checkpoints({ every: 5, path: 'x' })).toEqualTypeOf<MonoTypeOperatorFunction<StepEvent>>();
    expectTypeOf(replayFrames<Float32Array[]>([[new Float32Array(1)]])).toEqualTypeOf<Observable<Float32Array[]>>();
    expectTypeOf(encodeCheckpoint).returns.toEqualTypeOf<Uint8Array>();
    expectTypeOf(decodeCheckpoint).returns.toEqualTypeOf<Checkpoint>();
    expectTypeOf(readCheckpoint).returns.toEqualTypeOf<Checkpoint>();
    expectTypeOf<StepEvent['source']>().toEqualTypeOf<StepSource>();
    expectTypeOf<StepEvent['loss']>().toEqualTypeOf<number | undefined>();
  });
});
