import { from, Subject, tap } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { ShapeError } from '../../src/core/errors.js';
import { FirFilter } from '../../src/models/fir-filter.js';
import { Adamax } from '../../src/optim/adamax.js';
import { Variable } from '../../src/optim/variable.js';
import { applyGradients, type GradientEvent, gradients, modelVariable } from '../../src/rx/index.js';
import { f32, syntheticFrames, testScheduler } from './helpers.js';

describe('gradients', () => {
  const fir = new FirFilter({ taps: 2, frameSize: 2 });

  it('marble: empty, single/many, error, never-ending, early unsubscription', () => {
    testScheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const w = new Variable([0.5, 0]);
      const a = [f32(1, 2), f32(1, 1)];
      // y = 0.5·x → e = d − y = [0.5, 1.5]; loss = (0.25 + 2.25)/4; ∂/∂w0 = −(0.5·1 + 1.5·1)/2, ∂/∂w1 = −(0.5·0 + 1.5·1)/2
      const x: GradientEvent = { grads: [f32(-1, -0.75)], loss: 0.625, output: f32(0.5, 1.5) };
      expectObservable(cold<Float32Array[]>('|').pipe(gradients(fir, w))).toBe('|');
      expectObservable(cold('-a|', { a }).pipe(gradients(fir, w))).toBe('-x|', { x });
      expectObservable(cold('-a-#', { a }, 'boom').pipe(gradients(fir, w))).toBe('-x-#', { x }, 'boom');
      expectObservable(cold('-a-', { a }).pipe(gradients(fir, w))).toBe('-x-', { x });
      const src = hot('-a-a-a-', { a });
      expectObservable(src.pipe(gradients(fir, w)), '^--!').toBe('-x-', { x });
      expectSubscriptions(src.subscriptions).toBe('^--!');
    });
  });

  it('is prequential: the output of a frame uses the weights before its update', () => {
    const model = new FirFilter({ taps: 4, frameSize: 16 });
    const data = syntheticFrames({ frames: 6, frameSize: 16, pathTaps: 4 });
    const w = modelVariable(model);
    const opt = new Adamax({ learningRate: 0.05 });
    const outputs: Float32Array[] = [];
    const expected: Float32Array[] = [];
    const frames$ = new Subject<Float32Array[]>();
    frames$
      .pipe(
        gradients(model, w),
        tap((e) => outputs.push(e.output!)),
        applyGradients(opt, [w]),
      )
      .subscribe();
    const state = model.createState();
    for (const f of data) {
      const out = new Float32Array(16);
      model.forward(w.value, state, f, out); // the weights now = before this frame's update
      expected.push(out);
      frames$.next(f);
    }
    expect(opt.iterations).toBe(6);
    expect(outputs).toEqual(expected);
  });

  it('emits fresh gradient and output arrays', () => {
    const w = new Variable([0, 0]);
    const events: GradientEvent[] = [];
    from([
      [f32(1, 2), f32(1, 1)],
      [f32(3, 4), f32(1, 1)],
    ])
      .pipe(gradients(fir, w))
      .subscribe((e) => events.push(e));
    expect(events[0]!.grads[0]).not.toBe(events[1]!.grads[0]);
    expect(events[0]!.output!.buffer).not.toBe(events[1]!.output!.buffer);
    expect(events[0]!.output).toEqual(f32(1, 2));
  });

  it('errors with ShapeError on a bad frame; rejects a variable of the wrong length at call time', () => {
    const errors: unknown[] = [];
    from([[f32(1, 2, 3), f32(1, 1, 1)]])
      .pipe(gradients(fir, new Variable([0, 0])))
      .subscribe({ error: (e) => errors.push(e) });
    expect(errors[0]).toBeInstanceOf(ShapeError);
    expect(() => gradients(fir, new Variable([0, 0, 0]))).toThrow(ShapeError);
  });
});
