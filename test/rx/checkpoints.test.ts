import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { from, map, take } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CheckpointError } from '../../src/core/errors.js';
import { FirFilter } from '../../src/models/fir-filter.js';
import { checkpoints, readCheckpoint } from '../../src/node/io.js';
import { Adamax } from '../../src/optim/adamax.js';
import type { AdamaxOptions } from '../../src/optim/adamax-options.js';
import { LossScaleOptimizer } from '../../src/optim/loss-scale-optimizer.js';
import {
  applyGradients,
  type Checkpoint,
  decodeCheckpoint,
  encodeCheckpoint,
  gradients,
  learn,
  modelVariable,
  type StepEvent,
} from '../../src/rx/index.js';
import { expectBitEqual, f32, syntheticFrames, testScheduler } from './helpers.js';

const fir = new FirFilter({ taps: 8, frameSize: 32 });
const data = syntheticFrames({ frames: 50, frameSize: 32, pathTaps: 8, seed: 11 });
const config: AdamaxOptions = {
  name: 'opt',
  learningRate: 0.02,
  gradientAccumulationSteps: 3,
  useEma: true,
  emaMomentum: 0.9,
};

let dir = '';
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'adamax-rx-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function sample(): Checkpoint {
  const events: StepEvent[] = [];
  from(data.slice(0, 4))
    .pipe(learn(fir, () => new Adamax(config)))
    .subscribe((e) => events.push(e));
  return events.at(-1)!.source.checkpoint();
}

describe('checkpoint format', () => {
  it('round-trips bit for bit, including NaN, Float64Array and Int32Array model state', () => {
    const cp = sample();
    const odd: Checkpoint = {
      ...cp,
      model: {
        kind: 'x',
        state: { a: f32(Number.NaN, -0, 1), b: new Float64Array([Math.PI]), c: new Int32Array([-3]), n: Number.NaN },
      },
    };
    const back = decodeCheckpoint(encodeCheckpoint(odd));
    expect(back).toEqual(odd);
    expect(Object.is((back.model!.state.a as Float32Array)[1], -0)).toBe(true);
    expectBitEqual(back.weights[0]!, cp.weights[0]!);
  });

  it('throws CheckpointError on a wrong magic, version, truncation or corruption', () => {
    const bytes = encodeCheckpoint(sample());
    const bad = (mutate: (b: Uint8Array) => Uint8Array) => () => decodeCheckpoint(mutate(bytes.slice()));
    expect(
      bad((b) => {
        b[0] = 0;
        return b;
      }),
    ).toThrow(/AMXSCKPT/);
    expect(
      bad((b) => {
        b[8] = 2;
        return b;
      }),
    ).toThrow(/version 2/);
    expect(bad((b) => b.subarray(0, b.length - 4))).toThrow(/truncated/);
    expect(
      bad((b) => {
        b[b.length - 1]! ^= 1;
        return b;
      }),
    ).toThrow(/checksum/);
    expect(bad((b) => b.subarray(0, 10))).toThrow(CheckpointError);
  });

  it('learn refuses a checkpoint of another model, or one without model state', () => {
    const cp = sample();
    expect(() => learn(new FirFilter({ taps: 4, frameSize: 32 }), () => new Adamax(), { resume: cp })).toThrow(
      CheckpointError,
    );
    expect(() => learn(fir, () => new Adamax(config), { resume: { ...cp, model: null } })).toThrow(/no model state/);
    const errors: unknown[] = [];
    from(data)
      .pipe(learn(fir, () => new LossScaleOptimizer(new Adamax(config)), { resume: cp }))
      .subscribe({ error: (e) => errors.push(e) });
    expect(errors[0]).toBeInstanceOf(CheckpointError);
  });
});

describe('checkpoints operator', () => {
  it('passes events through (marble): empty, many, error, early unsubscription', () => {
    const path = join(dir, 'm.ckpt');
    testScheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const a = data[0]!;
      const op = () => learn(fir, () => new Adamax()).bind(null);
      const steps = map((e: StepEvent) => e.step);
      expectObservable(cold<Float32Array[]>('|').pipe(op(), checkpoints({ every: 2, path }))).toBe('|');
      expectObservable(cold('-a-a-a|', { a }).pipe(op(), checkpoints({ every: 2, path }), steps)).toBe('-x-y-z|', {
        x: 1,
        y: 2,
        z: 3,
      });
      expectObservable(cold('-a-#', { a }, 'boom').pipe(op(), checkpoints({ every: 2, path }), steps)).toBe(
        '-x-#',
        { x: 1 },
        'boom',
      );
      const src = hot('-a-a-a-a', { a });
      expectObservable(src.pipe(op(), checkpoints({ every: 2, path }), steps), '^----!').toBe('-x-y-', { x: 1, y: 2 });
      expectSubscriptions(src.subscriptions).toBe('^----!');
    });
  });

  it('a restarted learn pipeline resumes bit-identically; writes are atomic (no temp files left)', () => {
    const path = join(dir, 'run.ckpt');
    const full: StepEvent[] = [];
    from(data)
      .pipe(learn(fir, () => new Adamax(config), { finalizeOnComplete: false }))
      .subscribe((e) => full.push(e));
    const reference = full.at(-1)!.source.checkpoint();

    // First run: crashes (unsubscribes) after 27 frames; the last checkpoint was written at step 20.
    from(data)
      .pipe(
        learn(fir, () => new Adamax(config)),
        checkpoints({ every: 10, path }),
        take(27),
      )
      .subscribe();
    expect(readdirSync(dir)).toEqual(['run.ckpt']);
    const cp = readCheckpoint(path);
    expect(cp.step).toBe(20);

    const resumed: StepEvent[] = [];
    from(data.slice(cp.step))
      .pipe(learn(fir, () => new Adamax(config), { resume: cp, finalizeOnComplete: false }))
      .subscribe((e) => resumed.push(e));
    const after = resumed.at(-1)!;
    expect(after.step).toBe(50);
    expect(after.iterations).toBe(full.at(-1)!.iterations);
    const got = after.source.checkpoint();
    expectBitEqual(got.weights[0]!, reference.weights[0]!);
    const [o1, o2] = [got.optimizer, reference.optimizer] as [
      typeof got.optimizer & { m: Float32Array },
      typeof reference.optimizer & { m: Float32Array },
    ];
    expectBitEqual(o1.m, o2.m);
    expect(got).toEqual(reference);
  });

  it('writes a final checkpoint on completion; an applyGradients pipeline resumes its variables and optimizer', () => {
    const path = join(dir, 'g.ckpt');
    const w = modelVariable(fir);
    from(data.slice(0, 7))
      .pipe(
        gradients(fir, w),
        applyGradients(new Adamax(config), [w], { finalizeOnComplete: false }),
        checkpoints({ every: 5, path }),
      )
      .subscribe();
    const cp = readCheckpoint(path);
    expect(cp.step).toBe(7);
    expect(cp.model).toBeNull();
    const w2 = modelVariable(fir);
    const opt2 = new Adamax(config);
    from<{ grads: Float32Array[] }[]>([])
      .pipe(applyGradients(opt2, [w2], { resume: cp, finalizeOnComplete: false }))
      .subscribe();
    expectBitEqual(w2.value, w.value);
    expect(opt2.rawIterations).toBe(7);
  });

  it('errors with CheckpointError when the file cannot be written', () => {
    writeFileSync(join(dir, 'file'), 'x');
    const errors: unknown[] = [];
    from(data.slice(0, 2))
      .pipe(
        learn(fir, () => new Adamax()),
        checkpoints({ every: 1, path: join(dir, 'file', 'sub', 'x.ckpt') }),
      )
      .subscribe({ error: (e) => errors.push(e) });
    expect(errors[0]).toBeInstanceOf(CheckpointError);
    expect(readFileSync(join(dir, 'file'), 'utf8')).toBe('x');
  });
});
