import { from, map, Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { InvalidOptionError, NonFiniteGradientError, ShapeError } from '../../src/core/errors.js';
import { Random } from '../../src/core/random.js';
import { Adamax } from '../../src/optim/adamax.js';
import { StepOutcome } from '../../src/optim/adamax-core.js';
import { LossScaleOptimizer } from '../../src/optim/loss-scale-optimizer.js';
import { Variable } from '../../src/optim/variable.js';
import {
  applyGradients,
  type GradientEvent,
  type ModelSnapshot,
  type StepEvent,
  smoothedModel,
} from '../../src/rx/index.js';
import { expectBitEqual, f32, scalars, testScheduler } from './helpers.js';

const g = (...xs: number[]): GradientEvent => ({ grads: [f32(...xs)] });

describe('applyGradients: marble', () => {
  it('empty source: completes, no steps, weights untouched (even with EMA + finalizeOnComplete)', () => {
    const w = new Variable([1, 2]);
    testScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold<GradientEvent>('|').pipe(applyGradients(new Adamax({ useEma: true }), [w]))).toBe('|');
    });
    expect(w.value).toEqual(f32(1, 2));
  });

  it('single event: one applied step with its iteration, learning rate and loss', () => {
    const w = new Variable([1, 2, 3, 4]);
    const opt = new Adamax({ learningRate: 0.5 });
    testScheduler().run(({ cold, expectObservable }) => {
      const src = cold<GradientEvent>('-a|', { a: { grads: [f32(1, 6, 7, 2)], loss: 3, time: 42 } });
      expectObservable(src.pipe(applyGradients(opt, [w]), scalars())).toBe('-s|', {
        s: {
          outcome: StepOutcome.Applied,
          applied: true,
          step: 1,
          iterations: 1,
          rawIterations: 1,
          learningRate: 0.5,
          loss: 3,
          time: 42,
          dropped: 0,
          skipped: 0,
        },
      });
    });
    // Keras adamax_test.py test_single_step: [1,2,3,4] → [0.5,1.5,2.5,3.5] (rtol/atol 5e-4)
    for (const [i, x] of [0.5, 1.5, 2.5, 3.5].entries()) expect(w.value[i]).toBeCloseTo(x, 4);
  });

  it('many events under gradientAccumulationSteps 3: accumulated, accumulated, applied', () => {
    const w = new Variable([1, 2]);
    const opt = new Adamax({ learningRate: 0.5, gradientAccumulationSteps: 3 });
    testScheduler().run(({ cold, expectObservable }) => {
      const src = cold<GradientEvent>('-a-a-a-a|', { a: g(1, 1) });
      const out = src.pipe(
        applyGradients(opt, [w]),
        map((e) => [e.outcome, e.applied, e.iterations, e.rawIterations]),
      );
      expectObservable(out).toBe('-a-b-c-d|', {
        a: [1, false, 0, 1],
        b: [1, false, 0, 2],
        c: [0, true, 1, 3],
        d: [1, false, 1, 4],
      });
    });
  });

  it('passes source errors through', () => {
    const w = new Variable([1]);
    testScheduler().run(({ cold, expectObservable }) => {
      const src = cold<GradientEvent>('-a-#', { a: g(1) }, 'boom');
      expectObservable(
        src.pipe(
          applyGradients(new Adamax(), [w]),
          map((e) => e.step),
        ),
      ).toBe('-x-#', { x: 1 }, 'boom');
    });
  });

  it('never-ending source: steps without completion; early unsubscription unsubscribes the source', () => {
    const w = new Variable([1]);
    testScheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
      const src = hot<GradientEvent>('-a-a-a-a-', { a: g(1) });
      expectObservable(
        src.pipe(
          applyGradients(new Adamax(), [w]),
          map((e) => e.step),
        ),
        '^----!',
      ).toBe('-x-y-', {
        x: 1,
        y: 2,
      });
      expectSubscriptions(src.subscriptions).toBe('^----!');
    });
  });

  it('nonFinite "error" (default): errors with NonFiniteGradientError and changes no weight', () => {
    const w = new Variable([1, 2]);
    const opt = new Adamax({ learningRate: 0.1 });
    let after1: Float32Array | null = null;
    testScheduler().run(({ cold, expectObservable }) => {
      const src = cold<GradientEvent>('-a-b-a|', { a: g(1, 1), b: g(1, Number.NaN) });
      const out = src.pipe(
        applyGradients(opt, [w]),
        map((e) => {
          after1 = w.value.slice();
          return e.outcome;
        }),
      );
      expectObservable(out).toBe('-x-#', { x: 0 }, expect.any(NonFiniteGradientError));
    });
    expect(w.value).toEqual(after1);
    expect(opt.rawIterations).toBe(1);
  });

  it('nonFinite "skip": emits a skipped step, counts it, changes no state', () => {
    const w = new Variable([1, 2]);
    const opt = new Adamax({ learningRate: 0.1 });
    testScheduler().run(({ cold, expectObservable }) => {
      const src = cold<GradientEvent>('-a-b-a|', { a: g(1, 1), b: g(Number.POSITIVE_INFINITY, 1) });
      const out = src.pipe(
        applyGradients(opt, [w], { nonFinite: 'skip' }),
        map((e) => [e.outcome, e.skipped, e.rawIterations]),
      );
      expectObservable(out).toBe('-x-y-z|', { x: [0, 0, 1], y: [2, 1, 1], z: [0, 1, 2] });
    });
  });

  it('nonFinite "propagate": the NaN reaches the weights (Keras without loss scaling)', () => {
    const w = new Variable([1, 2]);
    from([g(Number.NaN, 1)])
      .pipe(applyGradients(new Adamax(), [w], { nonFinite: 'propagate' }))
      .subscribe();
    expect(Number.isNaN(w.value[0])).toBe(true);
  });

  it.each([Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])(
    'a %d gradient is non-finite like NaN: skipped under "skip", an error under "error", weights unchanged',
    (inf) => {
      const w = new Variable([1, 2], { name: 'w' });
      const events: StepEvent[] = [];
      from([g(inf, 1)])
        .pipe(applyGradients(new Adamax(), [w], { nonFinite: 'skip' }))
        .subscribe((e) => events.push(e));
      expect(events.map((e) => [e.outcome, e.skipped])).toEqual([[StepOutcome.SkippedNonFinite, 1]]);
      expect(Array.from(w.value)).toEqual([1, 2]);
      const errors: unknown[] = [];
      from([g(1, inf)])
        .pipe(applyGradients(new Adamax(), [w]))
        .subscribe({ error: (e) => errors.push(e) });
      expect(errors[0]).toBeInstanceOf(NonFiniteGradientError);
      // Caught by the gradient check (naming the variable), not only by the rollback of the step.
      expect((errors[0] as Error).message).toContain("Non-finite gradient (NaN or Infinity) for variable 'w'");
      expect(Array.from(w.value)).toEqual([1, 2]);
    },
  );

  it('LossScaleOptimizer: its own skip rule applies (policy ignored)', () => {
    const w = new Variable([1, 2]);
    const lso = new LossScaleOptimizer(new Adamax(), { initialScale: 1024 });
    const events: StepEvent[] = [];
    from([g(1, 1), g(Number.NaN, 1), g(1, 1)])
      .pipe(applyGradients(lso, [w]))
      .subscribe((e) => events.push(e));
    expect(events.map((e) => [e.outcome, e.skipped])).toEqual([
      [0, 0],
      [2, 1],
      [0, 1],
    ]);
    expect(lso.dynamicScale).toBe(512);
  });

  it('errors with ShapeError naming the variable and both lengths, changing no weight', () => {
    const a = new Variable([1, 2], { name: 'a' });
    const b = new Variable([3, 4, 5], { name: 'b' });
    const opt = new Adamax();
    const errors: Error[] = [];
    from<GradientEvent[]>([{ grads: [f32(1, 1), f32(1, 1)] }])
      .pipe(applyGradients(opt, [a, b]))
      .subscribe({ error: (e) => errors.push(e) });
    from<GradientEvent[]>([{ grads: [f32(1, 1)] }])
      .pipe(applyGradients(opt, [a, b]))
      .subscribe({ error: (e) => errors.push(e) });
    expect(errors[0]).toBeInstanceOf(ShapeError);
    expect(errors[0]!.message).toBe("Gradient for variable 'b' has length 2, but the variable has length 3.");
    expect(errors[1]).toBeInstanceOf(ShapeError);
    expect(errors[1]!.message).toMatch(/1 gradients, but 2 variables/);
    expect(a.value).toEqual(f32(1, 2));
    expect(b.value).toEqual(f32(3, 4, 5));
    expect(opt.rawIterations).toBe(0);
  });

  it('never throws out of next: an optimizer failure becomes an error notification', () => {
    const w = new Variable([1]);
    const errors: unknown[] = [];
    from<GradientEvent[]>([{ grads: [null] }])
      .pipe(applyGradients(new Adamax(), [w]))
      .subscribe({ error: (e) => errors.push(e) });
    expect((errors[0] as Error).message).toMatch(/No gradients/);
  });

  it('validates arguments at call time', () => {
    const w = new Variable([1]);
    expect(() => applyGradients({} as Adamax, [w])).toThrow(InvalidOptionError);
    expect(() => applyGradients(new Adamax(), [])).toThrow(InvalidOptionError);
    expect(() => applyGradients(new Adamax(), [w], { windowCount: 0 })).toThrow(/windowCount/);
    expect(() => applyGradients(new Adamax(), [w], { windowMs: -1 })).toThrow(/windowMs/);
    expect(() => applyGradients(new Adamax(), [w], { nonFinite: 'ignore' as 'skip' })).toThrow(/nonFinite/);
  });

  it('refuses an optimizer built on other variables', () => {
    const w = new Variable([1]);
    const opt = new Adamax();
    opt.build([new Variable([1])]);
    const errors: unknown[] = [];
    from([g(1)])
      .pipe(applyGradients(opt, [w]))
      .subscribe({ error: (e) => errors.push(e) });
    expect(errors).toHaveLength(1);
  });
});

describe('applyGradients: windows', () => {
  it('windowCount averages the events of a window into one micro-step (divided by the actual count)', () => {
    const w = new Variable([1, 2]);
    const ref = new Variable([1, 2]);
    const refOpt = new Adamax({ learningRate: 0.1 });
    testScheduler().run(({ cold, expectObservable }) => {
      const src = cold<GradientEvent>('-a-b-c-d-(e|)', {
        a: { grads: [f32(1, 2)], loss: 1 },
        b: { grads: [f32(3, 4)], loss: 3 },
        c: g(1, 1),
        d: g(2, 2),
        e: g(4, 4),
      });
      const out = src.pipe(
        applyGradients(new Adamax({ learningRate: 0.1 }), [w], { windowCount: 2 }),
        map((e) => [e.step, e.rawIterations, e.loss]),
      );
      expectObservable(out).toBe('---x---y-(z|)', { x: [2, 1, 2], y: [4, 2, undefined], z: [5, 3, undefined] });
    });
    refOpt.apply([f32(2, 3)], [ref]);
    refOpt.apply([f32(1.5, 1.5)], [ref]);
    refOpt.apply([f32(4, 4)], [ref]); // the partial last window: divided by 1
    expectBitEqual(w.value, ref.value);
  });

  it('averages a variable over the events that had a gradient for it', () => {
    const a = new Variable([0, 0], { name: 'a' });
    const b = new Variable([0], { name: 'b' });
    const ra = new Variable([0, 0], { name: 'a' });
    const rb = new Variable([0], { name: 'b' });
    from<GradientEvent[]>([{ grads: [f32(1, 1), null] }, { grads: [f32(2, 4), f32(6)] }, { grads: [f32(3, 1), null] }])
      .pipe(applyGradients(new Adamax({ learningRate: 0.1 }), [a, b], { windowCount: 3 }))
      .subscribe();
    new Adamax({ learningRate: 0.1 }).apply([f32(2, 2), f32(6)], [ra, rb]);
    expectBitEqual(a.value, ra.value);
    expectBitEqual(b.value, rb.value);
  });

  it('windowMs: a window closes windowMs after its first event (TestScheduler time)', () => {
    const w = new Variable([1]);
    testScheduler().run(({ cold, expectObservable }) => {
      const src = cold<GradientEvent>('-a-b-----c-|', { a: g(1), b: g(2), c: g(3) });
      const out = src.pipe(
        applyGradients(new Adamax(), [w], { windowMs: 3 }),
        map((e) => e.step),
      );
      // window 1 opens at 1 (a), closes at 4 holding a, b; window 2 opens at 9 (c), flushed on completion at 11
      expectObservable(out).toBe('----x------(y|)', { x: 2, y: 3 });
    });
  });

  it('windowMs with an explicit scheduler, combined with windowCount (whichever comes first)', () => {
    const w = new Variable([1]);
    const ts = testScheduler();
    ts.run(({ cold, expectObservable }) => {
      const src = cold<GradientEvent>('-aaa-----a-a------a', { a: g(1) });
      const out = src.pipe(
        applyGradients(new Adamax(), [w], { windowMs: 4, windowCount: 3, scheduler: ts }),
        map((e) => e.step),
      );
      expectObservable(out, '^-------------------------!').toBe('---x---------y--------z', {
        x: 3,
        y: 5,
        z: 6,
      });
    });
  });

  it('unsubscribing cancels a pending window timer', () => {
    const w = new Variable([1]);
    testScheduler().run(({ hot, expectObservable }) => {
      const src = hot<GradientEvent>('-a---', { a: g(1) });
      expectObservable(src.pipe(applyGradients(new Adamax(), [w], { windowMs: 5 })), '^--!').toBe('---');
    });
    expect(w.value).toEqual(f32(1));
  });
});

describe('applyGradients: equivalence with Adamax.apply', () => {
  it('accumulation 3 + EMA + clipnorm + weight decay: same weights bit for bit; last snapshot = finalizeVariableValues', () => {
    const config = {
      learningRate: 0.05,
      gradientAccumulationSteps: 3,
      useEma: true,
      emaMomentum: 0.9,
      clipnorm: 0.5,
      weightDecay: 0.01,
    };
    const rnd = new Random(7);
    const events: GradientEvent[] = Array.from({ length: 25 }, () => ({
      grads: [
        Float32Array.from({ length: 5 }, () => rnd.gaussian()),
        Float32Array.from({ length: 3 }, () => rnd.gaussian()),
      ],
      loss: rnd.next(),
    }));
    const init = (): Variable[] => [
      new Variable([1, -2, 3, 0.5, 0], { name: 'k' }),
      new Variable([0.1, 0.2, 0.3], { name: 'b' }),
    ];

    const ref = init();
    const refOpt = new Adamax(config);
    const refSteps: number[] = [];
    for (const e of events) refSteps.push(refOpt.apply(e.grads, ref)!);

    const vars = init();
    const opt = new Adamax(config);
    const steps: number[] = [];
    const snapshots: ModelSnapshot[] = [];
    const grads$ = new Subject<GradientEvent>();
    const steps$ = grads$.pipe(applyGradients(opt, vars, { finalizeOnComplete: false }));
    steps$.pipe(map((e) => e.outcome)).subscribe((o) => steps.push(o));
    for (const e of events) grads$.next(e);
    expect(steps).toEqual(refSteps);
    for (let i = 0; i < 2; i++) expectBitEqual(vars[i]!.value, ref[i]!.value);

    // With finalizeOnComplete (default): the stream's end = Keras fit() end.
    const vars2 = init();
    from(events)
      .pipe(applyGradients(new Adamax(config), vars2), smoothedModel({ every: 4 }))
      .subscribe((s) => snapshots.push(s));
    refOpt.finalizeVariableValues(ref);
    const last = snapshots.at(-1)!;
    expect(last.iterations).toBe(refOpt.iterations);
    for (let i = 0; i < 2; i++) {
      expectBitEqual(last.weights[i]!, ref[i]!.value);
      expectBitEqual(vars2[i]!.value, ref[i]!.value);
    }
  });
});
