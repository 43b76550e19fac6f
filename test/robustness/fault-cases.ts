/**
 * Table of adversarial API cases for the fault-injection suite. Each case builds fresh objects,
 * takes a byte-exact snapshot of every piece of state the call could touch, makes the call, and
 * states what is correct: `'error'` (a typed AdamaxStreamError, state byte-for-byte unchanged) or a
 * check of the result (and then the state must be finite).
 */
import { Observable } from 'rxjs';
import {
  Adamax,
  type AdamaxState,
  AdamaxStreamError,
  type Checkpoint,
  decodeCheckpoint,
  encodeCheckpoint,
  FirFilter,
  LearningRateSchedule,
  LossScaleOptimizer,
  type LossScaleOptimizerState,
  learn,
  StepOutcome,
  Variable,
} from '../../src/index.js';

export interface FaultCase {
  readonly name: string;
  /** Runs the case; returns `'error'` if it threw a typed error (the caller checks the state). */
  run(): { outcome: 'error' | 'ok'; before: string; after: string; finite: boolean; check?: () => void };
}

const hex = (a: ArrayBufferView | null | undefined): string =>
  a ? Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('hex') : '-';

/** Every piece of state of an optimizer and its variables, as text (float bytes in hex). */
export function snapshot(opt: Adamax | LossScaleOptimizer, vars: readonly Variable[] = []): string {
  const inner = opt instanceof LossScaleOptimizer ? opt.inner : opt;
  const parts = [
    `built=${inner.built}`,
    `raw=${inner.rawIterations}`,
    `lr=${safeLr(inner)}`,
    ...vars.map((v) => hex(v.value)),
  ];
  if (opt instanceof LossScaleOptimizer) parts.push(`scale=${opt.dynamicScale}`, `counter=${opt.stepCounter}`);
  if (inner.built) {
    const c = inner.core;
    parts.push(hex(c.params), hex(c.m), hex(c.u), hex(c.average), hex(c.acc), `last=${c.lastLearningRate}`);
  }
  return parts.join('|');
}

function safeLr(opt: Adamax): string {
  try {
    return String(opt.learningRate);
  } catch {
    return 'throws';
  }
}

function allFinite(opt: Adamax | LossScaleOptimizer, vars: readonly Variable[]): boolean {
  const inner = opt instanceof LossScaleOptimizer ? opt.inner : opt;
  const arrays: Float32Array[] = vars.map((v) => v.value);
  if (inner.built) {
    const c = inner.core;
    arrays.push(c.params, c.m, c.u);
    if (c.average) arrays.push(c.average);
    if (c.acc) arrays.push(c.acc);
  }
  return arrays.every((a) => a.every((x) => Number.isFinite(x)));
}

function attempt(
  opt: Adamax | LossScaleOptimizer,
  vars: readonly Variable[],
  act: () => void,
): { outcome: 'error' | 'ok'; before: string; after: string; finite: boolean } {
  const before = snapshot(opt, vars);
  let outcome: 'error' | 'ok' = 'ok';
  try {
    act();
  } catch (e) {
    if (!(e instanceof AdamaxStreamError)) throw e;
    outcome = 'error';
  }
  return { outcome, before, after: snapshot(opt, vars), finite: allFinite(opt, vars) };
}

/** 0.01 at step 0, then `value`. */
class ConstantSchedule extends LearningRateSchedule {
  readonly className = 'Constant';
  constructor(private readonly value: number) {
    super();
  }
  at(step: number): number {
    return step === 0 ? 0.01 : this.value;
  }
  getConfig(): Record<string, unknown> {
    return { value: this.value };
  }
}

const quiet = { onWarning: () => {} };

/** A trained optimizer (EMA + accumulation so that every state field exists) and its variables. */
function trained(extra: Record<string, unknown> = {}): { opt: Adamax; vars: Variable[] } {
  const w = new Variable([0.5, -1, 2], { name: 'w' });
  const b = new Variable([0.1], { name: 'b' });
  const opt = new Adamax({ learningRate: 0.01, useEma: true, gradientAccumulationSteps: 2, ...quiet, ...extra });
  for (let i = 0; i < 5; i++) opt.apply([Float32Array.of(0.1 * i, -0.2, 0.3), Float32Array.of(0.05)], [w, b]);
  return { opt, vars: [w, b] };
}

function validState(): AdamaxState {
  return trained().opt.saveState();
}

function loadStateCases(): FaultCase[] {
  const out: FaultCase[] = [];
  const mutations: [string, (s: Record<string, unknown>) => void][] = [];
  for (const field of ['m', 'u', 'average', 'acc']) {
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      mutations.push([`${field}[1]=${bad}`, (s) => ((s[field] as Float32Array)[1] = bad)]);
    }
    mutations.push([`${field} is a plain array`, (s) => (s[field] = Array.from(s[field] as Float32Array))]);
    mutations.push([`${field} too short`, (s) => (s[field] = (s[field] as Float32Array).slice(1))]);
  }
  mutations.push(['u[0]=-1', (s) => ((s.u as Float32Array)[0] = -1)]);
  mutations.push(['average=null with useEma', (s) => (s.average = null)]);
  mutations.push(['acc=null with accumulation', (s) => (s.acc = null)]);
  for (const bad of [1e300, -1, 1.5, Number.NaN, '3', null, 2 ** 53]) {
    mutations.push([`rawIterations=${String(bad)}`, (s) => (s.rawIterations = bad)]);
  }
  for (const bad of ['abc', Number.NaN, Number.POSITIVE_INFINITY, 1e39, {}, true]) {
    mutations.push([`learningRate=${String(bad)}`, (s) => (s.learningRate = bad)]);
  }
  for (const bad of [
    null,
    [],
    'x',
    [
      { name: 1, length: 3 },
      { name: 'b', length: 1 },
    ],
    [{ name: 'a', length: -3 }],
  ]) {
    mutations.push([`groups=${JSON.stringify(bad)}`, (s) => (s.groups = bad)]);
  }
  mutations.push([
    'groups of other lengths',
    (s) =>
      (s.groups = [
        { name: 'x', length: 2 },
        { name: 'y', length: 2 },
      ]),
  ]);
  mutations.push(['format', (s) => (s.format = 'keras')]);
  mutations.push(['version 2', (s) => (s.version = 2)]);
  for (const [name, mutate] of mutations) {
    for (const when of ['built', 'unbuilt'] as const) {
      out.push({
        name: `Adamax.loadState (${when}) rejects ${name}`,
        run: () => {
          const state = structuredClone(validState()) as unknown as Record<string, unknown>;
          mutate(state);
          if (when === 'built') {
            const { opt, vars } = trained();
            return attempt(opt, vars, () => opt.loadState(state as unknown as AdamaxState));
          }
          const opt = new Adamax({ learningRate: 0.01, useEma: true, gradientAccumulationSteps: 2, ...quiet });
          const vars = [new Variable([0.5, -1, 2], { name: 'w' }), new Variable([0.1], { name: 'b' })];
          // loadState must fail at the call, or else the build that follows must fail and leave it unbuilt
          const r = attempt(opt, vars, () => opt.loadState(state as unknown as AdamaxState));
          if (r.outcome === 'error') return r;
          return attempt(opt, vars, () => opt.build(vars));
        },
      });
    }
  }
  out.push({
    name: 'Adamax.loadState(null) is a typed error',
    run: () => {
      const { opt, vars } = trained();
      return attempt(opt, vars, () => opt.loadState(null as unknown as AdamaxState));
    },
  });
  out.push({
    name: 'Adamax.loadState({ groups: null }) is a typed error',
    run: () => {
      const { opt, vars } = trained();
      return attempt(opt, vars, () => opt.loadState({ groups: null } as unknown as AdamaxState));
    },
  });
  return out;
}

function lossScaleCases(): FaultCase[] {
  const bad: [string, Partial<LossScaleOptimizerState>][] = [];
  for (const s of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, 1e39, '2' as unknown as number, 1e-46]) {
    bad.push([`dynamicScale=${String(s)}`, { dynamicScale: s }]);
  }
  for (const c of [-1, 1.5, Number.NaN, 1e300]) bad.push([`stepCounter=${String(c)}`, { stepCounter: c }]);
  return bad.map(([name, patch]) => ({
    name: `LossScaleOptimizer.loadState rejects ${name}`,
    run: () => {
      const w = new Variable([1, 2], { name: 'w' });
      const opt = new LossScaleOptimizer(new Adamax({ learningRate: 0.01, ...quiet }));
      opt.apply([Float32Array.of(100, 200)], [w]);
      const state = { ...opt.saveState(), ...patch } as LossScaleOptimizerState;
      return attempt(opt, [w], () => opt.loadState(state));
    },
  }));
}

function learningRateCases(): FaultCase[] {
  const out: FaultCase[] = [];
  for (const value of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1e39, 1e38]) {
    for (const kind of ['callable', 'schedule'] as const) {
      for (const policy of ['error', 'skip'] as const) {
        out.push({
          name: `apply with a ${kind} learning rate returning ${value}, nonFinite '${policy}'`,
          run: () => {
            const w = new Variable([1, -2, 3], { name: 'w' });
            let calls = 0;
            const lr = kind === 'callable' ? () => (calls++ === 0 ? 0.01 : value) : new ConstantSchedule(value);
            const opt = new Adamax({ learningRate: lr, ...quiet });
            opt.apply([Float32Array.of(0.1, 0.2, 0.3)], [w], { nonFinite: policy });
            const r = attempt(opt, [w], () => {
              const o = opt.apply([Float32Array.of(1e3, -1e3, 1)], [w], { nonFinite: policy });
              if (policy === 'skip' && o !== StepOutcome.SkippedNonFinite && o !== StepOutcome.Applied) {
                throw new Error(`unexpected outcome ${o}`);
              }
            });
            return r;
          },
        });
      }
    }
  }
  return out;
}

function gradientCases(): FaultCase[] {
  const out: FaultCase[] = [];
  const setups: [string, Record<string, unknown>, number[][]][] = [
    ['a finite 1e38 gradient with globalClipnorm', { globalClipnorm: 1 }, [[1e38, 1e38, 1]]],
    ['a finite 3e38 gradient with clipnorm 10', { clipnorm: 10 }, [[3e38, 1, 1]]],
    ['a NaN gradient', {}, [[Number.NaN, 0, 0]]],
    ['an Infinity gradient', {}, [[Number.POSITIVE_INFINITY, 0, 0]]],
    ['accumulated 3e38 gradients', { gradientAccumulationSteps: 2 }, [[3e38, 0, 0]]],
    ['a 3e38 gradient with weight decay and lr 1e38', { weightDecay: 10, learningRate: 1e38 }, [[3e38, 0, 0]]],
    ['a -3e38 then 3e38 gradient (m overflow)', { beta1: 0.1 }, [[-3.4e38, 0, 0]]],
  ];
  for (const [name, options, grads] of setups) {
    for (const policy of ['error', 'skip'] as const) {
      out.push({
        name: `apply with ${name}, nonFinite '${policy}'`,
        run: () => {
          const w = new Variable([1, -2, 3], { name: 'w' });
          const opt = new Adamax({ learningRate: 0.01, ...quiet, ...options });
          opt.apply([Float32Array.of(3.4e38, 0.2, 0.3)], [w], { nonFinite: 'skip' });
          return attempt(opt, [w], () => {
            for (const g of grads) opt.apply([Float32Array.from(g)], [w], { nonFinite: policy });
            opt.apply([Float32Array.of(3.4e38, 0, 0)], [w], { nonFinite: policy });
          });
        },
      });
    }
  }
  return out;
}

function optionCases(): FaultCase[] {
  const bad: Record<string, unknown>[] = [
    { beta1: 1 },
    { beta1: 1.5 },
    { beta1: Number.NaN },
    { beta2: -0.1 },
    { learningRate: 1e39 },
    { learningRate: -1e39 },
    { learningRate: Number.NaN },
    { learningRate: 'abc' },
    { gradientAccumulationSteps: 2.5 },
    { gradientAccumulationSteps: Number.POSITIVE_INFINITY },
    { gradientAccumulationSteps: '2' },
    { epsilon: Number.NaN },
    { epsilon: -1 },
    { useEma: true, emaMomentum: Number.NaN },
    { clipnorm: Number.POSITIVE_INFINITY },
    { weightDecay: Number.NaN },
    { lossScaleFactor: 0 },
    { backend: 'gpu' },
    { nonsense: 1 },
  ];
  return bad.map((options) => ({
    name: `new Adamax(${JSON.stringify(options, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v))}) is rejected`,
    run: () => {
      const probe = new Adamax(quiet);
      return attempt(probe, [], () => new Adamax({ ...quiet, ...options }));
    },
  }));
}

function applyCases(): FaultCase[] {
  const cases: [string, (opt: Adamax, w: Variable, b: Variable) => void][] = [
    ['the same variable twice', (opt, w) => opt.apply([Float32Array.of(1, 1, 1), Float32Array.of(1, 1, 1)], [w, w])],
    ['an unknown variable', (opt) => opt.apply([Float32Array.of(1, 1, 1)], [new Variable([1, 2, 3])])],
    ['a gradient of the wrong length', (opt, w) => opt.apply([Float32Array.of(1, 1)], [w])],
    ['a Float64Array gradient', (opt, w) => opt.apply([Float64Array.of(1, 1, 1) as unknown as Float32Array], [w])],
    ['only null gradients', (opt, w, b) => opt.apply([null, null], [w, b])],
    ['grads that are not a list', (opt) => opt.apply(null as unknown as Float32Array[])],
    ['more gradients than variables', (opt, w) => opt.apply([Float32Array.of(1, 1, 1), null], [w])],
    ['applyGradients with no list', (opt) => opt.applyGradients(null as unknown as [])],
    [
      'an unknown nonFinite policy',
      (opt, w) => opt.apply([Float32Array.of(1, 1, 1)], [w], { nonFinite: 'x' as 'skip' }),
    ],
    ['learningRate set to 1e39', (opt) => opt.setLearningRate(1e39)],
    ['learningRate set to "abc"', (opt) => opt.setLearningRate('abc' as unknown as number)],
  ];
  return cases.map(([name, act]) => ({
    name: `apply rejects ${name}`,
    run: () => {
      const w = new Variable([1, 2, 3], { name: 'w' });
      const b = new Variable([1], { name: 'b' });
      const opt = new Adamax({ learningRate: 0.01, ...quiet });
      opt.apply([Float32Array.of(0.1, 0.2, 0.3), Float32Array.of(1)], [w, b]);
      return attempt(opt, [w, b], () => act(opt, w, b));
    },
  }));
}

interface LastEvent {
  readonly skipped: number;
  readonly source: { readonly optimizer: Adamax | LossScaleOptimizer };
}

function runLearn(frames: unknown[], options: Parameters<typeof learn>[2] = {}, lr: number | (() => number) = 0.01) {
  const fir = new FirFilter({ taps: 4, frameSize: 8 });
  let error: unknown = null;
  let last: LastEvent | null = null;
  new Observable<readonly Float32Array[]>((s) => {
    for (const f of frames) s.next(f as readonly Float32Array[]);
    s.complete();
  })
    .pipe(learn(fir, () => new Adamax({ learningRate: lr, ...quiet }), options))
    .subscribe({
      next: (e) => {
        last = e as unknown as LastEvent;
      },
      error: (e) => {
        error = e;
      },
    });
  return { error: error as unknown, last: last as LastEvent | null };
}

function learnCases(): FaultCase[] {
  const good = (): Float32Array[] => [
    Float32Array.from({ length: 8 }, (_, i) => Math.sin(i)),
    Float32Array.from({ length: 8 }, (_, i) => Math.cos(i)),
  ];
  const bad: [string, unknown][] = [
    ['a null frame', null],
    ['a frame with one channel', [new Float32Array(8)]],
    ['a frame of the wrong length', [new Float32Array(7), new Float32Array(7)]],
    ['a frame that is a string', 'frame'],
    [
      'a frame of plain arrays',
      [
        [1, 2],
        [3, 4],
      ],
    ],
  ];
  const out: FaultCase[] = bad.map(([name, frame]) => ({
    name: `learn reports ${name} as a typed error`,
    run: () => {
      const { error, last } = runLearn([good(), good(), frame, good()]);
      const typed = error instanceof AdamaxStreamError;
      const s = last ? snapshot(last.source.optimizer) : '';
      return { outcome: typed ? 'error' : 'ok', before: s, after: s, finite: true };
    },
  }));
  for (const policy of ['error', 'skip'] as const) {
    for (const [name, frame, lr] of [
      [
        'a NaN sample',
        (() => {
          const f = good();
          f[1]![3] = Number.NaN;
          return f;
        })(),
        0.01,
      ],
      [
        'an Infinity sample',
        (() => {
          const f = good();
          f[0]![0] = Number.POSITIVE_INFINITY;
          return f;
        })(),
        0.01,
      ],
      ['a NaN learning-rate function', good(), () => Number.NaN],
      ['an Infinity learning-rate function', good(), () => Number.POSITIVE_INFINITY],
    ] as [string, Float32Array[], number | (() => number)][]) {
      out.push({
        name: `learn with ${name}, nonFinite '${policy}'`,
        run: () => {
          const { error, last } = runLearn([good(), frame, good()], { nonFinite: policy }, lr);
          const opt = last?.source.optimizer;
          const finite = opt ? allFinite(opt, []) : true;
          if (policy === 'error') {
            const typed = error instanceof AdamaxStreamError;
            return { outcome: typed ? 'error' : 'ok', before: '', after: '', finite };
          }
          return {
            outcome: 'ok',
            before: '',
            after: '',
            finite,
            check: () => {
              if (error !== null) throw new Error(`skip policy errored: ${String(error)}`);
              if (!last || last.skipped < 1) throw new Error('nothing was counted as skipped');
            },
          };
        },
      });
    }
  }
  return out;
}

function sampleCheckpoint(): Checkpoint {
  const { opt, vars } = trained();
  return {
    format: 'adamax-stream/checkpoint',
    version: 1,
    step: 5,
    groups: vars.map((v) => ({ name: v.name, length: v.value.length })),
    weights: vars.map((v) => v.value.slice()),
    optimizer: opt.saveState(),
    model: { kind: 'test', state: { $num: 'hello', $array: 3, nested: { $obj: -0 }, z: -0 } as never },
    counters: { lastLearningRate: 0.01, skipped: 2, dropped: 7 },
  };
}

function checkpointCases(): FaultCase[] {
  const out: FaultCase[] = [];
  out.push({
    name: 'checkpoint document keeps $-keys, -0 and counters',
    run: () => {
      const cp = sampleCheckpoint();
      const back = decodeCheckpoint(encodeCheckpoint(cp));
      return {
        outcome: 'ok',
        before: '',
        after: '',
        finite: true,
        check: () => {
          const st = back.model!.state as unknown as Record<string, unknown>;
          if (st.$num !== 'hello' || st.$array !== 3) throw new Error(`markers not escaped: ${JSON.stringify(st)}`);
          if (!Object.is((st.nested as Record<string, unknown>).$obj, -0) || !Object.is(st.z, -0)) {
            throw new Error('-0 not kept');
          }
          if (back.counters?.dropped !== 7 || back.counters.skipped !== 2) throw new Error('counters lost');
        },
      };
    },
  });
  const bytes = encodeCheckpoint(sampleCheckpoint());
  // deterministic positions spread over the header and the payload
  for (let k = 0; k < 40; k++) {
    const at = Math.floor((((k * 2654435761) % 2 ** 32) / 2 ** 32) * bytes.length);
    out.push({
      name: `checkpoint with byte ${at} flipped is rejected`,
      run: () => {
        const copy = bytes.slice();
        copy[at] = copy[at]! ^ 0x5a;
        const before = hex(copy);
        let outcome: 'error' | 'ok' = 'ok';
        try {
          decodeCheckpoint(copy);
        } catch (e) {
          if (!(e instanceof AdamaxStreamError)) throw e;
          outcome = 'error';
        }
        return { outcome, before, after: hex(copy), finite: true };
      },
    });
  }
  for (const len of [0, 7, 23, 24, 100, bytes.length - 1]) {
    out.push({
      name: `checkpoint truncated to ${len} bytes is rejected`,
      run: () => {
        let outcome: 'error' | 'ok' = 'ok';
        try {
          decodeCheckpoint(bytes.slice(0, len));
        } catch (e) {
          if (!(e instanceof AdamaxStreamError)) throw e;
          outcome = 'error';
        }
        return { outcome, before: '', after: '', finite: true };
      },
    });
  }
  return out;
}

/** Expected outcome of each case: `'error'` or `'ok'` (with its own check). */
export function apiFaultCases(): { case: FaultCase; expect: 'error' | 'ok' | 'either' }[] {
  const errors = [...loadStateCases(), ...lossScaleCases(), ...optionCases(), ...applyCases()].map((c) => ({
    case: c,
    expect: 'error' as const,
  }));
  const lr = learningRateCases().map((c) => ({
    case: c,
    expect: (c.name.includes("'error'") && !c.name.includes('1e38') ? 'error' : 'either') as 'error' | 'either',
  }));
  const grads = gradientCases().map((c) => ({
    case: c,
    expect: (c.name.includes("'error'") ? 'error' : 'ok') as 'error' | 'ok',
  }));
  const rx = learnCases().map((c) => ({
    case: c,
    expect: (c.name.includes("'skip'") ? 'ok' : 'error') as 'error' | 'ok',
  }));
  const cps = checkpointCases().map((c) => ({
    case: c,
    expect: (c.name.startsWith('checkpoint document') ? 'ok' : 'error') as 'error' | 'ok',
  }));
  return [...errors, ...lr, ...grads, ...rx, ...cps];
}
