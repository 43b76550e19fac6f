import { finalize, from, map, Subject, take } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { NonFiniteGradientError } from '../../src/core/errors.js';
import { wasmSimdAvailable } from '../../src/core/wasm/adamax-wasm.js';
import { INLINE_CHECK_FLOATS, type SimdKernels } from '../../src/core/wasm/kernel-arena.js';
import { FirFilter } from '../../src/models/fir-filter.js';
import { Adamax } from '../../src/optim/adamax.js';
import type { AdamaxOptions } from '../../src/optim/adamax-options.js';
import { LossScaleOptimizer } from '../../src/optim/loss-scale-optimizer.js';
import {
  applyGradients,
  gradients,
  learn,
  type ModelSnapshot,
  modelVariable,
  replayFrames,
  type StepEvent,
  smoothedModel,
} from '../../src/rx/index.js';
import { expectBitEqual, f32, scalars, syntheticFrames, testScheduler } from './helpers.js';

const fir = new FirFilter({ taps: 8, frameSize: 32 });
const data = syntheticFrames({ frames: 40, frameSize: 32, pathTaps: 8, seed: 3 });
const config: AdamaxOptions = {
  learningRate: 0.02,
  gradientAccumulationSteps: 3,
  useEma: true,
  emaMomentum: 0.9,
  clipnorm: 1,
  weightDecay: 0.004,
};

function runLearn(frames: Float32Array[][], opt: Adamax | (() => Adamax), emitOutput = false) {
  const events: StepEvent[] = [];
  const snaps: ModelSnapshot[] = [];
  from(frames)
    .pipe(learn(fir, opt, { emitOutput }))
    .subscribe((e) => {
      events.push(e);
      snaps.push(e.source.snapshot());
    });
  return { events, snaps };
}

/** Wraps the wasm scan and look-ahead of the event's engine to count their calls. */
function countChecks(e: StepEvent, calls: { scan: number; ahead: number }): void {
  const kernels = (e.source.optimizer as Adamax).core.arena.kernels as {
    -readonly [K in keyof SimdKernels]: SimdKernels[K];
  };
  const { firstNonFinite, adamaxFinite } = kernels;
  kernels.firstNonFinite = (p, n) => {
    calls.scan++;
    return firstNonFinite(p, n);
  };
  kernels.adamaxFinite = (...args) => {
    calls.ahead++;
    return adamaxFinite(...args);
  };
}

describe('learn: marble', () => {
  const tiny = new FirFilter({ taps: 2, frameSize: 2 });
  const a = [f32(1, 2), f32(1, 1)];

  it('empty / single / many / error / never-ending / early unsubscription', () => {
    testScheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const op = () => learn(tiny, () => new Adamax({ learningRate: 0.5 }));
      const step = map((e: StepEvent) => e.step);
      expectObservable(cold<Float32Array[]>('|').pipe(op())).toBe('|');
      expectObservable(cold('-a|', { a }).pipe(op(), scalars())).toBe('-x|', {
        x: {
          outcome: 0,
          applied: true,
          step: 1,
          iterations: 1,
          rawIterations: 1,
          learningRate: 0.5,
          loss: 0.5 * ((1 + 4) / 2),
          dropped: 0,
          skipped: 0,
        },
      });
      expectObservable(cold('-a-a-a|', { a }).pipe(op(), step)).toBe('-x-y-z|', { x: 1, y: 2, z: 3 });
      expectObservable(cold('-a-#', { a }, 'boom').pipe(op(), step)).toBe('-x-#', { x: 1 }, 'boom');
      expectObservable(cold('-a-a-', { a }).pipe(op(), step)).toBe('-x-y-', { x: 1, y: 2 });
      const src = hot('-a-a-a-a', { a });
      expectObservable(src.pipe(op(), step), '^----!').toBe('-x-y-', { x: 1, y: 2 });
      expectSubscriptions(src.subscriptions).toBe('^----!');
    });
  });

  it('live queue: drop-oldest at capacity, counted in `dropped`', () => {
    testScheduler().run(({ hot, expectObservable }) => {
      const frames = { a, b: a, c: a, d: a, e: a };
      const src = hot('-(abcde)---f|', { ...frames, f: a });
      const out = src.pipe(
        learn(tiny, () => new Adamax(), { queue: { capacity: 3 } }),
        map((e) => [e.step, e.dropped]),
      );
      expectObservable(out).toBe('-(xyz)-----w|', { x: [1, 2], y: [2, 2], z: [3, 2], w: [4, 2] });
    });
  });

  it('unsubscribing cancels a pending queue drain (asyncScheduler)', async () => {
    const input = new Subject<Float32Array[]>();
    const seen: StepEvent[] = [];
    const sub = input.pipe(learn(tiny, () => new Adamax(), { queue: { capacity: 2 } })).subscribe((e) => seen.push(e));
    input.next(a);
    input.next(a);
    expect(seen).toHaveLength(0); // queued, drain scheduled
    sub.unsubscribe();
    await new Promise((r) => setTimeout(r, 5));
    expect(seen).toHaveLength(0);
    expect(input.observed).toBe(false);
  });
});

describe('learn: equivalence and isolation', () => {
  it('gives the same weights as gradients + applyGradients, bit for bit (EMA, accumulation 3, clipnorm, weight decay)', () => {
    const w = modelVariable(fir);
    const opt = new Adamax(config);
    const composed: ModelSnapshot[] = [];
    const outputs: Float32Array[] = [];
    from(data)
      .pipe(
        gradients(fir, w),
        map((e) => {
          outputs.push(e.output!);
          return e;
        }),
        applyGradients(opt, [w]),
        smoothedModel(),
      )
      .subscribe((s) => composed.push(s));

    const { events, snaps } = runLearn(data, () => new Adamax(config), true);
    expect(events.map((e) => e.outcome)).toEqual(Array.from({ length: 40 }, (_, i) => (i % 3 === 2 ? 0 : 1)));
    for (let i = 0; i < data.length; i++) {
      expectBitEqual(snaps[i]!.weights[0]!, composed[i]!.weights[0]!);
      expectBitEqual(events[i]!.output!, outputs[i]!);
    }
    // After completion (finalizeOnComplete): the final model = EMA, in both paths.
    const last = events.at(-1)!.source.snapshot();
    expectBitEqual(last.weights[0]!, w.value);
    expectBitEqual(last.weights[0]!, composed.at(-1)!.weights[0]!);
  });

  it('a second subscription gets an independent learner (sequential and interleaved)', () => {
    const op = learn(fir, new Adamax(config));
    const single = runLearn(data, new Adamax(config)).snaps.at(-1)!;
    const last: ModelSnapshot[] = [];
    from(data)
      .pipe(op, smoothedModel({ every: 1000 }))
      .subscribe((s) => last.push(s));
    from(data)
      .pipe(op, smoothedModel({ every: 1000 }))
      .subscribe((s) => last.push(s));
    const s1 = new Subject<Float32Array[]>();
    const s2 = new Subject<Float32Array[]>();
    s1.pipe(op, smoothedModel({ every: 1000 })).subscribe((s) => last.push(s));
    s2.pipe(op, smoothedModel({ every: 1000 })).subscribe((s) => last.push(s));
    for (const f of data) {
      s1.next(f);
      s2.next(f);
    }
    s1.complete();
    s2.complete();
    expect(last).toHaveLength(4);
    for (const s of last) {
      expect(s.iterations).toBe(single.iterations);
      expectBitEqual(s.weights[0]!, single.weights[0]!);
    }
  });

  it('an optimizer instance is a template: never built itself; each subscription has its own optimizer', () => {
    const template = new Adamax(config);
    const a = runLearn(data.slice(0, 5), template);
    const b = runLearn(data.slice(0, 5), template);
    expect(template.built).toBe(false);
    expect(a.events[0]!.source.optimizer).not.toBe(b.events[0]!.source.optimizer);
    expect(a.events[0]!.source.optimizer.getConfig()).toEqual({ ...template.getConfig() });
  });

  it('LossScaleOptimizer: template clone; same numbers as applyGradients with the same LSO config', () => {
    const make = () => new LossScaleOptimizer(new Adamax({ learningRate: 0.01 }), { initialScale: 4 });
    const events: StepEvent[] = [];
    from(data.slice(0, 6))
      .pipe(learn(fir, make()))
      .subscribe((e) => events.push(e));
    const w = modelVariable(fir);
    from(data.slice(0, 6))
      .pipe(gradients(fir, w), applyGradients(make(), [w]))
      .subscribe();
    expectBitEqual(events.at(-1)!.source.snapshot().weights[0]!, w.value);
  });

  it('clones a template per subscription (a callable learning rate is shared); rejects a factory returning a built optimizer', () => {
    const template = new Adamax({ learningRate: () => 0.1, backend: 'js' });
    const seen: StepEvent[] = [];
    from(data)
      .pipe(learn(fir, template))
      .subscribe((e) => seen.push(e));
    expect(template.built).toBe(false);
    expect(seen.at(-1)!.source.optimizer).not.toBe(template);
    expect(seen.at(-1)!.learningRate).toBe(Math.fround(0.1));
    const built = new Adamax();
    built.buildFlat(fir.layout);
    const errors: unknown[] = [];
    from(data)
      .pipe(learn(fir, () => built))
      .subscribe({ error: (e) => errors.push(e) });
    expect((errors[0] as Error).message).toMatch(/already built/);
  });

  it('nonFinite: error (default) or skip', () => {
    const bad = [f32(...new Array(32).fill(Number.NaN)), data[0]![1]!];
    const errors: unknown[] = [];
    from([data[0]!, bad])
      .pipe(learn(fir, () => new Adamax()))
      .subscribe({ error: (e) => errors.push(e) });
    expect(errors[0]).toBeInstanceOf(NonFiniteGradientError);
    const events: StepEvent[] = [];
    from([data[0]!, bad, data[1]!])
      .pipe(learn(fir, () => new Adamax(), { nonFinite: 'skip' }))
      .subscribe((e) => events.push(e));
    expect(events.map((e) => [e.outcome, e.skipped, e.rawIterations])).toEqual([
      [0, 0, 1],
      [2, 1, 1],
      [0, 1, 2],
    ]);
  });

  it.skipIf(!wasmSimdAvailable())(
    'non-finite checks: in TypeScript up to INLINE_CHECK_FLOATS parameters (no wasm call), above in the kernels; same verdicts',
    () => {
      for (const taps of [INLINE_CHECK_FLOATS, INLINE_CHECK_FLOATS + 1]) {
        const model = new FirFilter({ taps, frameSize: 32 });
        const bad = [f32(...new Array(32).fill(Number.NaN)), data[0]![1]!];
        const calls = { scan: 0, ahead: 0 };
        const events: StepEvent[] = [];
        from([data[0]!, data[1]!, bad, data[2]!])
          .pipe(learn(model, () => new Adamax({ learningRate: 0.02 }), { nonFinite: 'skip' }))
          .subscribe((e) => {
            // count the engine's wasm scan and look-ahead calls from the second frame on
            if (events.push(e) === 1) countChecks(e, calls);
          });
        expect(events.map((e) => [e.outcome, e.skipped, e.rawIterations])).toEqual([
          [0, 0, 1],
          [0, 0, 2],
          [2, 1, 2],
          [0, 1, 3],
        ]);
        const inline = taps <= INLINE_CHECK_FLOATS;
        // three frames scanned; the NaN one never reaches the look-ahead
        expect(calls).toEqual(inline ? { scan: 0, ahead: 0 } : { scan: 3, ahead: 2 });
        // with clipping the step is saved, run and scanned (no look-ahead): in TypeScript too for a few parameters
        const clipped = { scan: 0, ahead: 0 };
        let n = 0;
        from([data[0]!, data[1]!, data[2]!])
          .pipe(learn(model, () => new Adamax({ learningRate: 0.02, clipnorm: 1 })))
          .subscribe((e) => {
            if (++n === 1) countChecks(e, clipped);
          });
        expect(n).toBe(3);
        expect(clipped.ahead).toBe(0);
        if (inline) expect(clipped.scan).toBe(0);
        else expect(clipped.scan).toBeGreaterThan(2);
        const errors: unknown[] = [];
        from([data[0]!, bad])
          .pipe(learn(model, () => new Adamax({ learningRate: 0.02 })))
          .subscribe({ error: (e) => errors.push(e) });
        expect(errors[0]).toBeInstanceOf(NonFiniteGradientError);
      }
    },
  );

  it('unsubscribing mid-stream stops the learner and releases the source (replayFrames iterator closed)', async () => {
    let closed = false;
    let pulled = 0;
    function* gen() {
      try {
        for (const f of data) {
          pulled++;
          yield f;
        }
      } finally {
        closed = true;
      }
    }
    let finalized = false;
    const events: StepEvent[] = [];
    await new Promise<void>((resolve) => {
      replayFrames(gen(), { batch: 4 })
        .pipe(
          finalize(() => {
            finalized = true;
          }),
          learn(fir, () => new Adamax()),
          take(6),
        )
        .subscribe({ next: (e) => events.push(e), complete: resolve });
    });
    expect(events).toHaveLength(6);
    expect(pulled).toBe(6);
    expect(closed).toBe(true);
    expect(finalized).toBe(true);
  });
});
