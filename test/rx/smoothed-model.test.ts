import { from, Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { InvalidOptionError } from '../../src/core/errors.js';
import { Adamax } from '../../src/optim/adamax.js';
import { Variable } from '../../src/optim/variable.js';
import {
  applyGradients,
  type GradientEvent,
  type ModelSnapshot,
  type StepEvent,
  smoothedModel,
} from '../../src/rx/index.js';
import { f32, testScheduler } from './helpers.js';

/** A fake step event whose source snapshots to [k]. */
function fake(k: number): StepEvent {
  return {
    outcome: 0,
    applied: true,
    step: k,
    iterations: k,
    rawIterations: k,
    learningRate: 0.001,
    dropped: 0,
    skipped: 0,
    source: {
      optimizer: new Adamax(),
      snapshot: () => ({ iterations: k, weights: [f32(k)] }),
      checkpoint: () => {
        throw new Error('not used');
      },
    },
  };
}
const snap = (k: number): ModelSnapshot => ({ iterations: k, weights: [f32(k)] });
const events = { a: fake(1), b: fake(2), c: fake(3), d: fake(4), e: fake(5) };

describe('smoothedModel', () => {
  it('empty source: no snapshot', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold<StepEvent>('|').pipe(smoothedModel())).toBe('|');
    });
  });

  it('single event: one snapshot, no duplicate on completion', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('-a|', events).pipe(smoothedModel())).toBe('-x|', { x: snap(1) });
    });
  });

  it('every: at most one snapshot per `every` steps; the final model on completion', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('-a-b-c-d-e|', events).pipe(smoothedModel({ every: 2 }))).toBe('---x---y--(z|)', {
        x: snap(2),
        y: snap(4),
        z: snap(5),
      });
    });
  });

  it('everyMs: at most one snapshot per everyMs of scheduler time', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('abc--d-e-|', events).pipe(smoothedModel({ everyMs: 3 }))).toBe('x----y---(z|)', {
        x: snap(1),
        y: snap(4),
        z: snap(5),
      });
    });
  });

  it('every and everyMs together: both limits hold', () => {
    const ts = testScheduler();
    ts.run(({ cold, expectObservable }) => {
      expectObservable(cold('abcde', events).pipe(smoothedModel({ every: 2, everyMs: 3, scheduler: ts }))).toBe(
        '-x--y',
        { x: snap(2), y: snap(5) },
      );
    });
  });

  it('passes errors through; never-ending; early unsubscription', () => {
    testScheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      expectObservable(cold('-a-#', events, 'boom').pipe(smoothedModel())).toBe('-x-#', { x: snap(1) }, 'boom');
      expectObservable(cold('-a-b-', events).pipe(smoothedModel())).toBe('-x-y-', { x: snap(1), y: snap(2) });
      const src = hot('-a-b-c-d-', events);
      expectObservable(src.pipe(smoothedModel()), '^----!').toBe('-x-y-', { x: snap(1), y: snap(2) });
      expectSubscriptions(src.subscriptions).toBe('^----!');
    });
  });

  it('emits copies: a snapshot never changes after it is emitted (raw weights without EMA)', () => {
    const w = new Variable([1, 2]);
    const grads$ = new Subject<GradientEvent>();
    const seen: { snap: ModelSnapshot; atEmit: Float32Array }[] = [];
    grads$.pipe(applyGradients(new Adamax({ learningRate: 0.1 }), [w]), smoothedModel()).subscribe((s) => {
      seen.push({ snap: s, atEmit: w.value.slice() });
    });
    for (let i = 0; i < 5; i++) grads$.next({ grads: [f32(1, -1)] });
    grads$.complete();
    expect(seen).toHaveLength(5);
    for (const { snap: s, atEmit } of seen) {
      expect(s.weights[0]).toEqual(atEmit);
      expect(s.weights[0]!.buffer).not.toBe(w.value.buffer);
    }
    expect(new Set(seen.map((s) => s.snap.weights[0]![0])).size).toBe(5);
  });

  it('emits the EMA weights when the optimizer uses EMA', () => {
    const w = new Variable([1, 2]);
    const opt = new Adamax({ learningRate: 0.1, useEma: true, emaMomentum: 0.5 });
    const snaps: ModelSnapshot[] = [];
    from<GradientEvent[]>([{ grads: [f32(1, 1)] }, { grads: [f32(1, 1)] }])
      .pipe(applyGradients(opt, [w], { finalizeOnComplete: false }), smoothedModel())
      .subscribe((s) => snaps.push(s));
    expect(snaps[1]!.weights[0]).toEqual(opt.core.average);
    expect(snaps[1]!.weights[0]).not.toEqual(w.value);
  });

  it('validates options at call time', () => {
    expect(() => smoothedModel({ every: 0 })).toThrow(InvalidOptionError);
    expect(() => smoothedModel({ everyMs: Number.NaN })).toThrow(InvalidOptionError);
  });
});
